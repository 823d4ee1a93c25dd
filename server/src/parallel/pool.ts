// Analyse a project on several cores: workers index their shares, exchange exports, then analyse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileKind } from '../fileKind';
import type { ModuleExports } from '../index/workspace';
import type { FileResult, Project } from '../project';
import type { FromWorker, ToWorker } from './protocol';

/** Below this many files one thread is faster than starting workers. */
export const PARALLEL_THRESHOLD = 48;

export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
}

function workerScript(): string {
  const bundled = path.join(__dirname, 'projectWorker.js'); // dist/, next to cli.js
  if (fs.existsSync(bundled)) return bundled;
  return path.join(__dirname, __dirname.endsWith('parallel') ? 'worker.js' : path.join('parallel', 'worker.js'));
}

/** The same results as `project.analyzeAll()`, computed by `workers` threads. `project` must be opened with index: false. */
export async function analyzeInParallel(project: Project, workers: number): Promise<FileResult[]> {
  const files = project.files.filter((f) => !project.skipped.has(f));
  const n = Math.max(1, Math.min(workers, Math.ceil(files.length / 16)));
  const shares: string[][] = Array.from({ length: n }, () => []);
  files.forEach((f, i) => {
    shares[i % n].push(f);
  });
  // A worker's default young generation is small; the index allocates many short-lived nodes and would spend
  // much of its time in garbage collection (measured: ~40% slower than the main thread without this).
  const pool = shares.map(() => new Worker(workerScript(), { resourceLimits: { maxYoungGenerationSizeMb: 64 } }));
  const ask = (w: Worker, m: ToWorker) =>
    new Promise<FromWorker>((resolve, reject) => {
      w.once('message', (r: FromWorker) => (r.kind === 'error' ? reject(new Error(r.message)) : resolve(r)));
      w.once('error', reject);
      w.postMessage(m);
    });
  try {
    const indexed = await Promise.all(
      pool.map((w, i) =>
        ask(w, {
          kind: 'index',
          files: shares[i],
          settings: project.settings,
          pin: project.pin,
          options: project.options,
        }),
      ),
    );
    const exports: ModuleExports[] = [
      ...project.installed.exports,
      ...indexed.flatMap((r) => (r.kind === 'indexed' ? r.exports : [])),
    ];
    const answers = await Promise.all(pool.map((w) => ask(w, { kind: 'analyze', exports })));
    const byPath = new Map<string, FileResult>();
    for (const a of answers) if (a.kind === 'results') for (const r of a.results) byPath.set(r.path, r);
    return project.files.map(
      (f) =>
        byPath.get(f) ?? {
          path: f,
          kind: fileKind(f),
          findings: [],
          skipped: project.skipped.get(f) ?? 'not analysed',
        },
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

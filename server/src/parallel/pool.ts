// Analyse a project on several cores: this thread and workers read and index their shares, exchange exports,
// then analyse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileKind } from '../fileKind';
import { Project, type FileResult } from '../project';
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

/** Workers started early (before the project is opened), so their start-up overlaps the main thread's reading. */
export function startWorkers(count: number): Worker[] {
  // A worker's default young generation is small; the index allocates many short-lived nodes and would spend
  // much of its time in garbage collection (measured: ~40% slower than the main thread without this).
  return Array.from({ length: Math.max(0, count) }, () => {
    const w = new Worker(workerScript(), { resourceLimits: { maxYoungGenerationSizeMb: 32 } });
    // Kept until analyzeInParallel listens (an 'error' event without a listener would end the process).
    w.once('error', (e) => startErrors.set(w, e));
    return w;
  });
}

const startErrors = new WeakMap<Worker, Error>();

/**
 * This thread's part of a share: it also opens the project, receives the workers' results and hands them over,
 * so with equal shares the workers sat idle waiting for it at the end (~0.6 s of a 1,000-file check profile).
 */
export const MAIN_SHARE = 0.85;

/** Consecutive runs of `files`, the first (this thread's) MAIN_SHARE of an equal share, the rest equal. */
export function shareOut<T>(files: readonly T[], n: number): T[][] {
  if (n <= 1) return [files.slice()];
  const first = Math.round((files.length * MAIN_SHARE) / n);
  const rest = files.length - first;
  const ends = [first, ...Array.from({ length: n - 1 }, (_, i) => first + Math.floor(((i + 1) * rest) / (n - 1)))];
  return ends.map((end, i) => files.slice(i ? ends[i - 1] : 0, end));
}

/** The threads a parallel run of `files` files uses (this one included). */
export function threadsFor(threads: number, files: number): number {
  return Math.max(1, Math.min(threads, Math.ceil(files / 16)));
}

/**
 * The same results as `project.analyzeAll()`, computed by `threads` threads: this one and `threads - 1` workers,
 * each reading, indexing and analysing its share of the files (each file is read once). `project` must be opened
 * with index: false and readAll: false. With `each`, results are handed over in `project.files` order as they
 * arrive and not collected. `started`: workers from `startWorkers` (more are started, or the extra ones ended, as
 * the share count needs).
 */
export async function analyzeInParallel(
  project: Project,
  threads: number,
  each?: (r: FileResult) => void,
  started: Worker[] = [],
): Promise<FileResult[]> {
  const files = project.files.filter((f) => !project.skipped.has(f));
  const n = threadsFor(threads, files.length);
  // Consecutive files (often one package's modules, which import each other) share a thread: a file analysed
  // while its thread indexes (Project.indexAndAnalyze) is analysed again if it imports a file of another share.
  const shares = shareOut(files, n);
  const given = (share: string[]) =>
    new Map(share.flatMap((f) => (project.texts.has(f) ? [[f, project.texts.get(f)!] as const] : [])));
  const budget = Math.floor(project.treeBudget / n);
  const pool = [...started.slice(0, n - 1), ...startWorkers(n - 1 - started.length)];
  for (const w of started.slice(n - 1)) void w.terminate();
  const failed = new Promise<never>((_, reject) => {
    for (const w of pool) {
      const early = startErrors.get(w);
      if (early) reject(early);
      w.on('error', reject);
      w.on('message', (r: FromWorker) => {
        if (r.kind === 'error') reject(new Error(r.message));
      });
    }
  });
  failed.catch(() => undefined);
  const next = (w: Worker, kind: FromWorker['kind']) =>
    new Promise<FromWorker>((resolve) => {
      const on = (r: FromWorker) => {
        if (r.kind !== kind) return;
        w.off('message', on);
        resolve(r);
      };
      w.on('message', on);
    });
  const results: FileResult[] = [];
  const emit = each ?? ((r: FileResult) => results.push(r));
  // Results arrive interleaved from the threads; they leave in the project's file order.
  const pending = new Map<string, FileResult>();
  let at = 0;
  const flush = () => {
    for (; at < project.files.length; at++) {
      const f = project.files[at];
      const skipped = project.skipped.get(f);
      if (skipped) emit({ path: f, kind: fileKind(f), findings: [], skipped });
      else if (pending.has(f)) {
        emit(pending.get(f)!);
        pending.delete(f);
      } else break;
    }
  };
  try {
    const answers = pool.map((w, i) => {
      const answer = next(w, 'indexed');
      w.postMessage({
        kind: 'index',
        files: shares[i + 1],
        given: given(shares[i + 1]),
        settings: project.settings,
        pin: project.pin,
        options: project.options,
        treeBudget: budget,
      } satisfies ToWorker);
      return answer;
    });
    // This thread's share, while the workers index theirs.
    const own = await Project.subset(shares[0], project.settings, project.pin, project.options, given(shares[0]));
    own.treeBudget = budget;
    const imported = own.importedTopLevel();
    const exported = own.indexAndAnalyze();
    const ownPaths = new Set(exported.map((e) => e.path));
    for (const r of await Promise.race([Promise.all(answers), failed]))
      if (r.kind === 'indexed') {
        exported.push(...r.exports);
        for (const m of r.imported) imported.add(m);
      }
    // The installed packages the code imports: known only now that every file has been read.
    if (project.sitePackageDirs) {
      project.indexInstalled(project.sitePackageDirs.dirs, project.sitePackageDirs.roots, imported);
      project.sitePackageDirs = null;
    }
    const exports = [...project.installed.exports, ...exported];
    const done = pool.map((w) => {
      const finished = next(w, 'done');
      w.on('message', (r: FromWorker) => {
        if (r.kind !== 'results') return;
        for (const x of r.results) pending.set(x.path, x);
        flush();
      });
      w.postMessage({ kind: 'analyze', exports, options: project.options } satisfies ToWorker);
      return finished;
    });
    Object.assign(own.options, project.options);
    for (const e of exports) if (!ownPaths.has(e.path)) own.engine.workspace.set(e);
    // Analyse this thread's share a few files at a time, letting the workers' results in between.
    for (let i = 0; i < own.files.length; i++) {
      const r = own.analyzeFile(own.files[i], true);
      if (r) pending.set(r.path, r);
      if (i % 4 === 3) {
        flush();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    own.dispose();
    flush();
    await Promise.race([Promise.all(done), failed]);
    // Files no thread could analyse (none are expected) are reported, never dropped.
    for (const f of project.files.slice(at))
      if (!pending.has(f) && !project.skipped.has(f)) project.skipped.set(f, 'not analysed');
    flush();
    return results;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

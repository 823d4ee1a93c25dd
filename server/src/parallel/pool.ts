// Analyse a project on several cores: this thread and workers claim chunks of files to read, index and analyse
// until none is left, exchange exports, then confirm (or redo) those analyses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileKind } from '../fileKind';
import { Project, type FileResult } from '../project';
import type { ModuleExports } from '../index/workspace';
import { chunkOut, claimChunks } from './chunks';
import type { FromWorker, ToWorker } from './protocol';
import { formatTimelines, type Mark, Timeline, timelineOn } from './timeline';

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

/** The threads a parallel run of `files` files uses (this one included). */
export function threadsFor(threads: number, files: number): number {
  return Math.max(1, Math.min(threads, Math.ceil(files / 16)));
}

/**
 * The same results as `project.analyzeAll()`, computed by `threads` threads: this one and `threads - 1` workers,
 * each reading, indexing and analysing the chunks of files it claims (each file is read once). `project` must be opened
 * with index: false and readAll: false. With `each`, results are handed over in `project.files` order as they
 * arrive and not collected. `started`: workers from `startWorkers` (more are started, or the extra ones ended, as
 * the share count needs).
 */
export async function analyzeInParallel(
  project: Project,
  threads: number,
  each?: (r: FileResult) => void,
  started: Worker[] = [],
  timeline = new Timeline('main'),
): Promise<FileResult[]> {
  const files = project.files.filter((f) => !project.skipped.has(f));
  const n = threadsFor(threads, files.length);
  // Consecutive files (often one package's modules, which import each other) share a chunk: a file analysed while
  // its thread indexes (Project.indexAndAnalyze) is analysed again if it imports a file another thread claimed.
  const chunks = chunkOut(files, n);
  const claimed = new Int32Array(new SharedArrayBuffer(4));
  // The texts this thread read (dependency pins), so no file is read twice.
  const given = new Map(files.flatMap((f) => (project.texts.has(f) ? [[f, project.texts.get(f)!] as const] : [])));
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
    const answers = pool.map((w) => {
      const answer = next(w, 'indexed');
      w.postMessage({
        kind: 'index',
        chunks,
        claimed,
        given,
        settings: project.settings,
        pin: project.pin,
        options: project.options,
        treeBudget: budget,
      } satisfies ToWorker);
      return answer;
    });
    timeline.mark('index posted');
    // This thread claims chunks too, while the workers claim theirs.
    const own = await Project.subset([], project.settings, project.pin, project.options);
    own.treeBudget = budget;
    const exported: ModuleExports[] = [];
    claimChunks(claimed, chunks, (chunk) => {
      own.addFiles(chunk, given);
      exported.push(...own.indexAndAnalyze(chunk));
      timeline.mark(`chunk ${chunk.length}`);
    });
    const imported = own.importedTopLevel();
    timeline.mark(`indexed+analysed ${own.files.length}`);
    const indexed = await Promise.race([Promise.all(answers), failed]);
    timeline.mark('workers indexed');
    // Each thread's exports, this one's first: a worker is sent only the others' (a thread has its own already).
    const byThread = [exported];
    for (const r of indexed)
      if (r.kind === 'indexed') {
        byThread.push(r.exports);
        for (const m of r.imported) imported.add(m);
      }
    // The installed packages the code imports: known only now that every file has been read.
    if (project.sitePackageDirs) {
      project.indexInstalled(project.sitePackageDirs.dirs, project.sitePackageDirs.roots, imported);
      project.sitePackageDirs = null;
    }
    const othersOf = (thread: number) => [
      ...project.installed.exports,
      ...byThread.flatMap((e, i) => (i === thread ? [] : e)),
    ];
    timeline.mark('installed indexed');
    const marks: Mark[][] = [];
    const done = pool.map((w, i) => {
      const finished = next(w, 'done').then((r) => r.kind === 'done' && marks.push(r.marks));
      w.on('message', (r: FromWorker) => {
        if (r.kind !== 'results') return;
        for (const x of r.results) pending.set(x.path, x);
        flush();
      });
      w.postMessage({ kind: 'analyze', exports: othersOf(i + 1), options: project.options } satisfies ToWorker);
      return finished;
    });
    timeline.mark('analyze posted');
    Object.assign(own.options, project.options);
    const ownPaths = new Set(exported.map((e) => e.path));
    for (const e of othersOf(0)) if (!ownPaths.has(e.path)) own.engine.workspace.set(e);
    timeline.mark('exports set');
    // Analyse this thread's files a few at a time, letting the workers' results in between.
    for (let i = 0; i < own.files.length; i++) {
      const r = own.analyzeFile(own.files[i], true);
      if (r) pending.set(r.path, r);
      if (i % 4 === 3) {
        flush();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    timeline.mark(`analysed (${own.redone} redone)`);
    own.dispose();
    flush();
    await Promise.race([Promise.all(done), failed]);
    timeline.mark('workers done');
    // Files no thread could analyse (none are expected) are reported, never dropped.
    for (const f of project.files.slice(at))
      if (!pending.has(f) && !project.skipped.has(f)) project.skipped.set(f, 'not analysed');
    flush();
    timeline.mark('emitted');
    if (timelineOn) {
      const threads = [
        { thread: 'main', marks: timeline.marks },
        ...marks.map((m, i) => ({ thread: `w${i + 1}`, marks: m })),
      ];
      process.stderr.write(`${formatTimelines(timeline, threads)}\n`);
    }
    return results;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

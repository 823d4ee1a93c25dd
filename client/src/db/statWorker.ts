// Sizes of local files, and the objects a store folder holds, from a worker thread: compare looks at every
// distinct object of a table, which on the main thread was about a third of its CPU; from the worker one batch
// is looked at while the main thread parses the next rows. One worker per process, started on first use, not
// keeping the process alive while idle, and ended after IDLE_MS without work (its heap, ~20–40 MB of resident
// memory after a store's listing, is given back; a later request starts it again, ~30 ms). If the worker cannot
// run, the work is done here, synchronously.
//
// A stat costs ~5–7 µs on the benchmark's VM (mostly the kernel's path walk), one directory listing ~1.7 µs per
// name: for a table that points at most of a store, listing the store's folders once (digestsUnder) is ~4× cheaper
// than a stat per object, at the price of not seeing sizes.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** A file's size, or what it is instead. */
export const MISSING = -1;
export const DIRECTORY = -2;
export const FAILED = -3;

/** The sizes of `paths` (MISSING, DIRECTORY, FAILED for what is not a file). Runs in the worker too: self-contained. */
function statAll(fs: typeof import('node:fs'), paths: readonly string[]): Float64Array {
  const sizes = new Float64Array(paths.length);
  for (let i = 0; i < paths.length; i++) {
    try {
      const st = fs.statSync(paths[i], { throwIfNoEntry: false });
      sizes[i] = st === undefined ? -1 : st.isDirectory() ? -2 : st.size;
    } catch {
      sizes[i] = -3;
    }
  }
  return sizes;
}

/**
 * The 16-byte digests of the objects 0.14.6 stored under `dir` with subfolding `folding` (`dir/ab/cd/<32 hex>`
 * for [2, 2]): every file or directory (as checkFile, a directory passes) at the folding's depth named by 32 hex
 * digits that begin with its folders' names, in listing order, 16 bytes each; a symbolic link counts when what
 * it points at does. Other names are passed over. null when `dir` cannot be listed. `expected`: about how many
 * there are (the buffer is sized for them, and grows only past them). Runs in the worker too: self-contained.
 */
function listDigests(
  fs: typeof import('node:fs'),
  dir: string,
  folding: readonly number[],
  expected: number,
): Uint8Array | null {
  let out = new Uint8Array(Math.max(1024, Math.ceil(expected * 1.02) + 64) * 16);
  let n = 0;
  const hexValue = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1);
  // With their types (no dearer than names alone, measured): a file needs no stat unless it is a link.
  const listed = (d: string): import('node:fs').Dirent[] | null => {
    try {
      return fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return null;
    }
  };
  const there = (e: import('node:fs').Dirent, d: string): boolean => {
    if (e.isFile() || e.isDirectory()) return true;
    // A symbolic link (or a file system that gives no type): what it points at.
    try {
      const st = fs.statSync(`${d}/${e.name}`, { throwIfNoEntry: false });
      return st !== undefined && (st.isFile() || st.isDirectory());
    } catch {
      return false;
    }
  };
  const walk = (d: string, depth: number, prefix: string): boolean => {
    const entries = listed(d);
    if (entries === null) return depth > 0; // a folder that vanished or is a file: nothing of ours in it
    if (depth < folding.length) {
      for (const { name } of entries)
        if (name.length === folding[depth]) walk(`${d}/${name}`, depth + 1, prefix + name);
      return true;
    }
    for (const entry of entries) {
      const e = entry.name;
      if (e.length !== 32 || !e.startsWith(prefix) || !there(entry, d)) continue;
      if (n + 16 > out.length) {
        const grown = new Uint8Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      let ok = true;
      for (let i = 0; i < 16 && ok; i++) {
        const hi = hexValue(e.charCodeAt(2 * i));
        const lo = hexValue(e.charCodeAt(2 * i + 1));
        ok = hi >= 0 && lo >= 0;
        out[n + i] = (hi << 4) | lo;
      }
      if (ok) n += 16;
    }
    return true;
  };
  // A view of the first n bytes: the buffer itself is handed over (no copy).
  return walk(dir, 0, '') ? out.subarray(0, n) : null;
}

const CODE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const statAll = ${statAll.toString()};
const listDigests = ${listDigests.toString()};
parentPort.on('message', ({ id, paths, dir, folding, expected }) => {
  if (paths) {
    const sizes = statAll(fs, paths);
    parentPort.postMessage({ id, sizes }, [sizes.buffer]);
  } else {
    const digests = listDigests(fs, dir, folding, expected);
    parentPort.postMessage({ id, digests }, digests ? [digests.buffer] : []);
  }
});
`;

/** The sizes of `paths` in this thread (MISSING, DIRECTORY, FAILED for what is not a file). */
export function sizesNow(paths: readonly string[]): Float64Array {
  return statAll(fs, paths);
}

/** listDigests in this thread. */
export function digestsNow(dir: string, folding: readonly number[], expected = 0): Uint8Array | null {
  return listDigests(fs, dir, folding, expected);
}

type Answer = { sizes?: Float64Array; digests?: Uint8Array | null };

/** How long the worker may wait idle before it is ended. */
const IDLE_MS = 2000;

let worker: Worker | null = null;
let idle: NodeJS.Timeout | null = null;
let broken = false;
let nextId = 0;
const waiting = new Map<number, (answer: Answer | null) => void>();

function started(): Worker | null {
  if (worker || broken) return worker;
  try {
    // A small heap: it holds one batch of paths at a time (the default young generation alone grew to tens of MB).
    // Not smaller than 8 MB of young generation: at 2 MB each file's Stats (with its four Dates) filled it
    // within a few batches, ~730 collections for 667,666 files, ~0.7 s of the worker's CPU. A listing's digests
    // (16 bytes an object) sit outside the heap.
    const w = new Worker(CODE, {
      eval: true,
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 32 },
    });
    w.on('message', ({ id, ...answer }: { id: number } & Answer) => {
      const done = waiting.get(id);
      waiting.delete(id);
      if (waiting.size === 0) {
        w.unref();
        cancelIdle();
        idle = setTimeout(() => end(w), IDLE_MS);
        idle.unref();
      }
      done?.(answer);
    });
    const fail = () => {
      if (worker !== w) return; // ended for being idle (end), not failed
      broken = true;
      worker = null;
      for (const done of waiting.values()) done(null);
      waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', fail);
    w.unref();
    worker = w;
  } catch {
    broken = true;
  }
  return worker;
}

function cancelIdle(): void {
  if (idle) clearTimeout(idle);
  idle = null;
}

/** Ends an idle worker; its 'exit' is then no failure (fail sees it is no longer `worker`). */
function end(w: Worker): void {
  if (worker !== w || waiting.size) return;
  worker = null;
  idle = null;
  void w.terminate();
}

function ask<T>(message: object, read: (a: Answer) => T, here: () => T): Promise<T> {
  const w = started();
  if (!w) return Promise.resolve(here());
  cancelIdle();
  const id = nextId++;
  return new Promise<T>((resolve) => {
    waiting.set(id, (answer) => resolve(answer ? read(answer) : here()));
    w.ref();
    w.postMessage({ id, ...message });
  });
}

/** Whether the worker thread is running now (tests: it ends after IDLE_MS idle). */
export function workerRunning(): boolean {
  return worker !== null;
}

/** The sizes of `paths`, stat'ed on the worker thread (or here, when it cannot run). */
export function sizesOf(paths: string[]): Promise<Float64Array> {
  return ask(
    { paths },
    (a) => a.sizes ?? sizesNow(paths),
    () => sizesNow(paths),
  );
}

/** listDigests on the worker thread (or here, when it cannot run). */
export function digestsUnder(dir: string, folding: readonly number[], expected = 0): Promise<Uint8Array | null> {
  return ask(
    { dir, folding: [...folding], expected },
    (a) => a.digests ?? null,
    () => digestsNow(dir, folding, expected),
  );
}

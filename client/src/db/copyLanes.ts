// A table's chunk walk on several sessions at once (a first copy of a table with pointer-only columns: each
// chunk costs the server about two baseline INSERT … SELECTs, so two sessions use the server's second core
// while this process looks at the shared files). Chunks are taken in key order one at a time (each bounded
// after the one before), copied on whichever session is free, and reported in key order: the checkpoint only
// ever moves over chunks that are all committed. A chunk committed past the checkpoint when the copy stops is
// found by the resumed walk (its rows are already present), never skipped.
import type { Key } from './state';

export interface LaneWalk<L, B> {
  /** The next chunk after `last` on `lane`, or null when there is none. */
  bound(lane: L, last: Key | null): Promise<(B & { upper: Key | null }) | null>;
  /** Copies the chunk (`last`, b.upper]; returns its rows. */
  copy(lane: L, last: Key | null, b: B & { upper: Key | null }): Promise<number>;
  /** A chunk committed, with every chunk before it: in key order. */
  done(rows: number, upper: Key | null, ms: number): void;
  /** Throws to stop taking chunks (a cancel). */
  check(): void;
}

export async function walkInLanes<L, B>(lanes: readonly L[], start: Key | null, w: LaneWalk<L, B>): Promise<void> {
  const order: { upper: Key | null; rows: number; ms: number; done: boolean }[] = [];
  let last = start;
  let ended = false;
  let failed = false;
  // Bounds are taken one after another (each starts where the previous ended).
  let taking: Promise<unknown> = Promise.resolve();
  const take = (lane: L) => {
    const next = taking.then(async () => {
      if (ended || failed) return null;
      const lower = last;
      const b = await w.bound(lane, lower);
      if (!b) {
        ended = true;
        return null;
      }
      last = b.upper;
      if (b.upper === null) ended = true;
      const entry = { upper: b.upper, rows: 0, ms: 0, done: false };
      order.push(entry);
      return { lower, b, entry };
    });
    taking = next.catch(() => undefined);
    return next;
  };
  const run = async (lane: L) => {
    try {
      for (;;) {
        w.check();
        const t = await take(lane);
        if (!t) return;
        const began = Date.now();
        t.entry.rows = await w.copy(lane, t.lower, t.b);
        t.entry.ms = Date.now() - began;
        t.entry.done = true;
        while (order[0]?.done) {
          const e = order.shift()!;
          w.done(e.rows, e.upper, e.ms);
        }
      }
    } catch (e) {
      failed = true;
      throw e;
    }
  };
  // Every session's statement has ended before this returns (a session is released only when idle).
  const settled = await Promise.allSettled(lanes.map(run));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}

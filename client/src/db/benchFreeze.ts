// The cut-over freeze of `npm run bench:db` (bench.ts): `db swap` of a copied pipeline where the same 100
// rows are written after the pre-freeze pass (in the confirm callback, as a user finishing their last writes
// would), at the benchmark's size and at a tenth of it. The ratio of the two frozen times says whether the
// freeze follows the delta (≈ 1) or the size of the pipeline (≈ 10).
import type { Db } from './connection';
import { q, qt } from './sql';
import { copy } from './copy';
import { createParallel } from './parallel';
import os from 'node:os';
import { swapSchemas } from './swap';
import { alignForeignKeys, planRotation, runRotation } from './rotation';
import type { StoreMap } from './stores';
import { describeFreeze } from './cutover/freeze';
import { uint8BlobSql } from './benchBlobs';
import { traceStatements } from './benchTrace';
import { benchPhase } from './benchMemory';

export interface FreezeMeasure {
  bigRows: number;
  bigMs: number;
  smallRows: number;
  smallMs: number;
  details: string[];
}

/** A generated, copied pipeline: `schema` (0.14.6) and `schema_v2` (its copy). */
export interface BenchPipeline {
  schema: string;
  side: number;
  stores: StoreMap;
  /** Drop what it created (the `_old` schema a swap leaves included). */
  drop: () => Promise<void>;
}

/** Swap `p` with a 100-row delta written after the pre-freeze pass; returns the frozen time. */
async function frozenTime(db: Db, p: BenchPipeline, details: string[]): Promise<number> {
  const trial = qt(p.schema, 'trial');
  // DJM_BENCH_TRACE=1: the statements of the freeze that took longest, by text.
  const trace = process.env.DJM_BENCH_TRACE === '1' ? traceStatements(db) : null;
  const before = details.length;
  const r = await swapSchemas(trace?.db ?? db, {
    schemas: [p.schema],
    suffix: '_v2',
    oldSuffix: '_old',
    stores: p.stores,
    onProgress: (e) => benchPhase(`freeze ${p.side ** 3} rows: ${e.step}`),
    confirm: async () => {
      await db.execute(
        `INSERT INTO ${trial} (subject_id, session_idx, trial_idx, start_time, duration, outcome, note, trace) ` +
          `SELECT ?, 0, seq, 0, 1, 'hit', 'late', ${uint8BlobSql("''")} FROM (SELECT 0 AS seq ${Array.from({ length: 99 }, (_, i) => `UNION ALL SELECT ${i + 1}`).join(' ')}) AS x`,
        [p.side + 1],
      );
      if (trace) trace.on = true;
      return true;
    },
  });
  const rows = `${(p.side ** 3).toLocaleString('en')} rows`;
  if (trace) {
    trace.on = false;
    details.push(...trace.take().map((l) => `${rows}: ${l}`));
    console.error(details.slice(before).join('\n'));
  }
  if (r.status !== 'swapped' || !r.freeze?.actualMs)
    throw new Error(`benchmark swap refused: ${r.refusals.join('; ')}`);
  details.push(...describeFreeze(r.freeze).map((l) => `${rows}: ${l}`));
  details.push(
    `${rows}: load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  return r.freeze.actualMs;
}

export async function measureFreeze(
  db: Db,
  big: BenchPipeline,
  makeSmall: (side: number) => Promise<BenchPipeline>,
  repeat = 1,
): Promise<FreezeMeasure> {
  const details: string[] = [];
  const bigMs = await frozenTime(db, big, details);
  const small = await makeSmall(Math.max(2, Math.round(big.side / Math.cbrt(10))));
  try {
    const pairs = [{ bigMs, smallMs: await frozenTime(db, small, details), first: 'large' }];
    // `repeat` > 1: the pair is measured again (the swaps undone in between), alternating which size goes
    // first; the pair with the median ratio is reported, and every pair is listed with the load average.
    for (let i = 1; i < repeat; i++) {
      for (const p of [big, small]) await undoSwap(db, p);
      const first = i % 2 === 1 ? small : big;
      const second = first === big ? small : big;
      const a = await frozenTime(db, first, details);
      const b = await frozenTime(db, second, details);
      pairs.push(first === big ? { bigMs: a, smallMs: b, first: 'large' } : { bigMs: b, smallMs: a, first: 'small' });
    }
    if (repeat > 1)
      for (const [i, x] of pairs.entries())
        details.push(
          `pair ${i + 1} (${x.first} first): ${x.bigMs} ms / ${x.smallMs} ms, ratio ${(x.bigMs / x.smallMs).toFixed(2)}`,
        );
    const median = [...pairs].sort((a, b) => a.bigMs / a.smallMs - b.bigMs / b.smallMs)[(pairs.length - 1) >> 1];
    return {
      bigRows: big.side ** 3,
      bigMs: median.bigMs,
      smallRows: small.side ** 3,
      smallMs: median.smallMs,
      details,
    };
  } finally {
    await small.drop();
  }
}

/**
 * Undo a benchmark swap without timing it: the tables go back (`schema` → `schema_v2`, `schema_old` →
 * `schema`) in one rotation, and the 100 late rows are deleted from both sides, which are equal again.
 */
async function undoSwap(db: Db, p: BenchPipeline): Promise<void> {
  const plan = await planRotation(db, [
    { from: p.schema, to: `${p.schema}_v2` },
    { from: `${p.schema}_old`, to: p.schema },
  ]);
  if (plan.refusals.length) throw new Error(`benchmark: cannot undo the swap: ${plan.refusals.join('; ')}`);
  await runRotation(db, plan);
  await alignForeignKeys(db, [[p.schema], [`${p.schema}_v2`]]);
  for (const s of [p.schema, `${p.schema}_v2`])
    await db.execute(`DELETE FROM ${qt(s, 'trial')} WHERE subject_id = ?`, [p.side + 1]);
}

/** Create the parallel schema of `schema` and copy every table into it. */
export async function copiedPipeline(db: Db, schema: string, stores: StoreMap): Promise<void> {
  await createParallel(db, { schemas: [schema], suffix: '_v2', unsigned: 'widen' });
  const r = await copy(db, { pairs: [{ source: schema, target: `${schema}_v2` }], stores });
  if (r.failed || r.cancelled) throw new Error('benchmark copy failed');
}

export async function dropSchemas(db: Db, names: string[]): Promise<void> {
  for (const s of names) await db.execute(`DROP DATABASE IF EXISTS ${q(s)}`).catch(() => undefined);
}

// The cut-over freeze of `npm run bench:db` (bench.ts): `db swap` of a copied pipeline where the same 100
// rows are written after the pre-freeze pass (in the confirm callback, as a user finishing their last writes
// would), at the benchmark's size and at a tenth of it. The ratio of the two frozen times says whether the
// freeze follows the delta (≈ 1) or the size of the pipeline (≈ 10).
import type { Db } from './connection';
import { q, qt } from './sql';
import { copy } from './copy';
import { createParallel } from './parallel';
import { swapSchemas } from './swap';
import type { StoreMap } from './stores';
import { describeFreeze } from './cutover/freeze';
import { uint8BlobSql } from './benchBlobs';

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
  const r = await swapSchemas(db, {
    schemas: [p.schema],
    suffix: '_v2',
    oldSuffix: '_old',
    stores: p.stores,
    confirm: async () => {
      await db.execute(
        `INSERT INTO ${trial} (subject_id, session_idx, trial_idx, start_time, duration, outcome, note, trace) ` +
          `SELECT ?, 0, seq, 0, 1, 'hit', 'late', ${uint8BlobSql("''")} FROM (SELECT 0 AS seq ${Array.from({ length: 99 }, (_, i) => `UNION ALL SELECT ${i + 1}`).join(' ')}) AS x`,
        [p.side + 1],
      );
      return true;
    },
  });
  if (r.status !== 'swapped' || !r.freeze?.actualMs)
    throw new Error(`benchmark swap refused: ${r.refusals.join('; ')}`);
  details.push(...describeFreeze(r.freeze).map((l) => `${(p.side ** 3).toLocaleString('en')} rows: ${l}`));
  return r.freeze.actualMs;
}

export async function measureFreeze(
  db: Db,
  big: BenchPipeline,
  makeSmall: (side: number) => Promise<BenchPipeline>,
): Promise<FreezeMeasure> {
  const details: string[] = [];
  const bigMs = await frozenTime(db, big, details);
  const small = await makeSmall(Math.max(2, Math.round(big.side / Math.cbrt(10))));
  try {
    const smallMs = await frozenTime(db, small, details);
    return { bigRows: big.side ** 3, bigMs, smallRows: small.side ** 3, smallMs, details };
  } finally {
    await small.drop();
  }
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

// The PostgreSQL part of `npm run bench:db`: `db copy --target postgresql://…` of the generated 0.14.6 `trial`
// table (chunked, canonical values, COPY FROM STDIN per chunk) against the plainest pipe between the two
// servers in the same process: one streaming `SELECT` on MySQL encoded line by line into one `COPY … FROM STDIN`
// (no chunks, no checks). Server from DJM_BENCH_PG (default postgresql://postgres@127.0.0.1:5432, password
// from DJ_TARGET_PASS); a scratch database is created there and dropped at the end. Asserts nothing.
import { randomBytes } from 'node:crypto';
import type { Db } from './connection';
import { openPg, pq, pqt } from './connect/dialects/postgres';
import { introspectPg } from './connect/dialects/pgIntrospect';
import { parseTargetUrl, type TargetSpec } from './connect/target';
import { copyLine } from './copy/pgCopyText';
import { crossCopy } from './cross/copy';
import { PgSide } from './cross/pgSide';
import { createParallelPg } from './schema/pgParallel';
import { q, qt } from './sql';
import { benchPhase } from './benchMemory';

type Line = (label: string, value: string) => void;

export async function runPgBench(db: Db, src: string, total: number, line: Line): Promise<void> {
  const url = parseTargetUrl(process.env.DJM_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  const spec: TargetSpec = { ...url, password: process.env.DJ_TARGET_PASS ?? '', tls: false };
  const admin = await openPg(spec);
  const scratch = `djm_bench_${randomBytes(3).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${pq(scratch)}`);
  const pg = await openPg({ ...spec, database: scratch });
  try {
    await createParallelPg(db, pg, { schemas: [src], suffix: '', unsigned: 'widen', allowSameNames: true });
    const trial = (await introspectPg(pg, [src])).get(`${src}.trial`);
    if (!trial) throw new Error('benchmark: trial was not created on PostgreSQL');
    await pg.query(`CREATE TABLE ${pqt(src, 'trial_base')} (LIKE ${pqt(src, 'trial')} INCLUDING ALL)`);

    // Baseline first: every row streamed from MySQL straight into one COPY.
    const floats = new Set(
      (
        await db.query<{ c: string }>(
          "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'trial' AND DATA_TYPE = 'float'",
          [src],
        )
      ).map((r) => r.c),
    );
    const select = trial.columns.map((c) => (floats.has(c.name) ? `(${q(c.name)} + 0e0) AS ${q(c.name)}` : q(c.name)));
    benchPhase('PostgreSQL baseline SELECT → COPY');
    const base = await timed(async () => {
      const rows = db.stream(`SELECT ${select.join(', ')} FROM ${qt(src, 'trial')}`);
      async function* lines() {
        let batch = '';
        for await (const r of rows) {
          batch += copyLine(
            trial!.columns.map((c) => r[c.name]),
            trial!.columns,
          );
          if (batch.length >= 64 * 1024) {
            yield batch;
            batch = '';
          }
        }
        if (batch) yield batch;
      }
      return pg.copyFrom(
        `COPY ${pqt(src, 'trial_base')} (${trial.columns.map((c) => pq(c.name)).join(', ')}) FROM STDIN`,
        lines(),
      );
    });
    if (base.value !== total) throw new Error(`benchmark baseline COPY wrote ${base.value} of ${total} rows`);
    const side = new PgSide(pg, pg.describe());
    benchPhase('PostgreSQL copy (tool)');
    const ours = await timed(() => crossCopy(db, side, { pairs: [{ source: src, target: src }], tables: ['trial'] }));
    const t = ours.value.tables[0];
    if (t?.status !== 'done' || t.rowsInserted !== total)
      throw new Error(`benchmark copy into PostgreSQL did not complete: ${JSON.stringify(t)}`);
    const rBase = total / base.s;
    const rOurs = total / ours.s;
    line('streaming SELECT → COPY FROM STDIN (PG baseline)', `${fmt(rBase)} rows/s`);
    line(
      'PostgreSQL copy, 0.14.6 table without pointers',
      `${fmt(rOurs)} rows/s  ratio ${(rOurs / rBase).toFixed(2)} (aim ≥ 0.5)`,
    );
  } finally {
    await pg.close();
    await admin.query(`DROP DATABASE IF EXISTS ${pq(scratch)} WITH (FORCE)`).catch(() => undefined);
    await admin.close();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; s: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

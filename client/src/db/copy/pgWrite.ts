// Bulk writes into PostgreSQL: a chunk of rows (values as the MySQL connection returns them, pointers already
// converted to 2.x JSON) sent through `COPY "schema"."table" (cols) FROM STDIN` in one transaction. Lines are
// encoded lazily (pgCopyText.ts) and batched into ~64 KiB writes; the stream only asks for the next batch when
// the socket has taken the last, so memory stays bounded by the chunk the caller already holds. Never an
// upsert: a key already present fails the chunk (duplicate key), and the error names table, column and key.
import type { PgDb } from '../connect/dialects/postgres';
import { pq, pqt } from '../connect/dialects/postgres';
import type { PgColumn } from '../schema/pgDdl';
import { copyLine } from './pgCopyText';
import { DbInputError } from '../sql';

/** What the writer needs of a target table: its name, the columns written (in value order) and its key. */
export interface PgWriteTable {
  schema: string;
  name: string;
  columns: readonly PgColumn[];
  primaryKey: readonly string[];
}

const BATCH_BYTES = 64 * 1024;

/** `COPY "s"."t" ("a", "b") FROM STDIN`: the statement a chunk runs (also what a dry run prints). */
export function copySql(t: PgWriteTable): string {
  return `COPY ${pqt(t.schema, t.name)} (${t.columns.map((c) => pq(c.name)).join(', ')}) FROM STDIN`;
}

/** `k1=v1, k2=v2` of one row (values in column order). */
export function keyTextOf(t: PgWriteTable, row: readonly unknown[]): string {
  return t.primaryKey
    .map((k) => {
      const v = row[t.columns.findIndex((c) => c.name === k)];
      return `${k}=${Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : String(v)}`;
    })
    .join(', ');
}

/** A failed COPY, naming the table and, where the server says which line failed, that row's key and column. */
export class PgCopyError extends Error {
  override name = 'PgCopyError';
  constructor(
    message: string,
    readonly table: string,
    readonly key: string | null,
    readonly column: string | null,
  ) {
    super(message);
  }
}

/**
 * Write `rows` (each in `t.columns` order) in one transaction; returns the rows copied. An encoding problem
 * (a value PostgreSQL cannot hold) is found before anything reaches the server for that line and rolls the
 * chunk back; so does any server error (duplicate key, foreign key, constraint).
 */
export async function writeChunkPg(
  db: PgDb,
  t: PgWriteTable,
  rows: readonly (readonly unknown[])[],
  signal?: AbortSignal,
): Promise<number> {
  if (!rows.length) return 0;
  const table = `${t.schema}.${t.name}`;
  const lines = function* (): Generator<string> {
    let batch = '';
    for (const row of rows) {
      try {
        batch += copyLine(row, t.columns, table);
      } catch (e) {
        if (e instanceof DbInputError)
          throw new DbInputError(`${e.message} (key ${keyTextOf(t, row)}); nothing of this chunk was written`);
        throw e;
      }
      if (batch.length >= BATCH_BYTES) {
        yield batch;
        batch = '';
      }
    }
    if (batch) yield batch;
  };
  try {
    const n = await db.transaction(() => db.copyFrom(copySql(t), lines(), signal));
    if (n !== rows.length) throw new PgCopyError(`${table}: COPY wrote ${n} of ${rows.length} rows`, table, null, null);
    return n;
  } catch (e) {
    throw describeCopyError(e, t, rows);
  }
}

/** PostgreSQL reports `COPY t, line 3, column x: …` in `where` and the key in `detail`; turn that into our terms. */
export function describeCopyError(e: unknown, t: PgWriteTable, rows: readonly (readonly unknown[])[]): Error {
  const table = `${t.schema}.${t.name}`;
  if (e instanceof PgCopyError || e instanceof DbInputError) return e;
  if ((e as Error)?.name === 'AbortError') return e as Error;
  const err = e as { message?: string; where?: string; detail?: string; column?: string; constraint?: string };
  const at = /line (\d+)(?:, column ([^:]+))?/.exec(err.where ?? '');
  const row = at ? rows[Number(at[1]) - 1] : rowOfDetail(t, rows, err.detail);
  const key = row ? keyTextOf(t, row) : null;
  const column = at?.[2] ?? err.column ?? null;
  const parts = [
    `${table}${column ? `.${column}` : ''}${key ? ` (key ${key})` : ''}: ${err.message ?? String(e)}`,
    err.detail ? ` — ${err.detail}` : '',
    '; the chunk was rolled back',
  ];
  return new PgCopyError(parts.join(''), table, key, column);
}

/**
 * Foreign-key and unique violations are checked after the lines are read, so PostgreSQL names no line, only
 * `Key (a, b)=(1, x)` in the detail: the first row holding those values.
 */
function rowOfDetail(
  t: PgWriteTable,
  rows: readonly (readonly unknown[])[],
  detail?: string,
): readonly unknown[] | undefined {
  const m = /^Key \((.+?)\)=\((.*)\)/.exec(detail ?? '');
  if (!m) return undefined;
  const cols = m[1].split(', ').map((n) => t.columns.findIndex((c) => c.name === n.replace(/^"|"$/g, '')));
  const vals = m[2].split(', ');
  if (cols.some((i) => i < 0) || vals.length !== cols.length) return undefined;
  return rows.find((r) => cols.every((c, i) => String(r[c]) === vals[i]));
}

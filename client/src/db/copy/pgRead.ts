// Reading a PostgreSQL table for compare and verify: rows in primary-key order, a chunk at a time (keyset
// pagination, `WHERE (k1, k2) > ($1, $2) ORDER BY k1, k2 LIMIT n`, an index range on the primary key), or the
// rows of a given set of keys. Values come as PostgreSQL's text output (nothing parsed lossily) and are turned
// into canonical values (canon.ts) that mean the same as a 0.14.6 MySQL value of the column.
import type { PgDb } from '../connect/dialects/postgres';
import { pq, pqt } from '../connect/dialects/postgres';
import type { PgColumnInfo, PgTableInfo } from '../connect/dialects/pgIntrospect';
import { type Canon, canonKindPg, canonPg } from './canon';

/** A key as read back (PostgreSQL text, bytea as bytes): passed as parameters it selects the same row. */
export type PgKey = (string | Buffer)[];

export interface PgChunk {
  /** Canonical values, one array per row, in `columns` order. */
  rows: Canon[][];
  /** The raw key of each row (for the next page or for reports). */
  keys: PgKey[];
  /** The last key of the chunk, or null when the chunk is empty. */
  last: PgKey | null;
}

export interface PgReadSpec {
  table: PgTableInfo;
  /** Columns to read (default: all, in table order). */
  columns?: readonly string[];
}

function columnsOf(spec: PgReadSpec): PgColumnInfo[] {
  const { table } = spec;
  if (!spec.columns) return table.columns;
  return spec.columns.map((n) => {
    const c = table.columns.find((x) => x.name === n);
    if (!c) throw new Error(`${table.schema}.${table.name} has no column ${n}`);
    return c;
  });
}

/** The next `limit` rows after `after` (null: from the start) in primary-key order. */
export async function readChunkPg(db: PgDb, spec: PgReadSpec, after: PgKey | null, limit: number): Promise<PgChunk> {
  const { table } = spec;
  const key = table.primaryKey.map(pq);
  if (!key.length) throw new Error(`${table.schema}.${table.name} has no primary key; it cannot be read in chunks`);
  const params: unknown[] = after ? [...after] : [];
  const where = after ? `WHERE (${key.join(', ')}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})` : '';
  return select(db, spec, `${where} ORDER BY ${key.join(', ')} LIMIT ${Math.max(1, Math.floor(limit))}`, params);
}

/** The rows whose keys are `keys` (any order in, key order out); keys not present are simply absent. */
export async function readKeysPg(db: PgDb, spec: PgReadSpec, keys: readonly PgKey[]): Promise<PgChunk> {
  const { table } = spec;
  const key = table.primaryKey.map(pq);
  if (!keys.length) return { rows: [], keys: [], last: null };
  const params: unknown[] = [];
  const tuples = keys.map((k) => `(${k.map((v) => `$${params.push(v)}`).join(', ')})`);
  return select(db, spec, `WHERE (${key.join(', ')}) IN (${tuples.join(', ')}) ORDER BY ${key.join(', ')}`, params);
}

async function select(db: PgDb, spec: PgReadSpec, tail: string, params: unknown[]): Promise<PgChunk> {
  const { table } = spec;
  const cols = columnsOf(spec);
  const kinds = cols.map(canonKindPg);
  const n = table.primaryKey.length;
  const sql = `SELECT ${[...table.primaryKey, ...cols.map((c) => c.name)].map(pq).join(', ')} FROM ${pqt(table.schema, table.name)} ${tail}`;
  const r = await db.queryText(sql, params);
  const keys = r.rows.map((row) => row.slice(0, n) as PgKey);
  const rows = r.rows.map((row) => kinds.map((k, i) => canonPg(k, row[n + i])));
  return { rows, keys, last: keys.length ? keys[keys.length - 1] : null };
}

/** Every row of a table in key order, `chunkRows` at a time (bounded memory). */
export async function* walkPg(db: PgDb, spec: PgReadSpec, chunkRows = 5000): AsyncGenerator<PgChunk> {
  let after: PgKey | null = null;
  for (;;) {
    const chunk = await readChunkPg(db, spec, after, chunkRows);
    if (!chunk.rows.length) return;
    yield chunk;
    if (chunk.rows.length < chunkRows) return;
    after = chunk.last;
  }
}

// Per-chunk checksums along the primary key of the side whose writes are frozen (pt-table-checksum's chunks):
// taken in the pre-freeze pass, taken again during the freeze for the tables whose change indicator moved, so
// only the chunks that changed are copied and compared while production waits. A chunk is `(lower, upper]`
// (the last one open above), so a row inserted anywhere — past the last key included — lands in exactly one
// chunk, and a key change shows as a change in the chunk of the old key and in the chunk of the new one.
// The checksum is COUNT, BIT_XOR and SUM of CRC32 over every column of the row (lengths and a NULL bitmap
// keep `('a#','b')` ≠ `('a','#b')` and NULL ≠ ''), as pt-table-checksum does by default: it only has to tell a
// chunk from its own earlier state, and CRC32 is several times cheaper than MD5 on the server (measured 6×
// on MariaDB 10.11), which is what the freeze waits for.
import type { Db } from '../connection';
import type { Table } from '../model';
import { q, qt } from '../sql';
import { type KeyColumn, and, keyAfter, keyColumns, keyOf, keyRange, keySelect, orderBy } from '../chunks';
import { checksumExpr } from '../compareValues';
import type { Key } from '../state';

/** Rows per chunk: small enough that one changed row re-reads little, large enough to keep statements few. */
export const CHUNK_ROWS = 10_000;

export interface ChunkSum {
  lower: Key | null;
  upper: Key | null;
  n: number;
  h: string;
}

export interface TableSums {
  /** `schema.table` of the summed side. */
  table: string;
  chunks: ChunkSum[];
  ms: number;
}

function keyColsOf(t: Table): KeyColumn[] {
  const types = new Map(t.columns.map((c) => [c.name, c.dataType]));
  return keyColumns(t.primaryKey, (n) => types.get(n) ?? '');
}

/** `COUNT(*) AS n, … AS h` over every column of the table (alias `s`). */
export function chunkChecksumSelect(t: Table): string {
  const parts = [
    ...t.primaryKey.map((k) => t.columns.find((c) => c.name === k)!),
    ...t.columns.filter((c) => !t.primaryKey.includes(c.name)),
  ];
  const row = parts.map((c) => checksumExpr(c, 's')).join(', ');
  const nulls = `CONCAT(${parts.map((c) => `ISNULL(s.${q(c.name)})`).join(', ')})`;
  const crc = `CRC32(CONCAT_WS('#', ${row}, ${nulls}))`;
  return `COUNT(*) AS n, CONCAT(COALESCE(BIT_XOR(${crc}), 0), '/', COALESCE(SUM(${crc}), 0)) AS h`;
}

async function sumRange(db: Db, t: Table, cols: KeyColumn[], lower: Key | null, upper: Key | null): Promise<ChunkSum> {
  const range = keyRange(cols, lower, upper, 's');
  const [r] = await db.query<{ n: string | number; h: string | null }>(
    `SELECT ${chunkChecksumSelect(t)} FROM ${qt(t.schema, t.name)} AS s WHERE ${range.sql}`,
    range.params,
  );
  return { lower, upper, n: Number(r.n), h: String(r.h ?? '0') };
}

/** Walk the whole table: chunk boundaries every `rows` keys, and each chunk's checksum. */
export async function sumTable(db: Db, t: Table, rows = CHUNK_ROWS): Promise<TableSums> {
  const started = Date.now();
  const cols = keyColsOf(t);
  const chunks: ChunkSum[] = [];
  let last: Key | null = null;
  for (;;) {
    const scope = and(last ? keyAfter(cols, last, 's') : null);
    const found = await db.query(
      `SELECT ${keySelect(cols, 's')} FROM ${qt(t.schema, t.name)} AS s WHERE ${scope.sql} ${orderBy(cols, 's')} LIMIT 1 OFFSET ${rows - 1}`,
      scope.params,
    );
    const upper = found.length ? keyOf(found[0], cols.length) : null;
    chunks.push(await sumRange(db, t, cols, last, upper));
    if (!upper) break;
    last = upper;
  }
  return { table: `${t.schema}.${t.name}`, chunks, ms: Date.now() - started };
}

/** The same chunks summed again (two at a time); returns the new sums and the indexes of the chunks that changed. */
export async function resumTable(db: Db, t: Table, before: TableSums): Promise<{ sums: TableSums; changed: number[] }> {
  const started = Date.now();
  const cols = keyColsOf(t);
  const chunks: ChunkSum[] = new Array(before.chunks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < before.chunks.length; i = next++) {
      const c = before.chunks[i];
      chunks[i] = await sumRange(db, t, cols, c.lower, c.upper);
    }
  };
  await Promise.all([worker(), worker()]);
  const changed: number[] = [];
  for (const [i, c] of chunks.entries()) if (c.n !== before.chunks[i].n || c.h !== before.chunks[i].h) changed.push(i);
  return { sums: { table: before.table, chunks, ms: Date.now() - started }, changed };
}

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
  return (await resumTables(db, [{ table: t, before }])).get(before.table)!;
}

/**
 * Several tables' chunks summed again on two sessions shared by all of them (one table's last chunks overlap
 * the next table's first), keyed by `schema.table`.
 */
export async function resumTables(
  db: Db,
  work: { table: Table; before: TableSums }[],
): Promise<Map<string, { sums: TableSums; changed: number[] }>> {
  const started = Date.now();
  const jobs = work.flatMap((w, n) => w.before.chunks.map((_, i) => ({ n, i })));
  const cols = work.map((w) => keyColsOf(w.table));
  const fresh = work.map((w) => new Array<ChunkSum>(w.before.chunks.length));
  let next = 0;
  const worker = async () => {
    for (let j = next++; j < jobs.length; j = next++) {
      const { n, i } = jobs[j];
      const c = work[n].before.chunks[i];
      fresh[n][i] = await sumRange(db, work[n].table, cols[n], c.lower, c.upper);
    }
  };
  await Promise.all([worker(), worker()]);
  const out = new Map<string, { sums: TableSums; changed: number[] }>();
  for (const [n, w] of work.entries()) {
    const changed: number[] = [];
    for (const [i, c] of fresh[n].entries())
      if (c.n !== w.before.chunks[i].n || c.h !== w.before.chunks[i].h) changed.push(i);
    out.set(w.before.table, { sums: { table: w.before.table, chunks: fresh[n], ms: Date.now() - started }, changed });
  }
  return out;
}

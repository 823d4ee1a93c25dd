// A key range's digest on a MySQL/MariaDB server: COUNT and BIT_XOR of a 64-bit slice of MD5 over each row
// (lengths and a NULL bitmap inside, as compare.ts does on one server). The same statement on the source and
// on a MySQL target: equal count and digest mean equal rows, and neither side's rows cross the network.
import type { Db } from '../connection';
import type { Table } from '../model';
import { q, qt } from '../sql';
import { type KeyColumn, keyRange } from '../chunks';
import { checksumExpr } from '../compareValues';
import type { Key } from '../state';
import type { RangeDigest } from './side';

export async function mysqlRangeDigest(
  db: Db,
  table: Table,
  keyCols: readonly KeyColumn[],
  columns: readonly string[],
  after: Key | null,
  upTo: Key | null,
): Promise<RangeDigest> {
  const range = keyRange(keyCols, after, upTo, 's');
  const parts = columns.map((n) => {
    const c = table.columns.find((x) => x.name === n);
    if (!c) throw new Error(`${table.schema}.${table.name} has no column ${n}`);
    return c;
  });
  const row = parts.map((c) => checksumExpr(c, 's')).join(', ');
  const nulls = `CONCAT(${parts.map((c) => `ISNULL(s.${q(c.name)})`).join(', ')})`;
  const [r] = await db.query<{ n: string; h: string | null }>(
    `SELECT COUNT(*) AS n, CAST(BIT_XOR(CAST(CONV(LEFT(MD5(CONCAT_WS('#', ${row}, ${nulls})), 16), 16, 10) AS UNSIGNED)) AS CHAR) AS h ` +
      `FROM ${qt(table.schema, table.name)} AS s WHERE ${range.sql}`,
    range.params,
  );
  return { count: Number(r.n), digest: String(r.h ?? '0') };
}

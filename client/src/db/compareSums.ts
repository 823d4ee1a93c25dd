// The per-chunk sums of compare (compare.ts): a checksum of the columns both sides store alike (COUNT + BIT_XOR of
// a 64-bit slice of MD5 over each row's text), and the row text itself (the pointer reads compare it row by row,
// comparePointerSql.ts).
import type { Db } from './connection';
import type { Column, Table } from './model';
import { q, qt } from './sql';
import type { Predicate } from './chunks';
import { checksumExpr, valueKind } from './compareValues';
import type { ColumnRule } from './compareTypes';

/**
 * The text a row's checksum is the MD5 of: the key and the checksummed columns (`rules` with `checksum`), with
 * lengths before strings and a NULL bitmap, so `('a#','b')` ≠ `('a','#b')` and NULL ≠ ''.
 */
export function rowText(table: Table, rules: readonly ColumnRule[], side: 'prod' | 'test', alias: string): string {
  const parts = rowTextParts(table, rules, side);
  const row = parts.map((c) => checksumExpr(c, alias)).join(', ');
  const nulls = parts.length ? `CONCAT(${parts.map((c) => `ISNULL(${alias}.${q(c.name)})`).join(', ')})` : "''";
  return `CONCAT_WS('#', ${row}, ${nulls})`;
}

/**
 * Whether rowText is plain ASCII text (every part a number or a date/time): then it can be read as it is, where
 * other row texts (with bytes) are read as hex.
 */
export function rowTextIsAscii(table: Table, rules: readonly ColumnRule[], side: 'prod' | 'test'): boolean {
  return rowTextParts(table, rules, side).every((c) => ASCII_KINDS.has(valueKind(c)));
}

/**
 * rowText's parts one by one (each a number or a date/time: rowTextIsAscii), for a read over the binary protocol that
 * compares them value by value (pointerRowTexts.ts): floating-point numbers as they are (8 bytes the server need not
 * print), the others as the text the row text holds (printing an integer costs the server little, while the driver
 * spells a BIGINT sent as bytes through a 64-bit division in JavaScript). A NULL is its own value: no NULL bitmap.
 * null when no part is floating-point (nothing to gain).
 */
export function rowValues(
  table: Table,
  rules: readonly ColumnRule[],
  side: 'prod' | 'test',
  alias: string,
): string[] | null {
  const parts = rowTextParts(table, rules, side);
  if (!parts.some((c) => valueKind(c) === 'float')) return null;
  return parts.map((c) => (valueKind(c) === 'float' ? checksumExpr(c, alias) : `CAST(${alias}.${q(c.name)} AS CHAR)`));
}

const ASCII_KINDS = new Set(['int', 'decimal', 'temporal', 'float']);

/** The key's columns, then the checksummed columns not in the key. */
function rowTextParts(table: Table, rules: readonly ColumnRule[], side: 'prod' | 'test'): Column[] {
  const cols = rules.filter((r) => r.checksum).map((r) => (side === 'prod' ? r.prod : r.test));
  const keyNames = table.primaryKey;
  return [
    ...keyNames.map((k) => table.columns.find((c) => c.name === k)!),
    ...cols.filter((c) => !keyNames.includes(c.name)),
  ];
}

/** Both sides' counts and checksums of a chunk (`ranges`: production's and test's key range on alias `s`), at once on separate sessions. */
export async function chunkSums(
  db: Db,
  [p, t]: readonly [Table, Table],
  rules: readonly ColumnRule[],
  [prodRange, testRange]: readonly Predicate[],
): Promise<{ n: number; h: string }[]> {
  return Promise.all([rangeChecksum(db, p, rules, 'prod', prodRange), rangeChecksum(db, t, rules, 'test', testRange)]);
}

/** One side's checksum of a key range (`range` on alias `s`). */
async function rangeChecksum(
  db: Db,
  table: Table,
  rules: readonly ColumnRule[],
  side: 'prod' | 'test',
  range: Predicate,
): Promise<{ n: number; h: string }> {
  const r = await db.query<{ n: string; h: string | null }>(
    `SELECT COUNT(*) AS n, CAST(BIT_XOR(CAST(CONV(LEFT(MD5(${rowText(table, rules, side, 's')}), 16), 16, 10) AS UNSIGNED)) AS CHAR) AS h ` +
      `FROM ${qt(table.schema, table.name)} AS s WHERE ${range.sql}`,
    range.params,
  );
  return { n: Number(r[0].n), h: String(r[0].h ?? '0') };
}

// What compare's pointer reads (comparePointerSql.ts) carry of each row besides its pointers: the row's checksum
// text (compareSums.ts: the key and the columns both sides store alike), by which the two sides' rows are paired
// position by position. When every part is a number or a date/time, some floating-point, the parts are read one by
// one instead, over the binary protocol (Db.queryBinary), and compared value by value: the server then prints no
// floating-point number as text (1,000,000 rows of an int key and a DOUBLE: ~0.15 s of server CPU less per side),
// and builds no string per row.
import type { Db, Row } from './connection';
import type { Table } from './model';
import { q } from './sql';
import type { ColumnRule } from './compareTypes';
import { rowText, rowTextIsAscii, rowValues } from './compareSums';

/** Both sides' row texts; `values`: their parts, when all are numbers or dates/times. */
export interface RowTexts {
  prod: string;
  test: string;
  /** Both are plain ASCII (numbers, dates): read as they are, else as hex. */
  ascii: boolean;
  values: { prod: string[]; test: string[] } | null;
}

/** The row texts of `p` (alias `s`) and `t` (alias `x`), and their parts where they are read by value. */
export function rowTexts(p: Table, t: Table, rules: readonly ColumnRule[]): RowTexts {
  const ascii = rowTextIsAscii(p, rules, 'prod') && rowTextIsAscii(t, rules, 'test');
  const prod = rowValues(p, rules, 'prod', 's');
  const test = rowValues(t, rules, 'test', 'x');
  return {
    prod: rowText(p, rules, 'prod', 's'),
    test: rowText(t, rules, 'test', 'x'),
    ascii,
    values: ascii && prod && test && prod.length === test.length ? { prod, test } : null,
  };
}

/** The select list of one side's row text: `k`, or its parts `k0`, `k1`, …. */
export function rowTextSelect(texts: RowTexts, side: 'prod' | 'test'): string {
  if (texts.values) return texts.values[side].map((e, i) => `${e} AS ${q('k' + i)}`).join(', ');
  const text = texts[side];
  // Text, so the same bytes are the same string (a Buffer would keep the driver's whole packet in memory).
  return `${texts.ascii ? text : `HEX(${text})`} AS ${q('k')}`;
}

/** How a side's rows are read: over the binary protocol when the row texts are read by value (and it can). */
export function rowReader(db: Db, texts: RowTexts): (sql: string, params: readonly unknown[]) => Promise<Row[]> {
  return texts.values && db.queryBinary
    ? (sql, params) => db.queryBinary!(sql, params)
    : (sql, params) => db.query(sql, params);
}

/** Whether `prod` and `test` have as many rows and the same row text at each position. */
export function sameRowTexts(texts: RowTexts, prod: Row[], test: Row[]): boolean {
  if (prod.length !== test.length) return false;
  if (!texts.values) {
    for (let r = 0; r < prod.length; r++) if (prod[r].k !== test[r].k) return false;
    return true;
  }
  const names = texts.values.prod.map((_, i) => 'k' + i);
  for (let r = 0; r < prod.length; r++) {
    const a = prod[r];
    const b = test[r];
    // The same text, the same floating-point number (-0 and 0 are one, as `+ 0e0` prints them), or both NULL.
    for (const k of names) if (a[k] !== b[k]) return false;
  }
  return true;
}

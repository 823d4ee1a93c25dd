// How compare treats each column the two sides share: its value kind, whether the row checksum covers it (the
// same stored form on both sides), and whether the pointer reads settle it (comparePointerSql.ts).
import type { Table } from './model';
import { type ValueKind, valueKind, sameStoredForm } from './compareValues';
import { pointerBySql } from './comparePointerSql';
import type { ColumnRule } from './compareTypes';

export function columnRules(p: Table, t: Table): ColumnRule[] {
  const testCols = new Map(t.columns.map((c) => [c.name, c]));
  const rules: ColumnRule[] = [];
  for (const c of p.columns) {
    const tc = testCols.get(c.name);
    if (!tc) continue;
    const kp = valueKind(c);
    const kt = valueKind(tc);
    if (kp === 'pointer' && kt === 'pointer') {
      // Two 0.14.6 schemas: the 16-byte pointers themselves must be equal.
      rules.push({ name: c.name, kind: 'bytes', prod: c, test: tc, checksum: true });
      continue;
    }
    const kind: ValueKind =
      kp === 'pointer' || kt === 'pointer'
        ? 'pointer'
        : kp === kt
          ? kp
          : kp === 'json2x' || kt === 'json2x'
            ? 'json2x'
            : kp;
    const checksum = kp === kt && sameStoredForm(c, tc, kp);
    rules.push({ name: c.name, kind, prod: c, test: tc, checksum, bySql: pointerBySql(c, tc) });
  }
  return rules;
}

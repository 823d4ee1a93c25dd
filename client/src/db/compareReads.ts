// The row reads of compare (compare.ts), for chunks the checksums cannot settle: the key as `__r<i>`, each
// column as `__c<i>` (test side `__t<i>` in the joined read), and for 0.14.6 pointers the `~external_*` row
// as `__e<i>_hash|filepath|contents_hash|size`, so comparePointers.ts can judge the cell.
import type { Column, Table } from './model';
import { q, qt } from './sql';
import { type KeyColumn, type Predicate, keyJoin } from './chunks';
import { readExpr } from './compareValues';

const externalFields = (i: number) =>
  ['hash', 'filepath', 'contents_hash', 'size'].map((f) => `e${i}.${q(f)} AS ${q(`__e${i}_${f}`)}`).join(', ');

function keySelect(table: Table): string[] {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  return table.primaryKey.map((k, i) => `${readExpr(byName.get(k)!, 's')} AS ${q('__r' + i)}`);
}

function externalJoin(schema: string, c: Column, i: number): string | null {
  if (c.storage.form !== 'pointer014') return null;
  return `LEFT JOIN ${qt(schema, '~external_' + c.storage.store)} AS e${i} ON e${i}.${q('hash')} = s.${q(c.name)}`;
}

/** Both sides in one query joined on the key (`s` production, `x` test). */
export function joinedReadSql(
  p: Table,
  t: Table,
  keyCols: readonly KeyColumn[],
  rules: readonly { prod: Column; test: Column }[],
  range: Predicate,
): Predicate {
  const joins: string[] = [];
  const sel = rules.map((r, i) => {
    const both = `${readExpr(r.prod, 's')} AS ${q('__c' + i)}, ${readExpr(r.test, 'x')} AS ${q('__t' + i)}`;
    const join = externalJoin(p.schema, r.prod, i);
    if (!join) return both;
    joins.push(join);
    return `${both}, ${externalFields(i)}`;
  });
  return {
    sql: `SELECT ${[...keySelect(p), ...sel].join(', ')} FROM ${qt(p.schema, p.name)} AS s JOIN ${qt(t.schema, t.name)} AS x ON ${keyJoin(keyCols, 's', 'x')} ${joins.join(' ')} WHERE ${range.sql}`,
    params: range.params,
  };
}

/** One side's rows of a key range. */
export function sideReadSql(table: Table, columns: readonly Column[], range: Predicate): Predicate {
  const joins: string[] = [];
  const sel = columns.map((c, i) => {
    const base = `${readExpr(c, 's')} AS ${q('__c' + i)}`;
    const join = externalJoin(table.schema, c, i);
    if (!join) return base;
    joins.push(join);
    return `${base}, ${externalFields(i)}`;
  });
  return {
    sql: `SELECT ${[...keySelect(table), ...sel].join(', ')} FROM ${qt(table.schema, table.name)} AS s ${joins.join(' ')} WHERE ${range.sql}`,
    params: range.params,
  };
}

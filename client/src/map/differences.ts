// The Differences view's model: a compare report's differing rows (which the engine already bounded per
// table) grouped schema → table, filtered, paged, and the keys as SQL. No `vscode` here.
import type { KeyText, OperationReport } from '../ui/report';

export interface DiffRow {
  /** Production `schema.table`. */
  table: string;
  /** 2.x `schema.table`. */
  target?: string;
  key: KeyText;
  /** Empty for a whole-row difference (missing or extra key). */
  column: string;
  production: string;
  test: string;
  reason: string;
}

export interface DiffTable {
  table: string;
  name: string;
  /** How many differences the compare counted (the rows listed may be fewer: the engine bounds them). */
  total: number;
  rows: DiffRow[];
}

export interface DiffSchema {
  schema: string;
  tables: DiffTable[];
}

/** Every differing row of a compare report, in report order. */
export function differenceRows(report: Pick<OperationReport, 'tables'>): DiffRow[] {
  return report.tables.flatMap((t) =>
    t.differences.map((d) => ({
      table: t.table,
      ...(t.target ? { target: t.target } : {}),
      key: d.key,
      column: d.column ?? '',
      production: d.production ?? '',
      test: d.test ?? '',
      reason: d.reason ?? d.what,
    })),
  );
}

/** Rows whose table, column, key, values or reason contain `text` (case-insensitive); all for an empty filter. */
export function filterRows(rows: readonly DiffRow[], text: string): DiffRow[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...rows];
  return rows.filter((r) =>
    [r.table, r.column, r.production, r.test, r.reason, ...Object.entries(r.key).map(([k, v]) => `${k}=${v}`)]
      .join('\u0000')
      .toLowerCase()
      .includes(needle),
  );
}

/** Schema → table, tables with differences only, in report order. */
export function groupDifferences(report: Pick<OperationReport, 'tables'>, filter = ''): DiffSchema[] {
  const rows = filterRows(differenceRows(report), filter);
  const out: DiffSchema[] = [];
  for (const t of report.tables) {
    const mine = rows.filter((r) => r.table === t.table);
    if (!mine.length && (filter.trim() || !t.differenceCount)) continue;
    const dot = t.table.indexOf('.');
    const schema = t.table.slice(0, dot);
    let s = out.find((x) => x.schema === schema);
    if (!s) out.push((s = { schema, tables: [] }));
    s.tables.push({ table: t.table, name: t.table.slice(dot + 1), total: t.differenceCount, rows: mine });
  }
  return out;
}

/** One page of a list: the first `shown` items and how many are left. */
export function page<T>(items: readonly T[], shown: number): { items: T[]; more: number } {
  return { items: items.slice(0, shown), more: Math.max(0, items.length - shown) };
}

/** A row's key as `a=1, b=x`. */
export function keyLabel(key: KeyText): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/**
 * A key value as a SQL literal. The report holds keys as text: binary keys as `0x…` (emitted as hex
 * literals), everything else as a quoted string, which MySQL converts for numeric and date columns.
 * Quotes are doubled and backslashes escaped (the default sql_mode; with NO_BACKSLASH_ESCAPES a
 * backslash in a key would need one backslash).
 */
export function sqlLiteral(v: string): string {
  if (/^0x(?:[0-9a-f]{2})+$/i.test(v)) return v;
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * `SELECT * FROM \`s\`.\`t\` WHERE (\`k1\`, \`k2\`) IN (('1', 'a'), …);` for the distinct keys of the rows
 * (all rows of one table; their keys have the same columns).
 */
export function keysSql(table: string, rows: readonly Pick<DiffRow, 'key'>[]): string {
  const dot = table.indexOf('.');
  const from = `${ident(table.slice(0, dot))}.${ident(table.slice(dot + 1))}`;
  const cols = Object.keys(rows[0]?.key ?? {});
  if (!cols.length) return `-- ${table}: no keys\n`;
  const seen = new Set<string>();
  const tuples: string[] = [];
  for (const r of rows) {
    const values = cols.map((c) => sqlLiteral(r.key[c] ?? ''));
    const text = values.length === 1 ? values[0] : `(${values.join(', ')})`;
    if (!seen.has(text)) tuples.push(text);
    seen.add(text);
  }
  const lhs = cols.length === 1 ? ident(cols[0]) : `(${cols.map(ident).join(', ')})`;
  return `SELECT * FROM ${from} WHERE ${lhs} IN (${tuples.join(', ')});\n`;
}

// Is an existing table the table we would create? Compares two table models on what the server records:
// column types (json ≡ MariaDB's longtext), nullability, defaults, extras, character sets, comments and
// labels, primary key, foreign keys and indexes. Constraint and index names are the server's choice.
import { sameColumnType } from '../../../common/src/djtypes';
import type { Column, Table } from './model';
import { columnComment } from './ddl';

export interface ShapeOptions {
  /** Rewrite a foreign key's referenced schema on the `actual` side before comparing (e.g. fixture names). */
  mapActualSchema?: (schema: string) => string;
  /** Treat labels as equal when they differ only in blanks outside quotes (`enum('a', 'b')` vs `enum('a','b')`). */
  labelSpelling?: boolean;
}

/** Differences, one sentence each; empty when the shapes are the same. */
export function tableShapeDifferences(expected: Table, actual: Table, opts: ShapeOptions = {}): string[] {
  const diffs: string[] = [];
  const where = `${actual.schema}.${actual.name}`;
  const names = (t: Table) => t.columns.map((c) => c.name).join(', ');
  if (names(expected) !== names(actual))
    diffs.push(`${where}: columns are (${names(actual)}), expected (${names(expected)})`);
  for (const e of expected.columns) {
    const a = actual.columns.find((c) => c.name === e.name);
    if (a) diffs.push(...columnDifferences(e, a, opts).map((d) => `${where}.${e.name}: ${d}`));
  }
  if (expected.primaryKey.join() !== actual.primaryKey.join())
    diffs.push(`${where}: primary key (${actual.primaryKey.join(', ')}), expected (${expected.primaryKey.join(', ')})`);
  const fk = (t: Table, map: (s: string) => string) =>
    t.foreignKeys
      .map(
        (f) =>
          `(${f.columns.join(', ')}) → ${map(f.refSchema)}.${f.refTable}(${f.refColumns.join(', ')}) on update ${f.onUpdate} on delete ${f.onDelete}`,
      )
      .sort();
  diffs.push(
    ...setDifferences(
      `${where}: foreign key`,
      fk(expected, (s) => s),
      fk(actual, opts.mapActualSchema ?? ((s) => s)),
    ),
  );
  const idx = (t: Table) =>
    declaredIndexes(t)
      .map((i) => `${i.unique ? 'unique ' : ''}index (${i.columns.join(', ')})`)
      .sort();
  diffs.push(...setDifferences(`${where}:`, idx(expected), idx(actual)));
  if (expected.comment !== actual.comment)
    diffs.push(
      `${where}: table comment ${JSON.stringify(actual.comment)}, expected ${JSON.stringify(expected.comment)}`,
    );
  if (expected.collation !== actual.collation)
    diffs.push(`${where}: collation ${actual.collation}, expected ${expected.collation}`);
  return diffs;
}

/**
 * Indexes other than the ones InnoDB adds by itself for a foreign key without a usable index (those
 * follow from the foreign keys, which are compared separately).
 */
export function declaredIndexes(t: Table): Table['indexes'] {
  const fkSets = t.foreignKeys.map((fk) => fk.columns.join('\u0000'));
  return t.indexes.filter((i) => i.unique || !fkSets.includes(i.columns.join('\u0000')));
}

function columnDifferences(e: Column, a: Column, opts: ShapeOptions): string[] {
  const d: string[] = [];
  if (!sameColumnType(e.columnType, a.columnType)) d.push(`type ${a.columnType}, expected ${e.columnType}`);
  if (e.nullable !== a.nullable) d.push(a.nullable ? 'nullable, expected NOT NULL' : 'NOT NULL, expected nullable');
  if (canonicalDefault(e.default) !== canonicalDefault(a.default))
    d.push(`default ${a.default ?? 'none'}, expected ${e.default ?? 'none'}`);
  if (canonicalExtra(e.extra) !== canonicalExtra(a.extra))
    d.push(`extra ${JSON.stringify(a.extra)}, expected ${JSON.stringify(e.extra)}`);
  if (e.charset && a.charset && (e.charset !== a.charset || e.collation !== a.collation))
    d.push(`character set ${a.charset} ${a.collation}, expected ${e.charset} ${e.collation}`);
  const ec = columnComment(e);
  const ac = columnComment(a);
  if (
    ec !== ac &&
    !(opts.labelSpelling && e.comment === a.comment && squeeze(e.label2x ?? '') === squeeze(a.label2x ?? ''))
  )
    d.push(`comment ${JSON.stringify(ac)}, expected ${JSON.stringify(ec)}`);
  return d;
}

function setDifferences(prefix: string, expected: string[], actual: string[]): string[] {
  const out: string[] = [];
  for (const x of expected) if (!actual.includes(x)) out.push(`${prefix} ${x} is missing`);
  for (const x of actual) if (!expected.includes(x)) out.push(`${prefix} ${x} is not expected`);
  return out;
}

/** `current_timestamp()` (MariaDB) ≡ `CURRENT_TIMESTAMP` (MySQL 8); `NULL` ≡ no default on a nullable column is not assumed. */
function canonicalDefault(d: string | null): string | null {
  if (d === null) return null;
  return d
    .replace(/^current_timestamp(\(\))?$/i, 'current_timestamp')
    .replace(/^current_timestamp\((\d)\)$/i, 'current_timestamp($1)')
    .replace(/^null$/i, 'NULL');
}

function canonicalExtra(x: string): string {
  return x
    .toLowerCase()
    .replace(/current_timestamp\(\)/g, 'current_timestamp')
    .trim();
}

/** Blanks outside single-quoted text removed. */
function squeeze(label: string): string {
  return label.replace(/('(?:[^']|'')*')|\s+/g, (_m, quoted: string | undefined) => quoted ?? '');
}

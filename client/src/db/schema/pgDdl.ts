// The tables 2.x declares on PostgreSQL for migrated definitions. Starts from the same target model the
// MySQL path builds (ddl.ts targetTables: 2.x labels, foreign-key inheritance, in-store columns) and
// spells it the way 2.x's PostgreSQL adapter does (datajoint/adapters/postgres.py, declare.py):
// core types mapped (int64 → bigint, <blob> → bytea, json and in-store → jsonb, datetime(n) → timestamp(n)),
// enums as `CREATE TYPE <schema>.enum_<md5[:8] of sorted values joined by _>`, comments `:<label>:…` through
// COMMENT ON (none on foreign-key columns), a supporting index per foreign key not covered by the primary
// key or an index, named `idx_<table>_<columns>`.
import { createHash } from 'node:crypto';
import { composeComment2x } from '../../../../common/src/djtypes';
import type { TargetTable } from '../ddl';
import type { Column } from '../model';
import { tableKey } from '../model';
import { DbInputError } from '../sql';
import { plit, pq, pqt } from '../connect/dialects/postgres';

export interface PgColumn {
  name: string;
  /** The type as written in CREATE TABLE: `bigint`, `character varying(16)`, `"s"."enum_e54fc739"`. */
  type: string;
  /** The 2.x core type or codec (the label), from which the type was derived; null for native `timestamp`. */
  core: string | null;
  nullable: boolean;
  /** DEFAULT clause text, or null for none. */
  default: string | null;
  /** Full COMMENT ON COLUMN text, or null for none. */
  comment: string | null;
}

export interface PgForeignKey {
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
}

export interface PgTable {
  schema: string;
  name: string;
  comment: string;
  columns: PgColumn[];
  primaryKey: string[];
  foreignKeys: PgForeignKey[];
  indexes: { name: string; columns: string[]; unique: boolean }[];
}

export interface PgEnum {
  schema: string;
  name: string;
  values: string[];
}

export interface PgSchemaPlan {
  tables: PgTable[];
  enums: PgEnum[];
  /** Per-table notes in the user's terms (e.g. a `bigint unsigned` that becomes int64). */
  notes: string[];
}

const CORE: Record<string, string> = {
  int64: 'bigint',
  int32: 'integer',
  int16: 'smallint',
  int8: 'smallint',
  float32: 'real',
  float64: 'double precision',
  bool: 'boolean',
  uuid: 'uuid',
  bytes: 'bytea',
  json: 'jsonb',
  date: 'date',
};

/** The values of a MySQL/DataJoint enum spelling `enum('a','b')` (quotes doubled or backslash-escaped). */
export function enumValues(spelling: string): string[] {
  const m = /^enum\s*\((.*)\)$/is.exec(spelling.trim());
  if (!m) throw new DbInputError(`not an enum: ${spelling}`);
  const out: string[] = [];
  const re = /\s*'((?:[^'\\]|''|\\.)*)'\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while (end < m[1].length && (match = re.exec(m[1]))) {
    out.push(unescapeMysql(match[1]));
    end = re.lastIndex;
  }
  if (end !== m[1].length || !out.length) throw new DbInputError(`cannot read the enum values of ${spelling}`);
  return out;
}

function unescapeMysql(body: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\u0000', Z: '\u001a', b: '\b' };
  return body.replace(/''|\\(.)/g, (_all, ch: string | undefined) => (ch === undefined ? "'" : (map[ch] ?? ch)));
}

/** 2.x's enum type name: `enum_` + the first 8 hex digits of md5 of the sorted values joined by `_`. */
export function enumTypeName(values: readonly string[]): string {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `enum_${createHash('md5').update(sorted.join('_'), 'utf8').digest('hex').slice(0, 8)}`;
}

/** The PostgreSQL type for a 2.x core type or codec label; enums are registered in `enums` for `schema`. */
export function pgTypeOf(label: string, schema: string, enums: Map<string, PgEnum>): string | null {
  if (CORE[label]) return CORE[label];
  if (/^<[^>]*@[^>]*>$/.test(label)) return 'jsonb'; // in-store codec: JSON metadata
  if (/^<[\w-]+>$/.test(label)) return 'bytea'; // <blob>, <attach>, codecs over <blob>
  let m = /^datetime(\(\d\))?$/.exec(label);
  if (m) return `timestamp${m[1] ?? ''}`;
  m = /^(var)?char\((\d+)\)$/.exec(label);
  if (m) return label;
  m = /^decimal(\(\s*\d+\s*(?:,\s*\d+\s*)?\))$/.exec(label);
  if (m) return `numeric${m[1].replace(/\s+/g, '')}`;
  if (/^enum\s*\(/i.test(label)) {
    const values = enumValues(label);
    const name = enumTypeName(values);
    enums.set(`${schema}.${name}`, { schema, name, values });
    return pqt(schema, name);
  }
  return null;
}

/** A MySQL default (as introspect.ts reports it) in PostgreSQL, written as 2.x writes it (literals quoted). */
export function pgDefault(mysqlDefault: string, where: string): string {
  const d = mysqlDefault.trim();
  if (/^null$/i.test(d)) return 'NULL';
  const ts = /^current_timestamp(?:\((\d?)\))?$/i.exec(d);
  if (ts) return ts[1] ? `CURRENT_TIMESTAMP(${ts[1]})` : 'CURRENT_TIMESTAMP';
  const quoted = /^'((?:[^'\\]|''|\\.)*)'$/s.exec(d);
  if (quoted) return plit(unescapeMysql(quoted[1]));
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(d)) return plit(d);
  throw new DbInputError(`${where}: the default ${d} is an expression that cannot be carried to PostgreSQL`);
}

/**
 * PostgreSQL tables for target tables given parents first. `int64Ok` holds `schema.table.column` (source
 * names) of `bigint unsigned` columns whose every value fits a signed bigint (checked against the data).
 */
export function pgSchemaPlan(tables: readonly TargetTable[], int64Ok: ReadonlySet<string> = new Set()): PgSchemaPlan {
  const enums = new Map<string, PgEnum>();
  const notes: string[] = [];
  const done = new Map<string, PgTable>();
  const out: PgTable[] = [];
  for (const { source, target } of tables) {
    const where = tableKey(source);
    const inherited = new Map<string, PgColumn>();
    for (const fk of target.foreignKeys) {
      const parent = done.get(`${fk.refSchema}.${fk.refTable}`);
      if (!parent) throw new DbInputError(`${where}: parent ${fk.refSchema}.${fk.refTable} was not planned first`);
      fk.columns.forEach((c, i) => {
        const pc = parent.columns.find((x) => x.name === fk.refColumns[i]);
        if (pc && !inherited.has(c)) inherited.set(c, pc);
      });
    }
    const columns = target.columns.map((c): PgColumn => {
      const parent = inherited.get(c.name);
      if (parent) {
        // 2.x declares a foreign-key attribute with the parent's type, no default and no comment.
        const type = parent.core ? (pgTypeOf(parent.core, target.schema, enums) ?? parent.type) : parent.type;
        return { name: c.name, type, core: parent.core, nullable: c.nullable, default: null, comment: null };
      }
      return ownColumn(c, target.schema, `${where}.${c.name}`, int64Ok.has(`${where}.${c.name}`), enums, notes);
    });
    const primaryKey = [...target.primaryKey];
    const declared = target.indexes.map((i) => ({
      name: indexName(target.name, i.columns),
      columns: [...i.columns],
      unique: i.unique,
    }));
    // 2.x (#1512): a supporting index for each foreign key not left-covered by the primary key or an index,
    // longest first.
    const prefixes = [primaryKey, ...declared.map((i) => i.columns)];
    const covered = (cand: string[]) => prefixes.some((p) => cand.every((c, i) => p[i] === c));
    const fkIndexes: PgTable['indexes'] = [];
    for (const cand of target.foreignKeys.map((f) => f.columns).sort((a, b) => b.length - a.length))
      if (!covered(cand)) {
        fkIndexes.push({ name: indexName(target.name, cand), columns: [...cand], unique: false });
        prefixes.push(cand);
      }
    const t: PgTable = {
      schema: target.schema,
      name: target.name,
      comment: target.comment,
      columns,
      primaryKey,
      foreignKeys: target.foreignKeys.map((f) => ({
        columns: [...f.columns],
        refSchema: f.refSchema,
        refTable: f.refTable,
        refColumns: [...f.refColumns],
      })),
      indexes: [...declared, ...fkIndexes],
    };
    done.set(`${t.schema}.${t.name}`, t);
    out.push(t);
  }
  return { tables: out, enums: [...enums.values()], notes };
}

function indexName(table: string, columns: readonly string[]): string {
  return `idx_${table}_${columns.join('_').slice(0, 30)}`;
}

function ownColumn(
  c: Column,
  schema: string,
  where: string,
  int64Ok: boolean,
  enums: Map<string, PgEnum>,
  notes: string[],
): PgColumn {
  let label = c.label2x ?? null;
  let type: string | null;
  if (label === null && /^bigint(\(\d+\))? unsigned$/i.test(c.columnType)) {
    if (!int64Ok)
      throw new DbInputError(
        `${where}: bigint unsigned was not checked against the data; PostgreSQL has no unsigned types`,
      );
    label = 'int64';
    notes.push(`${where}: bigint unsigned → int64 (bigint): every value fits below 2^63`);
  }
  // The enum label spelled as in the 2.x definitions (`enum('M', 'F', 'U')`, as dj2pg and dj2 hold it).
  if (label !== null && /^enum\s*\(/i.test(label))
    label = `enum(${enumValues(label)
      .map((v) => `'${v.replace(/'/g, "''")}'`)
      .join(', ')})`;
  if (label !== null) type = pgTypeOf(label, schema, enums);
  else if (/^timestamp(\(\d\))?$/i.test(c.columnType))
    type = c.columnType.toLowerCase(); // native, as 2.x keeps it
  else type = null;
  if (type === null)
    throw new DbInputError(
      `${where}: ${c.columnType}${label ? ` (:${label}:)` : ''} has no PostgreSQL spelling in 2.x (PostgreSQL has no unsigned, tinyint, mediumint, double, longblob, year…)`,
    );
  const def = c.nullable
    ? 'NULL'
    : c.default === null || /^null$/i.test(c.default)
      ? null
      : pgDefault(c.default, where);
  const comment = composeComment2x(label, c.comment);
  return { name: c.name, type, core: label, nullable: c.nullable, default: def, comment: comment || null };
}

/** `CREATE TABLE` with the key and foreign keys inline, as 2.x writes it. */
export function pgCreateTableSql(t: PgTable): string {
  const lines = t.columns.map(
    (c) =>
      `${pq(c.name)} ${c.type} ${c.nullable ? 'NULL' : 'NOT NULL'}${c.default !== null ? ` DEFAULT ${c.default}` : ''}`,
  );
  lines.push(`PRIMARY KEY (${t.primaryKey.map(pq).join(', ')})`);
  for (const fk of t.foreignKeys)
    lines.push(
      `FOREIGN KEY (${fk.columns.map(pq).join(', ')}) REFERENCES ${pqt(fk.refSchema, fk.refTable)} (${fk.refColumns.map(pq).join(', ')}) ON UPDATE CASCADE ON DELETE RESTRICT`,
    );
  return `CREATE TABLE ${pqt(t.schema, t.name)} (\n  ${lines.join(',\n  ')}\n)`;
}

/** What follows CREATE TABLE: indexes, the table comment, column comments. */
export function pgPostTableSql(t: PgTable): string[] {
  const out = t.indexes.map(
    (i) =>
      `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${pq(i.name)} ON ${pqt(t.schema, t.name)} (${i.columns.map(pq).join(', ')})`,
  );
  if (t.comment) out.push(`COMMENT ON TABLE ${pqt(t.schema, t.name)} IS ${plit(t.comment)}`);
  for (const c of t.columns)
    if (c.comment) out.push(`COMMENT ON COLUMN ${pqt(t.schema, t.name)}.${pq(c.name)} IS ${plit(c.comment)}`);
  return out;
}

export function pgCreateEnumSql(e: PgEnum): string {
  return `CREATE TYPE ${pqt(e.schema, e.name)} AS ENUM (${e.values.map(plit).join(', ')})`;
}

/** 2.x's `~lineage` on PostgreSQL (lineage.py through the adapter): no comments. */
export function pgLineageTableSql(schema: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${pqt(schema, '~lineage')} (\n` +
    '  "table_name" varchar(64) NOT NULL,\n  "attribute_name" varchar(64) NOT NULL,\n' +
    '  "lineage" varchar(255) NOT NULL,\n  PRIMARY KEY ("table_name", "attribute_name")\n)'
  );
}

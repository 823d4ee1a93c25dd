// Raw catalogue rows read from information_schema, one query per view for all schemas at once. Kept as
// plain rows so the decoder (introspect.ts) can be tested with rows recorded from another server (MySQL 8).
import type { Queryable, ServerFlavor } from './connection';
import { q } from './sql';

export interface SchemataRow {
  name: string;
  charset: string;
  collation: string;
}
export interface TableRow {
  schema: string;
  table: string;
  type: string;
  engine: string | null;
  collation: string | null;
  comment: string;
  rows: string | number | null;
  dataLength: string | number | null;
  indexLength: string | number | null;
}
export interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  position: number | string;
  /** COLUMN_DEFAULT exactly as the server reports it (MariaDB: SQL text; MySQL 8: the bare value). */
  default: string | null;
  nullable: string;
  dataType: string;
  columnType: string;
  charset: string | null;
  collation: string | null;
  extra: string;
  comment: string;
}
export interface KeyColumnRow {
  schema: string;
  table: string;
  constraint: string;
  column: string;
  position: number | string;
  refSchema: string | null;
  refTable: string | null;
  refColumn: string | null;
}
export interface ReferentialRow {
  schema: string;
  table: string;
  constraint: string;
  updateRule: string;
  deleteRule: string;
}
export interface StatisticsRow {
  schema: string;
  table: string;
  index: string;
  nonUnique: number | string;
  seq: number | string;
  column: string | null;
  subPart: number | string | null;
}
/** MariaDB only: column CHECK constraints, which is how MariaDB stores `json` (longtext + json_valid). */
export interface CheckRow {
  schema: string;
  table: string;
  constraint: string;
  clause: string;
}
export interface CollationRow {
  collation: string;
  charset: string;
}
export interface LogVersionRow {
  schema: string;
  version: string;
}

export interface Catalog {
  flavor: ServerFlavor;
  schemata: SchemataRow[];
  tables: TableRow[];
  columns: ColumnRow[];
  keyColumns: KeyColumnRow[];
  referential: ReferentialRow[];
  statistics: StatisticsRow[];
  checks: CheckRow[];
  collations: CollationRow[];
  /** The DataJoint version that last wrote each schema's `~log` (e.g. `0.14.5py`). */
  logVersions: LogVersionRow[];
}

export async function readCatalog(db: Queryable & { flavor: ServerFlavor }, schemas: string[]): Promise<Catalog> {
  const inList = [schemas];
  const [schemata, tables, columns, keyColumns, referential, statistics, checks, collations] = await Promise.all([
    db.query<SchemataRow>(
      `SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
         FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)`,
      inList,
    ),
    db.query<TableRow>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, TABLE_TYPE AS type, ENGINE AS engine,
              TABLE_COLLATION AS collation, TABLE_COMMENT AS comment, TABLE_ROWS AS \`rows\`,
              DATA_LENGTH AS dataLength, INDEX_LENGTH AS indexLength
         FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)`,
      inList,
    ),
    db.query<ColumnRow>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, ORDINAL_POSITION AS position,
              COLUMN_DEFAULT AS \`default\`, IS_NULLABLE AS nullable, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
              CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation, EXTRA AS extra, COLUMN_COMMENT AS comment
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?)
        ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      inList,
    ),
    db.query<KeyColumnRow>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS \`constraint\`, COLUMN_NAME AS \`column\`,
              ORDINAL_POSITION AS position, REFERENCED_TABLE_SCHEMA AS refSchema, REFERENCED_TABLE_NAME AS refTable,
              REFERENCED_COLUMN_NAME AS refColumn
         FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA IN (?)
        ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
      inList,
    ),
    db.query<ReferentialRow>(
      `SELECT CONSTRAINT_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS \`constraint\`,
              UPDATE_RULE AS updateRule, DELETE_RULE AS deleteRule
         FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)`,
      inList,
    ),
    db.query<StatisticsRow>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, INDEX_NAME AS \`index\`, NON_UNIQUE AS nonUnique,
              SEQ_IN_INDEX AS seq, COLUMN_NAME AS \`column\`, SUB_PART AS subPart
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?)
        ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      inList,
    ),
    // MySQL 8's CHECK_CONSTRAINTS has no TABLE_NAME, and MySQL 8 has a native json type anyway.
    db.flavor === 'mariadb'
      ? db.query<CheckRow>(
          `SELECT CONSTRAINT_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS \`constraint\`, CHECK_CLAUSE AS clause
             FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)`,
          inList,
        )
      : Promise.resolve([] as CheckRow[]),
    db.query<CollationRow>(
      `SELECT COLLATION_NAME AS collation, CHARACTER_SET_NAME AS charset FROM information_schema.COLLATIONS`,
    ),
  ]);
  // MariaDB shows REFERENTIAL_CONSTRAINTS only to users with more than SELECT; a dry run must work with
  // SELECT alone, so the rules of foreign keys it hides are read from SHOW CREATE TABLE instead.
  const withRules = new Set(referential.map((r) => `${r.schema}\u0000${r.table}\u0000${r.constraint}`));
  const hiddenRules = new Set(
    keyColumns
      .filter((k) => k.refTable !== null && !withRules.has(`${k.schema}\u0000${k.table}\u0000${k.constraint}`))
      .map((k) => `${k.schema}\u0000${k.table}`),
  );
  for (const key of hiddenRules) {
    const [schema, table] = key.split('\u0000');
    const rows = await db.query<Record<string, string>>(`SHOW CREATE TABLE ${q(schema)}.${q(table)}`);
    referential.push(...foreignKeyRules(schema, table, rows[0]?.['Create Table'] ?? ''));
  }
  const logVersions: LogVersionRow[] = [];
  for (const t of tables) {
    if (t.table !== '~log') continue;
    const cols = new Set(columns.filter((c) => c.schema === t.schema && c.table === '~log').map((c) => c.column));
    if (!cols.has('version') || !cols.has('id')) continue;
    const rows = await db.query<{ version: string }>(
      `SELECT version FROM ${q(t.schema)}.${q('~log')} ORDER BY id DESC LIMIT 1`,
    );
    if (rows.length) logVersions.push({ schema: t.schema, version: String(rows[0].version) });
  }
  return {
    flavor: db.flavor,
    schemata,
    tables,
    columns,
    keyColumns,
    referential,
    statistics,
    checks,
    collations,
    logVersions,
  };
}

/** The ON UPDATE / ON DELETE rules of every foreign key in a CREATE TABLE text (omitted rules are RESTRICT). */
export function foreignKeyRules(schema: string, table: string, createTable: string): ReferentialRow[] {
  const out: ReferentialRow[] = [];
  const re = /CONSTRAINT `((?:[^`]|``)+)` FOREIGN KEY \([^)]*\) REFERENCES [^()]+\([^)]*\)([^,\n]*)/g;
  const action = /ON (UPDATE|DELETE) (RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT)/gi;
  for (const m of createTable.matchAll(re)) {
    const rules: Record<string, string> = { UPDATE: 'RESTRICT', DELETE: 'RESTRICT' };
    for (const a of m[2].matchAll(action)) rules[a[1].toUpperCase()] = a[2].toUpperCase();
    out.push({
      schema,
      table,
      constraint: m[1].replace(/``/g, '`'),
      updateRule: rules.UPDATE,
      deleteRule: rules.DELETE,
    });
  }
  return out;
}

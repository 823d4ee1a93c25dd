// Reads DataJoint 2.x schemas on PostgreSQL into the same model as MySQL introspection (model.ts), so
// `db inspect --target` and the Schema Explorer show them like any other 2.x schema. 2.x keeps each
// attribute's type in the column comment (`:int64:…`, `:<blob@raw>:…`); the PostgreSQL type alone cannot
// tell `int8` from `int16` or a `<blob>` from `bytes`. The decoding is a pure function of catalogue rows
// (decodePgCatalog), unit-tested without a server. (Copy, compare and verify read PostgreSQL tables through
// connect/dialects/pgIntrospect.ts, which carries what they need — base types, inherited labels — and no
// more; this module serves inspect and the Schema Explorer: tiers, indexes, row estimates, hidden tables.)
import type { Column, ColumnStorage, ForeignKey, Index, Schema, SchemaVersion, Table } from '../model';
import { tierOf } from '../model';
import { DbInputError } from '../sql';
import type { PgDb } from '../connect/dialects/postgres';
import { pqt } from '../connect/dialects/postgres';
import { parse2xLabel, splitLabel } from '../../../../common/src/djtypes';
import { decodeStorage } from '../introspect';

export interface PgTableRow {
  schema: string;
  table: string;
  comment: string | null;
  /** pg_class.reltuples: −1 before the first ANALYZE (PostgreSQL 14+). */
  rows: number | string;
  bytes: number | string;
}

export interface PgColumnRow {
  schema: string;
  table: string;
  position: number;
  column: string;
  /** format_type(): `bigint`, `character varying(16)`, `timestamp(3) without time zone`, `s.enum_x`. */
  type: string;
  /** pg_type.typname of the column's type (`int8`, `varchar`, `jsonb`, `bytea`, `enum_e54fc739`). */
  typname: string;
  /** `e` for an enum type. */
  typtype: string;
  notNull: boolean;
  default: string | null;
  comment: string | null;
}

export interface PgConstraintRow {
  schema: string;
  table: string;
  name: string;
  /** `p` primary key, `f` foreign key, `u` unique. */
  kind: string;
  columns: string[];
  refSchema: string | null;
  refTable: string | null;
  refColumns: string[] | null;
  onUpdate: string | null;
  onDelete: string | null;
}

export interface PgIndexRow {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
}

export interface PgCatalog {
  schemas: string[];
  tables: PgTableRow[];
  columns: PgColumnRow[];
  constraints: PgConstraintRow[];
  indexes: PgIndexRow[];
  /** Enum type name (`schema.typname`) → labels in order. */
  enums: Record<string, string[]>;
}

/** PostgreSQL's own schemas, never DataJoint's. */
export function isPgSystemSchema(name: string): boolean {
  return name === 'information_schema' || name.startsWith('pg_');
}

/** Every user schema in the connected database (the Explorer's list). */
export async function listPgSchemas(db: PgDb): Promise<string[]> {
  const rows = await db.query<{ n: string }>('SELECT nspname AS n FROM pg_namespace ORDER BY nspname');
  return rows.map((r) => r.n).filter((n) => !isPgSystemSchema(n));
}

const RULE: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export async function readPgCatalog(db: PgDb, schemas: readonly string[]): Promise<PgCatalog> {
  const names = [...schemas];
  const found = (
    await db.query<{ n: string }>('SELECT nspname AS n FROM pg_namespace WHERE nspname = ANY($1)', [names])
  ).map((r) => r.n);
  const tables = await db.query<PgTableRow>(
    `SELECT n.nspname AS schema, c.relname AS table, obj_description(c.oid, 'pg_class') AS comment,
            c.reltuples::bigint AS rows, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')`,
    [names],
  );
  const columns = await db.query<PgColumnRow>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attnum AS position, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type, t.typname, t.typtype, a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default, col_description(c.oid, a.attnum) AS comment
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY n.nspname, c.relname, a.attnum`,
    [names],
  );
  const constraints = await db.query<PgConstraintRow>(
    `SELECT n.nspname AS schema, c.relname AS table, co.conname AS name, co.contype AS kind,
            ARRAY(SELECT a.attname FROM unnest(co.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
            rn.nspname AS "refSchema", rc.relname AS "refTable",
            CASE WHEN co.contype = 'f' THEN ARRAY(SELECT a.attname FROM unnest(co.confkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] END AS "refColumns",
            CASE WHEN co.contype = 'f' THEN co.confupdtype::text END AS "onUpdate",
            CASE WHEN co.contype = 'f' THEN co.confdeltype::text END AS "onDelete"
       FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class rc ON rc.oid = co.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE n.nspname = ANY($1) AND co.contype IN ('p', 'f', 'u')
      ORDER BY co.conname`,
    [names],
  );
  const indexes = await db.query<PgIndexRow>(
    `SELECT n.nspname AS schema, c.relname AS table, ic.relname AS name, i.indisunique AS unique,
            i.indisprimary AS primary,
            ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1)
      ORDER BY ic.relname`,
    [names],
  );
  const enumRows = await db.query<{ k: string; labels: string[] }>(
    `SELECT n.nspname || '.' || t.typname AS k, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = ANY($1) GROUP BY n.nspname, t.typname`,
    [names],
  );
  return {
    schemas: found,
    tables,
    columns,
    constraints: constraints.map((r) => ({
      ...r,
      onUpdate: r.onUpdate ? (RULE[r.onUpdate] ?? r.onUpdate) : null,
      onDelete: r.onDelete ? (RULE[r.onDelete] ?? r.onDelete) : null,
    })),
    indexes,
    enums: Object.fromEntries(enumRows.map((r) => [r.k, r.labels])),
  };
}

/** The MySQL-side data type the model's consumers know (`json`, `longblob`), from a PostgreSQL type name. */
function modelDataType(c: PgColumnRow): string {
  if (c.typtype === 'e') return 'enum';
  switch (c.typname) {
    case 'jsonb':
    case 'json':
      return 'json';
    case 'bytea':
      return 'longblob';
    case 'int8':
      return 'bigint';
    case 'int4':
      return 'int';
    case 'int2':
      return 'smallint';
    case 'float4':
      return 'float';
    case 'float8':
      return 'double';
    case 'bool':
      return 'boolean';
    default:
      return c.typname;
  }
}

function storageOf(c: PgColumnRow, label: string | null): ColumnStorage {
  if (c.typname === 'uuid') return { form: 'uuid' };
  const dataType = modelDataType(c);
  // An unlabelled bytea is 2.x's `bytes`, not a serialized blob (2.x always labels `<blob>`).
  if (label === null && dataType === 'longblob') return { form: 'plain' };
  return decodeStorage(dataType, label);
}

/** The type text for a column: the enum's values instead of its generated type name. */
function columnTypeOf(c: PgColumnRow, enums: PgCatalog['enums']): string {
  if (c.typtype !== 'e') return c.type;
  const labels = enums[`${c.schema}.${c.typname}`];
  return labels ? `enum(${labels.map((l) => `'${l.replace(/'/g, "''")}'`).join(',')})` : c.type;
}

/**
 * The model of the named schemas (in the order given) from catalogue rows. Tables keep their MySQL names
 * (`#lookup`, `_imported`, `__computed`, `master__part`); hidden tables are those starting with `~`.
 */
export function decodePgCatalog(catalog: PgCatalog, schemas: readonly string[]): Schema[] {
  const out: Schema[] = [];
  for (const name of schemas) {
    const tables: Table[] = [];
    const hidden: Table[] = [];
    for (const t of catalog.tables.filter((x) => x.schema === name)) {
      const mine = <T extends { schema: string; table: string }>(rows: T[]) =>
        rows.filter((r) => r.schema === name && r.table === t.table);
      const cons = mine(catalog.constraints);
      const primaryKey = cons.find((c) => c.kind === 'p')?.columns ?? [];
      const foreignKeys: ForeignKey[] = cons
        .filter((c) => c.kind === 'f')
        .map((c) => ({
          name: c.name,
          columns: c.columns,
          refSchema: c.refSchema ?? '',
          refTable: c.refTable ?? '',
          refColumns: c.refColumns ?? [],
          onUpdate: c.onUpdate ?? 'NO ACTION',
          onDelete: c.onDelete ?? 'NO ACTION',
        }));
      const indexes: Index[] = mine(catalog.indexes)
        .filter((i) => !i.primary)
        .map((i) => ({ name: i.name, unique: i.unique, columns: i.columns }));
      const columns: Column[] = mine(catalog.columns)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map((c) => {
          const { label, rest } = splitLabel(c.comment ?? '');
          return {
            name: c.column,
            columnType: columnTypeOf(c, catalog.enums),
            dataType: modelDataType(c),
            nullable: !c.notNull,
            default: c.default,
            extra: '',
            charset: null,
            collation: null,
            comment: rest,
            storage: storageOf(c, label),
            label2x: label,
          };
        });
      const table: Table = {
        schema: name,
        name: t.table,
        tier: tierOf(t.table) ?? 'unknown',
        comment: t.comment ?? '',
        charset: '',
        collation: '',
        columns,
        primaryKey,
        foreignKeys,
        indexes,
        rowEstimate: Math.max(0, Number(t.rows)),
        sizeBytes: Number(t.bytes),
      };
      (t.table.startsWith('~') ? hidden : tables).push(table);
    }
    const byName = (a: Table, b: Table) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    tables.sort(byName);
    hidden.sort(byName);
    const { version, reasons } = pgVerdict(tables, hidden);
    out.push({ name, charset: '', collation: '', tables, hidden, externalStores: [], version, reasons });
  }
  return out;
}

/** 0.14.6 never ran on PostgreSQL: a schema here is 2.x (labels or `~lineage`), empty, or someone else's. */
function pgVerdict(tables: Table[], hidden: Table[]): { version: SchemaVersion; reasons: string[] } {
  const reasons = ['DataJoint 2.x on PostgreSQL (database.backend = postgresql)'];
  if (!tables.length) return { version: 'empty', reasons: [...reasons, 'the schema has no tables'] };
  const labelled: string[] = [];
  const invalid: string[] = [];
  const nonDj: string[] = [];
  for (const t of tables) {
    if (t.tier === 'unknown') nonDj.push(t.name);
    for (const c of t.columns) {
      if (c.label2x == null) continue;
      const decoded = parse2xLabel(`:${c.label2x}:`);
      if (decoded.valid && (decoded.kind === 'core' || decoded.kind === 'codec')) labelled.push(`${t.name}.${c.name}`);
      else invalid.push(`${t.name}.${c.name} has the label :${c.label2x}:, which 2.x does not declare`);
    }
  }
  const lineage = hidden.some((h) => h.name === '~lineage');
  if (!labelled.length && !lineage)
    return {
      version: 'not-datajoint',
      reasons: [...reasons.slice(1), 'no column carries a 2.x type label and there is no ~lineage table'],
    };
  if (labelled.length) reasons.push(`${labelled.length} columns carry 2.x type labels`);
  if (lineage) reasons.push('has ~lineage');
  if (nonDj.length) reasons.push(`tables whose names follow no DataJoint tier pattern: ${nonDj.join(', ')}`);
  reasons.push(...invalid);
  return { version: '2.x', reasons };
}

export interface PgSchemasOptions {
  /** Count rows exactly instead of PostgreSQL's estimate (reltuples). */
  exactCounts?: boolean;
}

/** Introspect the named schemas of a PostgreSQL database; unknown schemas are input errors. */
export async function introspectPgSchemas(db: PgDb, schemas: string[], opts: PgSchemasOptions = {}): Promise<Schema[]> {
  if (!schemas.length) throw new DbInputError('no schemas given (use --schemas a,b,c)');
  const catalog = await readPgCatalog(db, schemas);
  const missing = schemas.filter((s) => !catalog.schemas.includes(s));
  if (missing.length)
    throw new DbInputError(
      `schema${missing.length > 1 ? 's' : ''} not found on ${db.describe()}: ${missing.join(', ')}`,
    );
  const result = decodePgCatalog(catalog, schemas);
  if (opts.exactCounts)
    for (const s of result)
      for (const t of s.tables) {
        const [row] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${pqt(t.schema, t.name)}`);
        t.rowEstimate = Number(row.n);
      }
  return result;
}

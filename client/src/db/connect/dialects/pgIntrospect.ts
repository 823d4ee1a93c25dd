// The tables of DataJoint 2.x schemas on PostgreSQL as copy, compare and verify need them: columns in order
// with their PostgreSQL type (`format_type`, as pgDdl.ts writes it, so pgCopyText encodes by it), the base
// type (`udt`: int8, bool, uuid, bytea, jsonb, timestamp, numeric, an enum's type name…), the 2.x label from
// the comment (`:<blob@raw>:…`) — foreign-key columns carry no comment on PostgreSQL, so theirs is the
// referenced column's, followed across schemas — primary key and foreign keys.
import type { PgColumn } from '../../schema/pgDdl';
import { splitLabel } from '../../../../../common/src/djtypes';
import type { PgDb } from './postgres';

export interface PgColumnInfo extends PgColumn {
  /** pg_type.typname of the column's type (`int8`, `bool`, `bpchar`, `enum_e54fc739`…). */
  udt: string;
  /** True for enum types. */
  isEnum: boolean;
}

export interface PgForeignKeyInfo {
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
}

export interface PgTableInfo {
  schema: string;
  name: string;
  comment: string;
  columns: PgColumnInfo[];
  primaryKey: string[];
  foreignKeys: PgForeignKeyInfo[];
}

interface ColumnRow {
  s: string;
  t: string;
  name: string;
  type: string;
  udt: string;
  is_enum: boolean;
  not_null: boolean;
  def: string | null;
  comment: string | null;
  table_comment: string | null;
}

/** `:label:rest` → label, or null. */
export function labelOfComment(comment: string | null): string | null {
  return splitLabel(comment ?? '').label;
}

/** Tables of `schemas` (plain tables only, hidden `~` tables included) keyed by `schema.table`. */
export async function introspectPg(db: PgDb, schemas: readonly string[]): Promise<Map<string, PgTableInfo>> {
  const tables = new Map<string, PgTableInfo>();
  let wanted = [...new Set(schemas)];
  const loaded = new Set<string>();
  // Referenced schemas are loaded too (labels of inherited columns come from there), then dropped from the result.
  while (wanted.length) {
    for (const s of wanted) loaded.add(s);
    await loadSchemas(db, wanted, tables);
    const refs = [...tables.values()].flatMap((t) => t.foreignKeys.map((f) => f.refSchema));
    wanted = [...new Set(refs)].filter((s) => !loaded.has(s));
  }
  for (const t of tables.values())
    for (const c of t.columns) if (c.core === null) c.core = inheritedLabel(tables, t, c.name, 0);
  for (const [k, t] of tables) if (!schemas.includes(t.schema)) tables.delete(k);
  return tables;
}

function inheritedLabel(
  tables: Map<string, PgTableInfo>,
  t: PgTableInfo,
  column: string,
  depth: number,
): string | null {
  if (depth > 32) return null;
  for (const fk of t.foreignKeys) {
    const i = fk.columns.indexOf(column);
    if (i < 0) continue;
    const parent = tables.get(`${fk.refSchema}.${fk.refTable}`);
    const pc = parent?.columns.find((c) => c.name === fk.refColumns[i]);
    if (!parent || !pc) continue;
    return labelOfComment(pc.comment) ?? inheritedLabel(tables, parent, pc.name, depth + 1);
  }
  return null;
}

async function loadSchemas(db: PgDb, schemas: string[], into: Map<string, PgTableInfo>): Promise<void> {
  const cols = await db.query<ColumnRow>(
    `SELECT n.nspname AS s, cl.relname AS t, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            ty.typname AS udt, ty.typtype = 'e' AS is_enum, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS def, col_description(cl.oid, a.attnum) AS comment,
            obj_description(cl.oid, 'pg_class') AS table_comment
       FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
       JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = ANY($1) AND cl.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY n.nspname, cl.relname, a.attnum`,
    [schemas],
  );
  for (const r of cols) {
    const key = `${r.s}.${r.t}`;
    let t = into.get(key);
    if (!t) {
      t = { schema: r.s, name: r.t, comment: r.table_comment ?? '', columns: [], primaryKey: [], foreignKeys: [] };
      into.set(key, t);
    }
    t.columns.push({
      name: r.name,
      type: r.type,
      udt: r.udt,
      isEnum: r.is_enum,
      core: labelOfComment(r.comment),
      nullable: !r.not_null,
      default: r.def,
      comment: r.comment,
    });
  }
  const cons = await db.query<{
    s: string;
    t: string;
    name: string;
    kind: string;
    cols: string[];
    rs: string | null;
    rt: string | null;
    rcols: string[] | null;
  }>(
    `SELECT n.nspname AS s, cl.relname AS t, co.conname AS name, co.contype AS kind,
            ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
            rn.nspname AS rs, rc.relname AS rt,
            ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n ORDER BY k.i) AS rcols
       FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
       LEFT JOIN pg_class rc ON rc.oid = co.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE n.nspname = ANY($1) AND co.contype IN ('p', 'f') ORDER BY co.conname`,
    [schemas],
  );
  for (const c of cons) {
    const t = into.get(`${c.s}.${c.t}`);
    if (!t) continue;
    if (c.kind === 'p') t.primaryKey = c.cols;
    else
      t.foreignKeys.push({
        name: c.name,
        columns: c.cols,
        refSchema: c.rs as string,
        refTable: c.rt as string,
        refColumns: c.rcols ?? [],
      });
  }
}

// 2.x's `~lineage` for parallel schemas: where every primary-key and foreign-key attribute comes from,
// computed from the table models exactly as 2.x's rebuild_schema_lineage does (storage-formats.md B8),
// minus the ~external_* keys that 2.x would wrongly include (those keys are not created in 2.x tables).
import type { Table } from './model';
import { q, qt } from './sql';

export interface LineageRow {
  table_name: string;
  attribute_name: string;
  lineage: string;
}

/** The exact DDL 2.x uses (lineage.py), under a given table name so it can be filled before it is visible. */
export function lineageTableSql(schema: string, tableName = '~lineage'): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${qt(schema, tableName)} (\n` +
    '`table_name` VARCHAR(64) NOT NULL COMMENT "table name within the schema",\n' +
    '`attribute_name` VARCHAR(64) NOT NULL COMMENT "attribute name",\n' +
    '`lineage` VARCHAR(255) NOT NULL COMMENT "origin: schema.table.attribute",\n' +
    'PRIMARY KEY (`table_name`, `attribute_name`)\n' +
    ') ENGINE=InnoDB'
  );
}

/**
 * Lineage rows per schema for tables given parents first. A foreign-key attribute inherits its parent
 * attribute's lineage (recursively, across schemas); any other primary-key attribute originates in its
 * own table as `schema.table.attribute`. Attributes whose names start with `_` are hidden and skipped.
 */
export function lineageRows(tables: Table[]): Map<string, LineageRow[]> {
  const known = new Map<string, string>(); // schema.table.attribute → lineage
  const out = new Map<string, LineageRow[]>();
  for (const t of tables) {
    const rows: LineageRow[] = [];
    const own = new Map<string, string>();
    for (const fk of t.foreignKeys) {
      if (fk.refTable.startsWith('~')) continue;
      fk.columns.forEach((c, i) => {
        if (own.has(c) || c.startsWith('_')) return;
        const parentAttr = `${fk.refSchema}.${fk.refTable}.${fk.refColumns[i]}`;
        own.set(c, known.get(parentAttr) ?? parentAttr);
      });
    }
    for (const c of t.primaryKey) if (!own.has(c) && !c.startsWith('_')) own.set(c, `${t.schema}.${t.name}.${c}`);
    for (const col of t.columns) {
      const lineage = own.get(col.name);
      if (lineage === undefined) continue;
      known.set(`${t.schema}.${t.name}.${col.name}`, lineage);
      rows.push({ table_name: t.name, attribute_name: col.name, lineage });
    }
    out.set(t.schema, [...(out.get(t.schema) ?? []), ...rows]);
  }
  return out;
}

/** One multi-row INSERT, so a schema's lineage appears all at once or not at all. */
export function insertLineageSql(
  schema: string,
  tableName: string,
  rows: LineageRow[],
): { sql: string; params: string[] } {
  const values = rows.map(() => '(?, ?, ?)').join(', ');
  return {
    sql: `INSERT INTO ${qt(schema, tableName)} (${q('table_name')}, ${q('attribute_name')}, ${q('lineage')}) VALUES ${values}`,
    params: rows.flatMap((r) => [r.table_name, r.attribute_name, r.lineage]),
  };
}

// The Schema Explorer's view of a PostgreSQL connection (DataJoint 2.x's postgresql backend): schemas,
// tables and columns with their 2.x types, read-only. The types come from the `:<type>:` column comments
// 2.x writes; columns inherited through a foreign key carry no comment on PostgreSQL, so their type is the
// referenced column's. No `vscode` here (explorer.ts turns the views into tree items).
import type { Column, Schema, Table } from '../db/model';
import { className, type ItemView, rowsText, storeOf, tierLabel } from './explorerModel';

const TIER_ICON: Record<Table['tier'], string> = {
  manual: 'person',
  lookup: 'list-flat',
  imported: 'cloud-download',
  computed: 'gear',
  part: 'symbol-field',
  hidden: 'eye-closed',
  unknown: 'question',
};

export function pgSchemaView(schema: Schema): ItemView {
  const version = schema.version === '2.x' ? '2.x' : schema.version === 'empty' ? 'empty' : 'not DataJoint';
  return {
    label: schema.name,
    description: `${version} · PostgreSQL · ${schema.tables.length} tables`,
    tooltip: [
      `**${schema.name}** — PostgreSQL schema, DataJoint ${version}`,
      ...schema.reasons.map((r) => `- ${r}`),
    ].join('\n\n'),
    icon: schema.version === '2.x' ? 'database' : 'question',
    // Not `schema.…`: the migration commands (copy, swap, backup, …) do not apply to a PostgreSQL schema.
    contextValue: `pgschema.${schema.version === '2.x' ? 'v2x' : 'other'}`,
    collapsible: true,
  };
}

export function pgTableView(table: Table): ItemView {
  return {
    label: className(table.name),
    description: [tierLabel(table.tier), rowsText(table.rowEstimate)].join(' · '),
    tooltip: `**${table.schema}.${table.name}** — ${tierLabel(table.tier)}${table.comment ? `: ${table.comment}` : ''}\n\nRow count is PostgreSQL's estimate.`,
    icon: TIER_ICON[table.tier],
    contextValue: `pgtable.${table.tier}`,
    collapsible: true,
  };
}

/**
 * The 2.x type of a column: its label, else (a foreign-key column, no comment on PostgreSQL) the type of
 * the column it references, followed through further foreign keys; else the PostgreSQL type.
 */
export function pgColumnType(
  c: Column,
  table: Table,
  tables: readonly Table[],
): { text: string; inheritedFrom?: string } {
  if (c.label2x != null) return { text: c.label2x };
  let t = table;
  let name = c.name;
  for (let hops = 0; hops < 32; hops++) {
    const fk = t.foreignKeys.find((f) => f.columns.includes(name));
    if (!fk) break;
    const parent = tables.find((x) => x.schema === fk.refSchema && x.name === fk.refTable);
    if (!parent) break;
    name = fk.refColumns[fk.columns.indexOf(name)];
    t = parent;
    const col = parent.columns.find((x) => x.name === name);
    if (col?.label2x != null) return { text: col.label2x, inheritedFrom: `${parent.name}.${name}` };
  }
  return { text: c.columnType };
}

export function pgColumnView(c: Column, table: Table, tables: readonly Table[]): ItemView {
  const { text, inheritedFrom } = pgColumnType(c, table, tables);
  const store = storeOf(c);
  const isKey = table.primaryKey.includes(c.name);
  return {
    label: c.name,
    description: [text, store !== null ? `in store ${store || '(default)'}` : '', c.nullable ? 'nullable' : '']
      .filter(Boolean)
      .join(' · '),
    tooltip: [
      `**${c.name}**${isKey ? ' (primary key)' : ''}: \`${c.columnType}\`${c.comment ? ` — ${c.comment}` : ''}`,
      c.label2x != null ? `Comment label: \`:${c.label2x}:\`` : '',
      inheritedFrom ? `Foreign key: the type of \`${inheritedFrom}\` (PostgreSQL keeps no comment here).` : '',
      store !== null ? `Value kept in store \`${store}\`; the row holds JSON metadata (jsonb).` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    icon: isKey ? 'key' : store !== null ? 'cloud' : 'symbol-field',
    contextValue: `pgcolumn${store !== null ? '.inStore' : ''}`,
    collapsible: false,
  };
}

function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A readable description of a PostgreSQL table as the catalogue holds it (the Show DDL document). */
export function pgTableDdl(t: Table): string {
  const lines = t.columns.map(
    (c) =>
      `  ${ident(c.name)} ${c.columnType}${c.nullable ? '' : ' NOT NULL'}${c.default !== null ? ` DEFAULT ${c.default}` : ''}`,
  );
  if (t.primaryKey.length) lines.push(`  PRIMARY KEY (${t.primaryKey.map(ident).join(', ')})`);
  for (const f of t.foreignKeys)
    lines.push(
      `  FOREIGN KEY (${f.columns.map(ident).join(', ')}) REFERENCES ${ident(f.refSchema)}.${ident(f.refTable)} (${f.refColumns.map(ident).join(', ')}) ON UPDATE ${f.onUpdate} ON DELETE ${f.onDelete}`,
    );
  const out = [`CREATE TABLE ${ident(t.schema)}.${ident(t.name)} (`, lines.join(',\n'), ');'];
  for (const i of t.indexes)
    out.push(
      `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${ident(i.name)} ON ${ident(t.schema)}.${ident(t.name)} (${i.columns.map(ident).join(', ')});`,
    );
  if (t.comment)
    out.push(`COMMENT ON TABLE ${ident(t.schema)}.${ident(t.name)} IS '${t.comment.replace(/'/g, "''")}';`);
  for (const c of t.columns) {
    const full = c.label2x != null ? `:${c.label2x}:${c.comment}` : c.comment;
    if (full)
      out.push(
        `COMMENT ON COLUMN ${ident(t.schema)}.${ident(t.name)}.${ident(c.name)} IS '${full.replace(/'/g, "''")}';`,
      );
  }
  return out.join('\n');
}

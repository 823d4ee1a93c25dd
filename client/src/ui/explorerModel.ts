// What the schema explorer shows, computed from introspection results (client/src/db/model.ts) without
// `vscode`: labels, descriptions, tooltips, icons and the `viewItem` context values the menus match.
import type { Column, Schema, SchemaVersion, Table, Tier } from '../db/model';
import { columnTo014, toType2x, type UnsignedPolicy } from '../../../common/src/djtypes';

/** Plain description of a tree item; explorer.ts turns it into a vscode.TreeItem. */
export interface ItemView {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon id (ThemeIcon). */
  icon: string;
  /** Matched by `viewItem` when-clauses in package.json. */
  contextValue: string;
  collapsible: boolean;
}

/** Schemas every server has, never DataJoint's. */
const SYSTEM_SCHEMAS = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);

export function isSystemSchema(name: string): boolean {
  return SYSTEM_SCHEMAS.has(name.toLowerCase());
}

/** A production schema and, when it exists, its parallel 2.x schema (`<name><suffix>`). */
export interface SchemaPairing {
  name: string;
  parallel: string | null;
}

/**
 * Pair schema names by the suffix: `lab` and `lab_v2` become one entry (the parallel one is shown
 * beside its production schema, not on its own); every other schema is an entry of its own.
 */
export function pairSchemas(names: readonly string[], suffix: string): SchemaPairing[] {
  const all = new Set(names);
  const result: SchemaPairing[] = [];
  for (const name of [...names].sort()) {
    if (isSystemSchema(name)) continue;
    if (suffix && name.endsWith(suffix) && all.has(name.slice(0, -suffix.length))) continue;
    result.push({ name, parallel: suffix && all.has(name + suffix) ? name + suffix : null });
  }
  return result;
}

export function parallelName(schema: string, suffix: string): string {
  return schema + suffix;
}

const VERSION_TEXT: Record<SchemaVersion, string> = {
  '0.14.6': '0.14.6',
  '2.x': '2.x',
  mixed: 'mixed',
  'not-datajoint': 'not DataJoint',
  empty: 'empty',
};
/** Context-value fragment for a version: `v014`, `v2x`, `mixed`, `other`. */
export function versionTag(v: SchemaVersion): string {
  return v === '0.14.6' ? 'v014' : v === '2.x' ? 'v2x' : v === 'mixed' ? 'mixed' : 'other';
}

export function schemaView(schema: Schema, parallel: Schema | null, parallelExpected: string): ItemView {
  const badge = VERSION_TEXT[schema.version];
  const beside = parallel
    ? `⇄ ${parallel.name} (${VERSION_TEXT[parallel.version]})`
    : schema.version === '0.14.6' || schema.version === 'mixed'
      ? `⇄ ${parallelExpected} not created`
      : '';
  const tooltip = [
    `**${schema.name}** — DataJoint ${badge}`,
    `${schema.tables.length} tables${schema.externalStores.length ? `, stores: ${schema.externalStores.join(', ')}` : ''}`,
    ...schema.reasons.map((r) => `- ${r}`),
    parallel
      ? `\nParallel 2.x schema: **${parallel.name}** (${VERSION_TEXT[parallel.version]}, ${parallel.tables.length} tables)`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    label: schema.name,
    description: [badge, beside].filter(Boolean).join(' · '),
    tooltip,
    icon: schema.version === '2.x' ? 'database' : schema.version === 'mixed' ? 'warning' : 'archive',
    contextValue: `schema.${versionTag(schema.version)}${parallel ? '.hasParallel' : ''}`,
    collapsible: true,
  };
}

/** A parallel schema shown under its production schema. */
export function parallelSchemaView(parallel: Schema): ItemView {
  return {
    label: parallel.name,
    description: `parallel · ${VERSION_TEXT[parallel.version]}`,
    tooltip: [`**${parallel.name}** — the parallel 2.x schema`, ...parallel.reasons.map((r) => `- ${r}`)].join('\n\n'),
    icon: 'repo-forked',
    contextValue: `schema.parallel.${versionTag(parallel.version)}`,
    collapsible: true,
  };
}

const TIER_TEXT: Record<Tier, string> = {
  manual: 'Manual',
  lookup: 'Lookup',
  imported: 'Imported',
  computed: 'Computed',
  part: 'Part',
  hidden: 'Hidden',
  unknown: 'not DataJoint',
};
const TIER_ICON: Record<Tier, string> = {
  manual: 'person',
  lookup: 'list-flat',
  imported: 'cloud-download',
  computed: 'gear',
  part: 'symbol-field',
  hidden: 'eye-closed',
  unknown: 'question',
};

export function tierLabel(t: Tier): string {
  return TIER_TEXT[t];
}

/** The DataJoint class name a table name stands for: `#animal_species` → `AnimalSpecies`, `__a__b` → `A.B`. */
export function className(tableName: string): string {
  const camel = (s: string) =>
    s
      .split('_')
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('');
  const bare = tableName.replace(/^(#|__|_)/, '');
  const parts = bare.split('__');
  return parts.map(camel).join('.');
}

/** Where a production table stands in the migration, as far as the explorer can tell. */
export type TableMigrationState =
  | { state: 'not-created' }
  | { state: 'created'; targetRows: number }
  | { state: 'copying'; copied: number }
  | { state: 'copied'; copied: number }
  | { state: 'copy-failed'; error: string }
  | { state: 'compared'; equal: boolean; differences: number }
  | { state: 'target' };

export function migrationStateText(s: TableMigrationState): string {
  switch (s.state) {
    case 'not-created':
      return 'no 2.x table';
    case 'created':
      return s.targetRows ? `2.x table has ~${s.targetRows} rows` : '2.x table empty';
    case 'copying':
      return `copy paused at ${s.copied} rows`;
    case 'copied':
      return 'copied';
    case 'copy-failed':
      return 'copy failed';
    case 'compared':
      return s.equal ? 'compared: equal' : `compared: ${s.differences} differences`;
    case 'target':
      return '';
  }
}

export function rowsText(n: number): string {
  return `~${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
}

export function tableView(table: Table, state: TableMigrationState, role: 'production' | 'parallel'): ItemView {
  const stateText = migrationStateText(state);
  const version = role === 'parallel' ? 'v2x' : 'v014';
  return {
    label: className(table.name),
    description: [tierLabel(table.tier), rowsText(table.rowEstimate), stateText].filter(Boolean).join(' · '),
    tooltip: `**${table.schema}.${table.name}** — ${tierLabel(table.tier)}${table.comment ? `: ${table.comment}` : ''}\n\nRow count is the server's estimate.${stateText ? ` Migration: ${stateText}.` : ''}`,
    icon: TIER_ICON[table.tier],
    contextValue: `table.${version}.${table.tier}.${state.state}`,
    collapsible: true,
  };
}

/** The full comment as stored (label included), which is what the 0.14.6 reading needs. */
function storedComment(c: Column): string {
  return c.label2x != null ? `:${c.label2x}:${c.comment}` : c.comment;
}

/** Where a column's value lives when it is not in the row: the store name, or null. */
export function storeOf(c: Column): string | null {
  const s = c.storage;
  if (s.form === 'pointer014' || s.form === 'json2x') return s.store;
  if (s.form === 'adapted' && s.store !== undefined) return s.store;
  return null;
}

/**
 * The type text the explorer shows: for a production (0.14.6) column `int unsigned → int64`, for a
 * column of a 2.x schema its 2.x type (label or native type).
 */
export function columnTypeText(
  c: Column,
  role: 'production' | 'parallel',
  policy: UnsignedPolicy,
): { text: string; notes: string[] } {
  if (role === 'parallel') return { text: c.label2x ?? c.columnType, notes: [] };
  const t014 = columnTo014(c.columnType, storedComment(c));
  if (t014.kind === 'native2x') return { text: `${t014.text} (already 2.x)`, notes: [] };
  const shown014 = t014.autoIncrement || c.extra.includes('auto_increment') ? `${t014.text} auto_increment` : t014.text;
  const t2 = toType2x(t014, policy);
  return { text: `${shown014} → ${t2.spelling}`, notes: t2.notes };
}

export function columnView(c: Column, table: Table, role: 'production' | 'parallel', policy: UnsignedPolicy): ItemView {
  const { text, notes } = columnTypeText(c, role, policy);
  const store = storeOf(c);
  const isKey = table.primaryKey.includes(c.name);
  const desc = [text, store !== null ? `in store ${store || '(default)'}` : '', c.nullable ? 'nullable' : '']
    .filter(Boolean)
    .join(' · ');
  const tooltip = [
    `**${c.name}**${isKey ? ' (primary key)' : ''}: \`${c.columnType}\`${c.comment ? ` — ${c.comment}` : ''}`,
    c.label2x != null ? `Comment label: \`:${c.label2x}:\`` : '',
    store !== null
      ? `Value kept in store \`${store}\`; the row holds ${c.storage.form === 'pointer014' ? 'a 0.14.6 UUID pointer' : 'JSON metadata'}.`
      : '',
    ...notes.map((n) => `- ${n}`),
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    label: c.name,
    description: desc,
    tooltip,
    icon: isKey ? 'key' : store !== null ? 'cloud' : 'symbol-field',
    contextValue: `column.${role}${store !== null ? '.inStore' : ''}`,
    collapsible: false,
  };
}

/** An item that stands for a failure: the reason is the label, never an empty tree. */
export function errorView(what: string, error: unknown): ItemView {
  const message = error instanceof Error ? error.message : String(error);
  return {
    label: `${what}: ${message.split('\n')[0]}`,
    tooltip: message,
    icon: 'error',
    contextValue: 'error',
    collapsible: false,
  };
}

/**
 * The migration state of each production table, from what the explorer knows: the parallel schema's
 * tables, the copy checkpoint's status per table, and the last compare result per table.
 */
export function tableStates(
  production: Schema,
  parallel: Schema | null,
  checkpoints: ReadonlyMap<string, { status: string; rowsCopied: number; error?: string }>,
  compared: ReadonlyMap<string, { equal: boolean; differences: number }>,
): Map<string, TableMigrationState> {
  const out = new Map<string, TableMigrationState>();
  for (const t of production.tables) {
    const target = parallel?.tables.find((p) => p.name === t.name);
    const cmp = compared.get(t.name);
    const cp = checkpoints.get(t.name);
    if (!target) out.set(t.name, { state: 'not-created' });
    else if (cmp) out.set(t.name, { state: 'compared', ...cmp });
    else if (cp?.status === 'done') out.set(t.name, { state: 'copied', copied: cp.rowsCopied });
    else if (cp?.status === 'failed') out.set(t.name, { state: 'copy-failed', error: cp.error ?? 'unknown error' });
    else if (cp && (cp.status === 'cancelled' || cp.status === 'running'))
      out.set(t.name, { state: 'copying', copied: cp.rowsCopied });
    else out.set(t.name, { state: 'created', targetRows: target.rowEstimate });
  }
  return out;
}

// The Schema Explorer: connection → schema (version badge, parallel schema beside it) → table (tier icon,
// rows, migration state) → column (0.14.6 type → 2.x type, in-store marker). Loaded lazily per
// connection; failures become items that say why. A PostgreSQL connection (DataJoint 2.x's postgresql
// backend) shows its schemas → tables → columns with their 2.x types, read-only (explorerPg.ts).
import * as vscode from 'vscode';
import type { Column, Schema, Table } from '../db/model';
import { introspect } from '../db/introspect';
import { introspectPgSchemas, listPgSchemas } from '../db/schema/pgCatalog';
import type { ConnectionConfig } from './connectionModel';
import { describeConnection, dialectOf } from './connectionModel';
import { pgColumnView, pgSchemaView, pgTableDdl, pgTableView } from './explorerPg';
import type { Connections } from './connections';
import {
  type ItemView,
  type TableMigrationState,
  columnView,
  errorView,
  pairSchemas,
  parallelName,
  parallelSchemaView,
  schemaView,
  tableStates,
  tableView,
} from './explorerModel';
import type { UnsignedPolicy } from '../../../common/src/djtypes';

export type ExplorerNode =
  | { kind: 'connection'; conn: ConnectionConfig }
  | { kind: 'schema'; conn: ConnectionConfig; schema: Schema; parallel: Schema | null }
  | { kind: 'parallel'; conn: ConnectionConfig; schema: Schema; production: Schema }
  | { kind: 'table'; conn: ConnectionConfig; table: Table; role: 'production' | 'parallel'; state: TableMigrationState }
  | { kind: 'column'; conn: ConnectionConfig; table: Table; column: Column; role: 'production' | 'parallel' }
  | { kind: 'error'; view: ItemView };

/** What the explorer needs to know about a schema's migration beyond the catalogue. */
export type MigrationFacts = (
  conn: ConnectionConfig,
  schema: string,
) => {
  checkpoints: ReadonlyMap<string, { status: string; rowsCopied: number; error?: string }>;
  compared: ReadonlyMap<string, { equal: boolean; differences: number }>;
};

interface Loaded {
  schemas: { schema: Schema; parallel: Schema | null }[];
  /** A PostgreSQL connection: browsed read-only, no pairing or migration state. */
  postgresql?: boolean;
}

const isPg = (conn: ConnectionConfig) => dialectOf(conn) === 'postgresql';

export class SchemaExplorer implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly cache = new Map<string, Promise<Loaded>>();
  /** Every table of a loaded PostgreSQL connection (a foreign-key column shows its parent's 2.x type). */
  private readonly pgTables = new Map<string, Table[]>();

  constructor(
    private readonly connections: Connections,
    private readonly facts: MigrationFacts,
  ) {
    connections.onDidChange(() => this.refresh());
  }

  private get suffix(): string {
    return vscode.workspace.getConfiguration('datajoint.migration').get<string>('schemaSuffix') || '_v2';
  }

  private get policy(): UnsignedPolicy {
    return vscode.workspace.getConfiguration('datajoint.migration').get<UnsignedPolicy>('unsignedIntegers') ?? 'widen';
  }

  refresh(node?: ExplorerNode): void {
    if (!node || node.kind === 'connection') {
      if (node) this.cache.delete(node.conn.id);
      else this.cache.clear();
    } else if ('conn' in node) this.cache.delete(node.conn.id);
    this.changed.fire(undefined);
  }

  /** The production schemas and their parallel schemas of a connection (cached until refresh). */
  load(conn: ConnectionConfig): Promise<Loaded> {
    let p = this.cache.get(conn.id);
    if (!p && isPg(conn)) {
      p = (async (): Promise<Loaded> => {
        const pgdb = await this.connections.pg(conn);
        const names = await listPgSchemas(pgdb);
        const visible = conn.schemas?.length ? names.filter((n) => conn.schemas!.includes(n)) : names;
        const all = visible.length ? await introspectPgSchemas(pgdb, visible) : [];
        this.pgTables.set(
          conn.id,
          all.flatMap((s) => s.tables),
        );
        return { schemas: all.map((schema) => ({ schema, parallel: null })), postgresql: true };
      })();
      this.cache.set(conn.id, p);
      p.catch(() => this.cache.get(conn.id) === p && this.cache.delete(conn.id));
    }
    if (!p) {
      p = (async () => {
        const db = await this.connections.db(conn);
        const names = (
          await db.query<{ name: string }>(
            'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME',
          )
        ).map((r) => r.name);
        const visible = conn.schemas?.length
          ? names.filter((n) => conn.schemas!.some((s) => n === s || n === s + this.suffix))
          : names;
        const pairs = pairSchemas(visible, this.suffix);
        if (!pairs.length) return { schemas: [] };
        const all = await introspect(db, [
          ...pairs.map((p) => p.name),
          ...pairs.flatMap((p) => (p.parallel ? [p.parallel] : [])),
        ]);
        const byName = new Map(all.map((s) => [s.name, s]));
        return {
          schemas: pairs.map((p) => ({
            schema: byName.get(p.name)!,
            parallel: p.parallel ? (byName.get(p.parallel) ?? null) : null,
          })),
        };
      })();
      this.cache.set(conn.id, p);
      p.catch(() => this.cache.get(conn.id) === p && this.cache.delete(conn.id));
    }
    return p;
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const view = this.view(node);
    const item = new vscode.TreeItem(
      view.label,
      view.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.description = view.description;
    item.tooltip = view.tooltip ? new vscode.MarkdownString(view.tooltip) : undefined;
    item.iconPath = new vscode.ThemeIcon(view.icon);
    item.contextValue = view.contextValue;
    item.id = nodeId(node);
    return item;
  }

  private view(node: ExplorerNode): ItemView {
    switch (node.kind) {
      case 'connection':
        return {
          label: node.conn.name,
          description: describeConnection(node.conn),
          icon: isPg(node.conn) ? 'database' : 'server-environment',
          tooltip: `**${node.conn.name}** — ${describeConnection(node.conn)}${isPg(node.conn) ? '\n\nDataJoint 2.x on PostgreSQL: browsed read-only; choose it as the target of Create Parallel, Copy, Compare or Verify.' : ''}\n\nPassword in VS Code secret storage.`,
          contextValue: isPg(node.conn) ? 'connection.postgresql' : 'connection',
          collapsible: true,
        };
      case 'schema':
        if (isPg(node.conn)) return pgSchemaView(node.schema);
        return schemaView(node.schema, node.parallel, parallelName(node.schema.name, this.suffix));
      case 'parallel':
        return parallelSchemaView(node.schema);
      case 'table':
        if (isPg(node.conn)) return pgTableView(node.table);
        return tableView(node.table, node.state, node.role);
      case 'column':
        if (isPg(node.conn)) return pgColumnView(node.column, node.table, this.pgTables.get(node.conn.id) ?? []);
        return columnView(node.column, node.table, node.role, this.policy);
      case 'error':
        return node.view;
    }
  }

  /** The DDL as the server reports it, fetched when the tooltip is shown. */
  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'table') return item;
    try {
      const ddl = await this.ddl(node.conn, node.table);
      const md = new vscode.MarkdownString(
        typeof item.tooltip === 'object' ? item.tooltip.value : String(item.tooltip ?? ''),
      );
      md.appendCodeblock(ddl, 'sql');
      item.tooltip = md;
    } catch (e) {
      item.tooltip = `${typeof item.tooltip === 'object' ? item.tooltip.value : (item.tooltip ?? '')}\n\nDDL unavailable: ${(e as Error).message}`;
    }
    return item;
  }

  async ddl(conn: ConnectionConfig, table: Pick<Table, 'schema' | 'name'>): Promise<string> {
    if (isPg(conn)) {
      await this.load(conn);
      const t = this.pgTables.get(conn.id)?.find((x) => x.schema === table.schema && x.name === table.name);
      if (!t) throw new Error(`${table.schema}.${table.name} is not among the loaded tables; refresh the explorer`);
      return pgTableDdl(t);
    }
    const db = await this.connections.db(conn);
    const rows = await db.query<Record<string, string>>(
      `SHOW CREATE TABLE \`${table.schema.replace(/`/g, '``')}\`.\`${table.name.replace(/`/g, '``')}\``,
    );
    return rows[0]?.['Create Table'] ?? '';
  }

  /** The parent of a node (TreeView.reveal walks it to open the way to a table). */
  async getParent(node: ExplorerNode): Promise<ExplorerNode | undefined> {
    if (node.kind === 'connection' || node.kind === 'error') return undefined;
    if (node.kind === 'schema') return { kind: 'connection', conn: node.conn };
    if (node.kind === 'column')
      return { kind: 'table', conn: node.conn, table: node.table, role: node.role, state: { state: 'target' } };
    const loaded = await this.load(node.conn);
    const name = node.kind === 'parallel' ? node.production.name : node.table.schema;
    for (const s of loaded.schemas) {
      if (s.schema.name === name) return { kind: 'schema', conn: node.conn, schema: s.schema, parallel: s.parallel };
      if (s.parallel?.name === name)
        return { kind: 'parallel', conn: node.conn, schema: s.parallel, production: s.schema };
    }
    return undefined;
  }

  /** The tree node of a production table (`schema.table`), for TreeView.reveal. */
  async findTable(conn: ConnectionConfig, key: string): Promise<ExplorerNode | undefined> {
    const dot = key.indexOf('.');
    const loaded = await this.load(conn);
    const s = loaded.schemas.find((x) => x.schema.name === key.slice(0, dot));
    if (!s) return undefined;
    const children = await this.getChildren({ kind: 'schema', conn, schema: s.schema, parallel: s.parallel });
    return children.find((n) => n.kind === 'table' && n.table.name === key.slice(dot + 1));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    // Restricted Mode: no connection is opened (the view's welcome text explains; trust refreshes it).
    if (!node)
      return vscode.workspace.isTrusted ? this.connections.list().map((conn) => ({ kind: 'connection', conn })) : [];
    try {
      switch (node.kind) {
        case 'connection': {
          const loaded = await this.load(node.conn);
          if (!loaded.schemas.length)
            return [
              {
                kind: 'error',
                view: {
                  label: 'No schemas visible to this user',
                  icon: 'info',
                  contextValue: 'empty',
                  collapsible: false,
                },
              },
            ];
          return loaded.schemas.map((s) => ({
            kind: 'schema',
            conn: node.conn,
            schema: s.schema,
            parallel: s.parallel,
          }));
        }
        case 'schema': {
          if (isPg(node.conn))
            return node.schema.tables.map((t) => ({
              kind: 'table',
              conn: node.conn,
              table: t,
              role: 'parallel',
              state: { state: 'target' },
            }));
          const facts = this.facts(node.conn, node.schema.name);
          const states = tableStates(node.schema, node.parallel, facts.checkpoints, facts.compared);
          const children: ExplorerNode[] = [];
          if (node.parallel)
            children.push({ kind: 'parallel', conn: node.conn, schema: node.parallel, production: node.schema });
          for (const t of node.schema.tables)
            children.push({ kind: 'table', conn: node.conn, table: t, role: 'production', state: states.get(t.name)! });
          return children;
        }
        case 'parallel':
          return node.schema.tables.map((t) => ({
            kind: 'table',
            conn: node.conn,
            table: t,
            role: 'parallel',
            state: { state: 'target' },
          }));
        case 'table':
          return node.table.columns.map((c) => ({
            kind: 'column',
            conn: node.conn,
            table: node.table,
            column: c,
            role: node.role,
          }));
        default:
          return [];
      }
    } catch (e) {
      return [
        { kind: 'error', view: errorView(node.kind === 'connection' ? 'Cannot load schemas' : 'Cannot load', e) },
      ];
    }
  }
}

function nodeId(node: ExplorerNode): string | undefined {
  switch (node.kind) {
    case 'connection':
      return `c:${node.conn.id}`;
    case 'schema':
      return `s:${node.conn.id}:${node.schema.name}`;
    case 'parallel':
      return `p:${node.conn.id}:${node.schema.name}`;
    case 'table':
      return `t:${node.conn.id}:${node.table.schema}.${node.table.name}`;
    case 'column':
      return `col:${node.conn.id}:${node.table.schema}.${node.table.name}.${node.column.name}`;
    default:
      return undefined;
  }
}

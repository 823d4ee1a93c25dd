// Registers the Migration Map, the Differences view and report documents (one call from extension.ts).
import * as vscode from 'vscode';
import { pipelines } from '../map/pipeline';
import type { ConnectionConfig } from './connectionModel';
import type { Connections } from './connections';
import { type DiffNode, DifferencesView } from './differencesView';
import type { ExplorerNode, SchemaExplorer } from './explorer';
import { MigrationMapPanel, productionSchemas } from './mapPanel';
import type { ReportPanel } from './reports';
import type { HistoryStore } from './workflow';

export interface MapCommandDeps {
  context: vscode.ExtensionContext;
  connections: Connections;
  explorer: SchemaExplorer;
  history: HistoryStore;
  reports: ReportPanel;
  root(): string;
  suffix(): string;
  explorerView?: vscode.TreeView<ExplorerNode>;
  log?: (text: string) => void;
}

/** What the map command accepts: an explorer or Migration-view item, a programmatic target, or nothing. */
type MapArg =
  | {
      kind: 'schema' | 'table' | 'parallel';
      conn: ConnectionConfig;
      schema?: unknown;
      table?: { schema: string; name: string };
      production?: { name: string };
    }
  | { connectionId: string; schema: string; focus?: string }
  | undefined;

export function registerMapAndDifferences(d: MapCommandDeps): { map: MigrationMapPanel; differences: DifferencesView } {
  const map = new MigrationMapPanel(d);
  const differences = new DifferencesView(d.history);
  const view = vscode.window.createTreeView('datajoint.differences', { treeDataProvider: differences });
  const reg = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
  const describeFilter = () => (view.description = differences.filter ? `filter: ${differences.filter}` : undefined);
  const connFor = (where: string) =>
    d.connections.list().find((c) => where.startsWith(`${c.user}@${c.host}:${c.port}`));

  d.context.subscriptions.push(
    map,
    view,
    reg('datajoint.map.show', (arg?: MapArg) => showMap(d, map, arg)),
    reg('datajoint.differences.filter', async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter differences',
        prompt: 'Rows whose table, key, column, values or reason contain this text',
        value: differences.filter,
      });
      if (text === undefined) return;
      differences.setFilter(text);
      describeFilter();
    }),
    reg('datajoint.differences.clearFilter', () => {
      differences.setFilter('');
      describeFilter();
    }),
    reg('datajoint.differences.showMore', (table?: string) => table && differences.showMore(table)),
    reg('datajoint.differences.copySql', async (n?: DiffNode) => {
      const sql = n ? differences.sqlFor(n) : null;
      if (!sql) return;
      await vscode.env.clipboard.writeText(sql);
      void vscode.window.setStatusBarMessage('DataJoint: the keys are on the clipboard as SQL', 4000);
    }),
    reg('datajoint.differences.openInMap', async (n?: DiffNode) => {
      const report = differences.report();
      if (!report || !n || n.kind === 'message') return;
      const table = n.kind === 'schema' ? undefined : n.table;
      const schema = n.kind === 'schema' ? n.schema : (table as string).slice(0, (table as string).indexOf('.'));
      const conn = connFor(report.where);
      if (!conn) {
        void vscode.window.showWarningMessage(`No connection for ${report.where}.`);
        return;
      }
      await map.show(conn, schema, table);
    }),
    reg(
      'datajoint.migration.openReportDocument',
      async (arg?: string | { entry?: { id: string }; state?: { last?: { id: string } } }) => {
        const id = typeof arg === 'string' ? arg : (arg?.entry?.id ?? arg?.state?.last?.id);
        const report = id ? d.history.report(id) : d.reports.current;
        if (report) await d.reports.showMarkdown(report, d.root());
        else void vscode.window.showWarningMessage('That report is no longer stored.');
      },
    ),
  );
  return { map, differences };
}

async function showMap(d: MapCommandDeps, map: MigrationMapPanel, arg: MapArg): Promise<void> {
  try {
    let conn: ConnectionConfig | undefined;
    let schema: string | undefined;
    let focus: string | undefined;
    if (arg && 'connectionId' in arg) {
      conn = d.connections.get(arg.connectionId);
      schema = arg.schema;
      focus = arg.focus;
    } else if (arg && 'conn' in arg) {
      conn = arg.conn;
      if (arg.kind === 'table' && arg.table) {
        const suffix = d.suffix();
        schema = arg.table.schema.endsWith(suffix) ? arg.table.schema.slice(0, -suffix.length) : arg.table.schema;
        focus = `${schema}.${arg.table.name}`;
      } else if (arg.kind === 'parallel' && arg.production) schema = arg.production.name;
      else if (typeof arg.schema === 'string') schema = arg.schema;
      else if (arg.schema && typeof arg.schema === 'object') schema = (arg.schema as { name: string }).name;
    }
    conn ??= await d.connections.pick('Migration Map: which connection?');
    if (!conn) return;
    if (!schema) {
      const all = await productionSchemas(d.explorer, conn);
      const pick = await vscode.window.showQuickPick(
        pipelines(all.map((s) => s.schema)).map((p) => ({ label: p.name, description: p.schemas.join(', ') })),
        { title: 'Migration Map: which pipeline?' },
      );
      if (!pick) return;
      schema = pick.label;
    }
    await map.show(conn, schema, focus);
  } catch (e) {
    void vscode.window.showErrorMessage(`Migration Map: ${(e as Error).message}`);
  }
}

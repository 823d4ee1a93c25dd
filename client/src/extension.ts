// VS Code entry point: a thin shell that starts the language client and registers views and commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { loadCopyState, defaultStatePath } from './db/state';
import { registerCommands } from './ui/commands';
import { Connections } from './ui/connections';
import { SchemaExplorer, type MigrationFacts } from './ui/explorer';
import { MigrationView } from './ui/migrationView';
import { OutputLog } from './ui/output';
import { PLAN_SCHEME, PlanDocuments, ReportPanel } from './ui/reports';
import { registerStatusBar } from './ui/statusBar';
import { HistoryStore } from './ui/workflow';
import { onTrustGranted, trustMiddleware } from './ui/trust';

let client: LanguageClient | undefined;

/** What `activate` returns to other extensions and to the @vscode/test-electron suite. */
export interface DataJointApi {
  connections: Connections;
  explorer: SchemaExplorer;
  history: HistoryStore;
  reports: ReportPanel;
  languageClient(): LanguageClient | undefined;
}

/** Files the language server analyses: Python, notebook cells, DataJoint config files, dependency pins. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { notebook: 'jupyter-notebook', language: 'python' },
  { scheme: 'file', pattern: '**/{dj_local_conf.json,.datajoint_config.json,datajoint.json}' },
  {
    scheme: 'file',
    pattern:
      '**/{requirements*.txt,requirements*.in,pyproject.toml,setup.cfg,setup.py,environment*.yml,environment*.yaml}',
  },
];

async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'datajoint' },
    diagnosticPullOptions: { onChange: true, onSave: true },
    // Restricted Mode: diagnostics and hovers as usual; fixes and rewriting commands ask for trust.
    middleware: trustMiddleware,
  };
  const c = new LanguageClient('datajoint', 'DataJoint Language Server', serverOptions, clientOptions);
  await c.start();
  return c;
}

export async function activate(context: vscode.ExtensionContext): Promise<DataJointApi> {
  const log = new OutputLog();
  context.subscriptions.push(log);
  const connections = new Connections(context.secrets, log);
  context.subscriptions.push(connections);

  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const history = new HistoryStore(path.join(storageDir, 'operations'));
  const root = (): string => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const suffix = (): string =>
    vscode.workspace.getConfiguration('datajoint.migration').get<string>('schemaSuffix') || '_v2';

  const facts: MigrationFacts = (conn, schema) => {
    const checkpoints = new Map<string, { status: string; rowsCopied: number; error?: string }>();
    try {
      // Copy checkpoints are per run target set; the single-schema file is the one the explorer can find.
      const state = loadCopyState(defaultStatePath(root(), conn.host, conn.port, [schema + suffix()]));
      for (const [key, cp] of Object.entries(state?.tables ?? {}))
        if (key.startsWith(`${schema}.`)) checkpoints.set(key.slice(schema.length + 1), cp);
    } catch (e) {
      log.info(`copy state for ${schema}: ${(e as Error).message}`);
    }
    const compared = new Map<string, { equal: boolean; differences: number }>();
    const last = [...history.list()]
      .reverse()
      .find(
        (h) =>
          h.kind === 'compare' &&
          h.targets.includes(schema) &&
          h.where.startsWith(`${conn.user}@${conn.host}:${conn.port}`),
      );
    const report = last ? history.report(last.id) : null;
    for (const t of report?.tables ?? [])
      if (t.table.startsWith(`${schema}.`))
        compared.set(t.table.slice(schema.length + 1), {
          equal: t.differenceCount === 0 && !t.error,
          differences: t.differenceCount,
        });
    return { checkpoints, compared };
  };

  const explorer = new SchemaExplorer(connections, facts);
  const migration = new MigrationView(connections, explorer, history);
  const plans = new PlanDocuments();
  const reports = new ReportPanel();
  context.subscriptions.push(
    vscode.window.createTreeView('datajoint.explorer', { treeDataProvider: explorer, showCollapseAll: true }),
    vscode.window.createTreeView('datajoint.migration', { treeDataProvider: migration }),
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('datajoint.migration')) explorer.refresh();
    }),
    // Restricted Mode keeps the views empty (their welcome text says why); trust brings the connections in.
    onTrustGranted(() => {
      explorer.refresh();
      migration.refresh();
    }),
  );
  registerCommands({ context, connections, explorer, migration, history, log, plans, reports, client: () => client });
  registerStatusBar(context);

  // Always started: `datajoint.migration.enabled` only decides (in the server) whether findings in a
  // workspace still pinned to 0.14.x are informational or full severity.
  try {
    log.info(`starting the DataJoint language server (${context.asAbsolutePath(path.join('dist', 'server.js'))})`);
    client = await startLanguageClient(context);
    log.info('language server running');
  } catch (e) {
    log.info(`language server failed to start: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`DataJoint language server failed to start: ${(e as Error).message}`);
  }
  return { connections, explorer, history, reports, languageClient: () => client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

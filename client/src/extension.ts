// VS Code entry point: a thin shell that starts the language client and registers views and commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SITE_PACKAGES_NOTIFICATION } from '../../server/src/index/sitePackages';
import { loadCopyState, defaultStatePath } from './db/state';
import { activeSitePackages, type PythonEnvironmentsApi } from './pythonEnvironment';
import { registerCommands } from './ui/commands';
import { Connections } from './ui/connections';
import { SchemaExplorer, type MigrationFacts } from './ui/explorer';
import { MigrationView } from './ui/migrationView';
import { OutputLog } from './ui/output';
import { PLAN_SCHEME, PlanDocuments, ReportPanel } from './ui/reports';
import { registerMapAndDifferences } from './ui/mapCommands';
import { WorkspaceSchemas } from './ui/workspaceSchemas';
import { PipelineChoice } from './ui/pipelineChoice';
import { registerPipelineCommands } from './ui/pipelineCommands';
import { registerStatusBar } from './ui/statusBar';
import { walkthroughContext } from './ui/walkthrough';
import { HistoryStore } from './ui/workflow';
import { onTrustGranted, trustMiddleware } from './ui/trust';
import { ruleLinkMiddleware } from './ui/ruleLinks';

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
  const python = await pythonApi();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const sitePackages = python ? await activeSitePackages(python, folder).catch(() => []) : undefined;
  const clientOptions: LanguageClientOptions = {
    initializationOptions: { sitePackages },
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'datajoint' },
    diagnosticPullOptions: { onChange: true, onSave: true },
    // Restricted Mode: diagnostics and hovers as usual; fixes and rewriting commands ask for trust.
    middleware: { ...trustMiddleware, ...ruleLinkMiddleware(context.asAbsolutePath(path.join('docs', 'rules.md'))) },
  };
  const c = new LanguageClient('datajoint', 'DataJoint Language Server', serverOptions, clientOptions);
  await c.start();
  const changed = python?.environments.onDidChangeActiveEnvironmentPath?.(async () => {
    const dirs = await activeSitePackages(python, folder).catch(() => []);
    await c.sendNotification(SITE_PACKAGES_NOTIFICATION, { sitePackages: dirs });
  });
  if (changed) context.subscriptions.push({ dispose: () => void changed.dispose() });
  return c;
}

/** The Python extension's environments API, when that extension is installed (it is optional). */
async function pythonApi(): Promise<PythonEnvironmentsApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonEnvironmentsApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    return api?.environments ? api : undefined;
  } catch {
    return undefined;
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<DataJointApi> {
  const log = new OutputLog();
  context.subscriptions.push(log);
  const connections = new Connections(context.secrets, log);
  context.subscriptions.push(connections);

  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const history = new HistoryStore(path.join(storageDir, 'operations'));
  const walkthrough = (): void => {
    for (const [key, value] of Object.entries(walkthroughContext(history.list())))
      void vscode.commands.executeCommand('setContext', key, value);
  };
  history.onDidChange(walkthrough);
  walkthrough();
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
  const choice = new PipelineChoice(context.workspaceState);
  const schemasInCode = new WorkspaceSchemas();
  context.subscriptions.push(schemasInCode);
  const migration = new MigrationView(connections, explorer, history, choice, schemasInCode);
  const plans = new PlanDocuments();
  const reports = new ReportPanel();
  const explorerView = vscode.window.createTreeView('datajoint.explorer', {
    treeDataProvider: explorer,
    showCollapseAll: true,
  });
  const migrationView = vscode.window.createTreeView('datajoint.migration', { treeDataProvider: migration });
  context.subscriptions.push(
    explorerView,
    migrationView,
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
  const { differences } = registerMapAndDifferences({
    context,
    connections,
    explorer,
    history,
    reports,
    root,
    suffix,
    explorerView,
    log: (text) => log.info(text),
  });
  context.subscriptions.push(onTrustGranted(() => differences.refresh()));
  registerPipelineCommands({ context, connections, migration, choice, explorerView, migrationView });

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

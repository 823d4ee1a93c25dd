// Every command of the extension. Database commands share one flow: choose targets (tree item or
// QuickPick) → dry-run plan in a read-only document → confirmation before any write → run under a
// cancellable progress → record the report in the history → open it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { Tier } from '../db/model';
import { defaultStatePath } from '../db/state';
import type { ConnectionConfig } from './connectionModel';
import { describeConnection } from './connectionModel';
import type { Connections } from './connections';
import type { ExplorerNode, SchemaExplorer } from './explorer';
import { tierLabel } from './explorerModel';
import type { MigrationView } from './migrationView';
import { OPERATIONS, type Operation, type OperationContext, type OperationTarget } from './operations';
import type { OutputLog } from './output';
import { withCancellableProgress } from './progress';
import { newReportId, type OperationKind, type OperationReport } from './report';
import { renderPlan } from './render';
import type { PlanDocuments, ReportPanel } from './reports';
import { nextStep, type HistoryStore } from './workflow';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  connections: Connections;
  explorer: SchemaExplorer;
  migration: MigrationView;
  history: HistoryStore;
  log: OutputLog;
  plans: PlanDocuments;
  reports: ReportPanel;
  /** The language client once started (code commands go through it). */
  client: () => LanguageClient | undefined;
}

/** What a database command was invoked on: a tree item, a Migration-view step, or nothing (palette). */
type CommandArg = ExplorerNode | ProgrammaticTarget | undefined;

/**
 * How the Migration view, tests and other extensions name a target. With `yes`, nothing is asked: the
 * whole schema (or `tables`) is used, without restriction unless given, and the plan is not confirmed
 * (like the CLI's --yes); the plan is still logged to the Output channel.
 */
export interface ProgrammaticTarget {
  connectionId: string;
  schema: string;
  tables?: string[];
  restriction?: { table: string; where: string; limit?: number };
  yes?: boolean;
}

interface Resolved {
  conn: ConnectionConfig;
  target: OperationTarget;
}

function workspaceRoot(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

function setting<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('datajoint.migration').get<T>(key) ?? fallback;
}

export function registerCommands(d: CommandDeps): void {
  const reg = (id: string, fn: (...args: never[]) => unknown) => d.context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('datajoint.connection.add', () => d.connections.add());
  reg('datajoint.connection.edit', (n?: ExplorerNode) => d.connections.edit(n && 'conn' in n ? n.conn.id : undefined));
  reg('datajoint.connection.remove', (n?: ExplorerNode) => d.connections.remove(n && 'conn' in n ? n.conn.id : undefined));
  reg('datajoint.connection.test', (n?: ExplorerNode) => d.connections.test(n && 'conn' in n ? n.conn : undefined));
  reg('datajoint.connection.import', () => d.connections.importFromWorkspace());
  reg('datajoint.explorer.refresh', (n?: ExplorerNode) => {
    d.explorer.refresh(n && 'conn' in n ? n : undefined);
    d.migration.refresh();
  });
  reg('datajoint.showOutput', () => d.log.show());
  reg('datajoint.table.showDdl', async (n?: ExplorerNode) => {
    if (!n || n.kind !== 'table') return;
    const ddl = await d.explorer.ddl(n.conn, n.table);
    await d.plans.open(`${n.table.schema}.${n.table.name}`, `-- ${n.table.schema}.${n.table.name} on ${describeConnection(n.conn)} (SHOW CREATE TABLE)\n${ddl};\n`);
  });
  reg('datajoint.explorer.revealTable', async (key?: string) => {
    if (!key) return;
    const dot = key.indexOf('.');
    for (const conn of d.connections.list()) {
      const loaded = await d.explorer.load(conn).catch(() => undefined);
      const found = loaded?.schemas.flatMap((s) => [s.schema, ...(s.parallel ? [s.parallel] : [])]).find((s) => s.name === key.slice(0, dot));
      const table = found?.tables.find((t) => t.name === key.slice(dot + 1));
      if (table) return vscode.commands.executeCommand('datajoint.table.showDdl', { kind: 'table', conn, table, role: 'production', state: { state: 'target' } });
    }
    void vscode.window.showWarningMessage(`Table ${key} is not among the loaded schemas; refresh the explorer.`);
  });

  const db = (kind: keyof typeof OPERATIONS) => (arg?: CommandArg) => runDbOperation(d, OPERATIONS[kind], arg);
  reg('datajoint.db.preflight', db('preflight'));
  reg('datajoint.db.createParallel', db('create-parallel'));
  reg('datajoint.db.copy', db('copy'));
  reg('datajoint.db.migratePointers', db('pointers'));
  reg('datajoint.db.compare', db('compare'));
  reg('datajoint.db.verify', db('verify'));
  reg('datajoint.db.cutOver', () =>
    vscode.window.showInformationMessage('Cut-over (backup, swap, in-place migration) is not available yet. Until then, point the migrated code at the parallel schemas once Compare reports 0 differences and Verify passes.'),
  );

  reg('datajoint.migration.runNext', async (n?: { kind: string; conn: ConnectionConfig; schema: string; steps: { step: { command: string } }[] }) => {
    if (!n || n.kind !== 'schema') return;
    const next = nextStep(n.steps as never);
    if (next) await vscode.commands.executeCommand(next.step.command, { connectionId: n.conn.id, schema: n.schema });
  });
  reg('datajoint.migration.openReport', (id?: string) => {
    const report = id ? d.history.report(id) : undefined;
    if (report) d.reports.show(report);
    else void vscode.window.showWarningMessage('That report is no longer stored.');
  });
  reg('datajoint.migration.clearHistory', async () => {
    const ok = await vscode.window.showWarningMessage('Clear the operation history and its reports? The databases are not touched.', { modal: true }, 'Clear');
    if (ok === 'Clear') d.history.clear();
  });

  reg('datajoint.code.migrateWorkspace', () => migrateWorkspaceCode(d));
  reg('datajoint.code.showReport', () => showCodeReport(d));
  reg('datajoint.code.migrateConfig', () =>
    fixFilesWithPreview(d, 'config', 'Migrate Config File', '**/{dj_local_conf.json,.datajoint_config.json,datajoint.json}'),
  );
  reg('datajoint.code.updatePin', () =>
    fixFilesWithPreview(d, 'pin', 'Update DataJoint Pin', '**/{requirements*.txt,requirements*.in,pyproject.toml,setup.cfg,setup.py,environment*.yml,environment*.yaml}'),
  );
}

// ---------------------------------------------------------------------------------------------------
// Database operations
// ---------------------------------------------------------------------------------------------------

async function resolveTarget(d: CommandDeps, op: Operation, arg: CommandArg): Promise<Resolved | undefined> {
  let conn: ConnectionConfig | undefined;
  let schemas: string[] = [];
  let tables: string[] | undefined;
  let tiers: Tier[] | undefined;
  let table: { schema: string; name: string; tier: Tier } | undefined;
  if (arg && 'kind' in arg) {
    if (arg.kind === 'error') return undefined;
    conn = arg.conn;
    if (arg.kind === 'schema') schemas = [arg.schema.name];
    else if (arg.kind === 'parallel') schemas = [arg.production.name];
    else if (arg.kind === 'table' || arg.kind === 'column') {
      const suffix = setting<string>('schemaSuffix', '_v2');
      // A table of a parallel schema stands for its production table.
      const schema = arg.role === 'parallel' && suffix && arg.table.schema.endsWith(suffix) ? arg.table.schema.slice(0, -suffix.length) : arg.table.schema;
      table = { ...arg.table, schema };
      schemas = [schema];
    }
  } else if (arg && 'connectionId' in arg) {
    conn = d.connections.get(arg.connectionId);
    if (!conn) throw new Error(`no connection with id ${arg.connectionId}`);
    schemas = [arg.schema];
    if (arg.yes) return { conn, target: { schemas, ...(arg.tables ? { tables: arg.tables } : {}), ...(arg.restriction ? { restriction: arg.restriction } : {}) } };
  }
  conn ??= await d.connections.pick(`${op.title}: which connection?`);
  if (!conn) {
    if (!d.connections.list().length) void vscode.window.showInformationMessage('Add a DataJoint connection first.', 'Add Connection').then((a) => a && vscode.commands.executeCommand('datajoint.connection.add'));
    return undefined;
  }
  const loaded = await d.explorer.load(conn);
  const production = loaded.schemas.filter((s) => s.schema.version === '0.14.6' || s.schema.version === 'mixed');
  if (!schemas.length) {
    const picks = await vscode.window.showQuickPick(
      production.map((s) => ({ label: s.schema.name, description: s.parallel ? `⇄ ${s.parallel.name}` : '', picked: false })),
      { title: `${op.title}: which 0.14.6 schemas?`, canPickMany: true, ignoreFocusOut: true },
    );
    if (!picks?.length) return undefined;
    schemas = picks.map((p) => p.label);
  }
  if (op.kind === 'copy') {
    const scopes = [
      ...(table ? [{ label: `Table ${table.name}`, scope: 'table' as const }, { label: `${tierLabel(table.tier)} tables of ${table.schema}`, scope: 'tier' as const }] : []),
      { label: `Schema${schemas.length > 1 ? 's' : ''} ${schemas.join(', ')}`, scope: 'schema' as const },
      { label: `Pipeline: every 0.14.6 schema on ${conn.name}`, scope: 'pipeline' as const },
    ];
    const scope = scopes.length === 1 ? scopes[0] : await vscode.window.showQuickPick(scopes, { title: 'Copy Data: what to copy?', ignoreFocusOut: true });
    if (!scope) return undefined;
    if (scope.scope === 'table' && table) tables = [`${table.schema}.${table.name}`];
    if (scope.scope === 'tier' && table) tiers = [table.tier];
    if (scope.scope === 'pipeline') schemas = production.map((s) => s.schema.name);
    const restriction = await vscode.window.showInputBox({
      title: 'Copy Data: restriction (optional)',
      prompt: 'Copy only some rows: `table: SQL condition`, e.g. `subject: subject_id < 100`. Their descendants and the rows they reference come along. Leave empty to copy everything.',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() || /^[^:]+:.+$/.test(v) ? undefined : 'Write it as `table: condition`'),
    });
    if (restriction === undefined) return undefined;
    if (restriction.trim()) {
      const i = restriction.indexOf(':');
      return { conn, target: { schemas, tables, tiers, restriction: { table: restriction.slice(0, i).trim(), where: restriction.slice(i + 1).trim() } } };
    }
  } else if (table) tables = [`${table.schema}.${table.name}`];
  return { conn, target: { schemas, ...(tables ? { tables } : {}), ...(tiers ? { tiers } : {}) } };
}

async function runDbOperation(d: CommandDeps, op: Operation, arg: CommandArg): Promise<OperationReport | undefined> {
  let resolved: Resolved | undefined;
  try {
    resolved = await resolveTarget(d, op, arg);
  } catch (e) {
    void vscode.window.showErrorMessage(`${op.title}: ${(e as Error).message}`);
    return undefined;
  }
  if (!resolved) return undefined;
  const { conn, target } = resolved;
  const policySetting = setting<string>('unsignedIntegers', 'widen');
  if (op.kind === 'create-parallel' && policySetting === 'uint') {
    void vscode.window.showErrorMessage('datajoint.migration.unsignedIntegers is "uint": no DataJoint 2.x release has uint types, so a schema declared that way fails on 2.0.0+. Choose "widen" or "native".');
    return undefined;
  }
  const suffix = setting<string>('schemaSuffix', '_v2');
  const startedAt = new Date().toISOString();
  const statementsBefore = d.log.statements;
  let ctx: OperationContext;
  try {
    const db = await d.connections.db(conn);
    ctx = {
      db, suffix, policy: policySetting === 'native' ? 'native' : 'widen', stores: d.connections.stores(conn).stores,
      statePath: defaultStatePath(workspaceRoot(), conn.host, conn.port, target.schemas.map((s) => s + suffix)),
    };
  } catch (e) {
    void vscode.window.showErrorMessage(`${op.title}: ${(e as Error).message}`);
    return undefined;
  }
  d.log.info(`${op.title} on ${describeConnection(conn)}: ${target.schemas.join(', ')}${target.tables ? ` tables ${target.tables.join(', ')}` : ''}`);

  if (op.writes) {
    let planText: string;
    try {
      planText = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${op.title}: planning…` }, async () =>
        renderPlan(await op.plan(ctx, target)),
      );
    } catch (e) {
      return record(d, op.kind, op.title, conn, target, startedAt, statementsBefore, e);
    }
    if (arg && 'connectionId' in arg && arg.yes) {
      d.log.info(`${op.title}: confirmed by the caller (yes); plan:\n${planText}`);
    } else if (!(await confirmPlan(d, op, conn, target, suffix, planText))) {
      d.log.info(`${op.title}: not confirmed, nothing written`);
      return undefined;
    }
  }

  let report: OperationReport;
  try {
    const result = await withCancellableProgress(`${op.title}: ${target.schemas.join(', ')}`, (sink) =>
      op.run(ctx, target, { ...sink, fileOp: (f) => d.log.info(`file: ${f}`) }),
    );
    report = {
      ...result, id: newReportId(op.kind), startedAt, finishedAt: new Date().toISOString(), statements: d.log.statements - statementsBefore,
    };
    d.history.record(report);
  } catch (e) {
    report = record(d, op.kind, op.title, conn, target, startedAt, statementsBefore, e);
  }
  d.log.info(`${op.title}: ${report.outcome} — ${report.summary}`);
  d.explorer.refresh({ kind: 'connection', conn });
  d.reports.show(report);
  if (report.outcome === 'cancelled') void vscode.window.showInformationMessage(`${op.title} was cancelled. Nothing half-done is kept; run it again to resume.`);
  return report;
}

/** Show the dry-run plan in a read-only document and ask before any write. */
async function confirmPlan(d: CommandDeps, op: Operation, conn: ConnectionConfig, target: OperationTarget, suffix: string, planText: string): Promise<boolean> {
  await d.plans.open(`${op.kind}-plan-${target.schemas.join('+')}`, planText);
  const answer = await vscode.window.showWarningMessage(
    `${op.title} on ${describeConnection(conn)} (${target.schemas.join(', ')} → ${target.schemas.map((s) => s + suffix).join(', ')}). The dry-run plan is open. Run it? Production schemas are only read.`,
    { modal: true },
    'Run',
  );
  return answer === 'Run';
}

/** A report for an operation that threw (cancellation included), recorded in the history. */
function record(d: CommandDeps, kind: OperationKind, title: string, conn: ConnectionConfig, target: OperationTarget, startedAt: string, before: number, e: unknown): OperationReport {
  const message = (e as Error)?.message ?? String(e);
  const cancelled = (e as Error)?.name === 'AbortError' || /cancel/i.test(message);
  // Error texts come from the server and the engines; they are masked like every logged line before they are stored.
  const masked = d.log.formatter.mask(message);
  const report: OperationReport = {
    id: newReportId(kind), kind, title, where: describeConnection(conn), targets: target.schemas, startedAt, finishedAt: new Date().toISOString(),
    outcome: cancelled ? 'cancelled' : 'failed', summary: cancelled ? 'cancelled (run again to resume)' : masked, tables: [], notes: cancelled ? [] : [masked],
    statements: d.log.statements - before,
  };
  d.history.record(report);
  if (!cancelled) void vscode.window.showErrorMessage(`${title} failed: ${masked}`);
  return report;
}

// ---------------------------------------------------------------------------------------------------
// Code operations (through the language server)
// ---------------------------------------------------------------------------------------------------

function requireClient(d: CommandDeps): LanguageClient | undefined {
  const client = d.client();
  if (!client?.isRunning()) void vscode.window.showErrorMessage('The DataJoint language server is not running (see the DataJoint Language Server output).');
  return client?.isRunning() ? client : undefined;
}

function codeReport(kind: OperationKind, title: string, startedAt: string, files: string[], summary: string, outcome: OperationReport['outcome']): OperationReport {
  return {
    id: newReportId(kind), kind, title, where: vscode.workspace.name ?? workspaceRoot(), targets: files.length ? files : ['workspace'], startedAt,
    finishedAt: new Date().toISOString(), outcome, summary, tables: [], notes: files.map((f) => `changed ${f}`), statements: 0,
  };
}

async function migrateWorkspaceCode(d: CommandDeps): Promise<void> {
  const client = requireClient(d);
  if (!client) return;
  const startedAt = new Date().toISOString();
  // The server computes every safe fix and sends one WorkspaceEdit whose change annotations need
  // confirmation, so VS Code opens the refactor preview before anything is written.
  const result = (await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'DataJoint: computing the workspace migration…' }, () =>
    client.sendRequest(ExecuteCommandRequest.type, { command: 'datajoint.migrateWorkspace', arguments: [] }),
  )) as { files?: number; fixes?: number; applied?: boolean; failureReason?: string } | null;
  if (!result || !result.files) {
    void vscode.window.showInformationMessage('Nothing to migrate: no safe DataJoint fix applies in this workspace. The Problems panel lists what needs a human.');
    return;
  }
  const summary = result.applied ? `${result.fixes} fixes in ${result.files} files applied` : `not applied${result.failureReason ? `: ${result.failureReason}` : ''}`;
  d.history.record(codeReport('code', 'Migrate Workspace Code', startedAt, [], summary, result.applied ? 'ok' : 'cancelled'));
}

async function showCodeReport(d: CommandDeps): Promise<void> {
  const client = requireClient(d);
  if (!client) return;
  const result = await client.sendRequest(ExecuteCommandRequest.type, { command: 'datajoint.migrationReport', arguments: [] });
  const text =
    typeof result === 'string' ? result : result && typeof result === 'object' && 'markdown' in result ? String((result as { markdown: unknown }).markdown) : '```json\n' + JSON.stringify(result, null, 2) + '\n```';
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => undefined);
}

/**
 * Config files and dependency pins: the server's `source.fixAll.datajoint` action of each matching
 * file, merged into one edit shown in the refactor preview before anything is written.
 */
async function fixFilesWithPreview(d: CommandDeps, kind: OperationKind, title: string, glob: string): Promise<void> {
  if (!requireClient(d)) return;
  const startedAt = new Date().toISOString();
  const files = await vscode.workspace.findFiles(glob, '{**/node_modules/**,**/.venv/**,**/site-packages/**}', 200);
  const merged = new vscode.WorkspaceEdit();
  const changed: string[] = [];
  for (const uri of files) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, 'source.fixAll.datajoint', 1)) ?? [];
    for (const a of actions) {
      if (!a.edit) continue;
      for (const [u, edits] of a.edit.entries()) {
        for (const e of edits) merged.replace(u, e.range, e.newText, { label: `${title}: ${path.basename(u.fsPath)}`, needsConfirmation: true });
        changed.push(vscode.workspace.asRelativePath(u));
      }
    }
  }
  if (!changed.length) {
    void vscode.window.showInformationMessage(`${title}: nothing to change (${files.length} file${files.length === 1 ? '' : 's'} checked).`);
    return;
  }
  const applied = await vscode.workspace.applyEdit(merged, { isRefactoring: true });
  d.history.record(codeReport(kind, title, startedAt, applied ? [...new Set(changed)] : [], applied ? `${new Set(changed).size} files changed` : 'not applied', applied ? 'ok' : 'cancelled'));
}

// Every command of the extension. Database commands share one flow: choose targets (tree item or
// QuickPick) → dry-run plan in a read-only document → confirmation before any write → run under a
// cancellable progress → record the report in the history → open it.
import { GUIDE_OPTIONS, guideLetters } from '../../../common/src/guideOptions';
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
import type { MigrationNode, MigrationView } from './migrationView';
import {
  OPERATIONS,
  runOperation,
  type Operation,
  type OperationContext,
  type OperationId,
  type OperationTarget,
} from './operations';
import { namesConfirmed, namesPrompt } from './operations/cutoverReport';
import { unsignedPolicyNote } from './operations/inplace';
import { defaultBackupSuffix } from '../db/backup';
import type { ConfirmRequest } from '../db/swap';
import type { OutputLog } from './output';
import { withCancellableProgress } from './progress';
import { newReportId, type OperationKind, type OperationReport } from './report';
import { renderPlan } from './render';
import { openReportDocument, type PlanDocuments, type ReportPanel } from './reports';
import { cutOverRole, nextStep, type HistoryStore } from './workflow';
import { registerTrusted } from './trust';

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
type CommandArg = ExplorerNode | MigrationStepNode | ProgrammaticTarget | undefined;
type MigrationStepNode = Extract<MigrationNode, { kind: 'step' | 'schema' }>;

/** Operations that move, replace or drop production tables: the user types the schema names to confirm. */
const CONFIRM_BY_NAME: ReadonlySet<string> = new Set(['restore', 'swap', 'unswap', 'retire', 'in-place']);
/** Operations whose targets are swapped schemas (2.x tables under the production name, 0.14.6 in `_old`). */
const ON_SWAPPED: ReadonlySet<string> = new Set(['unswap', 'retire']);

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
  /** Cut-over options (backup suffix, in-place backup choice, …); defaults otherwise. */
  cutover?: OperationTarget['cutover'];
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
  const reg = (id: string, fn: (...args: never[]) => unknown) => d.context.subscriptions.push(registerTrusted(id, fn));

  reg('datajoint.connection.add', () => d.connections.add());
  reg('datajoint.connection.edit', (n?: ExplorerNode) => d.connections.edit(n && 'conn' in n ? n.conn.id : undefined));
  reg('datajoint.connection.remove', (n?: ExplorerNode) =>
    d.connections.remove(n && 'conn' in n ? n.conn.id : undefined),
  );
  reg('datajoint.connection.test', (n?: ExplorerNode) => d.connections.test(n && 'conn' in n ? n.conn : undefined));
  reg('datajoint.connection.import', () => d.connections.importFromWorkspace());
  reg('datajoint.explorer.refresh', (n?: ExplorerNode) => {
    d.explorer.refresh(n && 'conn' in n ? n : undefined);
    d.migration.refresh();
  });
  reg('datajoint.showOutput', () => d.log.show());
  reg('datajoint.table.showDdl', async (n?: ExplorerNode) => {
    if (n?.kind !== 'table') return;
    const ddl = await d.explorer.ddl(n.conn, n.table);
    await d.plans.open(
      `${n.table.schema}.${n.table.name}`,
      `-- ${n.table.schema}.${n.table.name} on ${describeConnection(n.conn)} (SHOW CREATE TABLE)\n${ddl};\n`,
    );
  });
  reg('datajoint.explorer.revealTable', async (key?: string) => {
    if (!key) return;
    const dot = key.indexOf('.');
    for (const conn of d.connections.list()) {
      const loaded = await d.explorer.load(conn).catch(() => undefined);
      const found = loaded?.schemas
        .flatMap((s) => [s.schema, ...(s.parallel ? [s.parallel] : [])])
        .find((s) => s.name === key.slice(0, dot));
      const table = found?.tables.find((t) => t.name === key.slice(dot + 1));
      if (table)
        return vscode.commands.executeCommand('datajoint.table.showDdl', {
          kind: 'table',
          conn,
          table,
          role: 'production',
          state: { state: 'target' },
        });
    }
    void vscode.window.showWarningMessage(`Table ${key} is not among the loaded schemas; refresh the explorer.`);
  });

  const db = (kind: OperationId) => (arg?: CommandArg) => runDbOperation(d, OPERATIONS[kind], arg);
  reg('datajoint.db.preflight', db('preflight'));
  reg('datajoint.db.createParallel', db('create-parallel'));
  reg('datajoint.db.copy', db('copy'));
  reg('datajoint.db.migratePointers', db('pointers'));
  reg('datajoint.db.compare', db('compare'));
  reg('datajoint.db.verify', db('verify'));
  reg('datajoint.db.backup', db('backup'));
  reg('datajoint.db.restore', db('restore'));
  reg('datajoint.db.swap', db('swap'));
  reg('datajoint.db.unswap', db('unswap'));
  reg('datajoint.db.retire', db('retire'));
  reg('datajoint.db.migrateInPlace', db('in-place'));
  // The cut-over choices in one place (the walkthrough and the palette lead here).
  reg('datajoint.db.cutOver', async (arg?: CommandArg) => {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Back Up', description: 'a verified copy on the server first', command: 'datajoint.db.backup' },
        {
          label: 'Swap (Cut Over)',
          description: `${GUIDE_OPTIONS.swap.name}: the 2.x tables take the production names; then Finalize Schema Names (${guideLetters(GUIDE_OPTIONS.swap)})`,
          command: 'datajoint.db.swap',
        },
        {
          label: 'Keep the parallel names',
          description: `${GUIDE_OPTIONS.keepV2.name}: no database change; the code keeps the suffix (${guideLetters(GUIDE_OPTIONS.keepV2)})`,
          command: '',
        },
        {
          label: 'Migrate In Place',
          description: `${GUIDE_OPTIONS.inPlace.name}: relabel where it is; 0.14.6 clients can no longer read it (${guideLetters(GUIDE_OPTIONS.inPlace)})`,
          command: 'datajoint.db.migrateInPlace',
        },
        { label: 'Unswap (Roll Back)', description: 'undo a swap', command: 'datajoint.db.unswap' },
        {
          label: 'Retire Old Schemas',
          description: 'drop <name>_old after a swap (needs a verified backup)',
          command: 'datajoint.db.retire',
        },
      ],
      { title: 'Cut over: how?', ignoreFocusOut: true },
    );
    if (choice?.command) await vscode.commands.executeCommand(choice.command, arg);
    else if (choice)
      void vscode.window.showInformationMessage(
        'Keeping the parallel names needs no database change and no code change: the migrated code already uses the suffixed schemas. Stop 0.14.6 writers once Compare reports 0 differences and Verify passes.',
      );
  });

  reg(
    'datajoint.migration.runNext',
    async (n?: { kind: string; conn: ConnectionConfig; schema: string; steps: { step: { command: string } }[] }) => {
      if (n?.kind !== 'schema') return;
      const next = nextStep(n.steps as never);
      if (next) await vscode.commands.executeCommand(next.step.command, { connectionId: n.conn.id, schema: n.schema });
    },
  );
  reg('datajoint.migration.openReport', (id?: string) => {
    const report = id ? d.history.report(id) : undefined;
    if (report) d.reports.show(report);
    else void vscode.window.showWarningMessage('That report is no longer stored.');
  });
  reg('datajoint.migration.clearHistory', async () => {
    const ok = await vscode.window.showWarningMessage(
      'Clear the operation history and its reports? The databases are not touched.',
      { modal: true },
      'Clear',
    );
    if (ok === 'Clear') d.history.clear();
  });

  reg('datajoint.code.migrateWorkspace', () => migrateWorkspaceCode(d));
  reg('datajoint.code.finalizeSchemaNames', () => migrateWorkspaceCode(d, true));
  reg('datajoint.code.showReport', () => showCodeReport(d));
  reg('datajoint.code.migrateConfig', () =>
    fixFilesWithPreview(
      d,
      'config',
      'Migrate Config File',
      '**/{dj_local_conf.json,.datajoint_config.json,datajoint.json}',
    ),
  );
  reg('datajoint.code.updatePin', () =>
    fixFilesWithPreview(
      d,
      'pin',
      'Update DataJoint Pin',
      '**/{requirements*.txt,requirements*.in,pyproject.toml,setup.cfg,setup.py,environment*.yml,environment*.yaml}',
    ),
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
  if (arg && 'kind' in arg && (arg.kind === 'step' || (arg.kind === 'schema' && typeof arg.schema === 'string'))) {
    conn = arg.conn;
    schemas = [arg.schema as string];
  } else if (arg && 'kind' in arg) {
    if (arg.kind === 'error') return undefined;
    conn = arg.conn;
    if (arg.kind === 'schema') schemas = [(arg.schema as { name: string }).name];
    else if (arg.kind === 'parallel') schemas = [arg.production.name];
    else if (arg.kind === 'table' || arg.kind === 'column') {
      const suffix = setting<string>('schemaSuffix', '_v2');
      // A table of a parallel schema stands for its production table.
      const schema =
        arg.role === 'parallel' && suffix && arg.table.schema.endsWith(suffix)
          ? arg.table.schema.slice(0, -suffix.length)
          : arg.table.schema;
      table = { ...arg.table, schema };
      schemas = [schema];
    }
  } else if (arg && 'connectionId' in arg) {
    conn = d.connections.get(arg.connectionId);
    if (!conn) throw new Error(`no connection with id ${arg.connectionId}`);
    schemas = [arg.schema];
    if (arg.yes)
      return {
        conn,
        target: {
          schemas,
          ...(arg.tables ? { tables: arg.tables } : {}),
          ...(arg.restriction ? { restriction: arg.restriction } : {}),
          ...(arg.cutover ? { cutover: arg.cutover } : {}),
        },
      };
  }
  conn ??= await d.connections.pick(`${op.title}: which connection?`);
  if (!conn) {
    if (!d.connections.list().length)
      void vscode.window
        .showInformationMessage('Add a DataJoint connection first.', 'Add Connection')
        .then((a) => a && vscode.commands.executeCommand('datajoint.connection.add'));
    return undefined;
  }
  const loaded = await d.explorer.load(conn);
  const versions = new Map(
    loaded.schemas.flatMap((s) => [
      [s.schema.name, s.schema.version] as const,
      ...(s.parallel ? [[s.parallel.name, s.parallel.version] as const] : []),
    ]),
  );
  const production = loaded.schemas.filter(
    (s) =>
      (s.schema.version === '0.14.6' || s.schema.version === 'mixed') &&
      cutOverRole(s.schema.name, versions) === 'production',
  );
  const swapped = loaded.schemas.filter((s) => cutOverRole(s.schema.name, versions) === 'swapped');
  if (!schemas.length) {
    const choices = ON_SWAPPED.has(op.kind) ? swapped : production;
    if (!choices.length) {
      void vscode.window.showInformationMessage(
        ON_SWAPPED.has(op.kind)
          ? `${op.title}: no swapped schema on ${conn.name} (a swap leaves the 0.14.6 tables in <name>_old).`
          : `${op.title}: no 0.14.6 schema on ${conn.name}.`,
      );
      return undefined;
    }
    const picks = await vscode.window.showQuickPick(
      choices.map((s) => ({
        label: s.schema.name,
        description: ON_SWAPPED.has(op.kind)
          ? `swapped · 0.14.6 tables in ${s.schema.name}_old`
          : s.parallel
            ? `⇄ ${s.parallel.name}`
            : '',
        picked: false,
      })),
      {
        title: `${op.title}: which ${ON_SWAPPED.has(op.kind) ? 'swapped' : '0.14.6'} schemas?`,
        canPickMany: true,
        ignoreFocusOut: true,
      },
    );
    if (!picks?.length) return undefined;
    schemas = picks.map((p) => p.label);
  }
  if (op.kind === 'copy') {
    const scopes = [
      ...(table
        ? [
            { label: `Table ${table.name}`, scope: 'table' as const },
            { label: `${tierLabel(table.tier)} tables of ${table.schema}`, scope: 'tier' as const },
          ]
        : []),
      { label: `Schema${schemas.length > 1 ? 's' : ''} ${schemas.join(', ')}`, scope: 'schema' as const },
      { label: `Pipeline: every 0.14.6 schema on ${conn.name}`, scope: 'pipeline' as const },
    ];
    const scope =
      scopes.length === 1
        ? scopes[0]
        : await vscode.window.showQuickPick(scopes, { title: 'Copy Data: what to copy?', ignoreFocusOut: true });
    if (!scope) return undefined;
    if (scope.scope === 'table' && table) tables = [`${table.schema}.${table.name}`];
    if (scope.scope === 'tier' && table) tiers = [table.tier];
    if (scope.scope === 'pipeline') schemas = production.map((s) => s.schema.name);
    const restriction = await vscode.window.showInputBox({
      title: 'Copy Data: restriction (optional)',
      prompt:
        'Copy only some rows: `table: SQL condition`, e.g. `subject: subject_id < 100`. Their descendants and the rows they reference come along. Leave empty to copy everything.',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() || /^[^:]+:.+$/.test(v) ? undefined : 'Write it as `table: condition`'),
    });
    if (restriction === undefined) return undefined;
    if (restriction.trim()) {
      const i = restriction.indexOf(':');
      return {
        conn,
        target: {
          schemas,
          tables,
          tiers,
          restriction: { table: restriction.slice(0, i).trim(), where: restriction.slice(i + 1).trim() },
        },
      };
    }
  } else if (table) tables = [`${table.schema}.${table.name}`];
  const cutover = await cutOverOptions(d, op, conn, schemas, [...versions.keys()]);
  if (cutover === null) return undefined;
  return {
    conn,
    target: { schemas, ...(tables ? { tables } : {}), ...(tiers ? { tiers } : {}), ...(cutover ? { cutover } : {}) },
  };
}

/** What a cut-over operation needs beyond the schemas (asked; undefined for other operations, null when the user backed out). */
async function cutOverOptions(
  _d: CommandDeps,
  op: Operation,
  conn: ConnectionConfig,
  schemas: string[],
  names: string[],
): Promise<OperationTarget['cutover'] | null | undefined> {
  if (op.kind === 'backup') {
    const suffix = await vscode.window.showInputBox({
      title: 'Back Up: name of the backup schemas',
      prompt: `Each schema is copied to <name><suffix> on ${conn.name} and verified equal.`,
      value: defaultBackupSuffix(),
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^_\w+$/.test(v)
          ? undefined
          : 'A suffix such as _backup_20260101 (letters, digits, underscores; starting with _)',
    });
    if (!suffix) return null;
    const where = await vscode.window.showQuickPick(
      [
        { label: 'On the server', file: false },
        {
          label: 'On the server and to a SQL file…',
          description: 'loadable with the mysql client, so the backup can leave the server',
          file: true,
        },
      ],
      { title: 'Back Up: where?', ignoreFocusOut: true },
    );
    if (!where) return null;
    if (!where.file) return { backupSuffix: suffix };
    const uri = await vscode.window.showSaveDialog({
      title: 'Back Up: SQL file',
      defaultUri: vscode.Uri.file(path.join(workspaceRoot(), `${schemas.join('+')}${suffix}.sql`)),
      filters: { SQL: ['sql'] },
    });
    return uri ? { backupSuffix: suffix, toFile: uri.fsPath } : null;
  }
  if (op.kind === 'restore' || op.kind === 'retire') {
    // The backups that exist for every chosen schema (`<name>_backup_*`; for retire also `<name>_old_backup_*`).
    const suffixes = new Set<string>();
    for (const n of names) {
      for (const s of schemas) {
        for (const base of op.kind === 'retire' ? [s, `${s}_old`] : [s])
          if (n.startsWith(`${base}_backup_`)) suffixes.add(n.slice(base.length));
      }
    }
    const common = [...suffixes]
      .filter((suf) =>
        schemas.every((s) => names.includes(s + suf) || (op.kind === 'retire' && names.includes(`${s}_old${suf}`))),
      )
      .sort()
      .reverse();
    if (op.kind === 'retire') return {};
    if (!common.length) {
      void vscode.window.showWarningMessage(
        `Restore: no backup of ${schemas.join(', ')} found (expected <name>_backup_…); back up first.`,
      );
      return null;
    }
    const pick = await vscode.window.showQuickPick(
      common.map((suf) => ({ label: suf, description: schemas.map((s) => s + suf).join(', ') })),
      { title: 'Restore: from which backup?', ignoreFocusOut: true },
    );
    return pick ? { backupSuffix: pick.label } : null;
  }
  if (op.kind === 'in-place') {
    const config = vscode.workspace.getConfiguration('datajoint.migration');
    const note = unsignedPolicyNote(config.get<string>('unsignedIntegers') ?? 'widen');
    if (note) {
      const answer = await vscode.window.showWarningMessage(
        note,
        { modal: true, detail: 'Migrate In Place keeps numeric column types; the code must declare them as they are.' },
        'Switch to native',
        'Keep the setting',
      );
      if (!answer) return null;
      if (answer === 'Switch to native')
        await config.update('unsignedIntegers', 'native', vscode.ConfigurationTarget.Workspace);
    }
    const backup = await vscode.window.showQuickPick(
      [
        {
          label: `Back up first (${defaultBackupSuffix()})`,
          description: 'recommended: a verified copy on the server before anything changes',
          backup: true,
        },
        {
          label: 'No backup — I have my own',
          description: '0.14.6 clients cannot read the migrated columns; without a backup there is no way back',
          backup: false,
        },
      ],
      { title: `Migrate In Place: ${schemas.join(', ')} — backup?`, ignoreFocusOut: true },
    );
    if (!backup) return null;
    return { backup: backup.backup, backupSuffix: defaultBackupSuffix() };
  }
  return undefined;
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
  const programmaticYes = !!(arg && 'connectionId' in arg && arg.yes);
  const policySetting = setting<string>('unsignedIntegers', 'widen');
  if (op.kind === 'create-parallel' && policySetting === 'uint') {
    void vscode.window.showErrorMessage(
      'datajoint.migration.unsignedIntegers is "uint": no DataJoint 2.x release has uint types, so a schema declared that way fails on 2.0.0+. Choose "widen" or "native".',
    );
    return undefined;
  }
  const suffix = setting<string>('schemaSuffix', '_v2');
  const startedAt = new Date().toISOString();
  const statementsBefore = d.log.statements;
  let ctx: OperationContext;
  try {
    const db = await d.connections.db(conn);
    ctx = {
      db,
      suffix,
      policy: policySetting === 'native' ? 'native' : 'widen',
      stores: (await d.connections.stores(conn)).stores,
      statePath: defaultStatePath(
        workspaceRoot(),
        conn.host,
        conn.port,
        target.schemas.map((s) => s + suffix),
      ),
    };
  } catch (e) {
    void vscode.window.showErrorMessage(`${op.title}: ${(e as Error).message}`);
    return undefined;
  }
  d.log.info(
    `${op.title} on ${describeConnection(conn)}: ${target.schemas.join(', ')}${target.tables ? ` tables ${target.tables.join(', ')}` : ''}`,
  );

  if (op.writes) {
    let planText: string;
    let planTargets: string[];
    try {
      const plan = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `${op.title}: planning…` },
        () => op.plan(ctx, target),
      );
      planText = renderPlan(plan);
      planTargets = plan.targets;
    } catch (e) {
      return record(d, op.kind, op.title, conn, target, startedAt, statementsBefore, e);
    }
    if (programmaticYes) {
      d.log.info(`${op.title}: confirmed by the caller (yes); plan:\n${planText}`);
    } else if (
      !(CONFIRM_BY_NAME.has(op.kind)
        ? await confirmByName(d, op, conn, planTargets, planText)
        : await confirmPlan(d, op, conn, target, suffix, planText))
    ) {
      d.log.info(`${op.title}: not confirmed, nothing written`);
      return undefined;
    }
  }

  let report: OperationReport;
  try {
    const result = await withCancellableProgress(`${op.title}: ${target.schemas.join(', ')}`, (sink) =>
      runOperation(op, ctx, target, {
        ...sink,
        fileOp: (f) => d.log.info(`file: ${f}`),
        confirm: (req) => confirmEngineQuestion(d, op, req, programmaticYes),
      }),
    );
    report = {
      ...result,
      id: newReportId(op.kind),
      startedAt,
      finishedAt: new Date().toISOString(),
      statements: d.log.statements - statementsBefore,
    };
    d.history.record(report);
  } catch (e) {
    report = record(d, op.kind, op.title, conn, target, startedAt, statementsBefore, e);
  }
  d.log.info(`${op.title}: ${report.outcome} — ${report.summary}`);
  d.explorer.refresh({ kind: 'connection', conn });
  d.reports.show(report);
  if (report.outcome === 'cancelled')
    void vscode.window.showInformationMessage(
      `${op.title} was cancelled. Nothing half-done is kept; run it again to resume.`,
    );
  if (report.kind === 'swap' && report.outcome === 'ok') offerFinalize(d, report);
  return report;
}

/** Swap and finalize go together: the code must use the production names again. */
function offerFinalize(_d: CommandDeps, report: OperationReport): void {
  const suffix = setting<string>('schemaSuffix', '_v2');
  void vscode.window
    .showInformationMessage(
      `Swapped ${report.targets.join(', ')}. The 2.x tables now have the production names: run Finalize Schema Names so the code drops the ${suffix} suffix (swap and finalize go together; Unswap rolls the swap back).`,
      'Finalize Schema Names',
    )
    .then((a) => a && vscode.commands.executeCommand('datajoint.code.finalizeSchemaNames'));
}

/**
 * The confirmation of a step that moves, replaces or drops production tables: the dry-run plan is open,
 * and the user types the names of the schemas it touches.
 */
async function confirmByName(
  d: CommandDeps,
  op: Operation,
  conn: ConnectionConfig,
  schemas: string[],
  planText: string,
): Promise<boolean> {
  await d.plans.open(`${op.kind}-plan-${schemas.join('+')}`, planText);
  const typed = await vscode.window.showInputBox({
    title: `${op.title} on ${describeConnection(conn)}: confirm by name`,
    prompt: `The dry-run plan is open. ${namesPrompt(schemas)}`,
    placeHolder: schemas.join(', '),
    ignoreFocusOut: true,
    validateInput: (v) =>
      !v.trim() || namesConfirmed(v, schemas) ? undefined : `Type exactly these names: ${schemas.join(', ')}`,
  });
  return typed !== undefined && namesConfirmed(typed, schemas);
}

const ENGINE_BUTTON: Record<ConfirmRequest['kind'], (op: Operation, req: ConfirmRequest) => string> = {
  freeze: (op) => (op.kind === 'unswap' ? 'Writes are frozen: Roll Back' : 'Writes are frozen: Swap'),
  drop: (_op, req) => `Drop ${req.schemas.join(', ')}`,
  restore: () => 'Restore',
  'in-place': () => 'Migrate In Place',
};

/** The engine's own question mid-run (writes frozen? drop these? …), as a modal naming the schemas. */
async function confirmEngineQuestion(
  d: CommandDeps,
  op: Operation,
  req: ConfirmRequest,
  yes: boolean,
): Promise<boolean> {
  d.log.info(`${op.title}: ${req.question}`);
  if (yes) {
    d.log.info(`${op.title}: confirmed by the caller (yes)`);
    return true;
  }
  const button = ENGINE_BUTTON[req.kind](op, req);
  const answer = await vscode.window.showWarningMessage(
    `${op.title}: ${req.schemas.join(', ')}`,
    { modal: true, detail: req.question },
    button,
  );
  d.log.info(`${op.title}: ${answer === button ? 'confirmed' : 'not confirmed'}`);
  return answer === button;
}

/** Show the dry-run plan in a read-only document and ask before any write. */
async function confirmPlan(
  d: CommandDeps,
  op: Operation,
  conn: ConnectionConfig,
  target: OperationTarget,
  suffix: string,
  planText: string,
): Promise<boolean> {
  await d.plans.open(`${op.kind}-plan-${target.schemas.join('+')}`, planText);
  const into = op.kind === 'backup' ? (target.cutover?.backupSuffix ?? defaultBackupSuffix()) : suffix;
  const answer = await vscode.window.showWarningMessage(
    `${op.title} on ${describeConnection(conn)} (${target.schemas.join(', ')} → ${target.schemas.map((s) => s + into).join(', ')}). The dry-run plan is open. Run it? Production schemas are only read.`,
    { modal: true },
    'Run',
  );
  return answer === 'Run';
}

/** A report for an operation that threw (cancellation included), recorded in the history. */
function record(
  d: CommandDeps,
  kind: OperationKind,
  title: string,
  conn: ConnectionConfig,
  target: OperationTarget,
  startedAt: string,
  before: number,
  e: unknown,
): OperationReport {
  const message = (e as Error)?.message ?? String(e);
  const cancelled = (e as Error)?.name === 'AbortError' || /cancel/i.test(message);
  // Error texts come from the server and the engines; they are masked like every logged line before they are stored.
  const masked = d.log.formatter.mask(message);
  const report: OperationReport = {
    id: newReportId(kind),
    kind,
    title,
    where: describeConnection(conn),
    targets: target.schemas,
    startedAt,
    finishedAt: new Date().toISOString(),
    outcome: cancelled ? 'cancelled' : 'failed',
    summary: cancelled ? 'cancelled (run again to resume)' : masked,
    tables: [],
    notes: cancelled ? [] : [masked],
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
  if (!client?.isRunning())
    void vscode.window.showErrorMessage(
      'The DataJoint language server is not running (see the DataJoint Language Server output).',
    );
  return client?.isRunning() ? client : undefined;
}

function codeReport(
  kind: OperationKind,
  title: string,
  startedAt: string,
  files: string[],
  summary: string,
  outcome: OperationReport['outcome'],
): OperationReport {
  return {
    id: newReportId(kind),
    kind,
    title,
    where: vscode.workspace.name ?? workspaceRoot(),
    targets: files.length ? files : ['workspace'],
    startedAt,
    finishedAt: new Date().toISOString(),
    outcome,
    summary,
    tables: [],
    notes: files.map((f) => `changed ${f}`),
    statements: 0,
  };
}

/**
 * Migrate Workspace Code, or with `finalize` Finalize Schema Names (after a swap: the parallel-schema
 * suffix removed from dj.Schema names), through the language server and the refactor preview.
 */
async function migrateWorkspaceCode(d: CommandDeps, finalize = false): Promise<void> {
  const client = requireClient(d);
  if (!client) return;
  const startedAt = new Date().toISOString();
  // The server computes every safe fix and sends one WorkspaceEdit whose change annotations need
  // confirmation, so VS Code opens the refactor preview before anything is written.
  const result = (await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: finalize
        ? 'DataJoint: finding the suffixed schema names…'
        : 'DataJoint: computing the workspace migration…',
    },
    () =>
      client.sendRequest(ExecuteCommandRequest.type, {
        command: finalize ? 'datajoint.finalizeSchemaNames' : 'datajoint.migrateWorkspace',
        arguments: [],
      }),
  )) as { files?: number; fixes?: number; applied?: boolean; failureReason?: string } | null;
  if (!result?.files) {
    void vscode.window.showInformationMessage(
      finalize
        ? 'Nothing to finalize: no dj.Schema name in this workspace carries the parallel-schema suffix.'
        : 'Nothing to migrate: no safe DataJoint fix applies in this workspace. The Problems panel lists what needs a human.',
    );
    return;
  }
  const summary = result.applied
    ? `${result.fixes} fixes in ${result.files} files applied`
    : `not applied${result.failureReason ? `: ${result.failureReason}` : ''}`;
  d.history.record(
    codeReport(
      'code',
      finalize ? 'Finalize Schema Names' : 'Migrate Workspace Code',
      startedAt,
      [],
      summary,
      result.applied ? 'ok' : 'cancelled',
    ),
  );
}

async function showCodeReport(d: CommandDeps): Promise<void> {
  const client = requireClient(d);
  if (!client) return;
  const result = await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'datajoint.migrationReport',
    arguments: [],
  });
  const text =
    typeof result === 'string'
      ? result
      : result && typeof result === 'object' && 'markdown' in result
        ? String((result as { markdown: unknown }).markdown)
        : '```json\n' + JSON.stringify(result, null, 2) + '\n```';
  await openReportDocument(workspaceRoot(), 'code-migration', text);
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
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        range,
        'source.fixAll.datajoint',
        1,
      )) ?? [];
    for (const a of actions) {
      if (!a.edit) continue;
      for (const [u, edits] of a.edit.entries()) {
        for (const e of edits)
          merged.replace(u, e.range, e.newText, {
            label: `${title}: ${path.basename(u.fsPath)}`,
            needsConfirmation: true,
          });
        changed.push(vscode.workspace.asRelativePath(u));
      }
    }
  }
  if (!changed.length) {
    void vscode.window.showInformationMessage(
      `${title}: nothing to change (${files.length} file${files.length === 1 ? '' : 's'} checked).`,
    );
    return;
  }
  const applied = await vscode.workspace.applyEdit(merged, { isRefactoring: true });
  d.history.record(
    codeReport(
      kind,
      title,
      startedAt,
      applied ? [...new Set(changed)] : [],
      applied ? `${new Set(changed).size} files changed` : 'not applied',
      applied ? 'ok' : 'cancelled',
    ),
  );
}

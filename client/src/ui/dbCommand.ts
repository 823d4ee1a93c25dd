// Database commands: the shared flow from dry-run plan through confirmation to the recorded report.
import * as vscode from 'vscode';
import { defaultStatePath } from '../db/state';
import type { ConnectionConfig } from './connectionModel';
import { describeConnection } from './connectionModel';
import { runOperation, type Operation, type OperationContext, type OperationTarget } from './operations';
import { namesConfirmed, namesPrompt } from './operations/cutoverReport';
import { defaultBackupSuffix } from '../db/backup';
import type { ConfirmRequest } from '../db/swap';
import { withCancellableProgress } from './progress';
import { newReportId, type OperationKind, type OperationReport } from './report';
import { renderPlan } from './render';
import {
  CONFIRM_BY_NAME,
  setting,
  workspaceRoot,
  type CommandArg,
  type CommandDeps,
  type Resolved,
} from './commandTypes';
import { resolveTarget } from './dbTargets';
import { sourceProblem, TARGET_CHOICE_OPERATIONS, targetChoiceItems, type TargetChoice } from './targetChoice';

export async function runDbOperation(
  d: CommandDeps,
  op: Operation,
  arg: CommandArg,
): Promise<OperationReport | undefined> {
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
  const problem = sourceProblem(conn);
  if (problem) {
    void vscode.window.showErrorMessage(`${op.title}: ${problem}`);
    return undefined;
  }
  const policySetting = setting<string>('unsignedIntegers', 'widen');
  if (op.kind === 'create-parallel' && policySetting === 'uint') {
    void vscode.window.showErrorMessage(
      'datajoint.migration.unsignedIntegers is "uint": no DataJoint 2.x release has uint types, so a schema declared that way fails on 2.0.0+. Choose "widen" or "native".',
    );
    return undefined;
  }
  const settingSuffix = setting<string>('schemaSuffix', '_v2');
  const choice = await chooseTarget(d, op, conn, arg, settingSuffix, programmaticYes);
  if (!choice) return undefined;
  const targetConn = choice.kind === 'connection' ? d.connections.get(choice.connectionId) : undefined;
  if (choice.kind === 'connection' && !targetConn) {
    void vscode.window.showErrorMessage(`${op.title}: no connection with id ${choice.connectionId}`);
    return undefined;
  }
  // On another server the production names are kept (as `--target` on the command line).
  const suffix = targetConn ? '' : settingSuffix;
  const startedAt = new Date().toISOString();
  const statementsBefore = d.log.statements;
  let ctx: OperationContext;
  try {
    const db = await d.connections.db(conn);
    const where = targetConn ?? conn;
    ctx = {
      db,
      suffix,
      ...(targetConn
        ? { target: { where: describeConnection(targetConn), connection: await d.connections.target(targetConn) } }
        : {}),
      policy: policySetting === 'native' ? 'native' : 'widen',
      stores: (await d.connections.stores(conn)).stores,
      statePath: defaultStatePath(
        workspaceRoot(),
        where.host,
        where.port,
        target.schemas.map((s) => s + suffix),
      ),
    };
  } catch (e) {
    void vscode.window.showErrorMessage(`${op.title}: ${(e as Error).message}`);
    return undefined;
  }
  d.log.info(
    `${op.title} on ${describeConnection(conn)}${targetConn ? ` → ${describeConnection(targetConn)}` : ''}: ${target.schemas.join(', ')}${target.tables ? ` tables ${target.tables.join(', ')}` : ''}`,
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
        : await confirmPlan(d, op, conn, target, suffix, planText, targetConn))
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
  if (targetConn) d.explorer.refresh({ kind: 'connection', conn: targetConn });
  d.reports.show(report);
  if (report.outcome === 'cancelled')
    void vscode.window.showInformationMessage(
      `${op.title} was cancelled. Nothing half-done is kept; run it again to resume.`,
    );
  if (report.kind === 'swap' && report.outcome === 'ok') offerFinalize(d, report);
  return report;
}

/**
 * Where the 2.x schemas are for Create Parallel / Copy / Compare / Verify: the same server, or another
 * configured connection (a quick pick when there is one; a programmatic caller names it). Undefined: escaped.
 */
async function chooseTarget(
  d: CommandDeps,
  op: Operation,
  conn: ConnectionConfig,
  arg: CommandArg,
  suffix: string,
  yes: boolean,
): Promise<TargetChoice | undefined> {
  if (!TARGET_CHOICE_OPERATIONS.has(op.kind)) return { kind: 'same-server' };
  const named = arg && 'connectionId' in arg ? arg.targetConnectionId : undefined;
  if (named !== undefined) return named ? { kind: 'connection', connectionId: named } : { kind: 'same-server' };
  const items = targetChoiceItems(conn, d.connections.list(), suffix);
  if (yes || items.length === 1) return { kind: 'same-server' };
  const picked = await vscode.window.showQuickPick(items, {
    title: `${op.title}: where are the 2.x schemas?`,
    placeHolder: 'The same server under the suffix, or another connection (production names kept there)',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return picked?.choice;
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
  targetConn?: ConnectionConfig,
): Promise<boolean> {
  await d.plans.open(`${op.kind}-plan-${target.schemas.join('+')}`, planText);
  const into = op.kind === 'backup' ? (target.cutover?.backupSuffix ?? defaultBackupSuffix()) : suffix;
  const there = targetConn ? ` on ${describeConnection(targetConn)}` : '';
  const answer = await vscode.window.showWarningMessage(
    `${op.title} on ${describeConnection(conn)} (${target.schemas.join(', ')} → ${target.schemas.map((s) => s + into).join(', ')}${there}). The dry-run plan is open. Run it? Production schemas are only read.`,
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

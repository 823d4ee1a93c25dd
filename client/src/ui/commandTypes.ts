// What every command shares: its dependencies, what it was invoked on, and the workspace settings.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ConnectionConfig } from './connectionModel';
import type { Connections } from './connections';
import type { ExplorerNode, SchemaExplorer } from './explorer';
import type { MigrationNode, MigrationView } from './migrationView';
import type { OperationTarget } from './operations';
import type { OutputLog } from './output';
import type { PlanDocuments, ReportPanel } from './reports';
import type { HistoryStore } from './workflow';

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
export type CommandArg = ExplorerNode | MigrationStepNode | ProgrammaticTarget | undefined;
type MigrationStepNode = Extract<MigrationNode, { kind: 'step' | 'schema' }>;

/** Operations that move, replace or drop production tables: the user types the schema names to confirm. */
export const CONFIRM_BY_NAME: ReadonlySet<string> = new Set(['restore', 'swap', 'unswap', 'retire', 'in-place']);
/** Operations whose targets are swapped schemas (2.x tables under the production name, 0.14.6 in `_old`). */
export const ON_SWAPPED: ReadonlySet<string> = new Set(['unswap', 'retire']);

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
  /**
   * Create Parallel / Copy / Compare / Verify: the id of the connection that holds the 2.x schemas (another
   * server, production names kept); '' for the same server. Absent: asked when other connections exist (or,
   * with `yes`, the same server).
   */
  targetConnectionId?: string;
  yes?: boolean;
}

export interface Resolved {
  conn: ConnectionConfig;
  target: OperationTarget;
}

export function workspaceRoot(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

export function setting<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('datajoint.migration').get<T>(key) ?? fallback;
}

// The Migration view: per production schema of the followed pipelines the steps of the published workflow
// with their state and last result (the finished ones folded into one row), a "run next" button, and the
// history of operations with their reports.
import { sourceConnections } from './targetChoice';
import * as vscode from 'vscode';
import type { ConnectionConfig } from './connectionModel';
import { describeConnection } from './connectionModel';
import type { Connections } from './connections';
import type { SchemaExplorer } from './explorer';
import { type Pipeline, pipelineOf, pipelines } from '../map/pipeline';
import { type SchemaHint, defaultPipelines, stepRows } from './migrationModel';
import type { PipelineChoice } from './pipelineChoice';
import { type HistoryEntry, type HistoryStore, type StepState, cutOverRole, nextStep, stepStates } from './workflow';

export type MigrationNode =
  | { kind: 'schema'; conn: ConnectionConfig; schema: string; steps: StepState[] }
  | { kind: 'step'; conn: ConnectionConfig; schema: string; state: StepState }
  /** A schema's finished steps, folded into one row. */
  | { kind: 'finished'; conn: ConnectionConfig; schema: string; label: string; steps: StepState[] }
  | { kind: 'history' }
  | { kind: 'entry'; entry: HistoryEntry }
  | { kind: 'message'; label: string; icon: string }
  /** The pipelines of a connection the view does not follow (PipelineChoice). */
  | { kind: 'addPipeline'; conn: ConnectionConfig; hidden: Pipeline[]; shown: number };

const STATUS_ICON: Record<StepState['status'], [string, string?]> = {
  pending: ['circle-large-outline'],
  done: ['pass-filled', 'testing.iconPassed'],
  attention: ['warning', 'problemsWarningIcon.foreground'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['debug-pause'],
  'not-needed': ['circle-slash'],
  unavailable: ['lock'],
};
const OUTCOME_ICON = { ok: 'pass', differences: 'warning', failed: 'error', cancelled: 'debug-pause' } as const;

export class MigrationView implements vscode.TreeDataProvider<MigrationNode> {
  private readonly changed = new vscode.EventEmitter<MigrationNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly connections: Connections,
    private readonly explorer: SchemaExplorer,
    private readonly history: HistoryStore,
    private readonly choice?: PipelineChoice,
    private readonly code?: { hints(): Promise<SchemaHint[]>; onDidChange(fn: () => void): unknown },
  ) {
    choice?.onDidChange(() => this.refresh());
    code?.onDidChange(() => this.refresh());
    connections.onDidChange(() => this.refresh());
    explorer.onDidChangeTreeData(() => this.refresh());
    history.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: MigrationNode): vscode.TreeItem {
    switch (node.kind) {
      case 'schema': {
        const next = nextStep(node.steps);
        // A schema whose steps are all done folds away; the ones still in progress stay open.
        const item = new vscode.TreeItem(
          node.schema,
          next ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `m:${node.conn.id}:${node.schema}`;
        item.description = next ? `next: ${next.step.action}` : 'all steps done';
        item.tooltip = `${node.schema} on ${describeConnection(node.conn)}`;
        item.iconPath = new vscode.ThemeIcon('archive');
        item.contextValue = `workflow${next ? '.hasNext' : ''}`;
        return item;
      }
      case 'step': {
        const { state } = node;
        const item = new vscode.TreeItem(state.step.title, vscode.TreeItemCollapsibleState.None);
        item.id = `m:${node.conn.id}:${node.schema}:${state.step.id}`;
        const [icon, color] = STATUS_ICON[state.status];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        // The cut-over step leads with its state on the server (swapped / not swapped), then its last result.
        const lead = state.step.id === 'cutover' && state.detail ? `${state.detail} · ` : '';
        item.description = state.last
          ? `${lead}${state.last.summary} · ${state.last.finishedAt.slice(0, 16).replace('T', ' ')}`
          : (state.detail ?? (state.status === 'pending' ? '' : state.status));
        item.tooltip = [
          state.step.title,
          `state: ${state.status}`,
          state.detail,
          state.last ? `last: ${state.last.summary}` : '',
        ]
          .filter(Boolean)
          .join('\n');
        item.contextValue = `step.${state.status}${state.last ? '.hasReport' : ''}.step-${state.step.id}`;
        // Screen readers (and the end-to-end test) need to know which schema a step row belongs to.
        item.accessibilityInformation = {
          label: `${node.schema}: ${state.step.title}: ${item.description || state.status}`,
        };
        if (state.last)
          item.command = {
            command: 'datajoint.migration.openReport',
            title: 'Open Report',
            arguments: [state.last.id],
          };
        else if (state.step.available && state.status !== 'not-needed')
          item.command = {
            command: state.step.command,
            title: state.step.title,
            arguments: [{ connectionId: node.conn.id, schema: node.schema }],
          };
        return item;
      }
      case 'finished': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `m:${node.conn.id}:${node.schema}:finished`;
        const [icon, color] = STATUS_ICON[node.steps.some((s) => s.status === 'done') ? 'done' : 'not-needed'];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.tooltip = node.steps.map((s) => `${s.step.title}: ${s.detail ?? s.last?.summary ?? s.status}`).join('\n');
        item.contextValue = 'finishedSteps';
        item.accessibilityInformation = {
          label: `${node.schema}: finished steps: ${node.label}: ${node.steps.map((s) => s.step.title).join(', ')}`,
        };
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem('History', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'm:history';
        item.iconPath = new vscode.ThemeIcon('history');
        item.description = `${this.history.list().length} operations`;
        return item;
      }
      case 'entry': {
        const e = node.entry;
        const item = new vscode.TreeItem(`${e.title}: ${e.targets.join(', ')}`, vscode.TreeItemCollapsibleState.None);
        item.id = `m:h:${e.id}`;
        item.description = `${e.summary} · ${e.finishedAt.slice(0, 16).replace('T', ' ')}`;
        item.tooltip = `${e.title} on ${e.where}\n${e.summary}`;
        item.iconPath = new vscode.ThemeIcon(OUTCOME_ICON[e.outcome]);
        item.contextValue = 'historyEntry.hasReport';
        item.command = { command: 'datajoint.migration.openReport', title: 'Open Report', arguments: [e.id] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'addPipeline': {
        const item = new vscode.TreeItem('Add pipeline…', vscode.TreeItemCollapsibleState.None);
        item.id = `m:${node.conn.id}:addPipeline`;
        const n = node.hidden.length;
        item.description = node.shown
          ? `${n} more on ${node.conn.name}`
          : `${n} pipeline${n === 1 ? '' : 's'} on ${node.conn.name}, none named in the workspace code`;
        item.tooltip = node.hidden.map((p) => `${p.name}: ${p.schemas.join(', ')}`).join('\n');
        item.iconPath = new vscode.ThemeIcon('add');
        item.command = { command: 'datajoint.migration.addPipeline', title: 'Add pipeline…', arguments: [node] };
        return item;
      }
    }
  }

  /** Root nodes have no parent (TreeView.reveal needs this). */
  getParent(node: MigrationNode): MigrationNode | undefined {
    return node.kind === 'entry' ? { kind: 'history' } : undefined;
  }

  /** The pipelines of a connection's production schemas (schemas joined by foreign keys). */
  async pipelinesOf(conn: ConnectionConfig): Promise<Pipeline[]> {
    const loaded = await this.explorer.load(conn);
    return pipelines(loaded.schemas.map((s) => s.schema));
  }

  /** The pipelines shown before the user chooses: the ones the workspace's code names (migrationModel). */
  async defaultPipelines(all: readonly Pipeline[]): Promise<Pipeline[]> {
    const hints = this.code ? await this.code.hints() : [];
    const suffix = vscode.workspace.getConfiguration('datajoint.migration').get<string>('schemaSuffix') || '_v2';
    return this.code ? defaultPipelines(all, hints, suffix) : [...all];
  }

  /** A connection's pipelines, the ones the view follows and the hidden ones. */
  async followed(
    conn: ConnectionConfig,
  ): Promise<{ all: Pipeline[]; byDefault: Pipeline[]; shown: Pipeline[]; hidden: Pipeline[] }> {
    const all = await this.pipelinesOf(conn);
    const byDefault = await this.defaultPipelines(all);
    const { shown, hidden } = this.choice?.visible(conn.id, all, byDefault) ?? { shown: all, hidden: [] };
    return { all, byDefault, shown, hidden };
  }

  async getChildren(node?: MigrationNode): Promise<MigrationNode[]> {
    if (!node && !vscode.workspace.isTrusted) return [];
    if (!node) {
      const out: MigrationNode[] = [];
      // PostgreSQL connections hold 2.x schemas only: targets, never workflows of their own.
      for (const conn of sourceConnections(this.connections.list())) {
        try {
          const loaded = await this.explorer.load(conn);
          const versions = new Map<string, string>();
          for (const s of loaded.schemas) {
            versions.set(s.schema.name, s.schema.version);
            if (s.parallel) versions.set(s.parallel.name, s.parallel.version);
          }
          const { all, shown, hidden } = await this.followed(conn);
          for (const s of loaded.schemas) {
            if (!shown.includes(pipelineOf(all, s.schema.name))) continue;
            const role = cutOverRole(s.schema.name, versions);
            // Schemas a swap or backup made are shown in the explorer, not as workflows of their own.
            if (role === 'derived') continue;
            const swapped = role === 'swapped';
            if (!swapped && s.schema.version !== '0.14.6' && s.schema.version !== 'mixed') continue;
            const hasPointers = s.schema.tables.some((t) => t.columns.some((c) => c.storage.form === 'pointer014'));
            const parallelHasPointers =
              s.parallel?.tables.some((t) => t.columns.some((c) => c.storage.form === 'pointer014')) ?? hasPointers;
            const steps = stepStates(this.history.list(), describeConnection(conn), s.schema.name, {
              parallelExists: s.parallel !== null,
              // Copy converts pointers while copying; the step is needed only for pointers left in the parallel schema.
              hasPointers: swapped ? false : s.parallel ? parallelHasPointers : hasPointers,
              swapped,
            });
            out.push({ kind: 'schema', conn, schema: s.schema.name, steps });
          }
          if (hidden.length) out.push({ kind: 'addPipeline', conn, hidden, shown: shown.length });
        } catch (e) {
          out.push({ kind: 'message', label: `${conn.name}: ${(e as Error).message}`, icon: 'error' });
        }
      }
      if (this.history.list().length) out.push({ kind: 'history' });
      return out;
    }
    if (node.kind === 'schema') {
      const { conn, schema } = node;
      const { finished, open, label } = stepRows(node.steps);
      const rows: MigrationNode[] = open.map((state) => ({ kind: 'step', conn, schema, state }));
      return finished.length ? [{ kind: 'finished', conn, schema, label, steps: finished }, ...rows] : rows;
    }
    if (node.kind === 'finished')
      return node.steps.map((state) => ({ kind: 'step', conn: node.conn, schema: node.schema, state }));
    if (node.kind === 'history') return [...this.history.list()].reverse().map((entry) => ({ kind: 'entry', entry }));
    return [];
  }
}

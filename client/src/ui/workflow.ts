// The published migration workflow per production schema (steps, their state, the next one to run) and
// the history of operations with their reports, kept as JSON files in the extension's workspace storage.
// No `vscode` here.
import fs from 'node:fs';
import path from 'node:path';
import type { OperationKind, OperationReport, Outcome } from './report';

export type StepId =
  | 'code'
  | 'preflight'
  | 'parallel'
  | 'copy'
  | 'pointers'
  | 'compare'
  | 'verify'
  | 'backup'
  | 'cutover';

export interface StepDefinition {
  id: StepId;
  title: string;
  /** What running it is called ("Copy data"). */
  action: string;
  /** The command that runs the step. */
  command: string;
  /** The operations whose reports complete the step. */
  kinds: OperationKind[];
  /** Code is per workspace; the rest is per production schema. */
  scope: 'workspace' | 'schema';
  /** Not built yet: shown, never offered as "next". */
  available: boolean;
}

export const STEPS: readonly StepDefinition[] = [
  {
    id: 'code',
    title: 'Code migrated',
    action: 'Migrate code',
    command: 'datajoint.code.migrateWorkspace',
    kinds: ['code'],
    scope: 'workspace',
    available: true,
  },
  {
    id: 'preflight',
    title: 'Preflight passed',
    action: 'Run preflight',
    command: 'datajoint.db.preflight',
    kinds: ['preflight'],
    scope: 'schema',
    available: true,
  },
  {
    id: 'parallel',
    title: 'Parallel schema created',
    action: 'Create parallel schema',
    command: 'datajoint.db.createParallel',
    kinds: ['create-parallel'],
    scope: 'schema',
    available: true,
  },
  {
    id: 'copy',
    title: 'Data copied',
    action: 'Copy data',
    command: 'datajoint.db.copy',
    kinds: ['copy'],
    scope: 'schema',
    available: true,
  },
  {
    id: 'pointers',
    title: 'External pointers migrated',
    action: 'Migrate external pointers',
    command: 'datajoint.db.migratePointers',
    kinds: ['pointers'],
    scope: 'schema',
    available: true,
  },
  {
    id: 'compare',
    title: 'Compared',
    action: 'Compare',
    command: 'datajoint.db.compare',
    kinds: ['compare'],
    scope: 'schema',
    available: true,
  },
  {
    id: 'verify',
    title: 'Verified for 2.x',
    action: 'Verify 2.x readiness',
    command: 'datajoint.db.verify',
    kinds: ['verify'],
    scope: 'schema',
    available: true,
  },
  {
    id: 'backup',
    title: 'Backed up',
    action: 'Back up',
    command: 'datajoint.db.backup',
    kinds: ['backup'],
    scope: 'schema',
    available: true,
  },
  // Swap (then Finalize Schema Names in the code), or in-place migration; an unswap undoes a swap.
  {
    id: 'cutover',
    title: 'Cut over',
    action: 'Swap (cut over)',
    command: 'datajoint.db.swap',
    kinds: ['swap', 'unswap', 'in-place'],
    scope: 'schema',
    available: true,
  },
];

export type StepStatus = 'pending' | 'done' | 'attention' | 'failed' | 'cancelled' | 'not-needed' | 'unavailable';

export interface StepState {
  step: StepDefinition;
  status: StepStatus;
  /** The last report of this step for this schema. */
  last?: HistoryEntry;
  /** Why the step is not needed, or what to look at. */
  detail?: string;
}

/** One operation in the history: enough to list it; the full report is in its own file. */
export interface HistoryEntry {
  id: string;
  kind: OperationKind;
  title: string;
  where: string;
  targets: string[];
  finishedAt: string;
  outcome: Outcome;
  summary: string;
}

const OUTCOME_STATUS: Record<Outcome, StepStatus> = {
  ok: 'done',
  differences: 'attention',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** What the database says about a schema, regardless of history. */
export interface SchemaFacts {
  /** The parallel schema exists. */
  parallelExists?: boolean;
  /** The schema has 0.14.6 in-store columns (false: the pointer step is not needed). */
  hasPointers?: boolean;
  pointersHandledByCopy?: boolean;
  /**
   * Swapped: the production name holds the 2.x tables and `<name>_old` the 0.14.6 ones. Undefined when
   * unknown; then the history decides.
   */
  swapped?: boolean;
  /** Where the 0.14.6 tables are parked after a swap (`<name>_old`). */
  oldSchema?: string;
}

/** The cut-over step: the database's word on swapped / not swapped wins over the history. */
function cutOverState(
  step: StepDefinition,
  last: HistoryEntry | undefined,
  schema: string,
  facts: SchemaFacts,
): StepState {
  const old = facts.oldSchema ?? `${schema}_old`;
  if (facts.swapped === true)
    return { step, status: 'done', last, detail: `swapped: 2.x tables in ${schema}, 0.14.6 tables in ${old}` };
  if (last?.kind === 'in-place' && last.outcome === 'ok')
    return { step, status: 'done', last, detail: 'migrated in place' };
  if (last?.outcome === 'ok' && last.kind === 'unswap')
    return { step, status: 'pending', last, detail: 'not swapped (rolled back)' };
  if (last?.outcome === 'ok' && last.kind === 'swap')
    return facts.swapped === false
      ? { step, status: 'pending', last, detail: 'not swapped (the database no longer shows the swap)' }
      : { step, status: 'done', last, detail: 'swapped' };
  if (last) return { step, status: OUTCOME_STATUS[last.outcome], last, detail: 'not swapped' };
  return { step, status: 'pending', detail: 'not swapped' };
}

/**
 * The steps of one production schema. `facts` carry what the database says regardless of history:
 * the parallel schema exists; the schema has no in-store columns (pointer step not needed); it is swapped.
 */
export function stepStates(
  history: readonly HistoryEntry[],
  where: string,
  schema: string,
  facts: SchemaFacts = {},
): StepState[] {
  return STEPS.map((step) => {
    const last = [...history]
      .reverse()
      .find(
        (h) =>
          step.kinds.includes(h.kind) &&
          (step.scope === 'workspace' || (h.where === where && h.targets.includes(schema))),
      );
    if (!step.available) return { step, status: 'unavailable', detail: 'not available yet' };
    if (step.id === 'cutover') return cutOverState(step, last, schema, facts);
    // After a swap, the production name holds the 2.x tables: the data steps before it are history (the
    // swap itself copied, compared and verified afresh). A backup is not implied: it stays as the history says.
    if (facts.swapped && step.scope === 'schema' && step.id !== 'backup' && !(last && last.outcome === 'ok'))
      return { step, status: 'done', last, detail: 'before the swap' };
    if (step.id === 'pointers' && facts.hasPointers === false)
      return { step, status: 'not-needed', last, detail: 'no 0.14.6 in-store columns' };
    if (last) return { step, status: OUTCOME_STATUS[last.outcome], last };
    if (step.id === 'parallel' && facts.parallelExists)
      return { step, status: 'done', detail: 'the parallel schema exists' };
    return { step, status: 'pending' };
  });
}

/**
 * Whether a schema is swapped, from the names on the server: `<name>` holds 2.x tables and `<name><old>`
 * holds 0.14.6 tables. Schemas a cut-over or backup creates (`_old`, `_backup_*`, `_restoring`,
 * `_before_restore`) are not production schemas of their own.
 */
export function cutOverRole(
  name: string,
  versions: ReadonlyMap<string, string>,
  oldSuffix = '_old',
): 'swapped' | 'production' | 'derived' {
  const base = (suffix: string) => (name.endsWith(suffix) ? name.slice(0, -suffix.length) : null);
  for (const derived of [
    base(oldSuffix),
    base('_restoring'),
    base('_before_restore'),
    /_backup_\w+$/.test(name) ? name.replace(/_backup_\w+$/, '') : null,
  ])
    if (derived && versions.has(derived)) return 'derived';
  const old = versions.get(name + oldSuffix);
  const v = versions.get(name);
  if (v === '2.x' && (old === '0.14.6' || old === 'mixed')) return 'swapped';
  return 'production';
}

/** The first step still to run (pending, failed, cancelled or needing attention), or null when all are done. */
export function nextStep(states: readonly StepState[]): StepState | null {
  return states.find((s) => s.step.available && s.status !== 'done' && s.status !== 'not-needed') ?? null;
}

/** History and reports on disk: `<dir>/history.json` and `<dir>/reports/<id>.json`. */
export class HistoryStore {
  private entries: HistoryEntry[] = [];
  private readonly listeners: Array<() => void> = [];

  constructor(
    readonly dir: string,
    readonly limit = 200,
  ) {
    this.entries = this.read();
  }

  private get file(): string {
    return path.join(this.dir, 'history.json');
  }

  private read(): HistoryEntry[] {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return Array.isArray(data) ? (data as HistoryEntry[]) : [];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      // A damaged history file is set aside rather than overwritten: it may still be worth reading.
      try {
        fs.renameSync(this.file, `${this.file}.damaged-${Date.now()}`);
      } catch {
        /* nothing to keep */
      }
      return [];
    }
  }

  list(): readonly HistoryEntry[] {
    return this.entries;
  }

  onDidChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  record(report: OperationReport): HistoryEntry {
    const entry: HistoryEntry = {
      id: report.id,
      kind: report.kind,
      title: report.title,
      where: report.where,
      targets: report.targets,
      finishedAt: report.finishedAt,
      outcome: report.outcome,
      summary: report.summary,
    };
    fs.mkdirSync(path.join(this.dir, 'reports'), { recursive: true });
    fs.writeFileSync(this.reportPath(report.id), JSON.stringify(report, null, 2));
    this.entries.push(entry);
    const dropped = this.entries.length > this.limit ? this.entries.splice(0, this.entries.length - this.limit) : [];
    for (const d of dropped) fs.rmSync(this.reportPath(d.id), { force: true });
    this.write();
    return entry;
  }

  report(id: string): OperationReport | null {
    if (!/^[\w.-]+$/.test(id)) return null;
    try {
      return JSON.parse(fs.readFileSync(this.reportPath(id), 'utf8')) as OperationReport;
    } catch {
      return null;
    }
  }

  clear(): void {
    for (const e of this.entries) fs.rmSync(this.reportPath(e.id), { force: true });
    this.entries = [];
    this.write();
  }

  private reportPath(id: string): string {
    return path.join(this.dir, 'reports', `${id}.json`);
  }

  private write(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.entries, null, 2));
    fs.renameSync(tmp, this.file);
    for (const l of this.listeners) l();
  }
}

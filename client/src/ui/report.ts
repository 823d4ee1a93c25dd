// The one shape every operation's result takes in the UI (history, Migration view, report webview), and
// the adapters from each engine's own report type. No `vscode` here.

export type OperationKind =
  | 'preflight'
  | 'create-parallel'
  | 'copy'
  | 'pointers'
  | 'compare'
  | 'verify'
  | 'cutover'
  | 'backup'
  | 'restore'
  | 'swap'
  | 'unswap'
  | 'retire'
  | 'in-place'
  | 'code'
  | 'config'
  | 'pin';

/** ok: done, nothing to worry about; differences: done, but something differs or needs a human. */
export type Outcome = 'ok' | 'differences' | 'failed' | 'cancelled';

/** A row key, column → value as text. */
export type KeyText = Record<string, string>;

export interface ReportDifference {
  key: KeyText;
  /** What differs: column names, or `missing in target` / `extra in target`. */
  what: string;
  /** Compare: the differing column, both values as text and why they differ (the Differences view). */
  column?: string;
  production?: string;
  test?: string;
  reason?: string;
}

export interface ReportTable {
  /** `schema.table` of the production table (or of the only table concerned). */
  table: string;
  /** `schema.table` on the other side, when there is one. */
  target?: string;
  status: string;
  /** Named numbers shown as columns, in order (`source rows`, `target rows`, `inserted`, ...). */
  counts: Record<string, number>;
  differences: ReportDifference[];
  /** How many differences exist in all (the list may be bounded). */
  differenceCount: number;
  error?: string;
}

export interface OperationReport {
  id: string;
  kind: OperationKind;
  title: string;
  /** `user@host:port` (never a password), or the workspace for code operations. */
  where: string;
  /** Production schemas (or files) the operation concerned. */
  targets: string[];
  startedAt: string;
  finishedAt: string;
  outcome: Outcome;
  /** One sentence. */
  summary: string;
  tables: ReportTable[];
  notes: string[];
  /** Statements executed (the Output channel has each). */
  statements: number;
}

export function newReportId(kind: OperationKind, now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${kind}-${Math.random().toString(36).slice(2, 8)}`;
}

export function totalDifferences(r: Pick<OperationReport, 'tables'>): number {
  return r.tables.reduce((n, t) => n + t.differenceCount, 0);
}

/** Text for a key value from the engines (strings, numbers, Buffers, null). */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return `0x${v.toString('hex')}`;
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function keyText(key: Record<string, unknown>): KeyText {
  return Object.fromEntries(Object.entries(key).map(([k, v]) => [k, valueText(v)]));
}

/** The outcome and one-line summary of a set of table results. */
export function summarise(
  verb: string,
  tables: readonly ReportTable[],
  flags: { cancelled?: boolean; failed?: boolean } = {},
): { outcome: Outcome; summary: string } {
  const diffs = tables.reduce((n, t) => n + t.differenceCount, 0);
  const failed = tables.filter((t) => t.error).length;
  const outcome: Outcome = flags.cancelled
    ? 'cancelled'
    : flags.failed || failed
      ? 'failed'
      : diffs
        ? 'differences'
        : 'ok';
  const n = tables.length;
  const finished = tables.filter((t) => !/cancel|skip|not created/.test(t.status)).length;
  const count = flags.cancelled ? `${finished} of ${n}` : String(n);
  const parts = [`${verb} ${count} table${n === 1 ? '' : 's'}`, `${diffs} difference${diffs === 1 ? '' : 's'}`];
  if (failed) parts.push(`${failed} failed`);
  if (flags.cancelled) parts.push('cancelled (run again to resume)');
  return { outcome, summary: parts.join(', ') };
}

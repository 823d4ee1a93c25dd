// The two phases of a cut-over (`db swap` / `db unswap`, swap.ts), so that production is frozen for a time
// that depends on what changed, not on how big the pipeline is.
//
// Pre-freeze pass (writes still running): a change-indicator snapshot of every table whose writes will be
// frozen (changeIndicators.ts), per-chunk checksums of those tables along the primary key (chunkSums.ts),
// then (swap) the catch-up copy, the full compare, the delta applied where production moved on
// (deltaSync.ts) and verify. Chunks that changed while the compare ran are marked to be re-checked.
//
// Freeze (after the user confirms writes are frozen): a second snapshot says which tables moved since the
// first; only those are re-summed, and within them only chunks whose checksum changed (or that were marked)
// are copied (swap) and compared; tables whose change cannot be told cheaply (UPDATE_TIME NULL, no binary log
// in ROW format, a server restart) are re-summed in full and named. Before the one RENAME TABLE, a last
// snapshot checks that nothing was written since the freeze began.
import type { Db } from '../connection';
import type { Table } from '../model';
import { tableKey } from '../model';
import { introspect } from '../introspect';
import { copy, type CopyReport, type SchemaPair } from '../copy';
import { compare, type CompareReport } from '../compare';
import type { StoreMap } from '../stores';
import {
  type BinlogTables,
  binlogTablesSince,
  classify,
  mergeBinlogTables,
  type IndicatorSnapshot,
  snapshotIndicators,
  type TableVerdict,
} from './changeIndicators';
import { resumTable, resumTables, sumTable, type TableSums } from './chunkSums';
import { applyDelta, type DeltaCounts, type KeySpan } from './deltaSync';
import { mergeRowChanges, type RowChanges, rowChangesSince } from './binlogRows';
import { keySetSpan } from '../chunks';
import type { Key } from '../state';

export interface FreezeParts {
  /** Change indicators and the checksums of the chunks of tables that moved. */
  detectMs: number;
  deltaCopyMs: number;
  deltaCompareMs: number;
  /** Other sessions, the last check that nothing moved, the plan, the RENAME TABLE and the foreign keys. */
  renameMs: number;
}

export interface FreezeReport {
  /** How changes are detected, in words. */
  detection: string;
  prefreezeMs: number;
  expectedMs: number;
  expected: FreezeParts;
  actualMs?: number;
  actual?: FreezeParts;
  /** Tables re-read during the freeze because their indicator moved. */
  moved: string[];
  /** Tables re-read in full because a change could not be told cheaply, and why. */
  forced: { table: string; why: string }[];
  /** Moved tables re-checked key by key from the ROW binary log, with the number of keys. */
  byKey?: { table: string; keys: number }[];
  /** Moved tables the row events could not be used for (re-checked chunk by chunk instead), and why. */
  byChunks?: { table: string; why: string }[];
  /** The tool that read the row events. */
  rowReader?: string;
  chunks: { total: number; reread: number; changed: number };
  /** The slowest table to re-check (its pre-freeze checksum time): what one more written table can add. */
  slowest?: { table: string; ms: number };
  delta?: DeltaCounts;
  /** Rows the pre-freeze pass brought level (changed in production since the copy). */
  prefreezeDelta?: DeltaCounts;
}

export interface CutoverContext {
  direction: 'swap' | 'unswap';
  /** Compare pairs: source = production of record, target = the candidate. */
  pairs: SchemaPair[];
  /** The schemas whose writes are frozen (the names the code uses). */
  live: string[];
  stores: StoreMap;
  tolerance?: number;
  signal?: AbortSignal;
  progress: (step: 'catch-up' | 'checksums' | 'compare' | 'delta', message: string) => void;
}

/** What the pre-freeze pass leaves for the freeze. */
export interface PreFreeze {
  watched: Table[];
  baseline: IndicatorSnapshot;
  /** The end of the pass, and what the binary log said about the pass (baseline → after), if it was read: the
   * freeze reads the log from `after` only, however long the pass took and however much it logged. */
  after?: IndicatorSnapshot;
  passTables?: BinlogTables | null;
  passRows?: RowChanges;
  sums: Map<string, TableSums>;
  /** Chunks to re-check whatever their checksum says (they changed while the compare ran). */
  dirty: Map<string, Set<number>>;
  catchUp?: CopyReport;
  compare: CompareReport;
  report: FreezeReport;
  /** Per watched table, ms per chunk of the pre-freeze compare (for the estimate). */
  compareMsPerChunk: Map<string, number>;
}

/** Watched `schema.table` → the compare's production `schema.table` (unswap watches the compare's test side). */
function prodKeyOf(ctx: CutoverContext, watchedKey: string): string {
  const [schema, ...rest] = watchedKey.split('.');
  if (ctx.direction === 'swap') return watchedKey;
  const p = ctx.pairs.find((x) => x.target === schema);
  return p ? [p.source, ...rest].join('.') : watchedKey;
}

export async function preFreezePass(db: Db, ctx: CutoverContext, estimates: { renameMs: number }): Promise<PreFreeze> {
  const started = Date.now();
  const watched = (await introspect(db, ctx.live)).flatMap((s) => s.tables).filter((t) => t.primaryKey.length > 0);
  let catchUp: CopyReport | undefined;
  if (ctx.direction === 'swap') {
    ctx.progress('catch-up', 'copying rows added since the copy');
    catchUp = await copy(db, { pairs: ctx.pairs, stores: ctx.stores, signal: ctx.signal });
    if (catchUp.failed || catchUp.cancelled) return abandoned(watched, catchUp);
  }
  ctx.progress('checksums', `checksums of ${watched.length} tables, chunk by chunk along the primary key`);
  const baseline = await snapshotIndicators(db, watched);
  const sums = new Map<string, TableSums>();
  for (const t of watched) {
    check(ctx.signal);
    sums.set(tableKey(t), await sumTable(db, t));
  }
  ctx.progress('compare', `comparing ${ctx.pairs.map((p) => `${p.source}→${p.target}`).join(', ')}`);
  let cmp = await compare(db, { pairs: ctx.pairs, stores: ctx.stores, tolerance: ctx.tolerance, signal: ctx.signal });
  let prefreezeDelta: DeltaCounts | undefined;
  if (ctx.direction === 'swap' && !cmp.equal) {
    // Production moved on since the copy (rows changed or deleted, or only in the parallel table): bring the
    // differing tables level, then compare them again.
    const differing = cmp.tables
      .filter((t) => t.differing || t.onlyInProduction || t.onlyInTest)
      .map((t) => t.production);
    if (differing.length) {
      ctx.progress('delta', `bringing ${differing.join(', ')} level with production`);
      const whole = new Map(differing.map((k) => [k, [{ lower: null, upper: null }] as KeySpan[]]));
      const d = await applyDelta(db, { pairs: ctx.pairs, stores: ctx.stores, spans: whole, signal: ctx.signal });
      prefreezeDelta = { inserted: d.inserted, updated: d.updated, deleted: d.deleted, rewritten: d.rewritten };
      const again = await compare(db, {
        pairs: ctx.pairs,
        stores: ctx.stores,
        tolerance: ctx.tolerance,
        tables: differing,
        signal: ctx.signal,
      });
      cmp = {
        tables: cmp.tables.map((t) => again.tables.find((a) => a.production === t.production) ?? t),
        notes: [...cmp.notes, ...again.notes],
        equal: again.equal && !cmp.notes.length,
      };
    }
  }
  // Chunks that changed between their checksum and the end of the compare: the compare may have seen them
  // in either state, so the freeze re-checks them whatever their checksum says then.
  const dirty = new Map<string, Set<number>>();
  const after = await snapshotIndicators(db, watched, 'fallback');
  const passTables = await binlogFor(db, baseline, after);
  const duringPass = withCascades(classify([...sums.keys()], baseline, after, passTables), watched);
  for (const v of duringPass.filter((x) => x.state !== 'quiet')) {
    const t = watched.find((x) => tableKey(x) === v.table)!;
    const before = sums.get(v.table)!;
    const { changed } = await resumTable(db, t, before);
    if (changed.length) dirty.set(v.table, new Set(changed));
  }
  const compareMsPerChunk = new Map(cmp.tables.map((t) => [t.production, t.chunks ? t.ms / t.chunks : t.ms] as const));
  const expectedTables = duringPass.filter((v) => v.state !== 'quiet').map((v) => v.table);
  // With a ROW binary log, a trial read of the row events written during this pass: when the reader works, the
  // freeze re-checks written tables key by key, and one more written table costs little, not a re-sum.
  let rowsMs: number | null = null;
  let passRows: RowChanges | undefined;
  if (baseline.binlog?.format === 'ROW' && after.binlog) {
    const t0 = Date.now();
    passRows = await rowChangesSince(db, baseline.binlog, after.binlog, watched);
    if (!passRows.failed) rowsMs = Date.now() - t0;
  }
  const detectMs = rowsMs !== null ? rowsMs + 20 : expectedTables.reduce((a, k) => a + (sums.get(k)?.ms ?? 0), 0) + 20;
  const perChunk = (k: string) => compareMsPerChunk.get(prodKeyOf(ctx, k)) ?? 0;
  const deltaCompareMs = expectedTables.reduce((a, k) => a + perChunk(k) * Math.max(1, dirty.get(k)?.size ?? 0), 0);
  const copyPerChunk = (k: string) => {
    const t = catchUp?.tables.find((x) => x.source === k);
    return t?.chunks ? t.ms / t.chunks : 0;
  };
  const deltaCopyMs =
    ctx.direction === 'swap'
      ? expectedTables.reduce((a, k) => a + copyPerChunk(k) * Math.max(1, dirty.get(k)?.size ?? 0), 0)
      : 0;
  const expected: FreezeParts = { detectMs, deltaCopyMs, deltaCompareMs, renameMs: estimates.renameMs };
  const report: FreezeReport = {
    detection: describeDetection(baseline),
    prefreezeMs: Date.now() - started,
    expected,
    expectedMs: sumParts(expected),
    moved: [],
    forced: duringPass
      .filter((v) => v.state === 'unknown')
      .map((v) => ({ table: v.table, why: (v as { why: string }).why })),
    chunks: { total: [...sums.values()].reduce((a, s) => a + s.chunks.length, 0), reread: 0, changed: 0 },
    ...(prefreezeDelta ? { prefreezeDelta } : {}),
    ...(rowsMs === null ? slowestOf(sums) : {}),
  };
  return {
    watched,
    baseline,
    after,
    passTables,
    passRows,
    sums,
    dirty,
    catchUp,
    compare: cmp,
    report,
    compareMsPerChunk,
  };
}

/** Key-set spans of at most 500 keys each (statement size stays small). */
function keySpans(keys: Key[]): KeySpan[] {
  const out: KeySpan[] = [];
  for (let i = 0; i < keys.length; i += 500) out.push(keySetSpan(keys.slice(i, i + 500)));
  return out;
}

function slowestOf(sums: Map<string, TableSums>): { slowest?: { table: string; ms: number } } {
  let slowest: { table: string; ms: number } | undefined;
  for (const s of sums.values()) if (!slowest || s.ms > slowest.ms) slowest = { table: s.table, ms: s.ms };
  return slowest ? { slowest } : {};
}

function abandoned(watched: Table[], catchUp: CopyReport): PreFreeze {
  const none: FreezeParts = { detectMs: 0, deltaCopyMs: 0, deltaCompareMs: 0, renameMs: 0 };
  return {
    watched,
    baseline: { at: 0, startedAt: 0, binlog: null, updateTime: new Map(), checksum: new Map() },
    sums: new Map(),
    dirty: new Map(),
    catchUp,
    compare: { tables: [], equal: false, notes: [] },
    report: {
      detection: '',
      prefreezeMs: 0,
      expected: none,
      expectedMs: 0,
      moved: [],
      forced: [],
      chunks: { total: 0, reread: 0, changed: 0 },
    },
    compareMsPerChunk: new Map(),
  };
}

/**
 * InnoDB runs foreign-key cascades below the binary log: a parent's change is logged, its children's are not.
 * Where the binary log decided, a watched child (transitively) of a moved table whose key cascades counts as
 * moved too.
 */
export function withCascades(verdicts: TableVerdict[], watched: Table[]): TableVerdict[] {
  const moved = new Set(verdicts.filter((v) => v.state !== 'quiet').map((v) => v.table));
  const cascades = (rule: string) => !['RESTRICT', 'NO ACTION'].includes(String(rule).toUpperCase());
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of watched)
      if (
        !moved.has(tableKey(t)) &&
        t.foreignKeys.some(
          (fk) => moved.has(`${fk.refSchema}.${fk.refTable}`) && (cascades(fk.onUpdate) || cascades(fk.onDelete)),
        )
      ) {
        moved.add(tableKey(t));
        grew = true;
      }
  }
  return verdicts.map((v) =>
    v.state === 'quiet' && v.by.startsWith('binary log') && moved.has(v.table)
      ? { table: v.table, state: 'moved', by: 'foreign-key cascade' }
      : v,
  );
}

async function binlogFor(db: Db, a: IndicatorSnapshot, b: IndicatorSnapshot) {
  return a.binlog && b.binlog ? binlogTablesSince(db, a.binlog, b.binlog) : null;
}

/** The tables written since the baseline: the pass's part as read then, the rest read from the pass's end. */
async function tablesSinceBaseline(db: Db, pre: PreFreeze, frozenAt: IndicatorSnapshot) {
  if (!pre.passTables || !pre.after?.binlog || !frozenAt.binlog) return binlogFor(db, pre.baseline, frozenAt);
  return mergeBinlogTables(pre.passTables, await binlogTablesSince(db, pre.after.binlog, frozenAt.binlog));
}

/** The keys written since the baseline, the same way: the pass's as read then, the rest from the pass's end. */
async function rowsSinceBaseline(db: Db, pre: PreFreeze, frozenAt: IndicatorSnapshot): Promise<RowChanges | null> {
  if (!pre.baseline.binlog || !frozenAt.binlog) return null;
  if (!pre.passRows || pre.passRows.failed || !pre.after?.binlog)
    return rowChangesSince(db, pre.baseline.binlog, frozenAt.binlog, pre.watched);
  return mergeRowChanges(pre.passRows, await rowChangesSince(db, pre.after.binlog, frozenAt.binlog, pre.watched));
}

function describeDetection(s: IndicatorSnapshot): string {
  if (s.binlog?.format === 'ROW')
    return 'the ROW binary log (its row events name the tables and keys written), else UPDATE_TIME';
  if (s.binlog) return `UPDATE_TIME (the binary log is in ${s.binlog.format} format and names no tables)`;
  return 'UPDATE_TIME (the server writes no binary log)';
}

export function sumParts(p: FreezeParts): number {
  return p.detectMs + p.deltaCopyMs + p.deltaCompareMs + p.renameMs;
}

export interface FreezeOutcome {
  /** Why the cut-over must not happen (empty when it may). */
  refusals: string[];
  compare?: CompareReport;
  /** Start of the freeze, for the last check. */
  frozenAt: IndicatorSnapshot;
  /** The watched tables' sums after the delta (re-read ones only). */
  sums: Map<string, TableSums>;
}

/** Everything between the confirmation and the last check: detect, delta copy (swap), delta compare. */
export async function freezePass(
  db: Db,
  ctx: CutoverContext & { acceptDifferences?: boolean },
  pre: PreFreeze,
): Promise<FreezeOutcome> {
  const r = pre.report;
  const actual: FreezeParts = { detectMs: 0, deltaCopyMs: 0, deltaCompareMs: 0, renameMs: 0 };
  r.actual = actual;
  let t = Date.now();
  const frozenAt = await quietSecond(db, pre, await snapshotIndicators(db, pre.watched, 'fallback'));
  const verdicts = withCascades(
    classify([...pre.sums.keys()], pre.baseline, frozenAt, await tablesSinceBaseline(db, pre, frozenAt)),
    pre.watched,
  );
  r.moved = verdicts.filter((v) => v.state === 'moved').map((v) => v.table);
  r.forced = verdicts
    .filter((v): v is Extract<TableVerdict, { state: 'unknown' }> => v.state === 'unknown')
    .map((v) => ({ table: v.table, why: v.why }));
  const spans = new Map<string, KeySpan[]>();
  const sums = new Map<string, TableSums>();
  const active = verdicts.filter((x) => x.state !== 'quiet');
  // ROW binary log: the keys written since the pre-freeze position, so no moved table is re-read in full.
  const byLog = active.filter((v) => v.state === 'moved' && v.by === 'binary log');
  const rows = byLog.length ? await rowsSinceBaseline(db, pre, frozenAt) : null;
  if (rows) {
    r.byKey = [];
    r.byChunks = [];
    if (rows.tool) r.rowReader = rows.tool;
  }
  const resum: typeof active = [];
  for (const v of active) {
    const marked = pre.dirty.get(v.table) ?? new Set<number>();
    const before = pre.sums.get(v.table)!;
    const why = rows && (rows.failed ?? rows.unsure.get(v.table));
    // a cascade child whose parent changed no referenced key: nothing reached it
    if (v.state === 'moved' && v.by === 'foreign-key cascade' && rows && !why) {
      r.moved = r.moved.filter((m) => m !== v.table);
      continue;
    }
    if (!rows || why || !byLog.includes(v)) {
      if (rows && why) r.byChunks!.push({ table: v.table, why });
      resum.push(v);
      continue;
    }
    const keys = rows.keys.get(v.table) ?? [];
    r.byKey!.push({ table: v.table, keys: keys.length });
    const redo = before.chunks.filter((_, i) => marked.has(i)).map((c) => ({ lower: c.lower, upper: c.upper }));
    r.chunks.changed += redo.length;
    const own = [...redo, ...keySpans(keys)];
    if (own.length) spans.set(prodKeyOf(ctx, v.table), own);
  }
  // Cascaded children (not in the log) and tables the log cannot speak for: chunk checksums, two sessions.
  const again = await resumTables(
    db,
    resum.map((v) => ({ table: pre.watched.find((x) => tableKey(x) === v.table)!, before: pre.sums.get(v.table)! })),
  );
  for (const v of resum) {
    check(ctx.signal);
    const before = pre.sums.get(v.table)!;
    const re = again.get(v.table)!;
    sums.set(v.table, re.sums);
    const marked = pre.dirty.get(v.table) ?? new Set<number>();
    const changed = new Set(re.changed);
    const redo = before.chunks.filter((_, i) => marked.has(i) || changed.has(i));
    r.chunks.reread += before.chunks.length;
    r.chunks.changed += redo.length;
    if (redo.length)
      spans.set(
        prodKeyOf(ctx, v.table),
        redo.map((c) => ({ lower: c.lower, upper: c.upper })),
      );
  }
  // Marked chunks of tables that did not move since are level (the compare saw their final state).
  actual.detectMs = Date.now() - t;
  const refusals: string[] = [];
  if (ctx.direction === 'swap' && spans.size) {
    t = Date.now();
    ctx.progress('delta', `copying the changed chunks of ${[...spans.keys()].join(', ')}`);
    try {
      const d = await applyDelta(db, { pairs: ctx.pairs, stores: ctx.stores, spans, signal: ctx.signal });
      r.delta = { inserted: d.inserted, updated: d.updated, deleted: d.deleted, rewritten: d.rewritten };
    } catch (e) {
      refusals.push(`the delta copy failed: ${(e as Error).message}`);
    }
    actual.deltaCopyMs = Date.now() - t;
    if (refusals.length) return { refusals, frozenAt, sums };
  }
  t = Date.now();
  let cmp: CompareReport | undefined;
  if (spans.size) {
    ctx.progress('compare', `comparing the changed chunks of ${[...spans.keys()].join(', ')}`);
    cmp = await compare(db, {
      pairs: ctx.pairs,
      stores: ctx.stores,
      tolerance: ctx.tolerance,
      tables: [...spans.keys()],
      ranges: spans,
      signal: ctx.signal,
    });
  }
  actual.deltaCompareMs = Date.now() - t;
  return { refusals, compare: cmp, frozenAt, sums };
}

/**
 * UPDATE_TIME has one-second resolution: a table last written in the very second the freeze began could have
 * been written before or after its re-check, and the last check could only tell by re-summing all of it (the
 * whole table, while production waits). Instead the freeze starts at the next second: re-read from then on,
 * any write with UPDATE_TIME at or after it was made after the freeze began. Waits at most a second, and only
 * when UPDATE_TIME is what decides (a ROW binary log names the writes exactly).
 */
async function quietSecond(db: Db, pre: PreFreeze, frozenAt: IndicatorSnapshot): Promise<IndicatorSnapshot> {
  if (frozenAt.binlog?.format === 'ROW') return frozenAt;
  const latest = Math.max(-1, ...[...frozenAt.updateTime.values()].map((u) => u ?? -1));
  if (latest < frozenAt.at) return frozenAt;
  for (;;) {
    const [{ now }] = await db.query<{ now: string | number }>('SELECT UNIX_TIMESTAMP(NOW(3)) AS now');
    const wait = (latest + 1 - Number(now)) * 1000;
    if (wait <= 0) break;
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.ceil(wait) + 5)));
  }
  return snapshotIndicators(db, pre.watched, 'fallback');
}

/**
 * The last check before the rename: no watched table written since the freeze began. A table written in the
 * very second the freeze began (UPDATE_TIME has one-second resolution) is re-summed and must not have changed
 * since its re-check; so is one whose change cannot be told cheaply. Returns the tables that changed.
 */
export async function changedSinceFreeze(db: Db, pre: PreFreeze, out: FreezeOutcome): Promise<string[]> {
  const now = await snapshotIndicators(db, pre.watched, 'fallback');
  const binlog = await binlogFor(db, out.frozenAt, now);
  const changed: string[] = [];
  for (const v of classify([...pre.sums.keys()], out.frozenAt, now, binlog)) {
    if (v.state === 'quiet') continue;
    const sameSecond = v.state === 'moved' && v.by === 'UPDATE_TIME' && now.updateTime.get(v.table) === out.frozenAt.at;
    if (v.state === 'moved' && !sameSecond) {
      changed.push(v.table);
      continue;
    }
    const table = pre.watched.find((x) => tableKey(x) === v.table)!;
    const reference = out.sums.get(v.table) ?? pre.sums.get(v.table)!;
    const { changed: chunks } = await resumTable(db, table, reference);
    if (chunks.length) changed.push(v.table);
  }
  return changed.sort();
}

/** Lines for the report: expected and actual frozen time with its parts, and what was re-read. */
export function describeFreeze(r: FreezeReport): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const parts = (p: FreezeParts) =>
    `detect ${s(p.detectMs)}, delta copy ${s(p.deltaCopyMs)}, delta compare ${s(p.deltaCompareMs)}, rename ${s(p.renameMs)}`;
  const lines = [
    `expected freeze ${s(r.expectedMs)} (${parts(r.expected)})${r.slowest ? `, plus up to ${s(r.slowest.ms)} for each table written from now on (the slowest to re-check: ${r.slowest.table})` : ''}; pre-freeze pass took ${s(r.prefreezeMs)}`,
  ];
  if (r.actual && r.actualMs !== undefined)
    lines.push(
      `frozen for ${s(r.actualMs)} (${parts(r.actual)}); re-read ${r.moved.length + r.forced.length} table(s)${r.moved.length ? ` whose indicator moved (${r.moved.join(', ')})` : ''}, ${r.chunks.changed} of ${r.chunks.reread} chunk(s) changed${r.delta ? `; delta: ${r.delta.inserted} inserted, ${r.delta.updated} updated, ${r.delta.deleted} deleted, ${r.delta.rewritten} rewritten` : ''}`,
    );
  lines.push(`changes detected by ${r.detection}`);
  if (r.byKey?.length)
    lines.push(
      `re-checked key by key from the binary log's row events (${r.rowReader ?? 'binlog reader'}): ${r.byKey.map((k) => `${k.table} (${k.keys} key(s))`).join(', ')}`,
    );
  for (const f of r.byChunks ?? []) lines.push(`chunk re-check of ${f.table} (row events not used: ${f.why})`);
  for (const f of r.forced) lines.push(`full re-check of ${f.table}: ${f.why}`);
  if (r.prefreezeDelta)
    lines.push(
      `before the freeze, rows changed since the copy were brought level: ${r.prefreezeDelta.inserted} inserted, ${r.prefreezeDelta.updated} updated, ${r.prefreezeDelta.deleted} deleted, ${r.prefreezeDelta.rewritten} rewritten`,
    );
  return lines;
}

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw Object.assign(new Error('cancelled; nothing was moved'), { name: 'AbortError' });
}

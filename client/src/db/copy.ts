// `db copy`: rows of 0.14.6 tables into their 2.x parallel tables, in dependency order, chunk by chunk
// along the primary key (chunks.ts; one table at a time in copyTable.ts), resumable from a checkpoint
// file (state.ts), idempotent, and never changing a value silently.
//
// How a chunk is written:
// - Tables whose columns all copy verbatim go server-side: `INSERT INTO t (cols) SELECT cols FROM s
//   WHERE <key range> AND NOT EXISTS (<same key in t>)`. Values never pass through the client; that
//   matters beyond speed: MariaDB prints FLOAT with 6 significant digits, so a text round trip would
//   change 1.0000001 into 1.
// - Tables with 0.14.6 in-store pointers go the same way: the client reads only the distinct stored
//   objects the chunk references (pointer + `~external` row), converts each to the 2.x JSON once
//   (convert.ts → pointers.ts), puts (pointer, json) into a session-temporary table, and the same
//   `INSERT … SELECT` joins it on the pointer. Every other column stays on the server.
// - Never `INSERT IGNORE` (it clamps values and skips foreign-key failures). Any warning fails the
//   chunk and its transaction is rolled back. A key already present with other content is reported as
//   a conflict and left alone.
// - One short transaction per chunk; the checkpoint is written after each commit. Running the same copy
//   again after a cancel or failure resumes it (finished tables stay finished, the interrupted one
//   continues after its last committed key); after a completed copy, a new run walks every table and
//   inserts only what is missing (e.g. rows added to production since).
import type { Db } from './connection';
import type { Table, Tier } from './model';
import { masterOf, tableKey } from './model';
import type { StoreMap } from './stores';
import { DbInputError } from './sql';
import { type ChunkSizerOptions, type KeyColumn, type Predicate, keyColumns } from './chunks';
import {
  type CopyState,
  type TableCheckpoint,
  loadCopyState,
  newCheckpoint,
  newCopyState,
  saveCopyState,
  tableStateKey,
} from './state';
import { type ColumnPlan, planColumns } from './convert';
import { ATTACH_POINTER_ONLY_IMPOSSIBLE } from './pointers';
import { introspect } from './introspect';
import type { SchemaPair } from './parallel';
import { dependencyOrder } from './plan';
import { CancelledError, TableCopier } from './copyTable';
import { jobsOf } from './inPool';

export { MAX_JOBS, jobsOf } from './inPool';
import { unrepresentableValues } from './charsets';

export type { SchemaPair };

export interface CopyProgress {
  /** `source_schema.table` */
  table: string;
  /** Source rows handled so far in this run (inserted, already present or conflicting). */
  rows: number;
  /** Source rows selected for this table (exact count). */
  total: number;
  /** Estimated time left for this table, from the rate so far; null before the first chunk. */
  etaMs: number | null;
  /** Chunks committed for this table in this run. */
  chunks: number;
  /** Store objects written (attachments rewritten, blobs relocated) in this run, and their bytes. */
  objects?: number;
  objectBytes?: number;
}

export interface CopyOptions {
  pairs: SchemaPair[];
  /** Only these tables (bare names or `schema.table`). */
  tables?: string[];
  tiers?: Tier[];
  /** Row filters per source table (`schema.table`), SQL on alias `s` — e.g. a restriction closure. */
  filters?: Map<string, Predicate>;
  /** A description of the filters, stored with checkpoints (a changed selection restarts the walk). */
  selection?: string;
  stores?: StoreMap;
  destStores?: StoreMap;
  relocate?: boolean;
  dryRun?: boolean;
  /** Tables copied at once on separate sessions (default 1, at most MAX_JOBS); a table waits for the tables it references. */
  jobs?: number;
  /** Checkpoint file; null/undefined = none. Dry runs never write it. */
  statePath?: string | null;
  chunk?: ChunkSizerOptions;
  signal?: AbortSignal;
  onProgress?: (e: CopyProgress) => void;
  /** Dry run: every statement that would change something, with values inlined, ending in `;`. */
  onStatement?: (sql: string) => void;
  /** File operations (done, or in a dry run, planned). */
  onFileOp?: (op: string) => void;
}

export interface RowConflict {
  key: Record<string, unknown>;
  columns: string[];
}

export interface TableCopyResult {
  source: string;
  target: string;
  mode: 'server-side' | 'converted';
  total: number;
  rowsInserted: number;
  rowsAlreadyPresent: number;
  conflictCount: number;
  /** The first conflicts (bounded). */
  conflicts: RowConflict[];
  chunks: number;
  ms: number;
  /** File operations done (or planned, in a dry run). */
  fileOps: number;
  status: 'done' | 'cancelled' | 'failed' | 'skipped';
  /** Cancelled while a statement ran: it was killed on the server (KILL QUERY) and its chunk rolled back. */
  interrupted?: boolean;
  /** Pointer-only columns: distinct files the copied rows point at that are missing from their store. */
  missingFiles?: number;
  /** A few of them, described (store:path and where that is). */
  missingFileExamples?: string[];
  /** Resuming an interrupted job: this table was finished by an earlier run and not walked again. */
  finishedEarlier?: boolean;
  error?: string;
}

export interface CopyReport {
  tables: TableCopyResult[];
  cancelled: boolean;
  failed: boolean;
  /** Things the user must know (shared store files, skipped tables). */
  notes: string[];
  fileOps: number;
}

export interface PlannedTable {
  source: Table;
  target: Table;
  columns: ColumnPlan[];
  keyCols: KeyColumn[];
  filter: Predicate | null;
}

export interface CopyPlan {
  tables: PlannedTable[];
  pairs: SchemaPair[];
  notes: string[];
}

/** Decide what to copy and how, refusing anything that cannot be copied before a row moves. */
export async function planCopy(db: Db, opts: CopyOptions): Promise<CopyPlan> {
  const sourceNames = opts.pairs.map((p) => p.source);
  const targetNames = opts.pairs.map((p) => p.target);
  for (const p of opts.pairs) {
    if (p.source === p.target) throw new DbInputError(`source and target schema are the same (${p.source})`);
  }
  const existing = new Set(
    (
      await db.query<{ s: string }>(
        'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
        [[...sourceNames, ...targetNames]],
      )
    ).map((r) => r.s),
  );
  for (const name of sourceNames) if (!existing.has(name)) throw new DbInputError(`schema ${name} does not exist`);
  for (const name of targetNames) {
    if (!existing.has(name))
      throw new DbInputError(
        `target schema ${name} does not exist; create it first with \`dj-migrate db create-parallel\``,
      );
  }
  const sources = await introspect(db, sourceNames);
  for (const s of sources) {
    if (s.version === 'not-datajoint')
      throw new DbInputError(`schema ${s.name} is not a DataJoint schema (${s.reasons.join('; ')})`);
  }
  const targets = await introspect(db, targetNames);
  const targetOf = new Map(opts.pairs.map((p) => [p.source, p.target]));
  const targetTables = new Map(targets.flatMap((s) => s.tables.map((t) => [tableKey(t), t] as const)));

  const sourceTables = new Map(sources.flatMap((s) => s.tables.map((t) => [tableKey(t), t] as const)));
  // A part table goes with its master: `--tiers manual,lookup` takes a manual master's parts, and
  // leaves a computed master's parts to be populated with it.
  const tierOf = (t: Table): Tier => {
    const master = t.tier === 'part' ? masterOf(t.name) : null;
    return (master && sourceTables.get(`${t.schema}.${master}`)?.tier) || t.tier;
  };
  const wanted = (t: Table): boolean => {
    if (opts.tiers?.length && !opts.tiers.includes(tierOf(t)) && !opts.tiers.includes(t.tier)) return false;
    if (opts.tables?.length && !opts.tables.some((n) => n === t.name || n === tableKey(t))) return false;
    if (opts.filters && !opts.filters.has(tableKey(t))) return false;
    return true;
  };
  for (const n of opts.tables ?? []) {
    if (!sources.some((s) => s.tables.some((t) => t.name === n || tableKey(t) === n)))
      throw new DbInputError(`table ${n} is not in ${sourceNames.join(', ')}`);
  }

  const planned: PlannedTable[] = [];
  const problems: string[] = [];
  for (const source of dependencyOrder(sources).filter(wanted)) {
    for (const fk of source.foreignKeys) {
      if (fk.refTable.startsWith('~external_')) continue;
      if (!targetOf.has(fk.refSchema)) {
        problems.push(
          `${tableKey(source)} references ${fk.refSchema}.${fk.refTable}, outside the selected schemas; add ${fk.refSchema} to --schemas (or map it with --pair)`,
        );
      }
    }
    const target = targetTables.get(`${targetOf.get(source.schema)}.${source.name}`);
    if (!target) {
      problems.push(
        `${tableKey(source)} has no table ${source.name} in ${targetOf.get(source.schema)}; run create-parallel first`,
      );
      continue;
    }
    const { columns, problems: colProblems } = planColumns(source, target);
    problems.push(...colProblems.map((p) => `${tableKey(source)}: ${p.message}`));
    if (colProblems.length || source.primaryKey.length === 0) continue;
    // create-parallel --charset: a value the target's character set cannot hold is refused, by key.
    for (const u of await unrepresentableValues(db, source, target))
      problems.push(
        `${tableKey(source)}.${u.column}: ${u.count} value(s) cannot be represented in ${target.columns.find((c) => c.name === u.column)?.charset}; keys ${u.keys.map((k) => JSON.stringify(k)).join(', ')}${u.count > u.keys.length ? ', …' : ''}`,
      );
    const types = new Map(source.columns.map((c) => [c.name, c.dataType]));
    planned.push({
      source,
      target,
      columns,
      keyCols: keyColumns(source.primaryKey, (n) => types.get(n) ?? ''),
      filter: opts.filters?.get(tableKey(source)) ?? null,
    });
  }
  if (problems.length) throw new DbInputError('cannot copy:\n  ' + problems.join('\n  '));
  if (opts.relocate && !opts.stores) throw new DbInputError('--relocate needs the store settings (--stores)');

  const notes: string[] = [];
  const sharedStores = new Set<string>();
  const attachStores = new Set<string>();
  for (const t of planned) {
    for (const c of t.columns) {
      if (c.kind !== 'pointer') continue;
      if (!opts.stores?.[c.store])
        throw new DbInputError(
          `${tableKey(t.source)}.${c.name} is in store ${c.store}, which is not configured; pass --stores`,
        );
      if (c.pointerKind === 'filepath' || (c.pointerKind === 'blob' && !opts.relocate)) sharedStores.add(c.store);
      if (c.pointerKind === 'attach') attachStores.add(c.store);
    }
  }
  if (sharedStores.size) {
    notes.push(
      `${opts.relocate ? 'File paths are never copied' : 'Pointer-only copy'}: the 2.x rows point at the files 0.14.6 wrote in store(s) ${[...sharedStores].sort().join(', ')}. ` +
        "Old and new schemas now share those files: cleaning either side's store (0.14.6 `schema.external[...].delete(delete_external_files=True)`, " +
        '2.x `dj.gc`) would delete data the other still uses.' +
        (opts.relocate
          ? ''
          : ' Use --relocate to give the 2.x schema its own copies of blobs (file paths are never copied).'),
    );
  }
  if (attachStores.size) {
    notes.push(
      `Attachments in store(s) ${[...attachStores].sort().join(', ')} are rewritten into the 2.x _hash/ layout: ${ATTACH_POINTER_ONLY_IMPOSSIBLE}`,
    );
  }
  return { tables: planned, pairs: opts.pairs, notes };
}

/** Run a plan. Returns a report; cancellation and failures are reported, not thrown. */
export async function runCopy(db: Db, plan: CopyPlan, opts: CopyOptions): Promise<CopyReport> {
  const report: CopyReport = { tables: [], cancelled: false, failed: false, notes: [...plan.notes], fileOps: 0 };
  const pairs = Object.fromEntries(plan.pairs.map((p) => [p.source, p.target]));
  const statePath = opts.dryRun ? null : (opts.statePath ?? null);
  const state: CopyState = (statePath && loadCopyState(statePath)) || newCopyState(db.describe(), pairs);
  const save = () => statePath && saveCopyState(statePath, state);
  const selection = opts.selection ?? '';
  const checkpointOf = (t: PlannedTable): TableCheckpoint | undefined => {
    const cp = state.tables[tableStateKey(t.source.schema, t.source.name)];
    return cp && cp.selection === selection && cp.target === tableKey(t.target) ? cp : undefined;
  };
  // After a cancel or failure the job resumes: tables it finished are not walked again, the interrupted one
  // continues from its checkpoint. After a completed job, a new run walks every table again (it inserts
  // only what is missing, such as rows added to production since).
  const resuming = plan.tables.some((t) => {
    const status = checkpointOf(t)?.status;
    return status !== undefined && status !== 'done';
  });
  if (!resuming) {
    // A new job: every table starts pending, so an interruption later resumes exactly this job's work.
    for (const t of plan.tables)
      state.tables[tableStateKey(t.source.schema, t.source.name)] = newCheckpoint(
        tableKey(t.source),
        tableKey(t.target),
        selection,
      );
  }

  // A failure in one table stops the others (their checkpoints keep what they committed); so does a cancel.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const tableOpts: CopyOptions = { ...opts, signal: stop.signal };
  const results = new Map<PlannedTable, TableCopyResult>();
  for (const t of plan.tables) {
    const result: TableCopyResult = {
      source: tableKey(t.source),
      target: tableKey(t.target),
      mode: t.columns.some((c) => c.kind === 'pointer') ? 'converted' : 'server-side',
      total: 0,
      rowsInserted: 0,
      rowsAlreadyPresent: 0,
      conflictCount: 0,
      conflicts: [],
      chunks: 0,
      ms: 0,
      fileOps: 0,
      status: 'skipped',
    };
    results.set(t, result);
    report.tables.push(result);
  }

  const runOne = async (t: PlannedTable, result: TableCopyResult): Promise<boolean> => {
    result.status = 'done';
    const key = tableStateKey(t.source.schema, t.source.name);
    const cp = checkpointOf(t) ?? newCheckpoint(result.source, result.target, selection);
    if (resuming && cp.status === 'done') {
      result.finishedEarlier = true;
      return true;
    }
    cp.status = 'running';
    cp.startedAt = new Date().toISOString();
    cp.finishedAt = null;
    delete cp.error;
    state.tables[key] = cp;
    save();

    const started = Date.now();
    try {
      await db.withConnection(async (c) => {
        await new TableCopier(db, c, t, cp, result, tableOpts, save).run();
      });
      cp.status = 'done';
    } catch (e) {
      if (isCancel(e, stop.signal)) {
        cp.status = 'cancelled';
        result.status = 'cancelled';
        result.interrupted = !(e instanceof CancelledError);
        if (opts.signal?.aborted) report.cancelled = true;
      } else {
        cp.status = 'failed';
        cp.error = (e as Error).message;
        result.status = 'failed';
        result.error = (e as Error).message;
        report.failed = true;
        stop.abort();
      }
    }
    result.ms = Date.now() - started;
    if (result.missingFiles)
      report.notes.push(
        `WARNING: ${result.source}: ${result.missingFiles} stored file(s) that the copied rows point at are missing (pointer-only copy: the rows were copied as production holds them, but 2.x cannot read these values): ${result.missingFileExamples?.join('; ')}`,
      );
    cp.finishedAt = new Date().toISOString();
    save();
    report.fileOps += result.fileOps;
    return cp.status === 'done';
  };

  // Up to `jobs` tables at once, each on its own session; a table starts once the tables it references are copied.
  // (A dry run's script stays one table after another.)
  const jobs = opts.dryRun ? 1 : jobsOf(opts.jobs);
  const inPlan = new Set(plan.tables.map((t) => tableKey(t.source)));
  const parentsOf = (t: PlannedTable) =>
    t.source.foreignKeys
      .map((fk) => `${fk.refSchema}.${fk.refTable}`)
      .filter((k) => k !== tableKey(t.source) && inPlan.has(k));
  const copied = new Set<string>();
  const pending = [...plan.tables];
  const running = new Set<Promise<void>>();
  try {
    for (;;) {
      while (!stop.signal.aborted && running.size < jobs) {
        const next = pending.findIndex((t) => parentsOf(t).every((k) => copied.has(k)));
        if (next < 0) break;
        const [t] = pending.splice(next, 1);
        const job: Promise<void> = runOne(t, results.get(t)!).then((ok) => {
          if (ok) copied.add(tableKey(t.source));
          running.delete(job);
        });
        running.add(job);
      }
      if (!running.size) break;
      await Promise.race(running);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) report.cancelled = true;
  return report;
}

/** Plan and run. */
export async function copy(db: Db, opts: CopyOptions): Promise<CopyReport> {
  return runCopy(db, await planCopy(db, opts), opts);
}

function isCancel(e: unknown, signal?: AbortSignal): boolean {
  if (e instanceof CancelledError) return true;
  const code = (e as { errno?: number; code?: string }).errno;
  // 1317 ER_QUERY_INTERRUPTED (KILL QUERY), 1927 MariaDB ER_CONNECTION_KILLED
  return (
    !!signal?.aborted &&
    (code === 1317 || code === 1927 || (e as { code?: string }).code === 'PROTOCOL_CONNECTION_LOST')
  );
}

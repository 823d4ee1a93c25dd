// `db copy`: rows of 0.14.6 tables into their 2.x parallel tables, in dependency order, chunk by chunk
// along the primary key (chunks.ts), resumable from a checkpoint file (state.ts), idempotent, and
// never changing a value silently.
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
import type { Db, DbConnection, Row } from './connection';
import type { Table, Tier } from './model';
import { masterOf, tableKey } from './model';
import type { StoreMap } from './stores';
import { q, qt, qList, formatSql, DbInputError } from './sql';
import {
  ChunkSizer, type ChunkSizerOptions, type KeyColumn, type Predicate,
  and, keyColumns, keyColumnsFor, keyJoin, keyOf, keyRange, keySelect, orderBy, keyAfter, keyAtMost, valueBytes,
} from './chunks';
import {
  type CopyState, type Key, type TableCheckpoint,
  loadCopyState, newCheckpoint, newCopyState, saveCopyState, tableStateKey,
} from './state';
import {
  type ColumnPlan, type PointerContext, convertPointerCell, planColumns,
} from './convert';
import { ATTACH_POINTER_ONLY_IMPOSSIBLE, type ExternalRow } from './pointers';
import { introspect } from './introspect';
import type { SchemaPair } from './parallel';
import { dependencyOrder } from './plan';

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

const MAX_REPORTED_CONFLICTS = 20;

/** Decide what to copy and how, refusing anything that cannot be copied before a row moves. */
export async function planCopy(db: Db, opts: CopyOptions): Promise<CopyPlan> {
  const sourceNames = opts.pairs.map((p) => p.source);
  const targetNames = opts.pairs.map((p) => p.target);
  for (const p of opts.pairs) {
    if (p.source === p.target) throw new DbInputError(`source and target schema are the same (${p.source})`);
  }
  const existing = new Set(
    (await db.query<{ s: string }>('SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [[...sourceNames, ...targetNames]])).map((r) => r.s),
  );
  for (const name of sourceNames) if (!existing.has(name)) throw new DbInputError(`schema ${name} does not exist`);
  for (const name of targetNames) {
    if (!existing.has(name)) throw new DbInputError(`target schema ${name} does not exist; create it first with \`dj-migrate db create-parallel\``);
  }
  const sources = await introspect(db, sourceNames);
  for (const s of sources) {
    if (s.version === 'not-datajoint') throw new DbInputError(`schema ${s.name} is not a DataJoint schema (${s.reasons.join('; ')})`);
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
    if (!sources.some((s) => s.tables.some((t) => t.name === n || tableKey(t) === n))) throw new DbInputError(`table ${n} is not in ${sourceNames.join(', ')}`);
  }

  const planned: PlannedTable[] = [];
  const problems: string[] = [];
  for (const source of dependencyOrder(sources).filter(wanted)) {
    for (const fk of source.foreignKeys) {
      if (fk.refTable.startsWith('~external_')) continue;
      if (!targetOf.has(fk.refSchema)) {
        problems.push(`${tableKey(source)} references ${fk.refSchema}.${fk.refTable}, outside the selected schemas; add ${fk.refSchema} to --schemas (or map it with --pair)`);
      }
    }
    const target = targetTables.get(`${targetOf.get(source.schema)}.${source.name}`);
    if (!target) {
      problems.push(`${tableKey(source)} has no table ${source.name} in ${targetOf.get(source.schema)}; run create-parallel first`);
      continue;
    }
    const { columns, problems: colProblems } = planColumns(source, target);
    problems.push(...colProblems.map((p) => `${tableKey(source)}: ${p.message}`));
    if (colProblems.length || source.primaryKey.length === 0) continue;
    const types = new Map(source.columns.map((c) => [c.name, c.dataType]));
    planned.push({
      source, target, columns,
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
      if (!opts.stores?.[c.store]) throw new DbInputError(`${tableKey(t.source)}.${c.name} is in store ${c.store}, which is not configured; pass --stores`);
      if (c.pointerKind === 'filepath' || (c.pointerKind === 'blob' && !opts.relocate)) sharedStores.add(c.store);
      if (c.pointerKind === 'attach') attachStores.add(c.store);
    }
  }
  if (sharedStores.size) {
    notes.push(
      `${opts.relocate ? 'File paths are never copied' : 'Pointer-only copy'}: the 2.x rows point at the files 0.14.6 wrote in store(s) ${[...sharedStores].sort().join(', ')}. ` +
        'Old and new schemas now share those files: cleaning either side\'s store (0.14.6 `schema.external[...].delete(delete_external_files=True)`, ' +
        '2.x `dj.gc`) would delete data the other still uses.' +
        (opts.relocate ? '' : ' Use --relocate to give the 2.x schema its own copies of blobs (file paths are never copied).'),
    );
  }
  if (attachStores.size) {
    notes.push(`Attachments in store(s) ${[...attachStores].sort().join(', ')} are rewritten into the 2.x _hash/ layout: ${ATTACH_POINTER_ONLY_IMPOSSIBLE}`);
  }
  return { tables: planned, pairs: opts.pairs, notes };
}

/** Run a plan. Returns a report; cancellation and failures are reported, not thrown. */
export async function runCopy(db: Db, plan: CopyPlan, opts: CopyOptions): Promise<CopyReport> {
  const report: CopyReport = { tables: [], cancelled: false, failed: false, notes: [...plan.notes], fileOps: 0 };
  const pairs = Object.fromEntries(plan.pairs.map((p) => [p.source, p.target]));
  const statePath = opts.dryRun ? null : opts.statePath ?? null;
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
    for (const t of plan.tables) state.tables[tableStateKey(t.source.schema, t.source.name)] = newCheckpoint(tableKey(t.source), tableKey(t.target), selection);
  }

  for (const t of plan.tables) {
    const result: TableCopyResult = {
      source: tableKey(t.source), target: tableKey(t.target), mode: t.columns.some((c) => c.kind === 'pointer') ? 'converted' : 'server-side',
      total: 0, rowsInserted: 0, rowsAlreadyPresent: 0, conflictCount: 0, conflicts: [], chunks: 0, ms: 0, fileOps: 0, status: 'done',
    };
    report.tables.push(result);
    if (report.cancelled || report.failed) {
      result.status = 'skipped';
      continue;
    }
    const key = tableStateKey(t.source.schema, t.source.name);
    const cp = checkpointOf(t) ?? newCheckpoint(result.source, result.target, selection);
    if (resuming && cp.status === 'done') {
      result.finishedEarlier = true;
      continue;
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
        await new TableCopier(db, c, t, cp, result, opts, save).run();
      });
      cp.status = 'done';
    } catch (e) {
      if (isCancel(e, opts.signal)) {
        cp.status = 'cancelled';
        result.status = 'cancelled';
        result.interrupted = !(e instanceof CancelledError);
        report.cancelled = true;
      } else {
        cp.status = 'failed';
        cp.error = (e as Error).message;
        result.status = 'failed';
        result.error = (e as Error).message;
        report.failed = true;
      }
    }
    result.ms = Date.now() - started;
    cp.finishedAt = new Date().toISOString();
    save();
    report.fileOps += result.fileOps;
  }
  return report;
}

/** Plan and run. */
export async function copy(db: Db, opts: CopyOptions): Promise<CopyReport> {
  return runCopy(db, await planCopy(db, opts), opts);
}

class CancelledError extends Error {
  override name = 'CancelledError';
}

function isCancel(e: unknown, signal?: AbortSignal): boolean {
  if (e instanceof CancelledError) return true;
  const code = (e as { errno?: number; code?: string }).errno;
  // 1317 ER_QUERY_INTERRUPTED (KILL QUERY), 1927 MariaDB ER_CONNECTION_KILLED
  return !!signal?.aborted && (code === 1317 || code === 1927 || (e as { code?: string }).code === 'PROTOCOL_CONNECTION_LOST');
}

/** Copies one table on one dedicated session. */
class TableCopier {
  private readonly src: string;
  private readonly tgt: string;
  /**
   * Per pointer column, a session-temporary table of the chunk's stored objects and their 2.x JSON. One
   * table per column because MySQL cannot open a temporary table twice in one statement (error 1137).
   */
  private readonly objects: string[];
  private sizer = new ChunkSizer();
  private processed = 0;
  private readonly pointers: Extract<ColumnPlan, { kind: 'pointer' }>[];

  constructor(
    private readonly db: Db,
    private readonly c: DbConnection,
    private readonly t: PlannedTable,
    private readonly cp: TableCheckpoint,
    private readonly result: TableCopyResult,
    private readonly opts: CopyOptions,
    private readonly save: () => void,
  ) {
    this.src = qt(t.source.schema, t.source.name);
    this.tgt = qt(t.target.schema, t.target.name);
    this.pointers = t.columns.filter((x): x is Extract<ColumnPlan, { kind: 'pointer' }> => x.kind === 'pointer');
    this.objects = this.pointers.map((_, i) => qt(t.target.schema, `~djm_copy_objects_${i}`));
  }

  async run(): Promise<void> {
    const { c, t } = this;
    const maxPacket = Number((await c.query<{ v: string }>('SELECT @@max_allowed_packet AS v'))[0].v);
    this.maxBytes = Math.floor(maxPacket / 2);
    const avgRowBytes = t.source.rowEstimate > 0 && t.source.sizeBytes ? t.source.sizeBytes / t.source.rowEstimate : undefined;
    this.sizer = new ChunkSizer({ maxBytes: this.maxBytes, avgRowBytes, ...this.opts.chunk });
    const count = async (p: Predicate) => Number((await this.read<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.src} AS s WHERE ${p.sql}`, p.params))[0].n);
    this.result.total = await count(and(t.filter));
    // Resuming: the rows up to the checkpoint are done, so progress and ETA start from there.
    if (this.cp.lastKey) this.processed = this.resumedAt = await count(and(t.filter, keyAtMost(t.keyCols, this.cp.lastKey, 's')));
    for (const table of this.objects) {
      await this.write(
        `CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (${q('h')} binary(16) NOT NULL, ` +
          `${q('json')} LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, PRIMARY KEY (${q('h')})) ENGINE=InnoDB`,
        [],
      );
    }
    try {
      let last = this.cp.lastKey;
      for (;;) {
        this.checkAbort();
        const began = Date.now();
        const outcome = await this.chunk(last);
        if (!outcome) break;
        this.sizer.observe(outcome.rows, Date.now() - began);
        last = outcome.upper;
        this.cp.lastKey = last;
        this.result.chunks++;
        this.processed += outcome.rows;
        this.save();
        this.progress();
        if (outcome.final) break;
      }
    } finally {
      for (const table of this.objects) await this.write(`DROP TEMPORARY TABLE IF EXISTS ${table}`, []).catch(() => undefined);
    }
  }

  private maxBytes = 8 * 1024 * 1024;
  private rateStart = Date.now();

  private resumedAt = 0;

  private progress(): void {
    const elapsed = Date.now() - this.rateStart;
    const rate = (this.processed - this.resumedAt) / Math.max(elapsed, 1);
    const left = Math.max(0, this.result.total - this.processed);
    this.opts.onProgress?.({
      table: this.result.source, rows: this.processed, total: this.result.total,
      etaMs: rate > 0 ? Math.round(left / rate) : null, chunks: this.result.chunks,
    });
  }

  private checkAbort(): void {
    if (this.opts.signal?.aborted) throw new CancelledError('copy cancelled');
  }

  /** Runs a long statement so that an abort kills it from another session. */
  private async killable<T>(fn: () => Promise<T>): Promise<T> {
    const signal = this.opts.signal;
    if (!signal) return fn();
    this.checkAbort();
    const pending: Promise<void>[] = [];
    const onAbort = () => {
      pending.push(this.db.kill(this.c.threadId, 'query').catch(() => undefined));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Wait for the KILL to land so it cannot hit the next statement (ROLLBACK).
      await Promise.all(pending);
    }
  }

  private async read<T = Row>(sql: string, params: unknown[]): Promise<T[]> {
    return this.killable(() => this.c.query<T>(sql, params));
  }

  /** A statement that changes data: executed, or in a dry run printed. */
  private async write(sql: string, params: unknown[]): Promise<{ affectedRows: number }> {
    if (this.opts.dryRun) {
      this.opts.onStatement?.(formatSql(sql, params) + ';');
      return { affectedRows: 0 };
    }
    const r = await this.killable(() => this.c.execute(sql, params));
    if (r.warningStatus > 0) {
      const warnings = await this.c.query<{ Level: string; Code: number; Message: string }>('SHOW WARNINGS');
      throw new Error(`a statement produced warnings, chunk rolled back: ${warnings.map((w) => `${w.Level} ${w.Code}: ${w.Message}`).join('; ')}`);
    }
    return r;
  }

  /** One chunk inside a transaction; rolled back on any error or cancel. */
  private async transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Read committed: the INSERT … SELECT reads the source without share-locking production rows.
    await this.write('SET TRANSACTION ISOLATION LEVEL READ COMMITTED', []);
    await this.write('START TRANSACTION', []);
    try {
      const r = await fn();
      this.checkAbort();
      await this.write('COMMIT', []);
      return r;
    } catch (e) {
      if (!this.opts.dryRun) await this.c.execute('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * One chunk: the next `n` source keys after `last` (a boundary query on the primary key), copied with one
   * `INSERT … SELECT`. Pointer columns take their JSON from the session's object tables, joined on the
   * pointer: the client only ever handles the distinct stored objects of the chunk, never the rows.
   */
  private async chunk(last: Key | null): Promise<{ rows: number; upper: Key | null; final: boolean } | null> {
    const { t } = this;
    const n = this.sizer.next();
    const scope = and(last ? keyAfter(t.keyCols, last, 's') : null, t.filter);
    const boundary = await this.read(
      `SELECT ${keySelect(t.keyCols, 's')} FROM ${this.src} AS s WHERE ${scope.sql} ${orderBy(t.keyCols, 's')} LIMIT 1 OFFSET ${n - 1}`,
      scope.params,
    );
    const upper = boundary.length ? keyOf(boundary[0], t.keyCols.length) : null;
    const range = and(keyRange(t.keyCols, last, upper, 's'), t.filter);
    const expected = upper ? n : Number((await this.read<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.src} AS s WHERE ${range.sql}`, range.params))[0].n);
    if (expected === 0) return null;
    // Target rows already in the key range (none on a first copy: a cheap probe of an empty range).
    const tRange = keyRange(keyColumnsFor(t.keyCols, t.source.columns, t.target.columns), last, upper, 't');
    const present = Number((await this.read<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.tgt} AS t WHERE ${tRange.sql}`, tRange.params))[0].n);
    if (this.pointers.length) await this.fillObjects(range, present >= expected);
    // Into an empty range the plain INSERT … SELECT is enough: a row written there meanwhile by someone
    // else makes it fail on the duplicate key (an error, never a silent skip). Dry runs always print
    // the guarded form, so their script is right whatever the target holds when it is run.
    const guard = present > 0 || this.opts.dryRun ? ` AND NOT EXISTS (SELECT 1 FROM ${this.tgt} AS t WHERE ${keyJoin(t.keyCols, 't', 's')})` : '';

    const select = t.columns.map((col) => (col.kind === 'verbatim' ? `s.${q(col.name)}` : `${this.objAlias(col)}.${q('json')}`));
    // A pointer whose object is missing from its object table (the source changed after it was read) is
    // not copied in this chunk rather than copied as NULL; a re-run picks it up.
    const complete = this.pointers.map((p) => `(s.${q(p.name)} IS NULL OR ${this.objAlias(p)}.${q('h')} IS NOT NULL)`);
    await this.transaction(async () => {
      const r = await this.write(
        `INSERT INTO ${this.tgt} (${qList(t.columns.map((x) => x.name))}) SELECT ${select.join(', ')} FROM ${this.src} AS s ${this.objectJoins()} ` +
          `WHERE ${[range.sql, ...complete].join(' AND ')}${guard}`,
        range.params,
      );
      await this.account(expected, this.opts.dryRun ? expected : r.affectedRows, range);
    });
    return { rows: expected, upper, final: upper === null };
  }

  private objAlias(p: ColumnPlan): string {
    return `j${this.pointers.indexOf(p as Extract<ColumnPlan, { kind: 'pointer' }>)}`;
  }

  private objectJoins(): string {
    return this.pointers
      .map((p, i) => `LEFT JOIN ${this.objects[i]} AS j${i} ON j${i}.${q('h')} = s.${q(p.name)}`)
      .join(' ');
  }

  /**
   * The distinct objects the chunk's pointers reference, converted to 2.x JSON (pointers.ts) and put in the
   * session's object tables. When every row of the chunk is already in the target, the conversion only
   * computes the JSON (for the conflict check) and touches no file.
   */
  private async fillObjects(range: Predicate, allPresent: boolean): Promise<void> {
    const { t } = this;
    const ctx: PointerContext = {
      sourceSchema: t.source.schema, targetSchema: t.target.schema, stores: this.opts.stores ?? {},
      destStores: this.opts.destStores, relocate: !!this.opts.relocate, dryRun: !!this.opts.dryRun || allPresent,
    };
    for (const [i, p] of this.pointers.entries()) {
      const rows: unknown[][] = [];
      const objects = await this.read(
        `SELECT DISTINCT s.${q(p.name)} AS ${q('__q')}, ${EXTERNAL_FIELDS.map((f) => `e.${q(f)} AS ${q('__e0_' + f)}`).join(', ')} ` +
          `FROM ${this.src} AS s LEFT JOIN ${qt(t.source.schema, '~external_' + p.store)} AS e ON e.${q('hash')} = s.${q(p.name)} ` +
          `WHERE ${range.sql} AND s.${q(p.name)} IS NOT NULL`,
        range.params,
      );
      for (const o of objects) {
        const pointer = o['__q'] as Buffer;
        const cell = await this.convertCached(i, p, pointer, externalRow(o, 0), ctx);
        for (const op of cell.fileOps) {
          this.result.fileOps++;
          this.opts.onFileOp?.(op);
        }
        rows.push([pointer, cell.json]);
      }
      // Scratch space private to this session, filled outside the chunk's transaction.
      await this.write(`TRUNCATE TABLE ${this.objects[i]}`, []);
      for (const batch of batches(rows, this.maxBytes)) {
        await this.write(`INSERT INTO ${this.objects[i]} (${q('h')}, ${q('json')}) VALUES ${batch.map(() => '(?, ?)').join(', ')}`, batch.flat());
      }
    }
  }

  /**
   * Rows of the range already in the target: count them, and report those whose content differs
   * (verbatim columns by value, pointer columns by the identity of the object: hash, or path for files).
   */
  private async account(expected: number, inserted: number, range: Predicate): Promise<void> {
    this.result.rowsInserted += inserted;
    this.cp.rowsCopied += inserted;
    if (inserted >= expected) return;
    const { t } = this;
    const compared = t.columns.filter((x) => !t.source.primaryKey.includes(x.name));
    const differs = compared.map((col) => {
      if (col.kind === 'verbatim') return `NOT (s.${q(col.name)} <=> t.${q(col.name)})`;
      const field = col.pointerKind === 'filepath' ? '$.path' : '$.hash';
      const id = (expr: string) => `JSON_UNQUOTE(JSON_EXTRACT(${expr}, '${field}'))`;
      return `NOT (${id(`t.${q(col.name)}`)} <=> ${id(`${this.objAlias(col)}.${q('json')}`)})`;
    });
    const present = expected - inserted;
    let conflicts: Row[] = [];
    if (differs.length) {
      conflicts = await this.read(
        `SELECT ${t.source.primaryKey.map((k, i) => `s.${q(k)} AS ${q('__r' + i)}`).join(', ')}, ${differs.map((d, i) => `${d} AS ${q('__d' + i)}`).join(', ')} ` +
          `FROM ${this.src} AS s JOIN ${this.tgt} AS t ON ${keyJoin(t.keyCols, 's', 't')} ${this.objectJoins()} ` +
          `WHERE ${range.sql} AND (${differs.join(' OR ')}) ${orderBy(t.keyCols, 's')}`,
        range.params,
      );
    }
    this.result.rowsAlreadyPresent += present - conflicts.length;
    this.cp.rowsAlreadyPresent += present - conflicts.length;
    this.result.conflictCount += conflicts.length;
    this.cp.rowsConflicting += conflicts.length;
    for (const r of conflicts) {
      if (this.result.conflicts.length >= MAX_REPORTED_CONFLICTS) break;
      this.result.conflicts.push({ key: this.rawKey(r), columns: compared.filter((_, i) => Number(r['__d' + i]) === 1).map((x) => x.name) });
    }
  }

  private rawKey(r: Row): Record<string, unknown> {
    return Object.fromEntries(this.t.source.primaryKey.map((k, i) => [k, r['__r' + i]]));
  }

  /** Converted cells by column and object: pipelines share objects (one blob, many rows), and each converts once. */
  private readonly converted = new Map<string, Awaited<ReturnType<typeof convertPointerCell>>>();

  private async convertCached(
    i: number, p: Extract<ColumnPlan, { kind: 'pointer' }>, pointer: Buffer, ext: ExternalRow | null, ctx: PointerContext,
  ): Promise<Awaited<ReturnType<typeof convertPointerCell>>> {
    const id = `${i}:${pointer.toString('hex')}`;
    const done = this.converted.get(`${id}:real`) ?? this.converted.get(`${id}:${ctx.dryRun ? 'dry' : 'real'}`);
    // A repeat of an object already converted: same JSON, and its file work is already done.
    if (done) return { ...done, fileOps: [] };
    const cell = await convertPointerCell(p, pointer, ext, ctx);
    if (this.converted.size >= 100_000) this.converted.clear();
    this.converted.set(`${id}:${ctx.dryRun ? 'dry' : 'real'}`, cell);
    return cell;
  }
}

const EXTERNAL_FIELDS = ['hash', 'size', 'attachment_name', 'filepath', 'contents_hash', 'timestamp'] as const;

function externalRow(r: Row, i: number): ExternalRow | null {
  const f = (name: string) => r[`__e${i}_${name}`];
  if (f('hash') === null || f('hash') === undefined) return null;
  return {
    hash: f('hash') as Buffer,
    size: f('size') as string | number,
    attachment_name: asText(f('attachment_name')),
    filepath: asText(f('filepath')),
    contents_hash: (f('contents_hash') as Buffer | null) ?? null,
    timestamp: String(f('timestamp')),
  };
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

function* batches(rows: unknown[][], maxBytes: number): Generator<unknown[][]> {
  let batch: unknown[][] = [];
  let bytes = 0;
  for (const r of rows) {
    const b = r.reduce<number>((s, v) => s + valueBytes(v), 0);
    if (batch.length && (bytes + b > maxBytes || batch.length >= 1000)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(r);
    bytes += b;
  }
  if (batch.length) yield batch;
}


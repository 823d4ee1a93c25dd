// One table of `db copy` (copy.ts), on one dedicated session: the chunk walk, the chunk's statements,
// the session tables that carry pointer JSON, conflict accounting, cancellation by KILL QUERY.
import { inPool } from './inPool';
import type { Db, DbConnection, Row } from './connection';
import { q, qt, qList } from './sql';
import {
  ChunkSizer,
  type Predicate,
  and,
  keyColumnsFor,
  keyJoin,
  keyOf,
  keyRange,
  keySelect,
  orderBy,
  keyAfter,
  keyAtMost,
} from './chunks';
import type { Key, TableCheckpoint } from './state';
import { type ColumnPlan, type PointerContext, convertPointerCell } from './convert';
import { type ExternalRow, fetchExternalRows } from './pointers';
import { EXTERNAL_FIELDS, batches, externalFields, externalRow } from './copyObjectRows';
import { PointerOnlyColumn, type SharedFileStats, convertedObjects, pointerOnlyStore } from './pointerOnlyCopy';
import type { CopyOptions, PlannedTable, TableCopyResult } from './copy';
import { MissingFiles, missingSharedFile } from './sharedFiles';
import { ConvertedCache } from './convertedCache';
import { CancelledError, type ChunkTally, CopyLane, recordTally } from './copyLane';
import { walkInLanes } from './copyLanes';
import { onlyPointerChecks } from './copyChecks';
import { jobsOf } from './inPool';

export { CancelledError };

/** Bytes one chunk's transaction may write (undo and redo stay small); the time target usually binds first. */
const CHUNK_TRANSACTION_BYTES = 256 * 1024 * 1024;
/** Rows of a chunk with pointer columns: its distinct objects are in memory at once (a few hundred bytes each). */
const POINTER_CHUNK_ROWS = 50_000;

/** Copies one table on one dedicated session. */
export class TableCopier {
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
  /** The table's own session (every statement of a copy on one lane, but a first copy's chunks: copyLanes.ts). */
  private readonly lane: CopyLane;

  constructor(
    private readonly db: Db,
    c: DbConnection,
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
    this.lane = new CopyLane(db, c, opts);
  }

  async run(): Promise<void> {
    const { t } = this;
    const c = this.lane.c;
    const maxPacket = Number((await c.query<{ v: string }>('SELECT @@max_allowed_packet AS v'))[0].v);
    // Half a packet bounds what the client sends (the object tables); the chunk's rows never leave the server,
    // so the chunk itself is bounded by time and by a transaction size, not by the packet.
    this.maxBytes = Math.floor(maxPacket / 2);
    const avgRowBytes =
      t.source.rowEstimate > 0 && t.source.sizeBytes ? t.source.sizeBytes / t.source.rowEstimate : undefined;
    this.sizer = new ChunkSizer({
      maxBytes: CHUNK_TRANSACTION_BYTES,
      avgRowBytes,
      // The client holds each distinct object of a pointer chunk (its ~external row and JSON) at once.
      ...(this.pointers.length ? { maxRows: POINTER_CHUNK_ROWS } : {}),
      ...this.opts.chunk,
    });
    const count = async (p: Predicate) =>
      Number(
        (await this.lane.read<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.src} AS s WHERE ${p.sql}`, p.params))[0]
          .n,
      );
    // A first copy of a whole table counts nothing up front (that would read the table once more): progress
    // uses the table statistics, and the total becomes exact when the walk ends.
    const firstWhole = !this.cp.lastKey && !t.filter && (await this.canWalkWithoutProbes(null));
    // A first copy is one INSERT … SELECT per chunk (after its objects, with pointers): fewer, larger chunks
    // (bounded by the transaction size, killed at once on cancel) bring it closer to the one-statement baseline.
    if (firstWhole)
      this.sizer = new ChunkSizer({
        maxBytes: CHUNK_TRANSACTION_BYTES,
        avgRowBytes,
        targetMs: 1500,
        initialRows: 10_000,
        ...(this.pointers.length ? { maxRows: POINTER_CHUNK_ROWS } : {}),
        ...this.opts.chunk,
      });
    this.result.total = firstWhole ? Math.max(0, t.source.rowEstimate) : await count(and(t.filter));
    // Resuming: the rows up to the checkpoint are done, so progress and ETA start from there.
    if (this.cp.lastKey)
      this.processed = this.resumedAt = await count(and(t.filter, keyAtMost(t.keyCols, this.cp.lastKey, 's')));
    try {
      await this.lane.createTables(this.objects);
      const last = this.cp.lastKey;
      this.fast = firstWhole || (await this.canWalkWithoutProbes(last));
      this.unchecked =
        this.db.flavor === 'mariadb' &&
        !this.opts.dryRun &&
        this.pointers.length > 0 &&
        (await onlyPointerChecks(
          this.lane,
          t.target,
          this.pointers.map((p) => p.name),
        ));
      const done = (rows: number, upper: Key | null, ms: number) => {
        this.sizer.observe(rows, ms);
        this.cp.lastKey = upper;
        this.result.chunks++;
        this.processed += rows;
        this.save();
        this.progress();
      };
      if (this.inLanes()) {
        // A second session for the walk (its own scratch tables), released when the walk ends.
        await this.db.withConnection(async (c2) => {
          const second = new CopyLane(this.db, c2, this.opts);
          try {
            await second.createTables(this.objects);
            await walkInLanes([this.lane, second], last, {
              bound: (lane, lower) => this.bound(lane, lower),
              copy: async (lane, lower, b) => (await this.copyRange(lane, lower, b)).rows,
              done,
              check: () => this.lane.checkAbort(),
            });
          } finally {
            await second.dropTables(this.objects);
          }
        });
      } else await this.walk(last, done);
      if (firstWhole) this.result.total = this.processed;
      for (const files of this.fileStats.values()) await files.done();
    } finally {
      await this.lane.dropTables(this.objects);
    }
  }

  /** One session walks the chunks in key order. */
  private async walk(start: Key | null, done: (rows: number, upper: Key | null, ms: number) => void): Promise<void> {
    let last = start;
    for (;;) {
      this.lane.checkAbort();
      const began = Date.now();
      const outcome = await this.chunk(last);
      if (!outcome) break;
      last = outcome.upper;
      done(outcome.rows, outcome.upper, Date.now() - began);
      if (outcome.final) break;
    }
  }

  /**
   * A first copy of a table whose pointer columns are all pointer-only: two sessions (copyLanes.ts), unless
   * more than two tables are copied at once (they keep the server busy, and the pool holds eight sessions).
   */
  private inLanes(): boolean {
    if (!this.fast || !this.pointers.length || this.opts.dryRun || jobsOf(this.opts.jobs) > 2) return false;
    const ctx = this.pointerContext(false);
    return this.pointers.every((p, i) => this.pointerOnly(this.lane, i, p, ctx) !== null);
  }

  /** The chunk INSERT skips the target's CHECKs: they only validate pointer JSON (copyChecks.ts). */
  private unchecked = false;

  private maxBytes = 8 * 1024 * 1024;
  /** The target holds nothing past the walk: chunks need no boundary probe, no target count and no guard. */
  private fast = false;

  /**
   * A first copy (the usual bulk case): the target has no row past `last`, keys order the same way on both
   * sides, and the binary log (if any) takes an `INSERT … SELECT … LIMIT` without a warning (ROW or MIXED).
   */
  private async canWalkWithoutProbes(last: Key | null): Promise<boolean> {
    const { t } = this;
    const c = this.lane.c;
    if (this.opts.dryRun) return false;
    const tCols = keyColumnsFor(t.keyCols, t.source.columns, t.target.columns);
    if (tCols !== t.keyCols) return false;
    const [fmt] = await c.query<{ on: number | string; f: string }>(
      'SELECT @@GLOBAL.log_bin AS `on`, @@SESSION.binlog_format AS f',
    );
    if (Number(fmt.on) === 1 && String(fmt.f).toUpperCase() === 'STATEMENT') return false;
    const past = and(last ? keyAfter(tCols, last, 't') : null);
    return !(await this.lane.read(`SELECT 1 FROM ${this.tgt} AS t WHERE ${past.sql} LIMIT 1`, past.params)).length;
  }

  /**
   * One chunk of a first copy: the next `n` source rows in key order, inserted by one `INSERT … SELECT …
   * ORDER BY key LIMIT n`; its upper key is the largest key now in the target (one index dive). The source is
   * read once per row, as by the baseline `INSERT … SELECT`.
   */
  private async fastChunk(last: Key | null): Promise<{ rows: number; upper: Key | null; final: boolean } | null> {
    const { t } = this;
    const n = this.sizer.next();
    const scope = and(last ? keyAfter(t.keyCols, last, 's') : null, t.filter);
    const past = and(last ? keyAfter(t.keyCols, last, 't') : null);
    let inserted = 0;
    let upper: Key | null = null;
    let tally: ChunkTally | null = null;
    const lane = this.lane;
    await lane.transaction(async () => {
      const r = await lane.write(
        `INSERT INTO ${this.tgt} (${qList(t.columns.map((x) => x.name))}) SELECT ${t.columns.map((x) => `s.${q(x.name)}`).join(', ')} ` +
          `FROM ${this.src} AS s WHERE ${scope.sql} ${orderBy(t.keyCols, 's')} LIMIT ${n}`,
        scope.params,
      );
      inserted = r.affectedRows;
      if (!inserted) return;
      const [top] = await lane.read(
        `SELECT ${keySelect(t.keyCols, 't')} FROM ${this.tgt} AS t WHERE ${past.sql} ${orderBy(t.keyCols, 't', 'DESC')} LIMIT 1`,
        past.params,
      );
      upper = keyOf(top, t.keyCols.length);
      tally = await this.tally(lane, inserted, inserted, { sql: 'FALSE', params: [] });
    });
    if (tally) recordTally(this.result, this.cp, tally);
    if (!inserted) return null;
    return { rows: inserted, upper, final: inserted < n };
  }
  private rateStart = Date.now();

  private resumedAt = 0;
  private objectsDone = 0;
  private objectBytes = 0;

  private progress(): void {
    const elapsed = Date.now() - this.rateStart;
    const rate = (this.processed - this.resumedAt) / Math.max(elapsed, 1);
    const left = Math.max(0, this.result.total - this.processed);
    this.opts.onProgress?.({
      table: this.result.source,
      rows: this.processed,
      total: this.result.total,
      etaMs: rate > 0 ? Math.round(left / rate) : null,
      chunks: this.result.chunks,
      objects: this.objectsDone,
      objectBytes: this.objectBytes,
    });
  }

  /**
   * One chunk: the next `n` source keys after `last` (a boundary query on the primary key), copied with one
   * `INSERT … SELECT`. Pointer columns take their JSON from the session's object tables, joined on the
   * pointer: the client only ever handles the distinct stored objects of the chunk, never the rows.
   */
  private async chunk(last: Key | null): Promise<{ rows: number; upper: Key | null; final: boolean } | null> {
    if (this.fast && !this.pointers.length) return this.fastChunk(last);
    const b = await this.bound(this.lane, last);
    return b && this.copyRange(this.lane, last, b);
  }

  /** The next chunk after `last`: its upper key (null: the rest of the table) and rows; null when none is left. */
  private async bound(lane: CopyLane, last: Key | null): Promise<{ upper: Key | null; expected: number } | null> {
    const { t } = this;
    const n = this.sizer.next();
    const scope = and(last ? keyAfter(t.keyCols, last, 's') : null, t.filter);
    const boundary = await lane.read(
      `SELECT ${keySelect(t.keyCols, 's')} FROM ${this.src} AS s WHERE ${scope.sql} ${orderBy(t.keyCols, 's')} LIMIT 1 OFFSET ${n - 1}`,
      scope.params,
    );
    const upper = boundary.length ? keyOf(boundary[0], t.keyCols.length) : null;
    const range = and(keyRange(t.keyCols, last, upper, 's'), t.filter);
    const expected = upper ? n : await this.count(lane, `${this.src} AS s`, range);
    return expected === 0 ? null : { upper, expected };
  }

  private async count(lane: CopyLane, sql: string, p: Predicate): Promise<number> {
    return Number((await lane.read<{ n: string }>(`SELECT COUNT(*) AS n FROM ${sql} WHERE ${p.sql}`, p.params))[0].n);
  }

  /** The chunk (`last`, b.upper] copied on `lane`. */
  private async copyRange(
    lane: CopyLane,
    last: Key | null,
    { upper, expected }: { upper: Key | null; expected: number },
  ): Promise<{ rows: number; upper: Key | null; final: boolean }> {
    const { t } = this;
    const range = and(keyRange(t.keyCols, last, upper, 's'), t.filter);
    // Target rows already in the key range (none on a first copy: a cheap probe of an empty range). With a
    // filter, only the selected rows count, looked up by key: the range of a few selected keys (a swap's delta)
    // can span the whole table, and its other rows say nothing about the selected ones.
    const tRange = keyRange(keyColumnsFor(t.keyCols, t.source.columns, t.target.columns), last, upper, 't');
    const present = this.fast
      ? 0
      : t.filter
        ? await this.count(lane, `${this.src} AS s JOIN ${this.tgt} AS t ON ${keyJoin(t.keyCols, 't', 's')}`, range)
        : await this.count(lane, `${this.tgt} AS t`, tRange);
    if (this.pointers.length) await this.fillObjects(lane, range, present >= expected);
    // Into an empty range the plain INSERT … SELECT is enough: a row written there meanwhile by someone
    // else makes it fail on the duplicate key (an error, never a silent skip). Dry runs always print
    // the guarded form, so their script is right whatever the target holds when it is run.
    const guard =
      present > 0 || this.opts.dryRun
        ? ` AND NOT EXISTS (SELECT 1 FROM ${this.tgt} AS t WHERE ${keyJoin(t.keyCols, 't', 's')})`
        : '';

    const select = t.columns.map((col) => (col.kind === 'verbatim' ? `s.${q(col.name)}` : this.jsonOf(lane, col)));
    // A pointer whose object is missing from its object table (the source changed after it was read) is
    // not copied in this chunk rather than copied as NULL; a re-run picks it up.
    const complete = this.pointers.map((p, i) => `(s.${q(p.name)} IS NULL OR ${lane.chunkObjects[i].present})`);
    const tally = await lane.transaction(async () => {
      const r = await lane.write(
        `${this.unchecked ? 'SET STATEMENT check_constraint_checks = 0 FOR ' : ''}INSERT INTO ${this.tgt} (${qList(t.columns.map((x) => x.name))}) SELECT ${select.join(', ')} FROM ${this.src} AS s ${lane.objectJoins()} ` +
          `WHERE ${[range.sql, ...complete].join(' AND ')}${guard}`,
        range.params,
      );
      return this.tally(lane, expected, this.opts.dryRun ? expected : r.affectedRows, range);
    });
    recordTally(this.result, this.cp, tally);
    return { rows: expected, upper, final: upper === null };
  }

  /** The 2.x JSON of pointer column `p` in `lane`'s chunk statements, from its object table(s). */
  private jsonOf(lane: CopyLane, p: ColumnPlan): string {
    return lane.jsonOf(this.pointers.indexOf(p as Extract<ColumnPlan, { kind: 'pointer' }>));
  }

  /**
   * The distinct objects the chunk's pointers reference, converted to 2.x JSON (pointers.ts) and put in the
   * session's object tables. When every row of the chunk is already in the target, the conversion only
   * computes the JSON (for the conflict check) and touches no file.
   */
  private async fillObjects(lane: CopyLane, range: Predicate, allPresent: boolean): Promise<void> {
    const { t } = this;
    const ctx = this.pointerContext(allPresent);
    lane.chunkObjects = [];
    for (const [i, p] of this.pointers.entries()) {
      const rows: unknown[][] = [];
      const fast = this.pointerOnly(lane, i, p, ctx);
      const external = qt(t.source.schema, '~external_' + p.store);
      const j = convertedObjects(i, this.objects[i], p.name);
      let objects: Row[];
      if (fast) {
        const chunk = { c: lane.c, read: lane.read.bind(lane), write: lane.write.bind(lane) };
        const filled = await fast.fill(chunk, { i, column: p.name, from: this.src, range, external, converted: j });
        lane.chunkObjects.push(filled.objects);
        if (filled.others.length) await lane.write(`TRUNCATE TABLE ${this.objects[i]}`, []);
        const ext = await fetchExternalRows(lane.c, t.source.schema, p.store, filled.others);
        objects = filled.others.map((h) => ({ __q: h, ...externalFields(ext.get(h.toString('hex')) ?? null) }));
      } else {
        lane.chunkObjects.push(j);
        // Scratch space private to this session, filled outside the chunk's transaction.
        await lane.write(`TRUNCATE TABLE ${this.objects[i]}`, []);
        // DISTINCT over the pointer alone, then the join: DISTINCT over the joined row measured 4-5× slower.
        const distinct = `(SELECT DISTINCT s.${q(p.name)} AS ${q('__q')} FROM ${this.src} AS s WHERE ${range.sql} AND s.${q(p.name)} IS NOT NULL)`;
        objects = await lane.read(
          `SELECT d.${q('__q')}, ${EXTERNAL_FIELDS.map((f) => `e.${q(f)} AS ${q('__e0_' + f)}`).join(', ')} ` +
            `FROM ${distinct} AS d LEFT JOIN ${external} AS e ON e.${q('hash')} = d.${q('__q')}`,
          range.params,
        );
      }
      // Objects of a chunk convert with a bounded number in flight (each may be GET + PUT on an S3 store).
      await inPool(objects, OBJECTS_IN_FLIGHT, async (o) => {
        lane.checkAbort();
        const pointer = o.__q as Buffer;
        const cell = await this.convertCached(i, p, pointer, externalRow(o, 0), ctx);
        if (cell.missing) this.noteMissing(cell.missing);
        for (const op of cell.fileOps) {
          this.result.fileOps++;
          this.opts.onFileOp?.(op);
        }
        if (cell.fileOps.length && !ctx.dryRun) {
          this.objectsDone++;
          this.objectBytes += Number(cell.value?.size ?? 0);
        }
        rows.push([pointer, cell.json]);
      });
      for (const batch of batches(rows, this.maxBytes)) {
        await lane.write(
          `INSERT INTO ${this.objects[i]} (${q('h')}, ${q('json')}) VALUES ${batch.map(() => '(?, ?)').join(', ')}`,
          batch.flat(),
        );
      }
    }
  }

  private pointerContext(allPresent: boolean): PointerContext {
    const { t } = this;
    return {
      sourceSchema: t.source.schema,
      targetSchema: t.target.schema,
      stores: this.opts.stores ?? {},
      destStores: this.opts.destStores,
      relocate: !!this.opts.relocate,
      dryRun: !!this.opts.dryRun || allPresent,
    };
  }

  /** Per pointer-only column, its shared files (looked at once per table, whichever lane read them). */
  private readonly fileStats = new Map<number, SharedFileStats>();

  /**
   * Pointer-only blob columns on a file store take their JSON from a template (pointerOnlyCopy.ts), also in a
   * chunk whose rows are all in the target already (a re-run, a swap's catch-up copy): the JSON is still needed
   * for the conflict check, and spelled by the server it never holds the chunk's objects in this process.
   */
  private pointerOnly(lane: CopyLane, i: number, p: Extract<ColumnPlan, { kind: 'pointer' }>, ctx: PointerContext) {
    const store = pointerOnlyStore(p, { ...ctx, dryRun: !!this.opts.dryRun });
    if (!store) return null;
    let col = lane.fastColumns.get(i);
    const table = qt(this.t.target.schema, `~djm_copy_fast_${i}`);
    const maxRows = Math.max(POINTER_CHUNK_ROWS, this.opts.chunk?.maxRows ?? 0);
    if (!col) {
      col = new PointerOnlyColumn(store, ctx, table, maxRows, (m) => this.noteMissing(m), this.fileStats.get(i));
      this.fileStats.set(i, col.files);
      lane.fastColumns.set(i, col);
    }
    return col.usable ? col : null;
  }

  /**
   * Rows of the range already in the target: count them, and report those whose content differs
   * (verbatim columns by value, pointer columns by the identity of the object: hash, or path for files).
   */
  /** What a chunk's INSERT did, read inside its transaction (copyLane.ts ChunkTally). */
  private async tally(lane: CopyLane, expected: number, inserted: number, range: Predicate): Promise<ChunkTally> {
    if (inserted >= expected) return { inserted, present: 0, conflicts: [] };
    const { t } = this;
    const compared = t.columns.filter((x) => !t.source.primaryKey.includes(x.name));
    const differs = compared.map((col) => {
      if (col.kind === 'verbatim') return `NOT (s.${q(col.name)} <=> t.${q(col.name)})`;
      const field = col.pointerKind === 'filepath' ? '$.path' : '$.hash';
      const id = (expr: string) => `JSON_UNQUOTE(JSON_EXTRACT(${expr}, '${field}'))`;
      return `NOT (${id(`t.${q(col.name)}`)} <=> ${id(this.jsonOf(lane, col))})`;
    });
    let conflicts: Row[] = [];
    if (differs.length) {
      conflicts = await lane.read(
        `SELECT ${t.source.primaryKey.map((k, i) => `s.${q(k)} AS ${q('__r' + i)}`).join(', ')}, ${differs.map((d, i) => `${d} AS ${q('__d' + i)}`).join(', ')} ` +
          `FROM ${this.src} AS s JOIN ${this.tgt} AS t ON ${keyJoin(t.keyCols, 's', 't')} ${lane.objectJoins()} ` +
          `WHERE ${range.sql} AND (${differs.join(' OR ')}) ${orderBy(t.keyCols, 's')}`,
        range.params,
      );
    }
    const described = conflicts.map((r) => ({
      key: this.rawKey(r),
      columns: compared.filter((_, i) => Number(r['__d' + i]) === 1).map((x) => x.name),
    }));
    return { inserted, present: expected - inserted, conflicts: described };
  }

  private rawKey(r: Row): Record<string, unknown> {
    return Object.fromEntries(this.t.source.primaryKey.map((k, i) => [k, r['__r' + i]]));
  }

  /** Converted cells by column and object: pipelines share objects (one blob, many rows), and each converts once. */
  private readonly converted = new ConvertedCache();
  private readonly missing = new MissingFiles();

  /** A shared file the copied rows point at is missing: counted (once per file) in the table's result. */
  private noteMissing(described: string): void {
    this.missing.add(described);
    this.result.missingFiles = this.missing.count;
    this.result.missingFileExamples = this.missing.examples;
  }

  private async convertCached(
    i: number,
    p: Extract<ColumnPlan, { kind: 'pointer' }>,
    pointer: Buffer,
    ext: ExternalRow | null,
    ctx: PointerContext,
  ): Promise<ConvertedCell> {
    const done = this.converted.get(i, pointer, ctx.dryRun);
    // A repeat of an object already converted: same JSON, and its file work is already done.
    if (done) return { ...done, fileOps: [] };
    const cell = { ...(await convertPointerCell(p, pointer, ext, ctx)), missing: null as string | null };
    cell.missing = await missingSharedFile(p, cell.value, ctx);
    this.converted.set(i, pointer, ctx.dryRun, cell);
    return cell;
  }
}

/** A converted pointer cell, and the shared file it points at when that file is missing. */
type ConvertedCell = Awaited<ReturnType<typeof convertPointerCell>> & { missing: string | null };

/** Store objects converted at once per table (S3 requests in flight; the SDK retries each with backoff). */
const OBJECTS_IN_FLIGHT = 8;

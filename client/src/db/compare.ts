// `db compare`: production against test, table by table, with bounded memory.
//
// Each table is walked in primary-key chunks taken from the production side (chunks.ts); the same key
// range is read on both sides, so no ordering is ever decided in JavaScript (string keys follow the
// server's collation). Per chunk:
// - columns both sides store the same way are checksummed on the server (COUNT + BIT_XOR of a 64-bit
//   slice of MD5 over the row, with lengths and a NULL bitmap so `('a#','b')` ≠ `('a','#b')` and NULL ≠ '');
//   equal checksums mean equal rows and nothing is fetched;
// - blob/attach pointers vs their 2.x JSON: two key-ordered reads (production with its `~external_*` rows,
//   test) matched by position settle the chunk when every distinct object agrees (comparePointerSql.ts); they
//   also carry the checksummed columns' row text (the bytes the checksum would hash), compared row by row, so
//   such a chunk is one scan of each side and nothing else;
// - where that or the checksums disagree, and for other columns stored differently (widened floats, json
//   text, file paths), the chunk's rows are fetched from both sides and compared by meaning: integers
//   across widths, floats within a tolerance, decimals exactly, bytes by bytes, pointers by content hash
//   (base32 of the 0.14.6 uuid = JSON `hash`), file paths by path and hash, JSON by parsed value, temporal
//   values by their UTC text (sessions run at +00:00, so equal text is an equal instant).
// FLOAT columns are read as `col + 0e0`: MariaDB prints FLOAT with 6 significant digits, which would
// hide real differences.
import { inStoreView } from './adaptedStore';
import type { Db, Row } from './connection';
import type { Table } from './model';
import { tableKey } from './model';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { qt, DbInputError } from './sql';
import { jobsOf } from './inPool';
import { joinedReadSql, sideReadSql } from './compareReads';
import {
  ChunkSizer,
  type KeyColumn,
  and,
  keyAfter,
  keyColumns,
  keyColumnsFor,
  keyOf,
  keyRange,
  keySelect,
  orderBy,
} from './chunks';
import type { Key } from './state';
import { canonicalKeyPart, keyValueOut, printable, compareCells } from './compareValues';
import { comparePointerCell, fileCheckOf, type FileCheck } from './comparePointers';
import { type ChunkPointers, PointerAgreement } from './comparePointerSql';
import { columnRules } from './compareRules';
import { PointerChunks } from './pointerChunks';
import { ReadAhead } from './readAhead';
import { chunkSums } from './compareSums';
import { rowTexts } from './pointerRowTexts';
import type { ColumnRule, CompareOptions, CompareReport, Difference, TableComparison } from './compareTypes';

export type { CompareOptions, CompareReport, Difference, TableComparison };

const MAX_PENDING = 100_000;
/** Pointer-read chunks read ahead of the one being checked (readAhead.ts). */
const POINTER_READS_AHEAD = 2;

export async function compare(db: Db, opts: CompareOptions): Promise<CompareReport> {
  const prodNames = opts.pairs.map((p) => p.source);
  const testNames = opts.pairs.map((p) => p.target);
  const prod = await introspect(db, prodNames);
  const test = await introspect(db, testNames);
  for (const n of prodNames) if (!prod.some((s) => s.name === n)) throw new DbInputError(`schema ${n} does not exist`);
  for (const n of testNames) if (!test.some((s) => s.name === n)) throw new DbInputError(`schema ${n} does not exist`);
  const testOf = new Map(opts.pairs.map((p) => [p.source, p.target]));
  const testTables = new Map(test.flatMap((s) => s.tables.map((t) => [tableKey(t), t] as const)));
  const report: CompareReport = { tables: [], equal: true, notes: [] };
  const wanted = (t: Table) =>
    (!opts.tiers?.length || opts.tiers.includes(t.tier)) &&
    (!opts.tables?.length || opts.tables.some((n) => n === t.name || n === tableKey(t)));
  for (const n of opts.tables ?? []) {
    if (!prod.some((s) => s.tables.some((t) => t.name === n || tableKey(t) === n)))
      throw new DbInputError(`table ${n} is not in ${prodNames.join(', ')}`);
  }

  const work: { p: Table; t: Table; slot: number }[] = [];
  for (const p of dependencyOrder(prod).filter(wanted)) {
    const t = testTables.get(`${testOf.get(p.schema)}.${p.name}`);
    if (!t) {
      report.notes.push(`${tableKey(p)} has no counterpart in ${testOf.get(p.schema)}`);
      report.equal = false;
      continue;
    }
    if (p.primaryKey.length === 0) throw new DbInputError(`${tableKey(p)} has no primary key; rows cannot be matched`);
    if (p.primaryKey.join(',') !== t.primaryKey.join(',')) {
      report.notes.push(
        `${tableKey(p)}: primary keys differ (${p.primaryKey.join(',')} vs ${t.primaryKey.join(',')}); not compared`,
      );
      report.equal = false;
      continue;
    }
    work.push({ p, t, slot: work.length });
  }
  // Up to `jobs` tables at once (read-only: no order between them); the first failure stops the others.
  const results: TableComparison[] = [];
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown = null;
  let next = 0;
  const worker = async () => {
    while (!stop.signal.aborted && next < work.length) {
      const { p, t, slot } = work[next++];
      try {
        // Adapters over blob@store compare like blob@store (adaptedStore.ts).
        const comparer = new TableComparer(db, inStoreView(p), inStoreView(t), { ...opts, signal: stop.signal });
        results[slot] = await comparer.run();
      } catch (e) {
        failure ??= e;
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobsOf(opts.jobs), Math.max(1, work.length)) }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  if (opts.signal?.aborted) throw new Error('compare cancelled');
  for (const result of results) {
    report.tables.push(result);
    if (result.differing || result.onlyInProduction || result.onlyInTest || result.columnsOnlyInProduction.length)
      report.equal = false;
  }
  for (const s of test) {
    const prodName = opts.pairs.find((x) => x.target === s.name)!.source;
    for (const t of s.tables) {
      if (
        !prod.some((ps) => ps.name === prodName && ps.tables.some((pt) => pt.name === t.name)) &&
        wanted({ ...t, schema: prodName })
      ) {
        report.notes.push(`${tableKey(t)} exists only in test`);
      }
    }
  }
  return report;
}

class TableComparer {
  private readonly rules: ColumnRule[];
  private readonly keyCols: KeyColumn[];
  private readonly testKeyCols: readonly KeyColumn[];
  private readonly result: TableComparison;
  private readonly tol: number;
  private readonly maxDiffs: number;
  private readonly files: FileCheck;
  private readonly pointers: PointerAgreement | null;
  private readonly pointerChunks: PointerChunks | null;
  private readonly pointerRules: ColumnRule[];
  /** Rows seen on one side only, kept until the other side's chunk could still hold them. */
  private readonly pendingProd = new Map<string, Fetched>();
  private readonly pendingTest = new Map<string, Fetched>();

  constructor(
    private readonly db: Db,
    private readonly p: Table,
    private readonly t: Table,
    private readonly opts: CompareOptions,
  ) {
    this.files = fileCheckOf(opts);
    this.rules = columnRules(p, t);
    const types = new Map(p.columns.map((c) => [c.name, c.dataType]));
    this.keyCols = keyColumns(p.primaryKey, (n) => types.get(n) ?? '');
    // Key ranges come from production; on the test side they must follow production's collation.
    this.testKeyCols = keyColumnsFor(this.keyCols, p.columns, t.columns);
    // (Not when the key collations differ: joining on the key would mix them.)
    const bySql = this.testKeyCols === this.keyCols ? this.rules.filter((r) => r.bySql) : [];
    this.pointers = bySql.length
      ? new PointerAgreement(db, p, t, this.keyCols, bySql, this.files, rowTexts(p, t, this.rules))
      : null;
    this.pointerRules = bySql;
    const byRow = (lower: Key | null, upper: Key | null) => this.fetchAndCompare(lower, upper, this.rowRules());
    this.pointerChunks = this.pointers ? new PointerChunks(this.pointers, (n) => this.agreed(n), byRow) : null;
    this.tol = opts.tolerance ?? 1e-6;
    this.maxDiffs = opts.maxDifferences ?? 20;
    this.result = {
      production: tableKey(p),
      test: tableKey(t),
      rowsProduction: 0,
      matched: 0,
      differing: 0,
      onlyInProduction: 0,
      onlyInTest: 0,
      differences: [],
      missingKeys: [],
      extraKeys: [],
      columnsOnlyInProduction: p.columns.filter((c) => !t.columns.some((x) => x.name === c.name)).map((c) => c.name),
      columnsOnlyInTest: t.columns.filter((c) => !p.columns.some((x) => x.name === c.name)).map((c) => c.name),
      chunks: 0,
      chunksByChecksum: 0,
      chunksByPointerJoin: 0,
      ms: 0,
    };
  }

  async run(): Promise<TableComparison> {
    const started = Date.now();
    const only = this.opts.ranges?.get(this.result.production);
    if (only) {
      for (const r of only) {
        this.result.rowsProduction += await this.chunk(r.lower, r.upper);
        this.result.chunks++;
      }
      return this.finish(started);
    }
    const { p } = this;
    const src = qt(p.schema, p.name);
    // Counted if useIndexes needs it; pointer reads hold every production row: the walk counts them (estimate meanwhile).
    let counting: Promise<number> | undefined;
    const count = () =>
      (counting ??= this.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${src}`).then((r) => Number(r[0].n)));
    this.pointers?.useIndexes(count, p.rowEstimate);
    this.result.rowsProduction = this.pointers ? p.rowEstimate : await count();
    // Chunks whose rows may be fetched stay small enough to hold both sides in memory. Pointer reads hold a few
    // hundred bytes per row and side for the chunk checked and those read ahead: 5,000 rows, a few MB each, which
    // mostly die in V8's young generation; at 10,000 they outlived it, and the old generation grew to several times
    // what was live (300,000-row recording: heap 100 MB against 46 MB, RSS 204 against 140 MB; 25,000: +40–70 MB).
    const sizer = new ChunkSizer({
      maxBytes: 16 * 1024 * 1024,
      maxRows: this.rules.every((r) => r.checksum)
        ? 200_000
        : this.rules.every((r) => r.checksum || this.pointerRules.includes(r))
          ? 5_000
          : 20_000,
      avgRowBytes: p.rowEstimate > 0 && p.sizeBytes ? p.sizeBytes / p.rowEstimate : undefined,
      ...this.opts.chunk,
    });
    let done = 0;
    // The next chunk's upper key is looked up while the current chunk is compared.
    const boundaryAfter = (after: Key | null, n: number): Promise<Key | null> => {
      const scope = and(after ? keyAfter(this.keyCols, after, 's') : null);
      const found = this.db
        .query(
          `SELECT ${keySelect(this.keyCols, 's')} FROM ${src} AS s WHERE ${scope.sql} ${orderBy(this.keyCols, 's')} LIMIT 1 OFFSET ${n - 1}`,
          scope.params,
        )
        .then((rows) => (rows.length ? keyOf(rows[0], this.keyCols.length) : null));
      found.catch(() => undefined); // awaited below; never an unhandled rejection if the walk stops first
      return found;
    };
    let last: Key | null = null;
    // The next chunk's reads start while node checks the current one (pointer files): server and client overlap.
    const ahead = (lower: Key | null, bound: Promise<Key | null>) => {
      const f = bound.then((upper) => ({ upper, reads: this.chunkReads(lower, upper) }));
      f.catch(() => undefined);
      return f;
    };
    // With pointer reads, production's read of a chunk ends it (comparePointerSql.ts readFrom): no boundary probe.
    const led = (lower: Key | null) => {
      const { upper, chunk } = this.pointers!.readFrom(lower, sizer.next());
      const f = upper.then((u) => ({ upper: u, reads: this.chunkReads(lower, u, chunk) }));
      f.catch(() => undefined);
      return f;
    };
    const following = (after: Key | null) =>
      this.pointers ? led(after) : ahead(after, boundaryAfter(after, sizer.next()));
    const reading = new ReadAhead(following, this.pointers ? POINTER_READS_AHEAD : 1);
    try {
      for (;;) {
        if (this.opts.signal?.aborted) throw new Error('compare cancelled');
        const { upper, reads } = await reading.next();
        const began = Date.now();
        const rows = await this.chunk(last, upper, reads);
        done += rows;
        this.result.chunks++;
        sizer.observe(Math.max(rows, 1), Date.now() - began);
        const rate = done / Math.max(1, Date.now() - started);
        this.opts.onProgress?.({
          table: this.result.production,
          rows: done,
          total: Math.max(done, this.result.rowsProduction),
          etaMs: rate > 0 ? Math.round(Math.max(0, this.result.rowsProduction - done) / rate) : null,
        });
        if (!upper) break;
        last = upper;
      }
    } finally {
      reading.stop(); // a cancelled or failed walk starts no more reads
    }
    if (this.pointers) this.result.rowsProduction = done;
    return this.finish(started);
  }

  /** Rows left without a partner once every chunk is done. */
  private async finish(started: number): Promise<TableComparison> {
    await this.pointerChunks?.settle();
    if (this.pointers) this.result.filesListed = this.pointers.filesListed;
    for (const [k, r] of this.pendingProd) {
      const other = this.pendingTest.get(k);
      if (other) {
        this.pendingTest.delete(k);
        await this.comparePair(r, other);
      } else this.onlyIn('production', r.row);
    }
    for (const r of this.pendingTest.values()) this.onlyIn('test', r.row);
    this.result.ms = Date.now() - started;
    return this.result;
  }

  // Both sides' checksums at once, on separate sessions; alongside, the joined reads of what the checksum
  // cannot cover (used when the checksums agree, the usual case): pointers (comparePointerSql.ts), other columns.
  // With the pointer reads, the checksummed columns are compared row by row in them instead (one scan of each
  // side rather than three), and their lengths are the two row counts.
  private chunkReads(lower: Key | null, upper: Key | null, pointerReads?: Promise<ChunkPointers>) {
    const otherRules = this.rules.filter((r) => !r.checksum && !this.pointerRules.includes(r));
    const ranges = [keyRange(this.keyCols, lower, upper, 's'), keyRange(this.testKeyCols, lower, upper, 's')];
    const pointerRows = this.pointers ? (pointerReads ?? this.pointers.read(lower, upper)) : Promise.resolve(null);
    // The pointer reads hold every row of the range on each side: their lengths are the two counts.
    const sums = this.pointers
      ? pointerRows.then((r) => [
          { n: r!.prod.length, h: '' },
          { n: r!.test.length, h: '' },
        ])
      : chunkSums(this.db, [this.p, this.t], this.rules, ranges);
    const reads = Promise.all([
      sums,
      // (Not when the key collations differ: joining on the key would mix them.)
      otherRules.length && this.testKeyCols === this.keyCols
        ? this.joinedRead(lower, upper, otherRules)
        : Promise.resolve(null),
      pointerRows,
    ]);
    reads.catch(() => undefined); // awaited by chunk(); never an unhandled rejection if the walk stops first
    return reads;
  }

  private rowRules(): ColumnRule[] {
    return this.rules.filter((r) => !r.checksum);
  }

  /** A chunk whose pointers agree and whose other columns are all in its row texts. */
  private agreed(rows: number): void {
    this.result.chunksByPointerJoin++;
    this.result.matched += rows;
  }

  /** Compare one key range; returns the production rows in it. */
  private async chunk(lower: Key | null, upper: Key | null, reads = this.chunkReads(lower, upper)): Promise<number> {
    const rowRules = this.rowRules();
    const otherRules = rowRules.filter((r) => !this.pointerRules.includes(r));
    const [[sumP, sumT], joined, pointerRows] = await reads;
    // Same counts, and (pointer reads) each production row's key and checksummed columns are the same bytes as
    // the test row's at the same position in key order (comparePointerSql.ts), or (otherwise) the same checksums.
    const same = pointerRows ? sumP.n === sumT.n && pointerRows.alike : sumP.n === sumT.n && sumP.h === sumT.h;
    if (same) {
      this.result.chunksByChecksum += rowRules.length === 0 ? 1 : 0;
      if (rowRules.length === 0) {
        this.result.matched += sumP.n;
        return sumP.n;
      }
      if (pointerRows && otherRules.length === 0) {
        await this.pointerChunks!.take(lower, upper, sumP.n, pointerRows);
        return sumP.n;
      }
      if (pointerRows) {
        if (!(await this.pointers!.agree(pointerRows))) {
          await this.fetchAndCompare(lower, upper, rowRules);
          return sumP.n;
        }
        this.result.chunksByPointerJoin++;
      }
      if (joined && joined.length === sumP.n) {
        for (const row of joined) await this.compareRow(row, otherRules, (i) => row['__t' + i]);
      } else await this.fetchAndCompare(lower, upper, otherRules);
      return sumP.n;
    }
    await this.fetchAndCompare(lower, upper, this.rules);
    return sumP.n;
  }

  /** Columns not covered by the checksum, read from both sides in one query joined on the key. */
  private joinedRead(lower: Key | null, upper: Key | null, rules: ColumnRule[]): Promise<Row[]> {
    const range = keyRange(this.keyCols, lower, upper, 's');
    const { sql, params } = joinedReadSql(this.p, this.t, this.keyCols, rules, range);
    return this.db.query(sql, params);
  }

  private fetchSide(table: Table, side: 'prod' | 'test', lower: Key | null, upper: Key | null, rules: ColumnRule[]) {
    const range = keyRange(side === 'prod' ? this.keyCols : this.testKeyCols, lower, upper, 's');
    const { sql, params } = sideReadSql(
      table,
      rules.map((r) => (side === 'prod' ? r.prod : r.test)),
      range,
    );
    return this.db.query(sql, params);
  }

  private async fetchAndCompare(lower: Key | null, upper: Key | null, rules: ColumnRule[]): Promise<void> {
    const [prodRows, testRows] = await Promise.all([
      this.fetchSide(this.p, 'prod', lower, upper, rules),
      this.fetchSide(this.t, 'test', lower, upper, rules),
    ]);
    const testByKey = new Map(testRows.map((r) => [this.keyString(r), r]));
    for (const r of prodRows) {
      const k = this.keyString(r);
      const other = testByKey.get(k);
      if (other) {
        testByKey.delete(k);
        await this.compareRow(r, rules, (i) => other['__c' + i]);
      } else await this.park(this.pendingProd, this.pendingTest, k, { row: r, rules }, 'production');
    }
    for (const [k, r] of testByKey) await this.park(this.pendingTest, this.pendingProd, k, { row: r, rules }, 'test');
  }

  /**
   * A row without a partner in the same key range: match it against the other side's leftovers (a key
   * the two sides' collations place in different chunks), else keep it until the end of the table.
   */
  private async park(
    mine: Map<string, Fetched>,
    theirs: Map<string, Fetched>,
    k: string,
    r: Fetched,
    side: 'production' | 'test',
  ): Promise<void> {
    const other = theirs.get(k);
    if (other) {
      theirs.delete(k);
      await (side === 'production' ? this.comparePair(r, other) : this.comparePair(other, r));
      return;
    }
    if (mine.size >= MAX_PENDING) this.onlyIn(side, r.row);
    else mine.set(k, r);
  }

  /** Two rows read separately (possibly with different column lists). */
  private async comparePair(prod: Fetched, test: Fetched): Promise<void> {
    const shared = prod.rules.filter((r) => test.rules.includes(r));
    const cells = (row: Row, rules: ColumnRule[]) => (i: number) => row['__c' + rules.indexOf(shared[i])];
    const pr: Row = { ...prod.row };
    // Renumber the production row's cells to the shared list, so index i means the same column on both.
    for (const [i, r] of shared.entries()) {
      const j = prod.rules.indexOf(r);
      for (const suffix of ['', '_hash', '_filepath', '_contents_hash', '_size']) {
        const from = suffix ? `__e${j}${suffix}` : `__c${j}`;
        pr[suffix ? `__e${i}${suffix}` : `__c${i}`] = prod.row[from];
      }
    }
    await this.compareRow(pr, shared, cells(test.row, test.rules));
  }

  private keyString(r: Row): string {
    return JSON.stringify(this.p.primaryKey.map((_, i) => canonicalKeyPart(r['__r' + i])));
  }

  private keyRecord(r: Row): Record<string, unknown> {
    return Object.fromEntries(this.p.primaryKey.map((k, i) => [k, keyValueOut(r['__r' + i])]));
  }

  private onlyIn(side: 'production' | 'test', r: Row): void {
    if (side === 'production') {
      this.result.onlyInProduction++;
      if (this.result.missingKeys.length < this.maxDiffs) this.result.missingKeys.push(this.keyRecord(r));
    } else {
      this.result.onlyInTest++;
      if (this.result.extraKeys.length < this.maxDiffs) this.result.extraKeys.push(this.keyRecord(r));
    }
  }

  /** One production row (cells `__c<i>`, external fields `__e<i>_…`) against the test cells `test(i)`. */
  private async compareRow(pr: Row, rules: ColumnRule[], test: (i: number) => unknown): Promise<void> {
    const diffs: Difference[] = [];
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const b = test(i);
      let reason = this.compareValue(rule, pr, i, b);
      if (reason instanceof Promise) reason = await reason;
      if (reason)
        diffs.push({
          key: this.keyRecord(pr),
          column: rule.name,
          production: printable(pr['__c' + i]),
          test: printable(b),
          reason,
        });
    }
    if (diffs.length === 0) {
      this.result.matched++;
      return;
    }
    this.result.differing++;
    for (const d of diffs) if (this.result.differences.length < this.maxDiffs) this.result.differences.push(d);
  }

  /** null when equal in meaning, else why not. Synchronous unless a file must be looked at. */
  private compareValue(rule: ColumnRule, pr: Row, i: number, b: unknown): string | null | Promise<string | null> {
    const a = pr['__c' + i];
    if (rule.kind === 'pointer') return comparePointerCell(rule.prod.storage, pr, i, b, this.files);
    return compareCells(rule.kind, rule.test, a, b, this.tol);
  }
}

/** Rows read from one side, with the column list they were read with. */
interface Fetched {
  row: Row;
  rules: ColumnRule[];
}

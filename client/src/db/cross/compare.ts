// `db compare --target URL`: production (the 0.14.6 source) against the 2.x schemas on another server, by
// meaning (canon.ts: integers across widths, floats within the tolerance, decimals exactly, bytes by bytes,
// in-store values by content hash or path, JSON by parsed value, times as UTC instants), with bounded memory.
// Each table is walked in source primary-key chunks; per chunk:
// - a same-order target (another MySQL server) and a table whose every column is stored alike on both:
//   both servers digest the key range (mysqlDigest.ts); equal digests mean equal rows and nothing is fetched;
// - otherwise the source rows are read (pointers converted to the JSON the copy writes, touching no file)
//   with the target's rows of the same range (same order) or of the same keys (any other engine), and merged
//   by key. On a target of another order, rows only the target holds are found afterwards by walking the
//   target in its own key order (only when its row count says there are some).
import type { Db } from '../connection';
import { ChunkSizer } from '../chunks';
import type { Key } from '../state';
import type { CompareOptions, CompareReport, TableComparison } from '../compareTypes';
import { printable, keyValueOut } from '../compareValues';
import { compareCanon, keyText } from './canon';
import { mysqlRangeDigest } from './mysqlDigest';
import { type CrossPlannedTable, planCross } from './plan';
import { SourceRows } from './sourceRows';
import type { CanonRow, TargetSide } from './side';

export async function crossCompare(source: Db, side: TargetSide, opts: CompareOptions): Promise<CompareReport> {
  const plan = await planCross(source, side, opts);
  const report: CompareReport = { tables: [], equal: true, notes: [] };
  for (const t of plan) {
    if (opts.signal?.aborted) throw new Error('compare cancelled');
    const r = await new TableCompare(source, side, t, opts).run();
    report.tables.push(r);
    if (r.differing || r.onlyInProduction || r.onlyInTest) report.equal = false;
  }
  if (opts.stores && opts.fileCheck !== 'none')
    report.notes.push(
      'in-store values were compared by content hash and path; the files themselves are checked by `db verify --target`',
    );
  return report;
}

class TableCompare {
  private readonly reader: SourceRows;
  private readonly keyIdx: number[];
  private readonly r: TableComparison;
  private readonly max: number;
  private readonly seenInRanges = { target: 0 };

  constructor(
    private readonly source: Db,
    private readonly side: TargetSide,
    private readonly t: CrossPlannedTable,
    private readonly opts: CompareOptions,
  ) {
    this.reader = new SourceRows(source, t, { stores: opts.stores });
    this.keyIdx = t.target.primaryKey.map((k) => t.target.columns.findIndex((c) => c.name === k));
    this.max = opts.maxDifferences ?? 20;
    this.r = {
      production: `${t.source.schema}.${t.source.name}`,
      test: `${t.target.schema}.${t.target.name}`,
      rowsProduction: 0,
      matched: 0,
      differing: 0,
      onlyInProduction: 0,
      onlyInTest: 0,
      differences: [],
      missingKeys: [],
      extraKeys: [],
      columnsOnlyInProduction: [],
      columnsOnlyInTest: [],
      chunks: 0,
      chunksByChecksum: 0,
      chunksByPointerJoin: 0,
      ms: 0,
    };
  }

  private key(row: CanonRow): Record<string, unknown> {
    return Object.fromEntries(this.t.target.primaryKey.map((k, j) => [k, keyValueOut(row[this.keyIdx[j]])]));
  }

  async run(): Promise<TableComparison> {
    const started = Date.now();
    const { t, side } = this;
    const total = await this.reader.count();
    const sizer = new ChunkSizer({ maxBytes: 16 * 1024 * 1024, targetMs: 1000, ...this.opts.chunk });
    const same = side.sameKeyOrder;
    const digest =
      same && t.digestColumns && t.digestColumns.length === t.target.columns.length ? t.digestColumns : null;
    let last: Key | null = null;
    let rows = 0;
    for (;;) {
      if (this.opts.signal?.aborted) throw new Error('compare cancelled');
      const began = Date.now();
      const n = sizer.next();
      let upper: Key | null;
      let chunkRows: number;
      if (same) {
        upper = await this.reader.boundary(last, n);
        if (digest) {
          const [a, b] = await Promise.all([
            mysqlRangeDigest(this.source, t.source, t.keyCols, digest, last, upper),
            same.rangeDigest(t.target, digest, last, upper),
          ]);
          if (a.count === b.count && a.digest === b.digest) {
            this.r.matched += a.count;
            this.r.chunksByChecksum++;
            chunkRows = a.count;
            this.r.chunks++;
            rows += chunkRows;
            this.done(rows, total, sizer, chunkRows, began);
            if (!upper) break;
            last = upper;
            continue;
          }
        }
        const [src, tgt] = await Promise.all([this.reader.range(last, upper), same.readRange(t.target, last, upper)]);
        await this.reader.convert(src, () => false, true);
        this.merge(src.rows, tgt, true);
        chunkRows = src.rows.length;
      } else {
        const src = await this.reader.next(last, n);
        upper = src.rows.length === n ? src.keys[src.keys.length - 1] : null;
        await this.reader.convert(src, () => false, true);
        const tgt = await side.readKeys(
          t.target,
          src.rows.map((r) => this.keyIdx.map((i) => r[i])),
        );
        this.merge(src.rows, tgt, false);
        chunkRows = src.rows.length;
      }
      this.r.chunks++;
      rows += chunkRows;
      this.done(rows, total, sizer, chunkRows, began);
      if (!upper) break;
      last = upper;
    }
    this.r.rowsProduction = rows;
    const targetRows = await side.rowCount(t.target);
    const accounted = this.r.matched + this.r.differing + this.seenInRanges.target;
    if (targetRows > accounted) await this.findExtras();
    this.r.ms = Date.now() - started;
    return this.r;
  }

  private done(rows: number, total: number, sizer: ChunkSizer, chunkRows: number, began: number): void {
    sizer.observe(Math.max(chunkRows, 1), Date.now() - began);
    this.opts.onProgress?.({ table: this.r.production, rows, total, etaMs: null });
  }

  /** Source rows against the target's rows of the same keys (or range: then target-only rows are reported). */
  private merge(src: CanonRow[], tgt: CanonRow[], rangeRead: boolean): void {
    const { t } = this;
    const there = new Map(tgt.map((r) => [keyText(this.keyIdx.map((i) => r[i])), r]));
    for (const row of src) {
      const id = keyText(this.keyIdx.map((i) => row[i]));
      const other = there.get(id);
      if (!other) {
        this.r.onlyInProduction++;
        if (this.r.missingKeys.length < this.max) this.r.missingKeys.push(this.key(row));
        continue;
      }
      there.delete(id);
      let differs = false;
      t.target.columns.forEach((c, j) => {
        if (this.keyIdx.includes(j)) return;
        const why = compareCanon(c, row[j], other[j], this.opts.tolerance);
        if (!why) return;
        differs = true;
        if (this.r.differences.length < this.max)
          this.r.differences.push({
            key: this.key(row),
            column: c.name,
            production: printable(row[j]),
            test: printable(other[j]),
            reason: why,
          });
      });
      if (differs) this.r.differing++;
      else this.r.matched++;
    }
    if (!rangeRead) return;
    for (const row of there.values()) {
      this.seenInRanges.target++;
      this.r.onlyInTest++;
      if (this.r.extraKeys.length < this.max) this.r.extraKeys.push(this.key(row));
    }
  }

  /** Rows only the target holds, on a target whose key order is its own: walk it and look each chunk up. */
  private async findExtras(): Promise<void> {
    const { t, side } = this;
    let after: CanonRow | null = null;
    const n = 1000;
    for (;;) {
      if (this.opts.signal?.aborted) throw new Error('compare cancelled');
      const rows: CanonRow[] = await side.readChunk(
        t.target,
        after ? this.keyIdx.map((i) => after?.[i] ?? null) : null,
        n,
      );
      if (!rows.length) break;
      const found = await this.reader.byKeys(rows.map((r) => this.keyIdx.map((i) => r[i])));
      const inSource = new Set(found.rows.map((r) => keyText(this.keyIdx.map((i) => r[i]))));
      for (const r of rows) {
        if (inSource.has(keyText(this.keyIdx.map((i) => r[i])))) continue;
        this.r.onlyInTest++;
        if (this.r.extraKeys.length < this.max) this.r.extraKeys.push(this.key(r));
      }
      if (rows.length < n) break;
      after = rows[rows.length - 1];
    }
  }
}

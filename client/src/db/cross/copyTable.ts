// One table of a copy into another server (cross/copy.ts). The source is read in primary-key chunks
// (sourceRows.ts), the next chunk read while the current one is written; per chunk the target's rows of the
// same keys are read (a key range on a same-order target, else the key list), rows already there are
// compared by meaning (canon.ts: a differing row is a conflict, reported and left alone) and only the
// missing rows are written, with the side's bulk path in one transaction. A first copy into an empty table
// skips the lookups: a row written there meanwhile fails the chunk on its duplicate key, never silently.
// The checkpoint (state.ts) records the last source key after each written chunk.
import type { Db } from '../connection';
import { ChunkSizer } from '../chunks';
import type { Key, TableCheckpoint } from '../state';
import type { CopyOptions, TableCopyResult } from '../copy';
import { CancelledError } from '../copyTable';
import { compareCanon, keyText } from './canon';
import type { CrossPlannedTable } from './plan';
import { type SourceChunk, SourceRows } from './sourceRows';
import type { CanonKey, CanonRow, TargetSide } from './side';

const MAX_REPORTED_CONFLICTS = 20;
/**
 * Bytes of source rows one chunk holds in memory (and writes in one transaction). Two chunks live at once
 * (the next is read while this one is written), and V8 lets the heap grow to a few times what is live before
 * a full collection: on the bench's 200k-row `trial` the copy's peak RSS measured 266–283 MB at 16 MB,
 * 235–253 MB at 8 MB and 206–208 MB at 4 MB, at the same rows/s within the noise.
 */
const CHUNK_BYTES = 4 * 1024 * 1024;

export class CrossTableCopier {
  private readonly reader: SourceRows;
  private readonly keyIdx: number[];
  private processed = 0;
  private resumedAt = 0;
  private readonly started = Date.now();

  constructor(
    source: Db,
    private readonly side: TargetSide,
    private readonly t: CrossPlannedTable,
    private readonly cp: TableCheckpoint,
    private readonly result: TableCopyResult,
    private readonly opts: CopyOptions,
    private readonly save: () => void,
  ) {
    this.reader = new SourceRows(source, t, opts);
    this.keyIdx = t.target.primaryKey.map((k) => t.target.columns.findIndex((c) => c.name === k));
  }

  private checkAbort(): void {
    if (this.opts.signal?.aborted) throw new CancelledError('copy cancelled');
  }

  async run(): Promise<void> {
    const { t, side } = this;
    const avgRowBytes =
      t.source.rowEstimate > 0 && t.source.sizeBytes ? t.source.sizeBytes / t.source.rowEstimate : undefined;
    const sizer = new ChunkSizer({ maxBytes: CHUNK_BYTES, avgRowBytes, targetMs: 2000, ...this.opts.chunk });
    const firstWhole = !this.cp.lastKey && !t.filter && !this.opts.dryRun;
    this.result.total = firstWhole ? Math.max(0, t.source.rowEstimate) : await this.reader.count();
    // Nothing in the target table yet: no chunk needs a lookup.
    const empty = !this.opts.dryRun && (await side.rowCount(t.target)) === 0;
    let last: Key | null = this.cp.lastKey;
    let n = sizer.next();
    let pending: Promise<SourceChunk> | null = this.reader.next(last, n);
    while (pending) {
      this.checkAbort();
      const began = Date.now();
      const chunk = await pending;
      pending = null;
      if (!chunk.rows.length) break;
      const upper = chunk.keys[chunk.keys.length - 1];
      const final = chunk.rows.length < n;
      sizer.observeBytes(chunk.rows.length, chunk.bytes);
      // Read ahead: the next chunk comes from the source while this one is written to the target.
      if (!final) {
        n = sizer.next();
        pending = this.reader.next(upper, n);
        pending.catch(() => undefined);
      }
      await this.chunk(chunk, last, upper, empty);
      sizer.observe(chunk.rows.length, Date.now() - began);
      last = upper;
      this.cp.lastKey = last;
      this.result.chunks++;
      this.processed += chunk.rows.length;
      this.save();
      this.progress();
    }
    if (firstWhole) this.result.total = this.processed;
    this.result.fileOps += this.reader.fileOpCount;
    if (this.reader.missing.count) {
      this.result.missingFiles = this.reader.missing.count;
      this.result.missingFileExamples = this.reader.missing.examples;
    }
  }

  private keyOf(row: CanonRow): CanonKey {
    return this.keyIdx.map((i) => row[i]);
  }

  private async existing(chunk: SourceChunk, last: Key | null, upper: Key): Promise<Map<string, CanonRow>> {
    const { side, t } = this;
    const rows = side.sameKeyOrder
      ? await side.sameKeyOrder.readRange(t.target, last, upper)
      : await side.readKeys(
          t.target,
          chunk.rows.map((r) => this.keyOf(r)),
        );
    return new Map(rows.map((r) => [keyText(this.keyOf(r)), r]));
  }

  private async chunk(chunk: SourceChunk, last: Key | null, upper: Key, empty: boolean): Promise<void> {
    const { t, side, opts } = this;
    const present = empty ? new Map<string, CanonRow>() : await this.existing(chunk, last, upper);
    const isNew = chunk.rows.map((r) => !present.has(keyText(this.keyOf(r))));
    this.reader.takeFileOps();
    await this.reader.convert(chunk, (i) => isNew[i], !!opts.dryRun, opts.signal);
    for (const op of this.reader.takeFileOps()) opts.onFileOp?.(op);
    const toWrite: CanonRow[] = [];
    chunk.rows.forEach((row, i) => {
      if (isNew[i]) {
        toWrite.push(row);
        return;
      }
      const there = present.get(keyText(this.keyOf(row))) as CanonRow;
      const differ = t.target.columns.filter((c, j) => !this.keyIdx.includes(j) && compareCanon(c, row[j], there[j]));
      if (!differ.length) {
        this.result.rowsAlreadyPresent++;
        this.cp.rowsAlreadyPresent++;
        return;
      }
      this.result.conflictCount++;
      this.cp.rowsConflicting++;
      if (this.result.conflicts.length < MAX_REPORTED_CONFLICTS)
        this.result.conflicts.push({
          key: Object.fromEntries(t.target.primaryKey.map((k, j) => [k, this.keyOf(row)[j]])),
          columns: differ.map((c) => c.name),
        });
    });
    this.checkAbort();
    if (!toWrite.length) return;
    if (opts.dryRun) {
      opts.onStatement?.(side.describeWrite(t.target, toWrite.length));
      this.result.rowsInserted += toWrite.length;
      return;
    }
    const inserted = await side.writeRows(t.target, toWrite, opts.signal);
    this.result.rowsInserted += inserted;
    this.cp.rowsCopied += inserted;
  }

  private progress(): void {
    const elapsed = Date.now() - this.started;
    const rate = (this.processed - this.resumedAt) / Math.max(elapsed, 1);
    const left = Math.max(0, this.result.total - this.processed);
    this.opts.onProgress?.({
      table: this.result.source,
      rows: this.processed,
      total: this.result.total,
      etaMs: rate > 0 ? Math.round(left / rate) : null,
      chunks: this.result.chunks,
      objects: this.reader.objects,
      objectBytes: this.reader.objectBytes,
    });
  }
}

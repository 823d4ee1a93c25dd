// Compare's chunks of pointer-only tables (every column checksummed or a pointer), not held up by the stat worker:
// node's checks of chunk N+1 run while the worker still looks at chunk N's files (before, every chunk waited for
// its own files, and node and the worker took turns: 1,000,000 rows, ~2 s of 6 s waiting on the stats). Chunks
// wait unsettled in order, at most `agreement.unsettledLimit()` of them (one while files are stat'ed; more while a
// store's folder is still being listed, when a chunk holds only its digests). Pairs are remembered before their
// files settle, so when an unsettled chunk's files fail, the chunks checked after it may have skipped one of its
// pairs: it and every later one are compared again, row by row.
import type { Key } from './state';
import type { ChunkPointers, PointerAgreement } from './comparePointerSql';

interface Unsettled {
  lower: Key | null;
  upper: Key | null;
  rows: number;
  files: Promise<boolean>;
  /** The files' verdict once known. */
  verdict?: boolean;
}

export class PointerChunks {
  private readonly queue: Unsettled[] = [];

  constructor(
    private readonly agreement: Pick<PointerAgreement, 'agreeSoon' | 'unsettledLimit'>,
    /** Rows of a key range agreed (counted as matched). */
    private readonly agreed: (rows: number) => void,
    /** A key range compared row by row (compare.ts), which reports each difference. */
    private readonly byRow: (lower: Key | null, upper: Key | null) => Promise<void>,
  ) {}

  /** One chunk's pointer reads, which `alike` already found to pair up position by position. */
  async take(lower: Key | null, upper: Key | null, rows: number, read: ChunkPointers): Promise<void> {
    // Failures known before this chunk is checked are dealt with first: it is then checked without their pairs.
    while (this.queue.length && this.queue[0].verdict !== undefined) if (!(await this.settleFirst())) break;
    const { now, files } = await this.agreement.agreeSoon(read);
    if (!now) {
      await this.settle();
      await files; // forgets what it remembered, if a file failed
      await this.byRow(lower, upper);
      return;
    }
    const u: Unsettled = { lower, upper, rows, files };
    void files.then((v) => {
      u.verdict = v;
    });
    this.queue.push(u);
    // Those already settled leave at once; the oldest are waited for while too many are unsettled.
    while (this.queue.length && (this.queue[0].verdict !== undefined || this.queue.length > this.limit())) {
      if (!(await this.settleFirst())) return;
    }
  }

  /** Settles every unsettled chunk (at the end of the table); false when one was compared again. */
  async settle(): Promise<boolean> {
    while (this.queue.length) if (!(await this.settleFirst())) return false;
    return true;
  }

  private limit(): number {
    return Math.max(1, this.agreement.unsettledLimit());
  }

  /** The oldest unsettled chunk agreed (true), or it and every later one compared row by row (false). */
  private async settleFirst(): Promise<boolean> {
    const first = this.queue[0];
    if (await first.files) {
      this.queue.shift();
      this.agreed(first.rows);
      return true;
    }
    for (const u of this.queue.splice(0)) {
      await u.files;
      await this.byRow(u.lower, u.upper);
    }
    return false;
  }
}

// Compare's chunks of pointer-only tables (every column checksummed or a pointer), not held up by the stat worker:
// node's checks of chunk N+1 run while the worker still stats chunk N's files (before, every chunk waited for
// its own files, and node and the worker took turns: 1,000,000 rows, ~2 s of 6 s waiting on the stats). At most
// one chunk is unsettled. Pairs are remembered before their files settle, so when an unsettled chunk's files
// fail, the chunk checked after it may have skipped one of its pairs: both are compared again, row by row.
import type { Key } from './state';
import type { ChunkPointers, PointerAgreement } from './comparePointerSql';

interface Unsettled {
  lower: Key | null;
  upper: Key | null;
  rows: number;
  files: Promise<boolean>;
}

export class PointerChunks {
  private unsettled: Unsettled | null = null;

  constructor(
    private readonly agreement: PointerAgreement,
    /** Rows of a key range agreed (counted as matched). */
    private readonly agreed: (rows: number) => void,
    /** A key range compared row by row (compare.ts), which reports each difference. */
    private readonly byRow: (lower: Key | null, upper: Key | null) => Promise<void>,
  ) {}

  /** One chunk's pointer reads, which `alike` already found to pair up position by position. */
  async take(lower: Key | null, upper: Key | null, rows: number, read: ChunkPointers): Promise<void> {
    const { now, files } = await this.agreement.agreeSoon(read);
    const earlierHeld = await this.settle();
    if (now && earlierHeld) {
      this.unsettled = { lower, upper, rows, files };
      return;
    }
    await files; // forgets what it remembered, if a file failed
    await this.byRow(lower, upper);
  }

  /** Settles the unsettled chunk (the last one, at the end of the table); false when it was compared again. */
  async settle(): Promise<boolean> {
    const u = this.unsettled;
    this.unsettled = null;
    if (!u) return true;
    if (await u.files) {
      this.agreed(u.rows);
      return true;
    }
    await this.byRow(u.lower, u.upper);
    return false;
  }
}

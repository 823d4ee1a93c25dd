// Compare's chunk reads, started ahead of the chunk being compared. A chunk's upper key is known only once its own
// read (or a boundary probe) returns, so reads form a chain: the next starts as soon as the previous one's upper
// key is in, up to `depth` chunks ahead of the one node is checking. With one chunk ahead, the server sat idle
// whenever node's checks of a chunk outlasted the next chunk's reads, and node whenever they did not (1,000,000
// pointer rows: node waited on the server for about a third of the compare, the server idle for half of it).
import type { Key } from './state';

export class ReadAhead<T extends { upper: Key | null }> {
  private readonly queue: Promise<T>[] = [];
  /** An upper key whose chunk is not started yet (the queue was full when it came in). */
  private after: Key | null | undefined;
  private stopped = false;

  constructor(
    /** Starts the read of the chunk after `after` (null: the table's first); it settles with the chunk's upper key. */
    private readonly start: (after: Key | null) => Promise<T>,
    private readonly depth: number,
  ) {
    this.launch(null);
  }

  /** The next chunk's read, in key order. Not to be called once a chunk with upper null was returned. */
  next(): Promise<T> {
    const read = this.queue.shift();
    if (!read) throw new Error('ReadAhead: no chunk after the last');
    this.pump();
    return read;
  }

  /** Starts nothing more (a cancelled or failed walk); reads already started settle unobserved. */
  stop(): void {
    this.stopped = true;
  }

  private launch(after: Key | null): void {
    const read = this.start(after);
    read.catch(() => undefined); // the walk awaits it through next(); never unhandled if it stops first
    this.queue.push(read);
    read.then(
      (r) => {
        if (r.upper === null) return;
        this.after = r.upper;
        this.pump();
      },
      () => undefined,
    );
  }

  private pump(): void {
    if (this.after === undefined || this.stopped || this.queue.length >= this.depth) return;
    const after = this.after;
    this.after = undefined;
    this.launch(after);
  }
}

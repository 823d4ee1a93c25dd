// The converted pointer cells a copy remembers (copyTable.ts, cross/sourceRows.ts): pipelines share objects
// (one blob, many rows), and each converts once. Bounded, least recently used first out, and compact: keyed by
// the column and the 16 raw pointer bytes, holding only what a repeat needs (its JSON and the missing shared
// file), never the file operations, which a repeat does not redo.
import type { PointerJson } from './pointers';
import { LruMap } from './lruMap';

/** What a repeat of an already converted object needs. */
export interface CachedCell {
  json: string | null;
  value: PointerJson | null;
  missing: string | null;
}

/** Cells remembered per table; forgetting one only means converting its object again. */
const CACHED_CELLS = 20_000;

export class ConvertedCache {
  private readonly cells: LruMap<string, CachedCell & { real: boolean }>;

  constructor(capacity = CACHED_CELLS) {
    this.cells = new LruMap(capacity);
  }

  /** The cell of `pointer` in column `column`: a real conversion serves a dry run too, never the reverse. */
  get(column: number, pointer: Buffer, dryRun: boolean): CachedCell | undefined {
    const key = cacheKey(column, pointer);
    const hit = this.cells.peek(key);
    if (!hit || (!hit.real && !dryRun)) return undefined;
    return this.cells.get(key);
  }

  set(column: number, pointer: Buffer, dryRun: boolean, cell: CachedCell): void {
    const key = cacheKey(column, pointer);
    const had = this.cells.peek(key);
    if (had?.real && dryRun) return;
    this.cells.set(key, { json: cell.json, value: cell.value, missing: cell.missing, real: !dryRun });
  }

  get size(): number {
    return this.cells.size;
  }
}

function cacheKey(column: number, pointer: Buffer): string {
  return String.fromCharCode(column) + pointer.toString('latin1');
}

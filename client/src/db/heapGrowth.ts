// V8's heap growth for the database commands (`dj-migrate db …` and `npm run bench:db`).
//
// What these commands hold at once is bounded (chunks, caches), but they allocate per row, and whatever is still
// referenced at two young-generation collections (a chunk's rows, a batch of files in flight, a stream's
// buffered rows) moves to the old generation. After each full collection V8 lets the old generation grow to
// up to 4× what survived it (its factor for a heap limit of 2 GB or more, as node has here) before the next, so
// a phase whose live set is ~35 MB ran at ~140 MB of heap (the 1,000,000-row bench peaked at 344 MB RSS in its
// freeze section; at 300,000 rows the swap's compare and verify steps ran at 113 MB of heap, ~35 MB live). heap-growing-percent=100 fixes the factor at 2, with no heap
// limit (nothing that fits today can run out of memory because of it). verify of 300,000 pointers: largest
// heap 86–91 → 52–54 MB, RSS 163–166 → 128–130 MB, node CPU the same within a loaded machine's noise.
// Read at each full collection, so setting it after start-up takes effect.
import v8 from 'node:v8';

export function boundHeapGrowth(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}

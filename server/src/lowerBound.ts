/** The first index of `sorted` (ascending) whose value is at least `x`; `sorted.length` when none is. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The start offsets of `re`'s matches in `text` (a global RegExp), ascending. Built by pushing, so every such array
 * has the same (packed) elements kind as the other arrays `lowerBound` searches: `[...matchAll].map()` gives holey
 * arrays for most files but packed ones for some, and each kind meeting code optimised for the other deoptimises it.
 */
export function matchStarts(text: string, re: RegExp): number[] {
  const starts: number[] = [];
  for (const m of text.matchAll(re)) starts.push(m.index!);
  return starts;
}

// Applying edits: minimal (bytes outside edited ranges stay identical), never overlapping, and
// repeated until nothing changes, with every round required to parse without new errors.
import type { Finding, TextEdit } from '../rules/meta';

export class OverlapError extends Error {}

/** Apply non-overlapping edits (offsets into `text`). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new OverlapError(`overlapping edits at ${e.start}`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/**
 * Choose a set of fixes whose edits do not overlap each other (first come, first served, in file order).
 * Insertions at the same point (e.g. two `import hashlib`) are deduplicated.
 */
export function selectFixes(
  findings: Finding[],
  accept: (f: Finding) => boolean,
): { chosen: Finding[]; edits: TextEdit[] } {
  const chosen: Finding[] = [];
  const edits: TextEdit[] = [];
  for (const f of findings) {
    if (!f.fix || !accept(f) || overlapsItself(f.fix.edits)) continue;
    const fresh = f.fix.edits.filter(
      (e) => !edits.some((x) => x.start === e.start && x.end === e.end && x.text === e.text),
    );
    const clash = fresh.some((e) =>
      edits.some(
        (x) =>
          (e.start < x.end && x.start < e.end) ||
          (e.start === x.start && e.end === x.end && e.start === e.end && e.text !== x.text),
      ),
    );
    if (clash) continue;
    chosen.push(f);
    edits.push(...fresh);
  }
  return { chosen, edits };
}

/** A fix whose own edits overlap is a rule bug: it is never applied (the finding stays, without its fix). */
function overlapsItself(edits: TextEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) return true;
  return false;
}

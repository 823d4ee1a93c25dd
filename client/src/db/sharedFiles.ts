// A pointer-only copy (blobs without --relocate, and every file path) writes rows that point at the files
// 0.14.6 wrote, without reading them. A file missing from its store does not stop the copy — the row is a
// faithful copy of what production holds — but 2.x cannot read that value, so the copy counts the missing
// files (one look per distinct object) and finishes with a warning naming them.
import type { ColumnPlan, PointerContext } from './convert';
import type { PointerJson } from './pointers';
import { describeObject, statObject } from './stores';

type PointerPlan = Extract<ColumnPlan, { kind: 'pointer' }>;

/** True when the copy's JSON points at the 0.14.6 file itself rather than at a copy it wrote. */
export function sharesSourceFile(p: PointerPlan, relocate: boolean): boolean {
  return p.pointerKind === 'filepath' || (p.pointerKind === 'blob' && !relocate);
}

/** The shared file a converted value points at, described, when it is missing from its store; else null. */
export async function missingSharedFile(
  p: PointerPlan,
  value: PointerJson | null,
  ctx: PointerContext,
): Promise<string | null> {
  if (!value || !sharesSourceFile(p, ctx.relocate)) return null;
  const store = ctx.stores[typeof value.store === 'string' ? value.store : p.store];
  if (!store || typeof value.path !== 'string') return null;
  const st = await statObject(store, value.path, 'checking the files a pointer-only copy points at');
  return st ? null : describeObject(store, value.path);
}

/** Missing shared files of one table: counted once each, a few named. */
export class MissingFiles {
  private readonly seen = new Set<string>();
  readonly examples: string[] = [];
  constructor(private readonly maxExamples = 5) {}

  add(described: string): void {
    if (this.seen.has(described)) return;
    this.seen.add(described);
    if (this.examples.length < this.maxExamples) this.examples.push(described);
  }

  get count(): number {
    return this.seen.size;
  }
}

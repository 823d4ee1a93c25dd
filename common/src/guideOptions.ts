// The published migration guide's cut-over options, by what they do. The guide (datajoint-docs,
// src/how-to/migrate-to-v20.md) has lettered them twice, so a bare "option B" is ambiguous:
// - earlier lettering (commit 79bc39fe, 2026-01-14 08:29, "Phase 3: Production Cutover"):
//   A "Merge Branch & Rename Schemas", B "Update Main Branch to Use _v2 Schemas", C "In-Place Migration";
// - current lettering (commit 75e06a15, 2026-01-14 09:52, unchanged through 7f4ca372, 2026-07-01):
//   A "Copy Data and Rename Schemas (Recommended)", B "In-Place Migration", C "Gradual Migration with
//   Legacy Compatibility". Keeping the `_v2` names has no letter there.
// (A first draft, 2bf980db, had "Cutover Option A: Rename Schemas" and "B: Drop and Recreate" for a few hours;
// the guide's Phase II "Option A/B" are testing approaches, not cut-overs.)

export interface GuideOption {
  /** What it does, the name this tool uses everywhere. */
  name: string;
  /** The letter in the current guide, or null when the current guide does not offer it. */
  current: 'A' | 'B' | 'C' | null;
  /** The letter in the earlier lettering, or null. */
  earlier: 'A' | 'B' | 'C' | null;
}

export const GUIDE_OPTIONS = {
  swap: { name: 'parallel schemas, then swap', current: 'A', earlier: 'A' },
  keepV2: { name: 'keep the `_v2` names', current: null, earlier: 'B' },
  inPlace: { name: 'in place', current: 'B', earlier: 'C' },
  gradual: { name: 'gradual', current: 'C', earlier: null },
} as const satisfies Record<string, GuideOption>;

/** "guide: option A (earlier lettering: A)", "guide: not offered (earlier lettering: B)". */
export function guideLetters(o: GuideOption): string {
  const now = o.current ? `option ${o.current}` : 'not offered';
  const before = o.earlier ? `option ${o.earlier}` : 'not offered';
  return `current guide: ${now}; earlier lettering: ${before}`;
}

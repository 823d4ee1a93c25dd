// When the Getting Started walkthrough's data steps are complete, from the operation history. Each step completes
// when its own last action ran, not on a command click: "Copy and compare" when a compare found the copied data equal
// (after a copy of the same schema on the same server), "Verify and cut over" when a swap or an in-place migration
// succeeded (and was not undone by a later unswap). The extension sets these as context keys; package.json's
// `contributes.walkthroughs` completes the steps on `onContext:<key>`. No `vscode` here.
import type { HistoryEntry } from './workflow';

export const WALKTHROUGH_KEYS = {
  dataCompared: 'datajoint.walkthrough.dataCompared',
  cutOver: 'datajoint.walkthrough.cutOver',
} as const;

export function walkthroughContext(history: readonly HistoryEntry[]): Record<string, boolean> {
  const copied = new Set<string>();
  const compared = new Set<string>();
  const cutOver = new Set<string>();
  for (const h of history) {
    for (const t of h.targets) {
      const at = `${h.where}\u0000${t}`;
      if (h.outcome !== 'ok') continue;
      if (h.kind === 'copy') copied.add(at);
      else if (h.kind === 'compare' && copied.has(at)) compared.add(at);
      else if (h.kind === 'swap' || h.kind === 'in-place') cutOver.add(at);
      else if (h.kind === 'unswap') cutOver.delete(at);
    }
  }
  return { [WALKTHROUGH_KEYS.dataCompared]: compared.size > 0, [WALKTHROUGH_KEYS.cutOver]: cutOver.size > 0 };
}

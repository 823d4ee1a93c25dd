// Each diagnostic's link to its rule's section of docs/rules.md. The VS Code client adds it to the diagnostics it
// receives (client/src/ui/ruleLinks.ts): sent by the server, it was a fifth of every diagnostics reply of a large
// file. No heavy imports: the client bundles this module.
import { pathToFileURL } from 'node:url';

/** The `source` of every diagnostic the language server sends. */
export const SOURCE = 'DataJoint';

export function ruleAnchor(code: string): string {
  return code.toLowerCase();
}

/** The link of a rule's section in the rules document at `rulesDoc` (a file path). */
export function ruleDocHref(rulesDoc: string, code: string): string {
  return `${pathToFileURL(rulesDoc).href}#${ruleAnchor(code)}`;
}

type Code<T> = string | number | { value: string | number; target: T };

/** Gives each DataJoint diagnostic its rule's link, as VS Code holds one: the code becomes `{ value, target }`. */
export function linkRules<T>(items: Array<{ source?: string; code?: Code<T> }>, target: (code: string) => T): void {
  for (const d of items)
    if (d.source === SOURCE && typeof d.code === 'string') d.code = { value: d.code, target: target(d.code) };
}

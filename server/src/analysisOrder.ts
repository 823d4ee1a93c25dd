// The order a one-pass analysis visits files in: a file after the workspace files it imports, as far as a
// quick look at its import lines tells (cycles are cut anywhere). The order only decides how many files must
// be analysed a second time (see Project.checkAll); the findings never depend on it.
import { dottedKeys } from './index/workspace';

const IMPORT_LINE = /^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w \t,]*)|import[ \t]+([\w \t.,]+))/gm;

/** Names an import line may refer to a workspace module by: every dotted part and every imported name. */
function importedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(IMPORT_LINE)) {
    for (const group of [m[1], m[2], m[3]])
      if (group) for (const part of group.split(/[\s.,]+/)) if (part && part !== 'as') names.add(part);
  }
  return names;
}

/** `files` (with their texts) reordered so that, where possible, each comes after the files it imports. */
export function importOrder(files: string[], textOf: (file: string) => string | undefined): string[] {
  const byName = new Map<string, string[]>();
  for (const f of files) {
    const name = dottedKeys(f)[0];
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(f);
  }
  const depsOf = (f: string): string[] => {
    const text = textOf(f);
    if (!text) return [];
    const deps: string[] = [];
    for (const n of importedNames(text)) for (const d of byName.get(n) ?? []) if (d !== f) deps.push(d);
    return deps;
  };
  const order: string[] = [];
  const seen = new Set<string>();
  for (const root of files) {
    if (seen.has(root)) continue;
    seen.add(root);
    // Depth first, without recursion (an import chain may be thousands of files long).
    const stack: Array<{ file: string; deps: string[]; at: number }> = [{ file: root, deps: depsOf(root), at: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.at < top.deps.length) {
        const d = top.deps[top.at++];
        if (!seen.has(d)) {
          seen.add(d);
          stack.push({ file: d, deps: depsOf(d), at: 0 });
        }
      } else {
        order.push(top.file);
        stack.pop();
      }
    }
  }
  return order;
}

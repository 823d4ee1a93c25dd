// Which `dj.config` keys a file sets in code: `dj.config["k"] = v`, `dj.config.k = v`,
// `dj.config.update({"k": v})` / `update(k=v)`, `with dj.config(k=v)` / `dj.config.override(k=v)`.
// Rules use it across the workspace, e.g. a `fetch()` is only safely `to_arrays()` if no file sets `fetch_format`.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';

interface ConfigSource {
  syntax: { assignments: Node[]; calls: Node[] };
  qualified(node: Node): string | null;
}

// Name resolution only (no variable tracking): this runs for every file the workspace indexes.
const CONFIG = new Set(['datajoint.config', 'datajoint.settings.config']);

/**
 * `mentions`: whether a node's text holds 'config' (a cheap filter before any child lookup); by default its text is
 * read (one WASM call for its end), `holdersOf` answers for a whole file with fewer.
 */
export function configKeysWritten(
  index: ConfigSource,
  mentions: (n: Node) => boolean = (n) => n.text.includes('config'),
): Set<string> {
  const keys = new Set<string>();
  const isConfig = (n: Node | null) => !!n && CONFIG.has(index.qualified(n) ?? '');
  for (const a of index.syntax.assignments) {
    if (!mentions(a)) continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'subscript' && isConfig(left.childForFieldName('value'))) {
      const k = left.childForFieldName('subscript');
      const v = k ? stringValue(unparen(k)) : null;
      if (v !== null) keys.add(v);
    } else if (left?.type === 'attribute' && isConfig(left.childForFieldName('object'))) {
      keys.add(left.childForFieldName('attribute')?.text ?? '');
    }
  }
  for (const call of index.syntax.calls) {
    if (!mentions(call)) continue;
    const fn = call.childForFieldName('function');
    if (!fn) continue;
    const direct = isConfig(fn);
    const method =
      fn.type === 'attribute' && isConfig(fn.childForFieldName('object'))
        ? fn.childForFieldName('attribute')?.text
        : null;
    if (!direct && method !== 'update' && method !== 'override') continue;
    for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
      if (arg?.type === 'keyword_argument') keys.add(arg.childForFieldName('name')?.text ?? '');
      else if (arg?.type === 'dictionary') {
        for (const pair of arg.namedChildren) {
          const k = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
          const v = k ? stringValue(k) : null;
          if (v !== null) keys.add(v);
        }
      }
    }
  }
  keys.delete('');
  return keys;
}

/**
 * Whether a node of the tree under `root` (whose text is `text`) holds `word` in its text. The nodes that do are
 * those around an occurrence: the smallest node spanning it and that node's ancestors (siblings never overlap).
 * Found from the few occurrences, not by reading every node's end.
 */
export function holdersOf(root: Node, text: string, word: string): (n: Node) => boolean {
  const ids = new Set<number>();
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1))
    for (let n = root.descendantForIndex(at, at + word.length); n && !ids.has(n.id); n = n.parent) ids.add(n.id);
  return (n) => ids.has(n.id);
}

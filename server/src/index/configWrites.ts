// Which `dj.config` keys a file sets in code: `dj.config["k"] = v`, `dj.config.k = v`,
// `dj.config.update({"k": v})` / `update(k=v)`, `with dj.config(k=v)` / `dj.config.override(k=v)`.
// Rules use it across the workspace, e.g. a `fetch()` is only safely `to_arrays()` if no file sets `fetch_format`.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';
import type { ValueKind } from './fileIndex';

interface ConfigSource {
  syntax: { assignments: Node[]; calls: Node[] };
  kindOf(node: Node): ValueKind;
}

export function configKeysWritten(index: ConfigSource): Set<string> {
  const keys = new Set<string>();
  const isConfig = (n: Node | null) => !!n && index.kindOf(n) === 'config';
  for (const a of index.syntax.assignments) {
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
    const fn = call.childForFieldName('function');
    if (!fn) continue;
    const direct = isConfig(fn);
    const method = fn.type === 'attribute' && isConfig(fn.childForFieldName('object')) ? fn.childForFieldName('attribute')?.text : null;
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

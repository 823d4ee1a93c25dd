// Keys written into a dict, by the forms a settings dict is built with: a `{"k": v}` pair, an assigned `d["k"] = v`
// and a `dict(k=v)` keyword. Read by the release floors (`"reserve_jobs"` populate settings, store prefixes) and for
// the removed keywords of `delete` and `populate` passed as `**kwargs` (rules/splatDicts.ts).
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from './syntax';

export interface KeyWrite {
  key: string;
  /** The string literal (pair, subscript) or the keyword's name (`dict(k=v)`). */
  keyNode: Node;
  value: Node;
}

/** `"k": v` in a dict literal. */
export function pairWrite(pair: Node): KeyWrite | null {
  const keyNode = pair.childForFieldName('key');
  const value = pair.childForFieldName('value');
  const key = keyNode ? stringValue(unparen(keyNode)) : null;
  return key !== null && value ? { key, keyNode: unparen(keyNode!), value } : null;
}

/** `d["k"] = v`: a subscript that is the left side of an assignment. */
export function subscriptWrite(sub: Node): KeyWrite | null {
  const assign = sub.parent;
  if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.id !== sub.id) return null;
  const keyNode = sub.childForFieldName('subscript');
  const value = assign.childForFieldName('right');
  const key = keyNode ? stringValue(unparen(keyNode)) : null;
  return key !== null && value ? { key, keyNode: unparen(keyNode!), value } : null;
}

/** `k=v` in `dict(k=v)` or `d.update(k=v)`. */
export function keywordWrite(kw: Node): KeyWrite | null {
  const keyNode = kw.childForFieldName('name');
  const value = kw.childForFieldName('value');
  return keyNode && value ? { key: keyNode.text, keyNode, value } : null;
}

/** The writes of a dict literal or a `dict(...)` call (its keywords and a literal first argument). */
export function writesOfDictValue(value: Node): KeyWrite[] {
  const v = unparen(value);
  if (v.type === 'dictionary') return v.namedChildren.flatMap((c) => (c?.type === 'pair' ? (pairWrite(c) ?? []) : []));
  if (v.type === 'call' && v.childForFieldName('function')?.text === 'dict') return writesOfArguments(v);
  return [];
}

/** The writes of `dict(...)` / `d.update(...)` arguments: keywords, and a dict literal passed positionally. */
export function writesOfArguments(call: Node): KeyWrite[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).flatMap((a) => {
    if (a?.type === 'keyword_argument') return keywordWrite(a) ?? [];
    return a?.type === 'dictionary' ? writesOfDictValue(a) : [];
  });
}

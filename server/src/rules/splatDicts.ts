// What a `**name` argument passes: the keys written into the dict in the call's own scope before the call
// (delete's and populate's removed keywords sent through a settings dict).
import type { Node } from 'web-tree-sitter';
import { type KeyWrite, subscriptWrite, writesOfArguments, writesOfDictValue } from '../python/dictKeys';
import { unparen } from '../python/syntax';
import type { RuleContext } from './context';
import { identifiersNamed } from './tables/nodes';

/**
 * The keys the dict of `**name` holds when the call runs, as far as its own scope shows: `name = {...}` or
 * `name = dict(...)` (which starts it afresh), `name["k"] = v` and `name.update(...)` before the call.
 */
export function dictWrites(ctx: RuleContext, call: Node, splat: Node): KeyWrite[] {
  const value = splat.namedChildren.find((c) => c?.type !== 'comment');
  if (!value) return [];
  const v = unparen(value);
  if (v.type !== 'identifier') return writesOfDictValue(v);
  ctx.readsEveryUse(v.text);
  const scope = ctx.index.scopeOf(call);
  let writes: KeyWrite[] = [];
  for (const id of identifiersNamed(ctx, [v.text])) {
    if (id.startIndex >= call.startIndex) break;
    if (ctx.index.scopeOf(id)?.id !== scope?.id) continue;
    const p = id.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === id.id) {
      writes = writesOfDictValue(p.childForFieldName('right') ?? p);
    } else if (p?.type === 'subscript' && p.childForFieldName('value')?.id === id.id) {
      const w = subscriptWrite(p);
      if (w) writes.push(w);
    } else if (p?.type === 'attribute' && p.childForFieldName('attribute')?.text === 'update') {
      const c = p.parent;
      if (c?.type === 'call' && c.childForFieldName('function')?.id === p.id) writes.push(...writesOfArguments(c));
    }
  }
  return writes;
}

// Which class of a table's hierarchy (user mixins included, also across files) defines its own `fetch`,
// `insert`, `delete`, `populate`, … — a rewrite of a call to that method would bypass the override.
import type { Node } from 'web-tree-sitter';
import { unparenTyped } from '../python/syntax';
import { baseRefs, overridingClass } from './classRefs';
import type { FileIndex } from './fileIndex';

/** Methods a rewrite of `method` bypasses (0.14.6 `head`/`tail` go through `fetch`). */
export function bypassedBy(method: string): string[] {
  return method === 'head' || method === 'tail' ? [method, 'fetch'] : [method];
}

/** The class whose own `method` a call on `receiver` would reach, if it is a user class (not DataJoint's). */
export function overrideFor(
  index: FileIndex,
  receiver: Node,
  method: string,
): { owner: string; method: string } | null {
  const target = classOfReceiver(index, receiver, 0);
  if (!target) return null;
  for (const m of bypassedBy(method)) {
    const owner =
      'node' in target
        ? inLocalClass(index, target.node, m, 0)
        : overridingClass(index.workspace, target.path, { kind: 'local', name: target.name }, m);
    if (owner) return { owner, method: m };
  }
  return null;
}

type Target = { node: Node } | { path: string; name: string };

function classOfReceiver(index: FileIndex, receiver: Node, depth: number): Target | null {
  if (depth > 6) return null;
  const { node: n, type } = unparenTyped(receiver);
  const name = type === 'identifier' ? n.text : null;
  if (name === 'self' || name === 'cls') {
    const t = index.enclosingTable(n);
    return t?.node ? { node: t.node } : null;
  }
  if (type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    return op === '&' || op === '-' ? classOfReceiver(index, n.childForFieldName('left')!, depth + 1) : null;
  }
  if (type === 'call') {
    const fn = n.childForFieldName('function')!;
    return index.kindOf(fn) === 'table' ? classOfReceiver(index, fn, depth + 1) : null;
  }
  if (name !== null && !index.tables.has(name)) {
    const values = index.assignedValues(n);
    return values.length === 1 ? classOfReceiver(index, values[0], depth + 1) : null;
  }
  const table = index.tableOf(n);
  if (!table) return null;
  if (table.node) return { node: table.node };
  return table.origin ? { path: table.origin.module.path, name: table.origin.name } : null;
}

/** Answers per file, class and method: many findings sit on calls of the same table. */
const answers = new WeakMap<FileIndex, Map<string, string | null>>();

function inLocalClass(index: FileIndex, cls: Node, method: string, depth: number): string | null {
  let cache = answers.get(index);
  if (!cache) answers.set(index, (cache = new Map()));
  const key = `${cls.id}:${method}`;
  if (!cache.has(key)) cache.set(key, inLocalClassUncached(index, cls, method, depth));
  return cache.get(key)!;
}

function inLocalClassUncached(index: FileIndex, cls: Node, method: string, depth: number): string | null {
  if (depth > 12) return null;
  if (index.classBody(cls).overrides.includes(method)) return cls.childForFieldName('name')?.text ?? null;
  const local = index.classesByName();
  for (const ref of baseRefs(index, cls, local)) {
    if (ref.kind === 'dj') continue;
    const found =
      ref.kind === 'local'
        ? local.get(ref.name) && local.get(ref.name) !== cls
          ? inLocalClass(index, local.get(ref.name)!, method, depth + 1)
          : null
        : overridingClass(index.workspace, index.path, ref, method);
    if (found) return found;
  }
  return null;
}

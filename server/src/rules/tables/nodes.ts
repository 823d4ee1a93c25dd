// Node lookups for the table rules: members and identifiers by name, calls, table and schema values.
import type { Node } from 'web-tree-sitter';
import type { TableClass } from '../../index/fileIndex';
import { importedTable } from '../../index/tableClass';
import { unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { keywordArgs, positionalArgs } from '../edits';
import type { TextEdit } from '../meta';

// ---------------------------------------------------------------------------------------------
// Small helpers shared with populate.ts and configApi.ts

/**
 * The nodes `x.name` for the given member names, found from the text rather than by visiting every
 * attribute of the file (each node access crosses into WASM): a regex finds candidates, tree-sitter
 * confirms them, so matches in strings and comments are dropped.
 */
export function membersNamed(ctx: RuleContext, names: string[]): Node[] {
  const re = new RegExp(`\\.\\s*(${names.join('|')})\\b`, 'g');
  const out: Node[] = [];
  for (const m of ctx.matchesInScope(re)) {
    if (!ctx.inScope(m.index!)) continue;
    const start = m.index! + m[0].length - m[1].length;
    const id = ctx.index.tree.rootNode.descendantForIndex(start, start + m[1].length);
    if (id?.type !== 'identifier') continue;
    const attr = id.parent;
    if (attr?.type === 'attribute' && attr.childForFieldName('attribute')?.id === id.id) out.push(attr);
  }
  return out;
}

/**
 * Identifiers spelled `name` in code (not in strings or comments), found from the text; `inScope`: only those the
 * incremental analysis re-checks (for a check whose findings stay in the identifier's statement).
 */
export function identifiersNamed(ctx: RuleContext, names: string[], opts: { inScope?: boolean } = {}): Node[] {
  const re = new RegExp(`\\b(?:${names.join('|')})\\b`, 'g');
  const out: Node[] = [];
  for (const m of opts.inScope ? ctx.matchesInScope(re) : ctx.text.matchAll(re)) {
    if (opts.inScope && !ctx.inScope(m.index!)) continue;
    const id = ctx.index.tree.rootNode.descendantForIndex(m.index!, m.index! + m[0].length);
    if (id?.type === 'identifier') out.push(id);
  }
  return out;
}

/** The call whose function is this node (`node(...)`), or null. */
export function callOf(fn: Node): Node | null {
  const p = fn.parent;
  return p?.type === 'call' && p.childForFieldName('function')?.id === fn.id ? p : null;
}

/** `recv.method(...)`: the receiver, method name and the attribute node, or null. */
export function methodCall(call: Node): { receiver: Node; method: string; attr: Node } | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return null;
  const receiver = fn.childForFieldName('object');
  const attr = fn.childForFieldName('attribute');
  return receiver && attr ? { receiver, method: attr.text, attr } : null;
}

/** True / False for the literals, null for anything else. */
export function boolLiteral(node: Node): boolean | null {
  const n = unparen(node);
  return n.type === 'true' ? true : n.type === 'false' ? false : null;
}

export function isTableOrQuery(ctx: RuleContext, node: Node): boolean {
  const k = ctx.index.kindOf(node);
  return k === 'table' || k === 'query';
}

/** A schema object: `schema`, `pipeline.schema`, or a virtual module's `vm.schema`. */
export function isSchemaValue(ctx: RuleContext, node: Node): boolean {
  const n = unparen(node);
  if (ctx.index.kindOf(n) === 'schema') return true;
  return (
    n.type === 'attribute' &&
    n.childForFieldName('attribute')?.text === 'schema' &&
    ctx.index.kindOf(n.childForFieldName('object')!) === 'vmodule'
  );
}

/** The table class an expression is about: `T`, `T()`, `T & k`, `T - k`, `Master.Part`, `self`, `self.Part`. */
export function resolveTable(ctx: RuleContext, node: Node): TableClass | null {
  const n = unparen(node);
  if (n.type === 'identifier' && (n.text === 'self' || n.text === 'cls') && ctx.index.kindOf(n) !== 'unknown')
    return ctx.index.enclosingTable(n);
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object')!;
    const name = n.childForFieldName('attribute')!.text;
    const owner = resolveTable(ctx, obj);
    const part = owner?.parts.get(name);
    if (part) return part;
    if (!owner && ctx.index.kindOf(obj) === 'wsmodule') return moduleTable(ctx, unparen(obj).text, name);
  }
  if (n.type === 'call' && positionalArgs(n).length === 0 && keywordArgs(n).size === 0)
    return resolveTable(ctx, n.childForFieldName('function')!);
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    if (op === '&' || op === '-') return resolveTable(ctx, n.childForFieldName('left')!);
    return null;
  }
  return ctx.index.tableOf(n);
}

/** `pipeline.Subject` where `pipeline` is a workspace module: the table as an import would see it. */
function moduleTable(ctx: RuleContext, module: string, name: string): TableClass | null {
  const m = ctx.index.wsModules.get(module)?.find((x) => x.tables.has(name));
  const exported = m?.tables.get(name);
  if (!m || !exported) return null;
  return importedTable(name, exported.tier, exported.parts, { module: m, name });
}

/** A Part table: tier 'part' in the index, or the `Master.Part` attribute form of a known master. */
export function isPart(ctx: RuleContext, node: Node): boolean {
  const t = resolveTable(ctx, node);
  if (t) return t.tier === 'part';
  let n = unparen(node);
  while (n.type === 'binary_operator' && ['&', '-'].includes(n.childForFieldName('operator')?.type ?? ''))
    n = unparen(n.childForFieldName('left')!);
  if (n.type === 'call') n = unparen(n.childForFieldName('function')!);
  return (
    n.type === 'attribute' &&
    /^[A-Z]/.test(n.childForFieldName('attribute')!.text) &&
    ctx.index.kindOf(n.childForFieldName('object')!) === 'table'
  );
}

/** Replace `name=value` by `name=<text>`'s value only: edit the keyword name. */
export function renameKeyword(arg: Node, to: string): TextEdit {
  const name = arg.childForFieldName('name')!;
  return { start: name.startIndex, end: name.endIndex, text: to };
}

export function argumentValue(arg: Node): Node {
  return arg.type === 'keyword_argument' ? arg.childForFieldName('value')! : arg;
}

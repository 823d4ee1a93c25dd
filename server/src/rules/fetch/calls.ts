// Fetch-family calls sorted out: method, receiver, keyword values and the attributes fetched.
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import type { TextEdit } from '../meta';
import { lowerBound } from '../../lowerBound';
import { mapPacked } from '../../mapPacked';

export const FETCH_KEYWORDS = new Set(['offset', 'limit', 'order_by', 'format', 'as_dict', 'squeeze', 'download_path']);
/** Keywords the 2.x output methods take as they were. */
export const CARRIED = new Set(['offset', 'limit', 'order_by', 'squeeze']);
export const OUTPUT_METHODS = new Set([
  'fetch',
  'fetch1',
  'to_dicts',
  'to_arrays',
  'to_pandas',
  'to_polars',
  'to_arrow',
  'keys',
  'head',
  'tail',
]);
export const NEW_TABLE_METHODS = [
  'keys',
  'to_dicts',
  'to_pandas',
  'to_polars',
  'to_arrow',
  'to_arrays',
  'extend',
  'validate',
  'insert_dataframe',
  'staged_insert1',
];

/** A method call `receiver.method(args)` with its arguments sorted out. */
export interface MethodCall {
  call: Node;
  receiver: Node;
  method: Node; // the identifier after the dot
  positional: Node[];
  keywords: Map<string, Node>; // keyword_argument nodes by name
  splat: boolean; // *args or **kwargs present
}

/** The method name of `x.name(...)`, cheaply (node field access is costly in the WASM binding), or null. */
export function methodName(call: Node): string | null {
  const fn = call.firstNamedChild;
  return fn?.type === 'attribute' ? (fn.lastNamedChild?.text ?? null) : null;
}

/**
 * The call's method name if it is one of `among`, else null. `methodName` is answered once per call node and
 * analysis (the fetch, operator and filepath-insert families look at the same calls; each node access crosses into
 * WASM), and only for calls whose text holds one of `among` (`mayCallOneOf`): most calls of a file need no node
 * access then, or only their end.
 */
export function methodNameIn(ctx: RuleContext, call: Node, among: ReadonlySet<string>): string | null {
  let name = ctx.callNames.get(call.id);
  if (name === undefined) {
    if (!mayCallOneOf(ctx, call, among)) return null;
    ctx.callNames.set(call.id, (name = methodName(call)));
  }
  return name !== null && among.has(name) ? name : null;
}

const spellings = new Map<ReadonlySet<string>, RegExp>();

/**
 * False when no name of `among` occurs in the call's text, so its method name (an identifier inside it) is none of
 * them. The occurrences are found once per name set (RuleContext.spotsFor); the call's end is read only when one
 * follows its start.
 */
function mayCallOneOf(ctx: RuleContext, call: Node, among: ReadonlySet<string>): boolean {
  let re = spellings.get(among);
  if (!re) {
    re = new RegExp([...among].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|'), 'g');
    spellings.set(among, re);
  }
  // Matches do not overlap: one starting inside an identifier-only name would cover the character before the
  // method's identifier, which no identifier character is ('.', a space, a line continuation).
  const at = ctx.spotsFor(re, call.startIndex);
  const lo = lowerBound(at, call.startIndex);
  if (lo === at.length) return false;
  let end = ctx.callEnds.get(call.id);
  if (end === undefined) ctx.callEnds.set(call.id, (end = call.endIndex));
  return at[lo] < end;
}

export function methodCallIn(ctx: RuleContext, call: Node): MethodCall | null {
  let mc = ctx.callShapes.get(call.id);
  if (mc === undefined) ctx.callShapes.set(call.id, (mc = methodCall(call)));
  return mc;
}

export function methodCall(call: Node): MethodCall | null {
  const fn = call.childForFieldName('function');
  const list = call.childForFieldName('arguments');
  if (fn?.type !== 'attribute' || list?.type !== 'argument_list') return null;
  const receiver = fn.childForFieldName('object');
  const method = fn.childForFieldName('attribute');
  if (!receiver || !method) return null;
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  let splat = false;
  for (const a of list.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') keywords.set(a.childForFieldName('name')?.text ?? '', a);
    else if (a.type === 'list_splat' || a.type === 'dictionary_splat') splat = true;
    else positional.push(a);
  }
  return { call, receiver, method, positional, keywords, splat };
}

/** 'dj': a table or query for certain; 'unknown': unresolved; 'other': something that is not a query. */
export function receiverKind(ctx: RuleContext, receiver: Node): 'dj' | 'unknown' | 'other' {
  const k = ctx.index.kindOf(receiver);
  if (k === 'table' || k === 'query') return 'dj';
  return k === 'unknown' ? 'unknown' : 'other';
}

export function kwValue(kw: Node | undefined): Node | null {
  return kw?.childForFieldName('value') ?? null;
}

/** 'True' / 'False' for boolean literals, 'other' for anything else, undefined when absent. */
export function boolArg(kw: Node | undefined): 'True' | 'False' | 'other' | undefined {
  if (!kw) return undefined;
  const v = kwValue(kw);
  if (v?.type === 'true') return 'True';
  if (v?.type === 'false') return 'False';
  return 'other';
}

export function strArg(kw: Node | undefined): string | null | undefined {
  if (!kw) return undefined;
  const v = kwValue(kw);
  return v ? stringValue(unparen(v)) : null;
}

interface FetchAttr {
  node: Node;
  key: boolean;
  literal: boolean; // a plain string literal or dj.key
}

export function readAttrs(ctx: RuleContext, positional: Node[]): FetchAttr[] {
  return mapPacked(positional, (node) => {
    const s = stringValue(unparen(node));
    const djKey = ctx.index.qualified(node) === 'datajoint.key';
    return { node, key: s === 'KEY' || djKey, literal: s !== null || djKey };
  });
}

/** Where `dj.config["fetch_format"]` is set ('this file', or a path relative to this file), or null. */
export function fetchFormatConfigured(ctx: RuleContext): string | null {
  const hit = ctx.index.workspace?.configuredIn('fetch_format', ctx.path);
  if (!hit) return null;
  return hit.path === ctx.path ? 'this file' : path.relative(path.dirname(ctx.path), hit.path);
}

/** Edits that reorder `a, keys = ...` so the keys come first, or null if the target cannot be reordered. */
export function reorderUnpacking(call: Node, keyIndex: number, count: number): TextEdit[] | null {
  const assignment = call.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== call.id) return null;
  const left = assignment.childForFieldName('left');
  if (!left || !['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type)) return null;
  const targets = left.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
  if (targets.length !== count || targets.some((t) => t.type === 'list_splat_pattern')) return null;
  const moved = targets[keyIndex];
  return [
    { start: targets[0].startIndex, end: targets[0].startIndex, text: `${moved.text}, ` },
    { start: targets[keyIndex - 1].endIndex, end: moved.endIndex, text: '' },
  ];
}

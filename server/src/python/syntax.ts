// One search inside WASM per file collects the node kinds the index and the rules look at, plus the
// ranges tree-sitter could not parse (no fix is ever offered inside them).
import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
import { mapPacked } from '../mapPacked';
import { descendantsOfTypes } from './typeWalk';

export interface SyntaxNodes {
  calls: Node[];
  binaryOperators: Node[];
  classes: Node[];
  assignments: Node[];
  imports: Node[]; // import_statement and import_from_statement
  withStatements: Node[];
  attributes: Node[];
  keywordArguments: Node[];
  errorRanges: Array<[number, number]>;
  /** function_definition and lambda nodes (scopes for variables), in start order. */
  functions: Node[];
  /** try statements, in start order (for the compat-shim guard). */
  tries: Node[];
}

/** The node lists of SyntaxNodes (all but errorRanges). */
export type SyntaxBucket = keyof Omit<SyntaxNodes, 'errorRanges'>;

/** The list each collected node type goes to. */
export const SYNTAX_BUCKET: Record<string, SyntaxBucket> = {
  call: 'calls',
  binary_operator: 'binaryOperators',
  class_definition: 'classes',
  assignment: 'assignments',
  import_statement: 'imports',
  import_from_statement: 'imports',
  with_statement: 'withStatements',
  attribute: 'attributes',
  keyword_argument: 'keywordArguments',
  function_definition: 'functions',
  lambda: 'functions',
  try_statement: 'tries',
};

/** The node types collected (ERROR's for their ranges), and by position the list each goes to. */
export const SYNTAX_TYPES = [...Object.keys(SYNTAX_BUCKET), 'ERROR'];
export const SYNTAX_BUCKETS: ReadonlyArray<SyntaxBucket | 'ERROR'> = SYNTAX_TYPES.map((t) =>
  t === 'ERROR' ? 'ERROR' : SYNTAX_BUCKET[t],
);

export function collectSyntax(tree: Tree): SyntaxNodes {
  const out: SyntaxNodes = {
    calls: [],
    binaryOperators: [],
    classes: [],
    assignments: [],
    imports: [],
    withStatements: [],
    attributes: [],
    keywordArguments: [],
    errorRanges: [],
    functions: [],
    tries: [],
  };
  // One search returns only the nodes we want, in document order, with each one's type (typeWalk.ts).
  const kinds: number[] = [];
  const nodes = descendantsOfTypes(tree, SYNTAX_TYPES, kinds);
  for (let i = 0; i < nodes.length; i++) {
    const bucket = SYNTAX_BUCKETS[kinds[i]];
    if (bucket === 'ERROR') out.errorRanges.push([nodes[i].startIndex, nodes[i].endIndex]);
    else if (bucket) out[bucket].push(nodes[i]);
  }
  forEachMissing(tree, (start, end) => out.errorRanges.push([Math.max(0, start - 1), end + 1]));
  return out;
}

let missingQuery: { language: Language; query: Query } | null = null;

/**
 * MISSING nodes (inserted by error recovery) are invisible to type searches. A query finds them inside WASM (a
 * cursor walk from JavaScript crossed into WASM at every node: 17% of the language server's time on a large file
 * with a syntax error), and only in the top-level statements that hold an error: a query still visits every node
 * it is given, and a node without an error has no MISSING node below it.
 */
export function forEachMissing(tree: Tree, found: (start: number, end: number) => void): void {
  const root = tree.rootNode;
  if (!root.hasError) return;
  if (missingQuery?.language !== tree.language) {
    missingQuery?.query.delete();
    missingQuery = { language: tree.language, query: new Query(tree.language, '(MISSING) @missing') };
  }
  for (const statement of root.children)
    if (statement?.hasError)
      for (const { node } of missingQuery.query.captures(statement)) found(node.startIndex, node.endIndex);
}

/**
 * The innermost of `sorted` (nodes in start order, properly nested or disjoint) that contains [start, end),
 * found without walking parents (every `.parent` crosses into WASM and allocates). `end` may be a node of the same
 * tree, whose `endIndex` (a WASM call too) is then read only when the starts cannot tell: a node that starts
 * strictly inside a candidate, at least one character before its end, lies within it.
 */
export function innermost(
  sorted: Node[],
  start: number,
  end: number | Node,
  starts?: number[],
  ends?: number[],
): Node | null {
  const s = starts ?? mapPacked(sorted, (n) => n.startIndex);
  const e = ends ?? mapPacked(sorted, (n) => n.endIndex);
  let lo = 0;
  let hi = s.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] <= start) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let until = typeof end === 'number' ? end : -1;
  for (let i = last; i >= 0; i--) {
    if (until < 0) {
      if (e[i] < start) continue;
      if (s[i] < start && e[i] > start + 1) return sorted[i];
      until = (end as Node).endIndex;
    }
    if (e[i] >= until) return sorted[i];
  }
  return null;
}

/** Strip redundant parentheses. */
export function unparen(node: Node): Node {
  return unparenTyped(node).node;
}

/** `unparen` and the type of what it gives (each `.type` crosses into WASM: callers that switch on it ask once). */
export function unparenTyped(node: Node): { node: Node; type: string } {
  let n = node;
  let type = n.type;
  while (type === 'parenthesized_expression' && n.namedChildCount === 1) {
    n = n.namedChild(0)!;
    type = n.type;
  }
  return { node: n, type };
}

/** The string of `"…".format(...)`, or null. */
export function formatTemplate(n: Node): Node | null {
  if (n.type !== 'call') return null;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'format') return null;
  const obj = unparen(fn.childForFieldName('object')!);
  return obj.type === 'string' || obj.type === 'concatenated_string' ? obj : null;
}

/** The text of a plain (non-f, non-bytes) string literal, or null. */
export function stringValue(node: Node): string | null {
  if (node.type !== 'string') return null;
  const start = node.child(0);
  if (!start || /[fFbB]/.test(start.text)) return null;
  let value = '';
  for (const c of node.namedChildren) {
    if (!c) continue;
    const type = c.type;
    if (type === 'string_content') value += c.text;
    else if (type === 'interpolation') return null;
    else if (type === 'escape_sequence') value += c.text;
  }
  return value;
}

export function isWithin(start: number, end: number, ranges: Array<[number, number]>): boolean {
  return ranges.some(([s, e]) => start < e && end > s);
}

/** The name of a function parameter (`x`, `x: T`, `x=1`, `*args`, `**kw`), or null (`*`, `/`). */
export function parameterName(p: Node): Node | null {
  const id =
    p.type === 'identifier'
      ? p
      : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
  return id?.type === 'identifier' ? id : null;
}

/** A function's parameter names, in order (`*args` / `**kw` by their names). */
export function parameterNames(fn: Node): string[] {
  return (fn.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => {
    const name = p && parameterName(p);
    return name ? [name.text] : [];
  });
}

// What the incremental analysis keeps of one top-level statement, by its text: where its index nodes sit (to find
// them again in the next tree without walking the statement), its syntax-error ranges, and the facts other
// statements may read from it (a class's skeleton, the names it mentions, imports, `global`, assigned names).
import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
import { looksLikeDefinition } from '../index/classBody';
import { SYNTAX_BUCKET, SYNTAX_BUCKETS, SYNTAX_TYPES, stringValue, type SyntaxNodes } from '../python/syntax';
import { descendantsOfTypes } from '../python/typeWalk';
import { keyedLines } from '../rules/tables/heading';

/** Kinds the file index reads across the whole file; a clean statement contributes only these, found again by range. */
export const RELOCATED = new Set([
  'class_definition',
  'assignment',
  'import_statement',
  'import_from_statement',
  'function_definition',
]);

export function emptySyntax(): SyntaxNodes {
  return {
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
}

let missingQuery: { language: Language; query: Query } | null = null;

/** Every index node inside one statement, in document order (the statement itself included). */
export function collectIn(stmt: Node): SyntaxNodes {
  const out = emptySyntax();
  for (const node of stmt.descendantsOfType(SYNTAX_TYPES)) {
    if (!node) continue;
    if (node.type === 'ERROR') out.errorRanges.push([node.startIndex, node.endIndex]);
    else out[SYNTAX_BUCKET[node.type]].push(node);
  }
  // MISSING nodes found as the whole file's collection finds them (python/syntax.ts forEachMissing).
  if (stmt.hasError) {
    const language = stmt.tree.language;
    if (missingQuery?.language !== language) {
      missingQuery?.query.delete();
      missingQuery = { language, query: new Query(language, '(MISSING) @missing') };
    }
    for (const { node } of missingQuery.query.captures(stmt))
      out.errorRanges.push([Math.max(0, node.startIndex - 1), node.endIndex + 1]);
  }
  return out;
}

/**
 * `collectIn` of every statement without a syntax error, from one search of the whole tree (each search crosses into
 * WASM and allocates); the lists of statements with one are left to `collectIn` (their error ranges and MISSING nodes).
 * A node of a statement with an error lies inside it, except a zero-width one (MISSING): those are skipped.
 */
export function collectAll(tree: Tree, starts: number[], ends: number[]): SyntaxNodes[] {
  const out = starts.map(() => emptySyntax());
  const kinds: number[] = [];
  const nodes = descendantsOfTypes(tree, SYNTAX_TYPES, kinds);
  let p = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const start = node.startIndex;
    while (p < ends.length && start >= ends[p]) p++;
    if (p === ends.length) break;
    if (start < starts[p] || start === node.endIndex) continue;
    const bucket = SYNTAX_BUCKETS[kinds[i]];
    if (bucket !== 'ERROR') out[p][bucket].push(node);
  }
  return out;
}

export interface StatementInfo {
  /** Its lines, whole: what its cache entry is found by. */
  key: string;
  text: string;
  /** Index nodes the whole file's index needs, relative to the statement's start. */
  facts: Array<{ type: string; start: number; end: number }>;
  /** Assignments inside its functions (not in `facts`), found again only when a rule asks for every assignment. */
  otherAssignments: Array<{ type: string; start: number; end: number }>;
  errorRanges: Array<[number, number]>;
  /** Top-level class or function this statement defines (null for any other statement). */
  defines: string | null;
  /** What others may read of that definition: the text without method bodies (a `definition` method kept). */
  skeleton: string;
  /**
   * What a table naming this definition's tables in a `->` line may read: the skeleton with its plain `definition`
   * strings reduced to their keyed lines (rules/tables/heading.ts keyedLines).
   */
  keyed: string;
  /** Facts any statement may read: the whole text of module-level code, else imports, `global`, nested classes. */
  global: string;
  /** Identifier-assigned names with the text of the assignment. */
  assigned: Array<[string, string]>;
  words: Set<string>;
  /** Names it binds at module level (a definition's name, or assigned names), found by other statements. */
  provides: string[];
  /**
   * Words of its skeleton (module-level code: of its text) outside plain strings, a definition's own name left out:
   * the names that feed its definitions. Found (once) in `stmt`, this statement's node in a live tree; with no node,
   * and not found before, its strings are not blanked (more words, never fewer).
   */
  codeWords(stmt: Node | null): Set<string>;
  /** Words of `global` and of `skeleton`: the names what others read of this statement mentions. */
  globalWords: Set<string>;
  skeletonWords: Set<string>;
  /** Words of the text, and of the skeleton, outside the `->` lines of its plain `definition` strings. */
  wordsOutsideKeys: Set<string>;
  skeletonWordsOutsideKeys: Set<string>;
}

const wordsOf = (text: string) => new Set(text.match(/[A-Za-z_]\w*/g) ?? []);

export function describe(stmt: Node, text: string, syntax: SyntaxNodes, key: string): StatementInfo {
  const base = stmt.startIndex;
  const rel = (n: Node) => ({ type: n.type, start: n.startIndex - base, end: n.endIndex - base });
  const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
  const isDef = def?.type === 'class_definition' || def?.type === 'function_definition';
  const functionDefs = syntax.functions.filter((f) => f.type === 'function_definition');
  const inFunction = (n: Node) => functionDefs.some((f) => f.startIndex < n.startIndex && n.endIndex <= f.endIndex);
  // The file index reads a definition's classes and imports; its assignments and functions only from inside
  // (their scopes), unless `global` or a class in a function reaches out. Other statements: every kind.
  const whole = !isDef || /\bglobal\b/.test(text) || syntax.classes.some(inFunction);
  const facts = [...syntax.classes, ...syntax.imports, ...(whole ? [...syntax.assignments, ...syntax.functions] : [])]
    .filter((n) => RELOCATED.has(n.type))
    .map(rel);
  const otherAssignments = whole ? [] : syntax.assignments.map(rel);
  const assigned: Array<[string, string]> = [];
  for (const a of syntax.assignments) {
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') assigned.push([left.text, a.text]);
  }
  let skeleton = '';
  let global = stmt.type === 'comment' ? '' : text;
  let provides = assigned.length
    ? syntax.assignments.filter((a) => !inFunction(a)).map((a) => a.childForFieldName('left')?.text ?? '')
    : [];
  let cuts: Array<[number, number]> = [];
  let nameRange: [number, number] | null = null;
  let keyed = '';
  let definitions: PlainDefinition[] = [];
  if (isDef) {
    cuts = bodyCuts(base, syntax.functions);
    skeleton = cutOut(text, cuts);
    definitions = plainDefinitions(
      base,
      syntax.assignments.filter((a) => !inFunction(a)),
    );
    keyed = definitions.length ? keyedSkeleton(text, cuts, definitions) : skeleton;
    const name = def!.childForFieldName('name');
    if (name) nameRange = [name.startIndex - base, name.endIndex - base];
    provides = [name?.text ?? ''];
    global = /\bglobal\b/.test(text)
      ? text
      : [...syntax.imports.map((i) => i.text), ...syntax.classes.filter(inFunction).map((c) => c.text)].join('\n');
  }
  let words: Set<string> | undefined;
  let codeWords: Set<string> | undefined;
  let globalWords: Set<string> | undefined;
  let skeletonWords: Set<string> | undefined;
  let outsideKeys: string | undefined;
  let wordsOutsideKeys: Set<string> | undefined;
  let skeletonWordsOutsideKeys: Set<string> | undefined;
  const textOutsideKeys = () => {
    outsideKeys ??= definitions.length ? blanked(text, definitions) : text;
    return outsideKeys;
  };
  return {
    key,
    text,
    facts,
    otherAssignments,
    errorRanges: syntax.errorRanges.map(([s, e]) => [s - base, e - base]),
    defines: isDef ? (def!.childForFieldName('name')?.text ?? '') : null,
    skeleton,
    keyed,
    global,
    assigned,
    provides,
    // Word sets only when an edit asks for them (never in a file's first analysis); the same text gives the same
    // (never modified) set: module-level code is its own `global`.
    get words() {
      words ??= wordsOf(text);
      return words;
    },
    codeWords(node: Node | null) {
      if (codeWords) return codeWords;
      // Plain strings blanked (f-strings kept: their placeholders name constants); without the node, kept. The name a
      // definition binds is not a name it reads: other definitions of that name do not feed it.
      let code = node ? blankPlainStrings(node, text) : text;
      if (nameRange) {
        const [s, e] = nameRange;
        code = code.slice(0, s) + ' '.repeat(e - s) + code.slice(e);
      }
      if (isDef) code = cutOut(code, cuts);
      const found = code === text ? this.words : wordsOf(code);
      if (node) codeWords = found;
      return found;
    },
    get globalWords() {
      globalWords ??= global === text ? this.words : wordsOf(global);
      return globalWords;
    },
    get skeletonWords() {
      skeletonWords ??= wordsOf(skeleton);
      return skeletonWords;
    },
    get wordsOutsideKeys() {
      wordsOutsideKeys ??= definitions.length ? wordsOf(textOutsideKeys()) : this.words;
      return wordsOutsideKeys;
    },
    get skeletonWordsOutsideKeys() {
      skeletonWordsOutsideKeys ??= definitions.length ? wordsOf(cutOut(textOutsideKeys(), cuts)) : this.skeletonWords;
      return skeletonWordsOutsideKeys;
    },
  };
}

/** A class-level `definition = "..."` whose string is its value as written (python/syntax.ts stringValue, no backslash). */
interface PlainDefinition {
  /** The string's range, relative to the statement's start. */
  start: number;
  end: number;
  /** What `->` readers see of it (keyedLines), and whether it reads as a definition (a template's test). */
  keyed: string;
  /** Ranges of its `->` lines, relative to the statement's start. */
  keyLines: Array<[number, number]>;
}

function plainDefinitions(base: number, assignments: Node[]): PlainDefinition[] {
  const out: PlainDefinition[] = [];
  for (const a of assignments) {
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier' || left.text !== 'definition') continue;
    const right = a.childForFieldName('right');
    const value = right ? stringValue(right) : null;
    // A backslash may join lines or spell one: the value's lines would not be the source's.
    if (value === null || value.includes('\\')) continue;
    const start = right!.startIndex - base;
    const keyLines: Array<[number, number]> = [];
    let at = start + (right!.child(0)?.text.length ?? 0); // after the opening quotes (and prefix)
    for (const line of value.split('\n')) {
      if (line.trimStart().startsWith('->')) keyLines.push([at, at + line.length]);
      at += line.length + 1;
    }
    const flag = looksLikeDefinition(right!.text) ? 'D' : 'N';
    out.push({ start, end: right!.endIndex - base, keyed: `${flag}${keyedLines(value)}`, keyLines });
  }
  return out;
}

/** The skeleton (bodies cut) with each plain definition's string replaced by what `->` readers see of it. */
function keyedSkeleton(text: string, cuts: Array<[number, number]>, definitions: PlainDefinition[]): string {
  return spliced(
    text,
    [
      ...cuts.map(([s, e]): Splice => [s, e, '…']),
      ...definitions.map((d): Splice => [d.start, d.end, `\0${d.keyed}\0`]),
    ].sort((a, b) => a[0] - b[0]),
  );
}

/** The text with the definitions' `->` lines blanked (lengths kept). */
function blanked(text: string, definitions: PlainDefinition[]): string {
  return spliced(
    text,
    definitions.flatMap((d) => d.keyLines.map(([s, e]): Splice => [s, e, ' '.repeat(e - s)])),
  );
}

/** A definition's function and method bodies (a `definition` method kept), relative to its start. */
function bodyCuts(base: number, functions: Node[]): Array<[number, number]> {
  const cuts: Array<[number, number]> = [];
  for (const f of functions) {
    if (f.type !== 'function_definition' || f.childForFieldName('name')?.text === 'definition') continue;
    const body = f.childForFieldName('body');
    if (!body) continue;
    const last = cuts[cuts.length - 1];
    if (last && body.startIndex - base < last[1]) continue; // nested in a body already cut
    cuts.push([body.startIndex - base, body.endIndex - base]);
  }
  return cuts;
}

/** The text without the cut ranges (each left as `…`). */
function cutOut(text: string, cuts: Array<[number, number]>): string {
  return spliced(
    text,
    cuts.map(([s, e]): Splice => [s, e, '…']),
  );
}

/** A range of a text and what replaces it. */
type Splice = [start: number, end: number, by: string];

/** The text with each range (sorted, disjoint) replaced. */
function spliced(text: string, parts: Splice[]): string {
  let out = '';
  let at = 0;
  for (const [s, e, by] of parts) {
    out += text.slice(at, s) + by;
    at = e;
  }
  return out + text.slice(at);
}

/** The statement's text (of `stmt`) with its plain strings blanked: f-strings, holding a `{`, kept. */
function blankPlainStrings(stmt: Node, text: string): string {
  const base = stmt.startIndex;
  let code = '';
  let at = 0;
  for (const s of stmt.descendantsOfType('string')) {
    if (!s) continue;
    const start = s.startIndex - base;
    const end = s.endIndex - base;
    if (start < at || text.slice(start, end).includes('{')) continue; // inside a string already blanked
    code += text.slice(at, start) + ' '.repeat(end - start);
    at = end;
  }
  return code + text.slice(at);
}

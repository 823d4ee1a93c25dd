// The facts an incremental analysis keys its cache on, and moving cached results to a statement's new place.
import type { Node } from 'web-tree-sitter';
import type { ReleaseFeature } from '../index/releaseFeatures';
import { mayTakeModules } from '../index/moduleParams';
import type { Finding } from '../rules/meta';
import type { ClassFact } from './classFacts';
import type { StatementInfo } from './statements';

/** What one statement's check gave, relative to its start. */
export interface Cached {
  findings: Finding[];
  /** A finding reaches outside the statement (e.g. an import it adds): the statement is checked on every edit. */
  volatile: boolean;
  /** Names every use of which a check read (see RuleContext.readsEveryUse). */
  reads: string[];
  /** The findings placed at the statement's start when it was last reused there. */
  placed?: { base: number; findings: Finding[] };
  configKeys: Set<string>;
  features: Set<ReleaseFeature>;
  /** What the file index found its classes to be (see classFacts.ts). */
  classes?: ClassFact[];
}

// Whole-text tests some rules make (configApi, operators, the module-parameter scan of the file index).
const SWITCHES = ['config', 'DJ_', '@=', '^=', 'U('];

const WORD = /\w/;

/** The lines holding one of `words` as a whole word, in order, each once (a regex with `^.*` is slow on a long text). */
export function linesWith(text: string, words: string[]): string[] {
  const starts = new Set<number>();
  for (const word of words)
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
      if (at > 0 && WORD.test(text[at - 1])) continue;
      if (at + word.length < text.length && WORD.test(text[at + word.length])) continue;
      starts.add(text.lastIndexOf('\n', at - 1) + 1);
    }
  return [...starts]
    .sort((a, b) => a - b)
    .map((s) => {
      const e = text.indexOf('\n', s);
      return text.slice(s, e < 0 ? text.length : e);
    });
}

/** The statements' parts of the last global key, kept with what they were made of. */
export interface GlobalParts {
  assigned: Array<Array<[string, string]>>;
  once: string;
  globals: string[];
  unique: string;
}

/**
 * What any statement's findings may depend on: options, whole-text switches, lines with `global` or a
 * `dj-migrate` comment, module-level code, imports anywhere, and which names are assigned once (with that
 * assignment) or more often. The statements' parts are taken from `last` while the statements give the same
 * assignments and global texts, in the same order (most edits: they are the same objects).
 */
export function globalKey(
  text: string,
  infos: StatementInfo[],
  options: string,
  last: GlobalParts | null = null,
): { key: string; parts: GlobalParts } {
  const assigned = infos.flatMap((i) => (i.assigned.length ? [i.assigned] : []));
  const globals = infos.flatMap((i) => (i.global ? [i.global] : []));
  const sameAssigned = !!last && sameList(last.assigned, assigned, samePairs);
  const once = sameAssigned ? last!.once : onceAssigned(assigned);
  const sameGlobals = !!last && sameList(last.globals, globals, (a, b) => a === b);
  // In order, each text once: a comment added or removed changes nothing here, nor does a later copy of a statement
  // (a second `import numpy as np`) added or removed, the name it binds being bound before it already.
  const unique = sameGlobals ? last!.unique : [...new Set(globals)].join('\0');
  const key = [
    options,
    SWITCHES.map((s) => (text.includes(s) ? 1 : 0)).join('') + Number(mayTakeModules(text)),
    linesWith(text, ['global', 'dj-migrate']).join('\n'),
    once,
    unique,
  ].join('\0');
  return { key, parts: { assigned, once, globals, unique } };
}

function onceAssigned(lists: Array<Array<[string, string]>>): string {
  const assigned = new Map<string, string | null>();
  for (const list of lists) for (const [name, a] of list) assigned.set(name, assigned.has(name) ? null : a);
  return [...assigned]
    .map(([n, a]) => (a === null ? `${n}*` : `${n}=${a}`))
    .sort()
    .join('\n');
}

function sameList<T>(a: T[], b: T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !same(a[i], b[i])) return false;
  return true;
}

function samePairs(a: Array<[string, string]>, b: Array<[string, string]>): boolean {
  return sameList(a, b, (x, y) => x[0] === y[0] && x[1] === y[1]);
}

/** The statements defining each name, in order (what other statements may read of them: skeleton, keyed). */
export type Definitions = Map<string, StatementInfo[]>;

export function definitionsOf(infos: StatementInfo[]): Definitions {
  const out: Definitions = new Map();
  for (const info of infos)
    if (info.defines !== null) {
      const list = out.get(info.defines);
      if (list) list.push(info);
      else out.set(info.defines, [info]);
    }
  return out;
}

/** Whether two lists of definitions read the same in `part` (a statement left alone is the same object). */
function sameIn(a: StatementInfo[] | undefined, b: StatementInfo[], part: 'skeleton' | 'keyed'): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i] || x[part] === b[i][part]);
}

/** Names whose facts may have changed (`names`), and those of them whose keyed facts may have (`keyed`). */
export interface Affected {
  names: Set<string>;
  keyed: Set<string>;
}

/**
 * Names whose skeleton changed, and every name whose skeleton mentions one of those outside `->` lines, or mentions
 * one whose keyed facts changed anywhere (to a fixed point: such a name's own facts, keyed ones included, may have
 * changed); 'all' when module-level code or imports mention one (every statement may read it). A secondary
 * attribute changed in a parent is no change to its children, nor to what mentions only them.
 */
export function affectedNames(before: Definitions, after: Definitions, infos: StatementInfo[]): Affected | 'all' {
  const names = new Set<string>();
  const keyed = new Set<string>();
  for (const [n, defs] of after)
    if (!sameIn(before.get(n), defs, 'skeleton')) {
      names.add(n);
      if (!sameIn(before.get(n), defs, 'keyed')) keyed.add(n);
    }
  for (const n of before.keys())
    if (!after.has(n)) {
      names.add(n);
      keyed.add(n);
    }
  if (!names.size) return { names, keyed };
  // A walk from the changed names through the definitions mentioning them. Each name is looked for in the skeletons'
  // text first: a word set is made only for a skeleton holding it (no index of every skeleton's words to build on
  // the first edit of a large file). A name is walked again once its keyed facts are found changed (at most twice).
  const definitions = infos.filter((i) => i.defines !== null);
  const stack: Array<[string, boolean]> = [...names].map((n) => [n, keyed.has(n)]);
  while (stack.length) {
    const [n, isKeyed] = stack.pop()!;
    for (const d of definitions) {
      const name = d.defines!;
      if (name === n || keyed.has(name) || !d.skeleton.includes(n)) continue; // a definition names itself
      if (!(isKeyed ? d.skeletonWords : d.skeletonWordsOutsideKeys).has(n)) continue;
      names.add(name);
      keyed.add(name);
      stack.push([name, true]);
    }
  }
  for (const info of infos) if (mentionsWord(info.global, () => info.globalWords, names)) return 'all';
  return { names, keyed };
}

/** Names looked for in a text before its word set is read (made once per statement, by a regular expression). */
const FEW_NAMES = 8;

/**
 * Whether `text`, whose words are `words()`, has one of `names` as a word. For a few names a text holding none of
 * them is answered without its words: the first edit after a file is opened would otherwise make the word set of
 * every statement of the file.
 */
export function mentionsWord(text: string, words: () => Set<string>, names: Set<string>): boolean {
  if (names.size <= FEW_NAMES) {
    let held = false;
    for (const n of names) if ((held = text.includes(n))) break;
    if (!held) return false;
  }
  return intersects(names, words());
}

/** Whether two sets share an element (the smaller one walked). */
export function intersects(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

const BUCKET: Record<string, 'classes' | 'assignments' | 'imports' | 'functions'> = {
  class_definition: 'classes',
  assignment: 'assignments',
  import_statement: 'imports',
  import_from_statement: 'imports',
  function_definition: 'functions',
};

/** The index nodes of an unchanged statement now starting at `base`, found by their ranges; null if one is not. */
export function relocate(
  root: Node,
  base: number,
  facts: StatementInfo['facts'],
): { classes: Node[]; assignments: Node[]; imports: Node[]; functions: Node[] } | null {
  const out = { classes: [] as Node[], assignments: [] as Node[], imports: [] as Node[], functions: [] as Node[] };
  for (const f of facts) {
    const start = base + f.start;
    const end = base + f.end;
    let n: Node | null = root.descendantForIndex(start, end);
    while (n && n.startIndex === start && n.endIndex === end && n.type !== f.type) n = n.parent;
    if (!n || n.type !== f.type || n.startIndex !== start || n.endIndex !== end) return null;
    out[BUCKET[f.type]].push(n);
  }
  return out;
}

/** A finding moved by `delta` characters (its fix too). */
export function shifted(f: Finding, delta: number): Finding {
  const out: Finding = { ...f, start: f.start + delta, end: f.end + delta };
  if (f.fix)
    out.fix = { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) };
  return out;
}

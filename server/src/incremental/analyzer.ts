// Incremental analysis of one open Python document: findings are cached per top-level statement (by its text) and
// an edit re-checks only the statements that changed, that reach outside themselves, or that mention a class or
// function whose skeleton changed (directly or through other skeletons). Anything every statement may read
// (imports, module-level code, assigned names, `global`, whole-text switches, options, the other files) changes:
// everything is checked again. The result is always the full analysis's (test/unit/incremental.test.ts).
import type { Node, Tree } from 'web-tree-sitter';
import { sortFindings, unanalysedRegions, type CodeEngine } from '../engine';
import { FileIndex } from '../index/fileIndex';
import { configKeysWritten } from '../index/configWrites';
import { releaseFeaturesOf, type ReleaseFeature } from '../index/releaseFeatures';
import type { ModuleExports } from '../index/workspace';
import type { SyntaxNodes } from '../python/syntax';
import type { EngineOptions, ScannedRange } from '../rules/context';
import type { Finding } from '../rules/meta';
import { classFacts, KnownClasses } from './classFacts';
import {
  affectedNames,
  type Definitions,
  definitionsOf,
  type GlobalParts,
  globalKey,
  mentionsWord,
  type Cached,
  relocate,
  shifted,
} from './facts';
import { collectAll, collectIn, describe, emptySyntax, type StatementInfo } from './statements';

interface State {
  text: string;
  options: string;
  findings: Finding[];
  exportKeys: string;
  global: string;
  definitions: Definitions;
  results: Map<string, Cached>;
  wsChanges: number;
}

interface Statements {
  text: string;
  starts: number[];
  ends: number[];
  keys: string[];
}

export interface IncrementalStats {
  statements: number;
  checked: number;
  full: boolean;
  /** Classes whose file-index facts were taken from the last analysis. */
  knownClasses?: number;
}

export class IncrementalAnalyzer {
  private infos = new Map<string, StatementInfo>();
  private state: State | null = null;
  /** The statements of the last text analysed, to take the keys of those an edit left alone. */
  private last: Statements | null = null;
  /** The statements' parts of the last global key (see globalKey). */
  private globalParts: GlobalParts | null = null;
  /** How the last analysis went (for the benchmark and tests). */
  stats: IncrementalStats = { statements: 0, checked: 0, full: true };

  constructor(
    private readonly engine: CodeEngine,
    readonly path: string,
    /** Records the file's exports before the rules run (default: into the engine's workspace index). */
    private readonly setExports: (e: ModuleExports) => void = (e) => engine.workspace.set(e),
  ) {}

  /** The findings of `text` (whose tree is `tree`, kept alive by the caller): those of a full analysis. */
  analyze(text: string, tree: Tree, options: EngineOptions): Finding[] {
    return this.run(text, tree, options, false) ?? this.run(text, tree, options, true)!;
  }

  /** Null when the run finds it must check everything (only when `all` is false). */
  private run(text: string, tree: Tree, options: EngineOptions, forceAll: boolean): Finding[] | null {
    const ws = this.engine.workspace;
    const optionsKey = JSON.stringify(options);
    const st = this.state;
    if (!forceAll && st && st.text === text && st.options === optionsKey && st.wsChanges === ws.changes) {
      this.stats = { statements: this.stats.statements, checked: 0, full: false };
      return [...st.findings];
    }
    const stmts = tree.rootNode.namedChildren.filter((n): n is Node => !!n);
    const starts = stmts.map((s) => s.startIndex);
    const ends = stmts.map((s) => s.endIndex);
    const collected = new Map<number, SyntaxNodes>();
    const root = tree.rootNode;
    let all_: SyntaxNodes[] | null = null;
    // Most statements to collect: one search of the whole tree instead of one per statement (a search allocates
    // every node it returns, so not for a few); a statement with a syntax error is searched on its own.
    const collect = (wanted: number[]) => {
      if (wanted.length > stmts.length / 2) all_ ??= collectAll(tree, starts, ends);
      for (const i of wanted)
        if (!collected.has(i)) collected.set(i, all_ && !stmts[i].hasError ? all_[i] : collectIn(stmts[i]));
    };
    const lineKeys = statementKeys(text, starts, ends, this.last);
    this.last = { text, starts, ends, keys: lineKeys };
    const keys = copyKeys(lineKeys);
    collect(keys.flatMap((k, i) => (this.infos.has(k) ? [] : [i])));
    const infos = stmts.map(
      (s, i) => this.infos.get(keys[i]) ?? describe(s, text.slice(starts[i], ends[i]), collected.get(i)!, keys[i]),
    );
    const previous = this.infos;
    this.infos = new Map(infos.map((i) => [i.key, i]));

    const keyed = globalKey(text, infos, optionsKey, this.globalParts);
    this.globalParts = keyed.parts;
    const global = keyed.key;
    const definitions = definitionsOf(infos);
    // A file tree-sitter could not parse as a module at all: its root is the error region.
    const broken = tree.rootNode.type !== 'module';
    if (broken && !forceAll) return null;
    const all = forceAll || !st || st.global !== global || st.wsChanges !== ws.changes;
    const dirty = infos.map((info) => all || !st!.results.get(info.key) || st!.results.get(info.key)!.volatile);
    let sameSkeletons = false;
    if (!all) {
      const affected = affectedNames(st!.definitions, definitions, infos);
      if (affected === 'all') return null;
      const { names } = affected;
      sameSkeletons = names.size === 0;
      // A definition naming one of them only in its `->` lines reads only keyed facts: if those changed, it was
      // reached itself (affectedNames), and it names itself.
      if (names.size)
        for (let i = 0; i < infos.length; i++) {
          const info = infos[i];
          dirty[i] ||= mentionsWord(
            info.text,
            () => (info.defines === null ? info.words : info.wordsOutsideKeys),
            names,
          );
        }
      const removed = [...previous.values()].filter((i) => !this.infos.has(i.key));
      // How tree-sitter recovers from an error depends on more than the statement's text: never reused.
      const erroneous = infos.map((info, i) => info.errorRanges.length > 0 || stmts[i].hasError);
      const changed = [...removed, ...infos.filter((info, i) => erroneous[i] || !st!.results.has(info.key))];
      readersOfChangedNames(infos, dirty, changed, st!.results);
      feeders(infos, stmts, dirty, removed);
      for (let i = 0; i < stmts.length; i++) dirty[i] ||= erroneous[i];
    }

    const syntax = emptySyntax();
    collect(dirty.flatMap((d, i) => (d ? [i] : [])));
    if (broken) syntax.errorRanges.push([root.startIndex, root.endIndex]);
    const relocated = new Map<number, Node[]>(); // assignments found again in clean statements
    const known = new KnownClasses(root);
    for (let i = 0; i < stmts.length; i++) {
      if (!dirty[i]) {
        const nodes = relocate(root, starts[i], infos[i].facts);
        if (nodes) {
          relocated.set(i, nodes.assignments);
          for (const n of nodes.classes) syntax.classes.push(n);
          for (const n of nodes.assignments) syntax.assignments.push(n);
          for (const n of nodes.imports) syntax.imports.push(n);
          for (const n of nodes.functions) syntax.functions.push(n);
          for (const [s, e] of infos[i].errorRanges)
            syntax.errorRanges.push([Math.max(0, s + starts[i]), e + starts[i]]);
          known.add(st!.results.get(infos[i].key)!.classes, starts[i]);
          continue;
        }
        dirty[i] = true;
      }
      let syn = collected.get(i);
      if (!syn) collected.set(i, (syn = collectIn(stmts[i])));
      for (const k of Object.keys(syn) as Array<keyof SyntaxNodes>) (syntax[k] as unknown[]).push(...syn[k]);
    }

    const index = new FileIndex(this.path, tree, syntax, known.size ? known.lookup : undefined);
    const perStatement = new Map<number, { configKeys: Set<string>; features: Set<ReleaseFeature> }>();
    const configKeys = new Set<string>();
    const features = new Set<ReleaseFeature>();
    const mentionsConfig = text.includes('config');
    for (let i = 0; i < stmts.length; i++) {
      let own = dirty[i] ? undefined : st!.results.get(infos[i].key);
      if (!own) {
        const syn = collected.get(i)!;
        own = {
          findings: [],
          volatile: false,
          reads: [],
          configKeys: mentionsConfig
            ? configKeysWritten({ syntax: syn, qualified: (n) => index.qualified(n) })
            : new Set(),
          features: releaseFeaturesOf({ syntax: syn, tree: { rootNode: stmts[i] } }),
        };
        perStatement.set(i, own);
      }
      for (const k of own.configKeys) configKeys.add(k);
      for (const f of own.features) features.add(f);
    }
    // The exports change only with a skeleton (tables, definitions, classes), module-level code, or these.
    const exportKeys = `${[...configKeys].sort()}\0${[...features].sort()}`;
    if (!sameSkeletons || exportKeys !== st!.exportKeys) this.setExports(index.exports({ configKeys, features }));
    const wsChanges = ws.changes;

    const inScope = (o: number) => {
      const i = statementAt(starts, ends, o);
      return i >= 0 && dirty[i];
    };
    let every: Node[] | null = null;
    const allAssignments = () => {
      every ??= stmts.flatMap((_, i) => {
        const found = relocated.get(i);
        if (!found) return collected.get(i)!.assignments;
        const rest =
          relocate(root, starts[i], infos[i].otherAssignments)?.assignments ?? collectIn(stmts[i]).assignments;
        return [...found, ...rest].sort((a, b) => a.startIndex - b.startIndex);
      });
      return every;
    };
    const reads = new Set<string>();
    const { findings, dataJoint, byItself } = this.engine.ruleFindings(index, text, options, {
      inScope: all ? () => true : inScope,
      allAssignments: all ? () => index.syntax.assignments : allAssignments,
      readsEveryUse: (name) => reads.add(name),
      scanned: all ? undefined : scannedRanges(starts, ends, dirty, text.length),
    });
    const selfImport = [...index.wsModules.values()].some((ms) => ms.some((m) => m.path === this.path));
    if (!dataJoint || selfImport || !byItself) {
      // Not cached: a file that is not DataJoint code gets only import warnings (or only its mixins checked, on evidence
      // from elsewhere); a file importing itself reads its own exports through the workspace.
      if (!all) return null;
      this.state = null;
      this.stats = { statements: stmts.length, checked: stmts.length, full: true };
      return dataJoint
        ? sortFindings([...findings, ...unanalysedRegions(this.path, text, syntax.errorRanges)])
        : findings;
    }

    const fresh = new Map<number, Finding[]>();
    let unplaced = false;
    for (const f of findings) {
      const i = statementAt(starts, ends, f.start);
      if (i < 0 || (f.code === 'DJ000' && f.message.startsWith('internal error'))) unplaced = true;
      else if (dirty[i]) {
        let list = fresh.get(i);
        if (!list) fresh.set(i, (list = []));
        list.push(f);
      } else if (!cachedHas(st!.results.get(infos[i].key)!, f, starts[i])) unplaced = true; // a dependency missed
    }
    if (unplaced && !all) return null;

    const results = new Map<string, Cached>();
    // Checking everything gives the full analysis as it is; otherwise clean statements add their cached findings.
    const out: Finding[] = all ? [...findings] : [];
    for (let i = 0; i < stmts.length; i++) {
      const key = infos[i].key;
      if (dirty[i]) {
        const list = fresh.get(i) ?? [];
        const own = perStatement.get(i) ?? st!.results.get(key)!;
        const volatile = list.some(
          (f) => f.end > ends[i] || !!f.fix?.edits.some((e) => e.start < starts[i] || e.end > ends[i]),
        );
        const readsHere = reads.size
          ? [...reads].filter((n) => infos[i].text.includes(n) && infos[i].words.has(n))
          : [];
        const classes = classFacts(index, collected.get(i)!.classes, starts[i]);
        results.set(key, {
          ...own,
          findings: list.map((f) => shifted(f, -starts[i])),
          volatile,
          reads: readsHere,
          classes,
        });
        if (!all) out.push(...list);
      } else {
        const cached = st!.results.get(key)!;
        results.set(key, cached);
        // The same objects while the statement stays where it was (most of a file, for most edits).
        if (cached.placed?.base !== starts[i])
          cached.placed = { base: starts[i], findings: cached.findings.map((f) => shifted(f, starts[i])) };
        for (const f of cached.placed.findings) out.push(f);
      }
    }
    out.push(...unanalysedRegions(this.path, text, syntax.errorRanges));
    const sorted = sortFindings(out);
    this.state =
      unplaced || broken
        ? null
        : { text, options: optionsKey, findings: sorted, exportKeys, global, definitions, results, wsChanges };
    this.stats = {
      statements: stmts.length,
      checked: dirty.filter(Boolean).length,
      full: all,
      knownClasses: known.size,
    };
    return [...sorted];
  }
}

/**
 * Statements whose text feeds the definitions of a checked statement (module constants, template bases, the
 * schema object), to a fixed point, are checked too: their findings may come from the checked one. So are those
 * that fed a statement no longer there.
 */
function feeders(infos: StatementInfo[], stmts: Node[], dirty: boolean[], removed: StatementInfo[]): void {
  const providers = new Map<string, number[]>();
  infos.forEach((info, i) => {
    for (const n of info.provides) {
      const list = providers.get(n);
      if (list) list.push(i);
      else providers.set(n, [i]);
    }
  });
  const seen = new Set<string>();
  const stack: number[] = [];
  const visit = (words: Set<string>) => {
    for (const w of words) {
      if (seen.has(w) || !providers.has(w)) continue;
      seen.add(w);
      for (const p of providers.get(w)!)
        if (!dirty[p]) {
          dirty[p] = true;
          stack.push(p);
        }
    }
  };
  infos.forEach((info, i) => {
    if (dirty[i]) visit(info.codeWords(stmts[i]));
  });
  for (const info of removed) visit(info.codeWords(null));
  while (stack.length) {
    const i = stack.pop()!;
    visit(infos[i].codeWords(stmts[i]));
  }
}

/**
 * A check that read every use of a name (e.g. "assigned once, used once") is repeated when a statement mentioning
 * that name was added, removed, or may parse differently (a syntax error).
 */
function readersOfChangedNames(
  infos: StatementInfo[],
  dirty: boolean[],
  changed: StatementInfo[],
  results: Map<string, Cached>,
): void {
  const readers: number[] = [];
  for (let i = 0; i < infos.length; i++) if (!dirty[i] && results.get(infos[i].key)?.reads.length) readers.push(i);
  if (!readers.length) return;
  for (const i of readers)
    if (results.get(infos[i].key)!.reads.some((n) => changed.some((c) => c.words.has(n)))) dirty[i] = true;
}

/** The runs of re-checked statements, each read up to the end of the statement after it (see ScannedRange). */
function scannedRanges(starts: number[], ends: number[], dirty: boolean[], length: number): ScannedRange[] {
  const ranges: ScannedRange[] = [];
  for (let i = 0; i < dirty.length; i++) {
    if (!dirty[i]) continue;
    let j = i;
    while (j + 1 < dirty.length && dirty[j + 1]) j++;
    ranges.push({ from: starts[i], to: ends[j], readTo: j + 1 < ends.length ? ends[j + 1] : length });
    i = j;
  }
  return ranges;
}

function cachedHas(cached: Cached, f: Finding, base: number): boolean {
  return cached.findings.some(
    (c) => c.code === f.code && c.start + base === f.start && c.end + base === f.end && c.message === f.message,
  );
}

/**
 * Each statement's key: its whole lines (a rule may read the indentation before it or what follows on its last line),
 * and where it starts and ends in them (two statements may share a line). A statement whose lines lie in the text
 * an edit left alone before or after it takes its key from the last analysis (no copy of its text, and a string
 * whose hash is known).
 */
function statementKeys(text: string, starts: number[], ends: number[], last: Statements | null): string[] {
  let prefix = 0;
  let suffix = 0;
  let delta = 0;
  if (last) {
    const old = last.text;
    const max = Math.min(old.length, text.length);
    // Whole chunks compared first (a string comparison is a memory compare; a character loop is not).
    const CHUNK = 2048;
    while (prefix + CHUNK <= max && old.slice(prefix, prefix + CHUNK) === text.slice(prefix, prefix + CHUNK))
      prefix += CHUNK;
    while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    const o = old.length;
    const n = text.length;
    while (
      suffix + CHUNK <= max - prefix &&
      old.slice(o - suffix - CHUNK, o - suffix) === text.slice(n - suffix - CHUNK, n - suffix)
    )
      suffix += CHUNK;
    while (suffix < max - prefix && old.charCodeAt(o - 1 - suffix) === text.charCodeAt(n - 1 - suffix)) suffix++;
    delta = n - o;
  }
  const tail = text.length - suffix; // the unchanged end of the text starts here
  return starts.map((start, i) => {
    const end = ends[i];
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const next = text.indexOf('\n', end);
    const lineEnd = next < 0 ? text.length : next;
    if (last) {
      // Its lines and the line break before them unchanged (the one after them, or the text's end, too).
      const before = lineEnd < prefix;
      const after = lineStart - 1 >= tail;
      if (before || after) {
        const at = indexOfStart(last.starts, before ? start : start - delta);
        if (at >= 0 && last.ends[at] - last.starts[at] === end - start) return last.keys[at];
      }
    }
    return `${start - lineStart}:${end - start}:${text.slice(lineStart, lineEnd)}`;
  });
}

/**
 * Statements of the same text get keys of their own: which copy, of how many (their findings may differ: what comes
 * before them does). A copy added or removed changes the keys of them all, so each is checked again.
 */
function copyKeys(keys: string[]): string[] {
  const copies = new Map<string, number>();
  for (const k of keys) copies.set(k, (copies.get(k) ?? 0) + 1);
  if (copies.size === keys.length) return keys;
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const n = copies.get(k)!;
    if (n === 1) return k;
    const at = (seen.get(k) ?? 0) + 1;
    seen.set(k, at);
    return `${k}\0${at}/${n}`;
  });
}

function indexOfStart(starts: number[], start: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] === start) return mid;
    if (starts[mid] < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The statement whose range holds an offset (ranges sorted and disjoint), or -1. */
function statementAt(starts: number[], ends: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at >= 0 && offset <= ends[at] ? at : -1;
}

// The code-migration engine: analyse and fix Python files, notebooks, DataJoint config files and
// dependency pins. No `vscode` here: the language server and the CLI both call this.
import type { Node, Tree } from 'web-tree-sitter';
import { FileIndex } from './index/fileIndex';
import { type ModuleExports, WorkspaceIndex } from './index/workspace';
import { loadPython, type PythonParser } from './python/parser';
import { forEachMissing } from './python/syntax';
import { lowerBound } from './lowerBound';
import { callsDataJointOnlyApi } from './dataJointCalls';
import { RuleContext, DEFAULT_OPTIONS, type EngineOptions, type ScannedRange } from './rules/context';
import type { Finding } from './rules/meta';
import { dependencyImportRule } from './rules/dependencies/importRule';
import { pythonRules } from './rules/registry';
import { definitionRule } from './rules/definitionStrings';
export { fileKind, type FileKind } from './fileKind';

export class CodeEngine {
  readonly workspace: WorkspaceIndex;

  private constructor(
    readonly python: PythonParser,
    workspace?: WorkspaceIndex,
  ) {
    this.workspace = workspace ?? new WorkspaceIndex();
  }

  static async create(workspace?: WorkspaceIndex): Promise<CodeEngine> {
    return new CodeEngine(await loadPython(), workspace);
  }

  /** An engine sharing this one's parser with a workspace index of its own (to read installed packages apart). */
  isolated(): CodeEngine {
    return new CodeEngine(this.python, new WorkspaceIndex());
  }

  /** Parse a Python text and record what it exports (tables, schemas, virtual modules) for other files. */
  indexPython(path: string, text: string): void {
    const tree = this.python.parse(text);
    try {
      this.workspace.set(new FileIndex(path, tree).exports());
    } finally {
      tree.delete();
    }
  }

  /** Findings of one Python text. Pass a tree to reuse it (the caller keeps ownership). */
  analyzePython(path: string, text: string, options: EngineOptions = DEFAULT_OPTIONS, tree?: Tree): Finding[] {
    const own = !tree;
    const t = tree ?? this.python.parse(text);
    try {
      const index = new FileIndex(path, t);
      this.workspace.set(index.exports());
      return this.analyzeIndexed(index, text, options);
    } finally {
      if (own) t.delete();
    }
  }

  /** Findings of a file already indexed (its tree must still be alive). */
  analyzeIndexed(index: FileIndex, text: string, options: EngineOptions): Finding[] {
    const { findings, dataJoint } = this.ruleFindings(index, text, options);
    if (!dataJoint) return findings;
    findings.push(...unanalysedRegions(index.path, text, index.syntax.errorRanges));
    return sortFindings(findings);
  }

  /**
   * What the rules report for an indexed file, in rule order, before syntax-error regions, de-duplication and
   * sorting (`dataJoint` false: only the dependency warnings of a file that is not DataJoint code, final as they are).
   * `partial`: the incremental analysis's index of some statements, and which findings it needs. `byItself` false: the
   * file is checked only for its mixins, on evidence from other files or from every definition's shape, which
   * statement caches do not track (the incremental analysis checks such a file whole).
   */
  ruleFindings(
    index: FileIndex,
    text: string,
    options: EngineOptions,
    partial?: {
      inScope: (offset: number) => boolean;
      allAssignments: () => Node[];
      readsEveryUse?: (name: string) => void;
      scanned?: readonly ScannedRange[];
    },
  ): { findings: Finding[]; dataJoint: boolean; byItself: boolean } {
    index.link(this.workspace);
    const ctx = new RuleContext(
      index.path,
      text,
      index,
      options,
      partial?.inScope,
      partial?.allAssignments,
      partial?.readsEveryUse,
      partial?.scanned,
    );
    const dataJoint = index.usesDataJoint || importsDataJointModule(index) || callsDataJointOnlyApi(text);
    const mixins = index.mixinEvidence(dataJoint);
    let rules = pythonRules;
    if (!dataJoint && mixins !== 'inherited') {
      // A file that only imports an installed DataJoint package still gets that package's warning (DJ019).
      if (options.dependencies) dependencyImportRule.check(ctx);
      if (!mixins) return { findings: ctx.findings, dataJoint: false, byItself: true };
      // Mixins known by their definitions' shape alone: those are checked, nothing else in the file.
      rules = [definitionRule];
    }
    for (const rule of rules) {
      try {
        rule.check(ctx);
      } catch (e) {
        // A rule bug must never take the whole file (or the server) down.
        ctx.findings.push({
          code: 'DJ000',
          message: `internal error in rule ${rule.metas[0]?.code}: ${(e as Error).message}`,
          start: 0,
          end: 0,
          severity: 'hint',
          safety: 'manual',
          phase: 1,
        });
      }
    }
    return { findings: ctx.findings, dataJoint: true, byItself: dataJoint };
  }

  /** Number of syntax-error regions in a text (fixes must never add one). */
  errorCount(text: string): number {
    const tree = this.python.parse(text);
    try {
      if (!tree.rootNode.hasError) return 0;
      return tree.rootNode.descendantsOfType('ERROR').length + countMissing(tree);
    } finally {
      tree.delete();
    }
  }
}

/** `from pipeline import ephys` where that workspace module declares schemas or tables: DataJoint code too. */
function importsDataJointModule(index: FileIndex): boolean {
  const dataJoint = (m: ModuleExports) => m.tables.size || m.schemaVars.size || m.vmodules.size;
  for (const mods of index.wsModules.values()) if (mods.some(dataJoint)) return true;
  if (index.starModules.some((m) => dataJoint(m) || m.djModules?.length)) return true;
  // A DataJoint Element (`from element_deeplabcut import train`), installed or not; element_interface is its utilities.
  return index.imports.other.some((i) => ELEMENT_MODULE.test(i.module));
}

const ELEMENT_MODULE = /^element_(?!interface\b)\w+/;

/**
 * One information per region tree-sitter could not parse (nested and overlapping ranges merged by line): nothing
 * in those lines was analysed, so a DataJoint call there is neither reported nor fixed.
 */
export function unanalysedRegions(path: string, text: string, ranges: Array<[number, number]>): Finding[] {
  if (!ranges.length) return [];
  const lines: Array<[number, number, number]> = []; // [first line, last line, start offset] (0-based lines)
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
  const lineOf = (o: number) => lowerBound(breaks, o);
  // Notebook cells are joined for analysis: their line numbers mean nothing to a reader, the location does.
  const numbered = !path.endsWith('.ipynb');
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const a = lineOf(start);
    const b = lineOf(Math.max(start, end - 1));
    const last = lines[lines.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else lines.push([a, b, start]);
  }
  return lines.map(([a, b, start]) => ({
    code: 'DJ000',
    message: `Syntax error: ${b === a ? 'this line was' : `these ${b - a + 1} lines were`} not analysed${numbered ? ` (${b === a ? `line ${a + 1}` : `lines ${a + 1}-${b + 1}`})` : ''}: no DataJoint finding or fix inside; correct the syntax and run again`,
    start,
    end: Math.max(start, text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start)),
    severity: 'info' as const,
    safety: 'manual' as const,
    phase: 1 as const,
  }));
}

/** Only for a tree with `rootNode.hasError` (a clean tree has no MISSING node). */
function countMissing(tree: Tree): number {
  let n = 0;
  forEachMissing(tree, () => n++);
  return n;
}

/** The order findings are reported in: de-duplicated, by offset then code (stable otherwise). */
export function sortFindings(findings: Finding[]): Finding[] {
  // Codes are ASCII ('DJ020'): a plain comparison orders them as localeCompare did, without ICU's cost.
  const sorted = [...findings].sort((a, b) => a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  // The first of each code and range kept: the sort is stable, and findings of one code and range sit in one run of
  // equal offset and code (no key string per finding).
  const out: Finding[] = [];
  let run = 0; // where the run of the current offset and code starts in `out`
  next: for (const f of sorted) {
    const head = out[run];
    if (!head || head.start !== f.start || head.code !== f.code) run = out.length;
    else for (let i = run; i < out.length; i++) if (out[i].end === f.end) continue next;
    out.push(f);
  }
  return out;
}

// The code-migration engine: analyse and fix Python files, notebooks, DataJoint config files and
// dependency pins. No `vscode` here: the language server and the CLI both call this.
import type { Tree } from 'web-tree-sitter';
import { FileIndex } from './index/fileIndex';
import { WorkspaceIndex } from './index/workspace';
import { loadPython, type PythonParser } from './python/parser';
import { forEachMissing } from './python/syntax';
import { RuleContext, DEFAULT_OPTIONS, type EngineOptions } from './rules/context';
import type { Finding } from './rules/meta';
import { pythonRules } from './rules/registry';
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
    {
      index.link(this.workspace);
      if (!index.usesDataJoint) return [];
      const ctx = new RuleContext(index.path, text, index, options);
      for (const rule of pythonRules) {
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
      return dedupe(ctx.findings).sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
    }
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

function countMissing(tree: Tree): number {
  let n = 0;
  forEachMissing(tree, () => n++);
  return n;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.code}:${f.start}:${f.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

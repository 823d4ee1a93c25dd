// A set of files analysed together: one workspace index across them, the migration context from the
// dependency pins, the project settings, and per-file analysis and fixing for every file kind.
import path from 'node:path';
import { loadProjectSettings, mergeSettings, type ProjectSettings } from '../../common/src/projectSettings';
import { CodeEngine } from './engine';
import { fileKind, type FileKind } from './fileKind';
import { applyEdits, selectFixes } from './fix/apply';
import { listFiles } from './files';
import { fixAllowed, fixPython, type FixOptions } from './fix/fixLoop';
import { FileIndex } from './index/fileIndex';
import { confineToCells, readNotebook, writeNotebook } from './notebook';
import type { EngineOptions } from './rules/context';
import type { FileOp, Finding } from './rules/meta';
import type { ModuleExports, WorkspaceRead } from './index/workspace';
import { importOrder } from './analysisOrder';
import { indexInstalled, type InstalledIndex } from './index/installedIndex';
import { environmentSitePackages, importedTopLevel } from './index/sitePackages';
import { analyzeOtherFile } from './rules/otherFiles';
import { assessDependencies, projectModuleNames, type DependencyAssessments } from './rules/dependencies/warnings';
import { analyzePins, configFileExports, detectDataJointPin, isPackagingScript, type DataJointPin } from './rules/pins';
import type { SourceEncoding } from './python/encoding';
import { readFiles, safeNotebookText } from './readFiles';

export interface FileResult {
  path: string;
  kind: FileKind;
  text?: string;
  findings: Finding[];
  skipped?: string;
}

export interface FixedFile {
  path: string;
  before: string;
  after: string;
  applied: Finding[];
  remaining: Finding[];
  fileOps: FileOp[];
  converged: boolean;
  /** The encoding the file was read in (write `after` back in it). */
  encoding?: SourceEncoding;
}

export interface ProjectOverrides {
  phase?: 1 | 2;
  unsigned?: EngineOptions['unsigned'];
  schemaSuffix?: string;
  finalize?: boolean;
  migrationEnabled?: boolean;
  defaultStore?: string;
  /** Site-packages folders of the project's environment (`--site-packages`); read, never edited. */
  sitePackages?: string[];
  /** A Python interpreter to ask for its site-packages (`--python`). */
  python?: string;
}

/**
 * Source characters whose trees are kept between the indexing pass and the analysis pass (the other files are
 * parsed again when analysed). A kept tree and its index take ~75 bytes per source character (WASM memory never
 * shrinks): keeping every tree made `check` of 1,000 files peak at ~600 MB; with this budget it stays near 210 MB.
 */
export const TREE_BUDGET_CHARS = 512 * 1024;

export interface OpenOptions {
  /** Index every file when opening (default true). */
  index?: boolean;
  /** Read only the files the main thread needs (dependency pins); workers read the rest (default true). */
  readAll?: boolean;
  /** The files `listFiles(paths)` gives, when the caller listed them already. */
  files?: string[];
  /** Keep trees between indexing and analysis within this many source characters (default TREE_BUDGET_CHARS). */
  treeBudget?: number;
}

export class Project {
  readonly texts = new Map<string, string>();
  readonly skipped = new Map<string, string>();
  /** Installed distributions of the project's environment and the exports of their indexed files. */
  installed: InstalledIndex = { packages: [], exports: [] };
  /** The imported installed DataJoint packages, assessed for 2.x (read, never changed). */
  dependencies: DependencyAssessments = { warnings: {}, assessed: [] };
  readonly encodings = new Map<string, SourceEncoding>();
  private readonly indexed = new Map<string, FileIndex>();
  /** Findings computed while indexing (`indexAndAnalyze`), with the workspace reads they rest on. */
  private early = new Map<string, { findings: Finding[]; reads: WorkspaceRead[] }>();
  /** The options those findings were computed with (a worker learns the final ones later). */
  private earlyOptions = '';
  /** The site-packages folders to index when the Python files were not read here (see `indexInstalledLater`). */
  sitePackageDirs: { dirs: string[]; roots: string[] } | null = null;
  treeBudget = TREE_BUDGET_CHARS;
  /** Files `analyzeFile` analysed (again): their early findings were missing or no longer held. */
  redone = 0;

  private constructor(
    readonly engine: CodeEngine,
    readonly files: string[],
    readonly settings: ProjectSettings,
    readonly pin: DataJointPin,
    readonly options: EngineOptions,
  ) {}

  static async open(paths: string[], overrides: ProjectOverrides = {}, opts: OpenOptions = {}): Promise<Project> {
    const files = opts.files ?? listFiles(paths);
    const readAll = opts.readAll !== false;
    const engine = await CodeEngine.create();
    const root = paths.length ? path.resolve(paths[0]) : process.cwd();
    const read = readFiles(readAll ? files : files.filter(mayHoldPins));
    const pin = detectDataJointPin(
      [...read.texts].filter(([p, text]) => holdsPins(p, text)).map(([p, text]) => ({ path: p, text })),
    );
    const { settings, options } = projectOptions(root, overrides, pin);
    const project = new Project(engine, files, settings, pin, options);
    project.adopt(read);
    if (opts.treeBudget !== undefined) project.treeBudget = opts.treeBudget;
    const rootDir = fileKind(root) === 'other' ? root : path.dirname(root);
    const dirs = environmentSitePackages({
      sitePackages: overrides.sitePackages,
      python: overrides.python,
      root: rootDir,
    });
    const roots = paths.map((p) => (fileKind(p) === 'other' ? path.resolve(p) : path.dirname(path.resolve(p))));
    if (dirs.length && readAll) project.indexInstalled(dirs, roots);
    else if (dirs.length) project.sitePackageDirs = { dirs, roots };
    if (opts.index !== false) project.indexAll();
    return project;
  }

  /**
   * A project over the language server's workspace index: `engine` already holds every file's exports and the
   * installed packages' (nothing is read or parsed here); the caller hands each file's text to `fix`.
   */
  static reusing(
    engine: CodeEngine,
    files: string[],
    root: string,
    overrides: ProjectOverrides,
    pin: DataJointPin,
    installed: { index: InstalledIndex; dependencies: DependencyAssessments },
  ): Project {
    const { settings, options } = projectOptions(root, overrides, pin);
    const project = new Project(engine, files, settings, pin, options);
    project.installed = installed.index;
    project.dependencies = installed.dependencies;
    if (Object.keys(installed.dependencies.warnings).length) options.dependencies = installed.dependencies.warnings;
    return project;
  }

  /** A project over some files with settings decided elsewhere (a worker's share of a parallel run). */
  static async subset(
    files: string[],
    settings: ProjectSettings,
    pin: DataJointPin,
    options: EngineOptions,
    given: Map<string, string> = new Map(),
  ): Promise<Project> {
    const project = new Project(await CodeEngine.create(), [], settings, pin, options);
    project.addFiles(files, given);
    return project;
  }

  /**
   * Read more files into a project made by `subset` (a chunk a parallel run's thread claimed). Files the caller
   * already read (dependency pins) come with their text in `given`: every file is read once.
   */
  addFiles(files: string[], given: ReadonlyMap<string, string> = new Map()): void {
    this.files.push(...files);
    this.adopt(readFiles(files.filter((f) => !given.has(f))));
    for (const f of files) if (given.has(f)) this.texts.set(f, given.get(f)!);
  }

  /** Index the DataJoint code installed in these site-packages folders (read-only) into the workspace index. */
  indexInstalled(sitePackages: string[], roots: string[] = [], imported = this.importedTopLevel()): void {
    this.installed = indexInstalled(sitePackages, imported, (t) => this.engine.python.parse(t));
    for (const e of this.installed.exports) this.engine.workspace.set(e);
    const own = projectModuleNames(this.files, roots);
    this.dependencies = assessDependencies(this.engine, this.installed, imported, own);
    if (Object.keys(this.dependencies.warnings).length) this.options.dependencies = this.dependencies.warnings;
  }

  /** Top-level module names the read Python files and notebooks import. */
  importedTopLevel(into = new Set<string>()): Set<string> {
    for (const [p, text] of this.texts) {
      const kind = fileKind(p);
      if (kind === 'python' || kind === 'notebook') importedTopLevel(text, into);
    }
    return into;
  }

  private adopt(read: ReturnType<typeof readFiles>): void {
    for (const [p, t] of read.texts) this.texts.set(p, t);
    for (const [p, s] of read.skipped) this.skipped.set(p, s);
    for (const [p, e] of read.encodings) this.encodings.set(p, e);
  }

  /** Pass 1: parse every Python file and notebook once, record its exports; keep trees within a budget. */
  indexAll(): ModuleExports[] {
    const all: ModuleExports[] = [];
    let kept = 0;
    for (const [p, text] of this.texts) {
      const kind = fileKind(p);
      if (kind === 'config') {
        // Config files take part only through their settings' release features (the pin's floor).
        const exported = configFileExports(p, text);
        all.push(exported);
        this.engine.workspace.set(exported);
        continue;
      }
      const source = kind === 'python' ? text : kind === 'notebook' ? safeNotebookText(text) : null;
      if (source === null) continue;
      const tree = this.engine.python.parse(source);
      const index = new FileIndex(p, tree);
      const exported = index.exports();
      all.push(exported);
      this.engine.workspace.set(exported);
      if (kept + source.length <= this.treeBudget) {
        this.indexed.set(p, index);
        kept += source.length;
      } else tree.delete();
    }
    return all;
  }

  /**
   * Pass 1 with most of pass 2 in it, each Python file parsed once: files are indexed in import order (a file
   * after those it imports) and a Python file is analysed right after its indexing, recording what it read from
   * the workspace index. `analyzeFile` later keeps those findings only if the complete index still answers every
   * read the same way (the findings are then the ones a later analysis would give) and analyses the file again
   * otherwise. Returns the exports, as `indexAll`. `only`: just these of the read files (a chunk `addFiles` read).
   */
  indexAndAnalyze(only?: readonly string[]): ModuleExports[] {
    const all: ModuleExports[] = [];
    const ws = this.engine.workspace;
    const python: string[] = [];
    for (const p of only ?? this.texts.keys()) {
      const text = this.texts.get(p);
      if (text === undefined) continue;
      const kind = fileKind(p);
      if (kind === 'config') {
        const exported = configFileExports(p, text);
        all.push(exported);
        ws.set(exported);
      } else if (kind === 'python' || kind === 'notebook') python.push(p);
    }
    this.earlyOptions = JSON.stringify(this.options);
    for (const p of importOrder(python, (f) => this.texts.get(f))) {
      const text = this.texts.get(p)!;
      // A notebook is analysed from its joined cells, parsed again then (as in `analyzeAll`).
      const source = fileKind(p) === 'python' ? text : safeNotebookText(text);
      if (source === null) continue;
      const tree = this.engine.python.parse(source);
      const index = new FileIndex(p, tree);
      const exported = index.exports();
      all.push(exported);
      ws.set(exported);
      if (source !== text) {
        tree.delete();
        continue;
      }
      this.indexed.set(p, index);
      const { result, reads } = ws.record(() => this.analyze(p, text));
      this.early.set(p, { findings: result, reads });
    }
    return all;
  }

  /** Drop the early findings the complete workspace index (or the final options) would not give again. */
  private confirmEarly(): void {
    const ws = this.engine.workspace;
    if (JSON.stringify(this.options) !== this.earlyOptions) this.early.clear();
    this.earlyOptions = '';
    for (const [p, e] of this.early) if (!ws.stillReads(e.reads)) this.early.delete(p);
  }

  /**
   * Pass 2: findings of every file. Frees the trees kept by pass 1. With `each`, results are handed over one by
   * one and not collected, and each file's text is let go once analysed (memory stays bounded).
   */
  analyzeAll(each?: (r: FileResult) => void): FileResult[] {
    const results: FileResult[] = [];
    for (const f of this.files) {
      const r = this.analyzeFile(f, !!each);
      if (!r) continue;
      if (each) each(r);
      else results.push(r);
    }
    this.dispose();
    return results;
  }

  /** One file's result for `analyzeAll` (null for a file this project did not read); `release` lets go of its text. */
  analyzeFile(f: string, release = false): FileResult | null {
    const skipped = this.skipped.get(f);
    if (skipped) return { path: f, kind: fileKind(f), findings: [], skipped };
    const text = this.texts.get(f);
    if (text === undefined) return null;
    if (this.earlyOptions) this.confirmEarly();
    const early = this.early.get(f);
    this.early.delete(f);
    if (!early) this.redone++;
    const findings = early ? early.findings : this.analyze(f, text);
    if (release) this.texts.delete(f);
    return { path: f, kind: fileKind(f), text, findings };
  }

  /** Findings of one file (offsets into `text`; for notebooks, into the joined code cells). */
  analyze(file: string, text: string): Finding[] {
    const kind = fileKind(file);
    if (kind === 'python') {
      const findings = this.analyzePython(file, text);
      return isPackagingScript(file, text) ? [...findings, ...this.pinFindings(file, text)] : findings;
    }
    if (kind === 'notebook') {
      let nb: ReturnType<typeof readNotebook>;
      try {
        nb = readNotebook(text);
      } catch (e) {
        return [unreadable(file, e)];
      }
      return confineToCells(nb, this.analyzePython(file, nb.text));
    }
    return analyzeOtherFile(file, text, { options: this.options, workspace: this.engine.workspace });
  }

  private analyzePython(file: string, text: string): Finding[] {
    const kept = this.indexed.get(file);
    if (kept && kept.tree.rootNode.text.length === text.length && this.texts.get(file) === text) {
      this.indexed.delete(file);
      try {
        return this.engine.analyzeIndexed(kept, text, this.options);
      } finally {
        kept.tree.delete();
      }
    }
    return this.engine.analyzePython(file, text, this.options);
  }

  /** Fix one file until stable. Python and notebooks get text edits; config files may also get file operations. */
  fix(file: string, text: string, fix: FixOptions): FixedFile {
    const kind = fileKind(file);
    if (kind === 'python' || kind === 'notebook') {
      this.forget(file);
      if (kind === 'python') {
        const r = fixPython(this.engine, file, text, this.options, fix);
        const result: FixedFile = {
          path: file,
          before: text,
          after: r.text,
          applied: r.applied,
          remaining: r.remaining,
          fileOps: [],
          converged: r.converged,
          encoding: this.encodings.get(file),
        };
        if (!isPackagingScript(file, r.text)) return result;
        // A setup.py that calls setup(): its dependency declarations get the pin fixes too.
        const pins = this.pinFindings(file, r.text);
        const { chosen, edits } = selectFixes(pins, (f) => fixAllowed(f, this.options.phase, fix));
        result.after = applyEdits(r.text, edits);
        result.applied = [...r.applied, ...chosen];
        result.remaining = [...r.remaining, ...(chosen.length ? this.pinFindings(file, result.after) : pins)];
        return result;
      }
      const nb = readNotebook(text);
      const r = fixPython(this.engine, file, nb.text, this.options, fix);
      const after = r.text !== nb.text ? writeNotebook(nb, r.text) : text;
      return {
        path: file,
        before: text,
        after,
        applied: r.applied,
        remaining: confineToCells(nb, r.remaining),
        fileOps: [],
        converged: r.converged,
        encoding: this.encodings.get(file),
      };
    }
    const findings = analyzeOtherFile(file, text, { options: this.options, workspace: this.engine.workspace });
    const { chosen, edits } = selectFixes(findings, (f) => fixAllowed(f, this.options.phase, fix));
    const after = applyEdits(text, edits);
    const fileOps = chosen.flatMap((f) => f.fix!.fileOps ?? []);
    return {
      path: file,
      before: text,
      after,
      applied: chosen,
      remaining: findings.filter((f) => !chosen.includes(f)),
      fileOps,
      converged: true,
      encoding: this.encodings.get(file),
    };
  }

  private pinFindings(file: string, text: string): Finding[] {
    return analyzePins(file, text, { enabled: this.options.mode === 'migrate' });
  }

  private forget(file: string): void {
    const kept = this.indexed.get(file);
    if (kept) {
      kept.tree.delete();
      this.indexed.delete(file);
    }
  }

  dispose(): void {
    for (const idx of this.indexed.values()) idx.tree.delete();
    this.indexed.clear();
    this.early.clear();
  }
}

/** The project settings (the folder's, then the overrides) and the engine options they and the pin give. */
function projectOptions(root: string, overrides: ProjectOverrides, pin: DataJointPin) {
  const settings = mergeSettings(
    loadProjectSettings(fileKind(root) === 'other' ? root : path.dirname(root)),
    stripUndefined({
      phase: overrides.phase,
      unsignedIntegers: overrides.unsigned,
      schemaSuffix: overrides.schemaSuffix,
      migrationEnabled: overrides.migrationEnabled,
      defaultStore: overrides.defaultStore,
    }),
  );
  const migrate = settings.migrationEnabled === true || pin.line !== 'v014';
  const options: EngineOptions = {
    phase: settings.phase,
    unsigned: settings.unsignedIntegers,
    schemaSuffix: settings.schemaSuffix,
    finalize: overrides.finalize ?? false,
    mode: migrate ? 'migrate' : 'informational',
    defaultStore: settings.defaultStore,
  };
  return { settings, options };
}

/** Whether the main thread must read a file to find the DataJoint pin (the name tells, before reading). */
function mayHoldPins(file: string): boolean {
  const kind = fileKind(file);
  return kind === 'pins' || (kind === 'python' && path.basename(file).toLowerCase() === 'setup.py');
}

/** Whether a file declares dependencies: a requirements/pyproject/setup.cfg/conda file, or a setup.py calling setup(). */
function holdsPins(file: string, text: string): boolean {
  const kind = fileKind(file);
  return kind === 'pins' || (kind === 'python' && isPackagingScript(file, text));
}

function unreadable(file: string, e: unknown): Finding {
  return {
    code: 'DJ000',
    message: `${path.basename(file)} could not be read: ${(e as Error).message}`,
    start: 0,
    end: 0,
    severity: 'warning',
    safety: 'manual',
    phase: 1,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

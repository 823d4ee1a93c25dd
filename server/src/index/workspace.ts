// The workspace's DataJoint symbols by module, so `from pipeline import Session` in one file
// resolves to a table class declared in another.
import path from 'node:path';
import type { ReleaseFeature } from './releaseFeatures';
import { mapPacked } from '../mapPacked';

export type Tier = 'manual' | 'lookup' | 'imported' | 'computed' | 'part';

export interface ExportedTable {
  tier: Tier | null;
  parts: string[];
  /** The plain-string `definition` of the table (null when absent or not a plain literal), for headings across files. */
  definition?: string | null;
  /** The same for each part table, by part name. */
  partDefinitions?: Map<string, string | null>;
}

/** What one Python file exports that the rules care about. */
export interface ModuleExports {
  path: string;
  tables: Map<string, ExportedTable>;
  vmodules: Set<string>;
  schemaVars: Set<string>;
  /** Names bound to workspace modules inside the file (re-exports such as `from . import pipeline`). */
  modules: Set<string>;
  /** `dj.config` keys the file sets in code (`dj.config["fetch_format"] = ...`). */
  configKeys?: Set<string>;
  /** Features that need a later 2.x release than 2.0.2 (the pin's floor); config files carry only these. */
  features?: Set<ReleaseFeature>;
  /** Module-level classes (tables, mixins, template bases): their bases and the DataJoint methods they override. */
  classes?: Map<string, ExportedClass>;
  /** Names imported from other modules (`from .summary import Summary`), which the module re-exports. */
  reexports?: Map<string, { module: string; name: string }>;
  /** Modules it imports with `from module import *` (as written), whose names it re-exports too. */
  stars?: string[];
  /** Local names bound to the datajoint package (`import datajoint as dj`), which a star import passes on. */
  djModules?: string[];
  /** Module-level string constants (`HEADER = """..."""`), for definitions assembled from them. */
  constants?: Map<string, string>;
  /**
   * For a file of an installed package (site-packages), its one importable dotted name ('element_lab.lab'):
   * indexed for its symbols, never analysed or edited. Workspace files are found by every dotted suffix of their path.
   */
  installed?: string;
}

/** How a class names one of its bases, resolved as far as the declaring file can. */
export type BaseRef =
  | { kind: 'dj'; name: string } // dj.Manual, Part, ...
  | { kind: 'local'; name: string } // a class of the same file
  | { kind: 'import'; module: string; name: string }; // `from module import name`, `module.name`

export interface ExportedClass {
  bases: BaseRef[];
  /** DataJoint methods (fetch, insert, delete, ...) the class body defines. */
  overrides: string[];
}

/** One read of the workspace index by an analysis (module objects compared by identity). */
export type WorkspaceRead =
  | { kind: 'resolve'; from: string; spec: string; hits: ModuleExports[] }
  | { kind: 'configured'; key: string; from: string; hit: ModuleExports | undefined }
  | { kind: 'files' };

export class WorkspaceIndex {
  private byPath = new Map<string, ModuleExports>();
  private byDotted = new Map<string, Set<string>>();
  private keysOf = new Map<string, string[]>();
  /** Counts every change (an analysis cached against this index knows when another file changed). */
  changes = 0;
  /** While set, every read an analysis makes is recorded here (see `record` and `stillReads`). */
  private reads: WorkspaceRead[] | null = null;

  constructor(readonly roots: string[] = []) {}

  set(exports: ModuleExports): void {
    this.remove(exports.path);
    this.changes++;
    this.byPath.set(exports.path, exports);
    const keys = exports.installed ? [exports.installed] : dottedKeys(exports.path);
    this.keysOf.set(exports.path, keys);
    for (const key of keys) {
      let set = this.byDotted.get(key);
      if (!set) this.byDotted.set(key, (set = new Set()));
      set.add(exports.path);
    }
  }

  remove(file: string): void {
    if (!this.byPath.delete(file)) return;
    this.changes++;
    for (const key of this.keysOf.get(file) ?? []) this.byDotted.get(key)?.delete(file);
    this.keysOf.delete(file);
  }

  get(file: string): ModuleExports | undefined {
    return this.byPath.get(file);
  }

  get size(): number {
    return this.byPath.size;
  }

  files(): IterableIterator<ModuleExports> {
    // Which files there are is not a read `stillReads` can check again: an analysis that asked is redone.
    this.reads?.push({ kind: 'files' });
    return this.byPath.values();
  }

  /**
   * The file that sets a `dj.config` key: `from` itself when it does, else the first workspace (not installed)
   * file that does.
   */
  configuredIn(key: string, from: string): ModuleExports | undefined {
    let hit = this.byPath.get(from);
    if (!hit?.configKeys?.has(key)) {
      hit = undefined;
      for (const f of this.byPath.values())
        if (!f.installed && f.configKeys?.has(key)) {
          hit = f;
          break;
        }
    }
    this.reads?.push({ kind: 'configured', key, from, hit });
    return hit;
  }

  /**
   * Run `fn` recording what it reads from this index. `stillReads` then tells whether the index, changed since,
   * would still give every one of those reads the same answer, and so `fn` the same result.
   */
  record<T>(fn: () => T): { result: T; reads: WorkspaceRead[] } {
    const outer = this.reads;
    const reads: WorkspaceRead[] = [];
    this.reads = reads;
    try {
      return { result: fn(), reads };
    } finally {
      this.reads = outer;
      outer?.push(...reads);
    }
  }

  stillReads(reads: WorkspaceRead[]): boolean {
    const outer = this.reads;
    this.reads = null;
    try {
      return reads.every((r) => {
        if (r.kind === 'files') return false;
        if (r.kind === 'configured') return this.configuredIn(r.key, r.from) === r.hit;
        const now = this.resolve(r.from, r.spec);
        return now.length === r.hits.length && now.every((m, i) => m === r.hits[i]);
      });
    } finally {
      this.reads = outer;
    }
  }

  /** Files a module spec may name, seen from `fromFile`: '.pipeline', '..pkg.mod', 'pkg.pipeline', 'pipeline'. */
  resolve(fromFile: string, spec: string): ModuleExports[] {
    const hits = this.resolved(fromFile, spec);
    this.reads?.push({ kind: 'resolve', from: fromFile, spec, hits: [...hits] });
    return hits;
  }

  private resolved(fromFile: string, spec: string): ModuleExports[] {
    const rel = /^(\.+)(.*)$/.exec(spec);
    if (rel) {
      let dir = path.dirname(fromFile);
      for (let i = 1; i < rel[1].length; i++) dir = path.dirname(dir);
      const parts = rel[2] ? rel[2].split('.') : [];
      const base = path.join(dir, ...parts);
      return [base + '.py', path.join(base, '__init__.py')]
        .map((p) => this.byPath.get(p))
        .filter((x): x is ModuleExports => !!x);
    }
    const hits = this.byDotted.get(spec);
    if (!hits) return [];
    // Prefer workspace files over installed ones, then the candidate nearest to the importing file.
    return mapPacked([...hits], (p) => this.byPath.get(p)!).sort(
      (a, b) =>
        Number(!!a.installed) - Number(!!b.installed) ||
        commonPrefix(b.path, fromFile) - commonPrefix(a.path, fromFile),
    );
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** 'a/b/pipeline.py' -> ['pipeline', 'b.pipeline', 'a.b.pipeline']; a package's __init__.py stands for the package. */
export function dottedKeys(file: string): string[] {
  const parts = file.split(/[\\/]/).filter(Boolean);
  let last = parts.pop() ?? '';
  last = last.replace(/\.(py|ipynb)$/, '');
  if (last === '__init__') last = parts.pop() ?? '';
  const keys: string[] = [];
  let key = last;
  keys.push(key);
  for (let i = parts.length - 1, n = 0; i >= 0 && n < 4; i--, n++) {
    key = `${parts[i]}.${key}`;
    keys.push(key);
  }
  return keys;
}

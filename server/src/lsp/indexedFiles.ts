// What the language server knows of each Python file it indexed from disk: when (modification time and size), its
// text (within a budget), and for files that are not DataJoint code by themselves the modules they import. Migrate Workspace
// Code fixes from this instead of reading and parsing the whole workspace again (see ./migrateFromIndex.ts).
import fs from 'node:fs';
import type { CodeEngine } from '../engine';
import { fileKind } from '../fileKind';
import { FileIndex } from '../index/fileIndex';
import { readNotebook } from '../notebook';
import { configFileExports } from '../rules/pins';

export interface IndexedFile {
  mtimeMs: number;
  size: number;
  /** The text as indexed (absent beyond TEXT_BUDGET_CHARS: then read again when needed). */
  text?: string;
  /**
   * A Python file that is not DataJoint code by itself: the module specs it imports. Unless one of them names a
   * workspace file (or an installed package with a DJ019 warning), the file has no finding and nothing to fix.
   */
  plainImports?: string[];
}

/** Python source kept for the migration (one-byte strings: about this many bytes). */
export const TEXT_BUDGET_CHARS = 64 * 1024 * 1024;

export class IndexedFiles {
  private readonly known = new Map<string, IndexedFile>();
  private kept = 0;

  /** Index a file read from disk into the engine's workspace index; `stat` is taken before reading. */
  index(engine: CodeEngine, file: string, text: string, stat?: fs.Stats): void {
    const kind = fileKind(file);
    this.forget(file);
    let plainImports: string[] | undefined;
    if (kind === 'python') plainImports = indexPython(engine, file, text);
    else if (kind === 'notebook') {
      try {
        engine.indexPython(file, readNotebook(text).text);
      } catch {
        // An unreadable notebook is reported when it is analysed.
      }
    } else if (kind === 'config') engine.workspace.set(configFileExports(file, text));
    if (!stat || kind !== 'python') return;
    const keep = this.kept + text.length <= TEXT_BUDGET_CHARS;
    if (keep) this.kept += text.length;
    this.known.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text: keep ? text : undefined, plainImports });
  }

  forget(file: string): void {
    this.kept -= this.known.get(file)?.text?.length ?? 0;
    this.known.delete(file);
  }

  clear(): void {
    this.known.clear();
    this.kept = 0;
  }

  /** What was recorded when the file was indexed, if it has not changed on disk since. */
  unchanged(file: string): IndexedFile | undefined {
    const known = this.known.get(file);
    if (!known) return undefined;
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return st && st.mtimeMs === known.mtimeMs && st.size === known.size ? known : undefined;
  }
}

function indexPython(engine: CodeEngine, file: string, text: string): string[] | undefined {
  const tree = engine.python.parse(text);
  try {
    const index = new FileIndex(file, tree);
    engine.workspace.set(index.exports());
    const { imports } = index;
    if (imports.djModules.size || imports.djNames.size || index.tables.size || index.vmodules.size) return undefined;
    // The specs linkImports (index/link.ts) resolves: the module, and `module.name` for a from-import.
    return imports.other.flatMap((i) =>
      i.name === null ? [i.module] : [i.module, i.module.endsWith('.') ? i.module + i.name : `${i.module}.${i.name}`],
    );
  } finally {
    tree.delete();
  }
}

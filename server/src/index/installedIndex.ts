// Index the DataJoint code installed in the project's environment (read-only): distributions that require
// datajoint, and imported ones whose files mention it. Their exports join the workspace index under their
// importable dotted names, so `from element_lab.lab import Subject` resolves; they are never analysed or edited.
import fs from 'node:fs';
import type { Tree } from 'web-tree-sitter';
import { FileIndex } from './fileIndex';
import { installedModuleName, listInstalledPackages, type InstalledPackage } from './sitePackages';
import type { ModuleExports } from './workspace';

const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Imported distributions that do not require datajoint are searched only up to this many files. */
const MAX_SEARCHED_FILES = 3000;

export interface InstalledIndex {
  packages: InstalledPackage[];
  exports: ModuleExports[];
}

/**
 * Exports of the installed files worth indexing. `imported` holds the top-level module names the workspace imports
 * (a distribution that does not require datajoint is searched only when imported).
 */
export function indexInstalled(
  sitePackages: string[],
  imported: Set<string>,
  parse: (text: string) => Tree,
): InstalledIndex {
  const packages = sitePackages.flatMap(listInstalledPackages);
  const exports: ModuleExports[] = [];
  const seen = new Set<string>();
  for (const pkg of packages) {
    if (pkg.name.toLowerCase() === 'datajoint') continue;
    const requiresDj = pkg.requires.includes('datajoint');
    if (!requiresDj && (!pkg.topLevel.some((t) => imported.has(t)) || pkg.files.length > MAX_SEARCHED_FILES)) continue;
    for (const file of pkg.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readSmall(file);
      if (text === null || (!requiresDj && !text.includes('datajoint'))) continue;
      const tree = parse(text);
      try {
        exports.push({
          ...new FileIndex(file, tree).exports(),
          installed: installedModuleName(pkg.sitePackages, file),
        });
      } finally {
        tree.delete();
      }
    }
  }
  return { packages, exports };
}

function readSmall(file: string): string | null {
  try {
    if (fs.statSync(file).size > MAX_FILE_BYTES) return null;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

// Which installed packages get a DJ019 warning at their imports: distributions indexed as DataJoint code
// (see index/installedIndex.ts) that the user's code imports, assessed apart from the user's workspace.
// Reads only; the packages' files are never changed.
import path from 'node:path';
import type { CodeEngine } from '../../engine';
import type { InstalledIndex } from '../../index/installedIndex';
import { normalizeName } from '../../index/sitePackages';
import { assessPackage, describeRisks, type PackageAssessment } from './assess';
import type { DependencyWarning } from './importRule';

export interface DependencyAssessments {
  /** By top-level import name, for `EngineOptions.dependencies` (only packages with something to say). */
  warnings: Record<string, DependencyWarning>;
  /** Every imported DataJoint package assessed, with its top-level names (for the report). */
  assessed: Array<PackageAssessment & { topLevel: string[]; message?: string }>;
}

/**
 * Assess the installed DataJoint packages whose top-level names are in `imported`. A package whose name is in `own`
 * (a folder or module of the project: the project is that package's own source, see `projectModuleNames`) is the user's code, not a
 * dependency: it is migrated, not warned about.
 */
export function assessDependencies(
  engine: CodeEngine,
  installed: InstalledIndex,
  imported: Set<string>,
  own: Set<string> = new Set(),
): DependencyAssessments {
  const out: DependencyAssessments = { warnings: {}, assessed: [] };
  const indexedFiles = new Set(installed.exports.map((e) => e.path));
  for (const pkg of installed.packages) {
    if (normalizeName(pkg.name) === 'datajoint' || !pkg.topLevel.some((t) => imported.has(t))) continue;
    if (pkg.topLevel.some((t) => own.has(t))) continue;
    const files = pkg.files.filter((f) => indexedFiles.has(f));
    if (!files.length) continue;
    // Its own index, seeded with the installed exports, so the package's tables resolve among themselves only.
    const apart = engine.isolated();
    for (const e of installed.exports) apart.workspace.set(e);
    const a = assessPackage(apart, { name: pkg.name, version: pkg.version || undefined, files });
    const message = describeRisks(a);
    out.assessed.push({ ...a, topLevel: pkg.topLevel, message });
    if (!message) continue;
    for (const t of pkg.topLevel) out.warnings[t] = { package: pkg.name, version: a.version, message };
  }
  return out;
}

/** Folder and module names of the project's files, relative to the root that holds each ('pkg/sub/mod.py' → pkg, sub, mod). */
export function projectModuleNames(files: string[], roots: string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const root = roots.find((r) => f === r || f.startsWith(r + path.sep));
    const rel = root ? path.relative(root, f) : path.basename(f);
    for (const part of rel.replace(/\.(pyw?|ipynb)$/, '').split(path.sep)) if (part) out.add(part);
  }
  return out;
}

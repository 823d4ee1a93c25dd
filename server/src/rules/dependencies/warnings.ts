// Which installed packages get a DJ019 warning at their imports: distributions indexed as DataJoint code
// (see index/installedIndex.ts) that the user's code imports, assessed apart from the user's workspace.
// Reads only; the packages' files are never changed.
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

/** Assess the installed DataJoint packages whose top-level names are in `imported`. */
export function assessDependencies(
  engine: CodeEngine,
  installed: InstalledIndex,
  imported: Set<string>,
): DependencyAssessments {
  const out: DependencyAssessments = { warnings: {}, assessed: [] };
  const indexedFiles = new Set(installed.exports.map((e) => e.path));
  for (const pkg of installed.packages) {
    if (normalizeName(pkg.name) === 'datajoint' || !pkg.topLevel.some((t) => imported.has(t))) continue;
    const files = pkg.files.filter((f) => indexedFiles.has(f));
    if (!files.length) continue;
    // Its own index, seeded with the installed exports, so the package's tables resolve among themselves only.
    const own = engine.isolated();
    for (const e of installed.exports) own.workspace.set(e);
    const a = assessPackage(own, { name: pkg.name, version: pkg.version || undefined, files });
    const message = describeRisks(a);
    out.assessed.push({ ...a, topLevel: pkg.topLevel, message });
    if (!message) continue;
    for (const t of pkg.topLevel) out.warnings[t] = { package: pkg.name, version: a.version, message };
  }
  return out;
}

// The report's "Dependencies" section: installed DataJoint packages the code imports that 2.x would mishandle
// or reject (DJ019), with their installed version, the counts, what to do, and where they are imported. The
// imports themselves are `remaining` items like any other.
import path from 'node:path';
import type { DependencyAssessments } from '../rules/dependencies/warnings';
import type { PackageRisks } from '../rules/dependencies/assess';
import { DEPENDENCY_NOT_READY } from '../rules/dependencies/importRule';
import { formatLocation } from './locations';
import type { MigrationReport, RemainingItem } from './migrationReport';

export interface DependencyEntry {
  package: string;
  version?: string;
  /** Top-level import names ('element_array_ephys'). */
  modules: string[];
  risks: PackageRisks;
  /** Every finding code in the package's files and its count. */
  byCode: Record<string, number>;
  /** Counts and what to do (the import warning's text). */
  advice: string;
  /** Where the analysed code imports it (DJ019 items of `remaining`). */
  imports: Array<Pick<RemainingItem, 'path' | 'line' | 'column' | 'cell'>>;
}

/** The packages with something to say, each with the imports found in `report.remaining`. */
export function dependencyEntries(deps: DependencyAssessments, report: MigrationReport): DependencyEntry[] {
  const items = report.remaining.filter((r) => r.code === DEPENDENCY_NOT_READY.code);
  return deps.assessed.flatMap((a) =>
    a.message
      ? [
          {
            package: a.name,
            version: a.version,
            modules: a.topLevel,
            risks: a.risks,
            byCode: a.byCode,
            advice: a.message,
            imports: items
              .filter((r) => a.topLevel.some((t) => r.message.startsWith(`\`${t}\``)))
              .map(({ path: p, line, column, cell }) => ({ path: p, line, column, ...(cell ? { cell } : {}) })),
          },
        ]
      : [],
  );
}

export function renderDependencies(entries: DependencyEntry[], root: string): string[] {
  if (!entries.length) return [];
  const rel = (p: string) => path.relative(root, p) || p;
  const lines = [
    '## Dependencies',
    '',
    'Installed DataJoint packages this code imports that DataJoint 2.x would mishandle or reject. Their files are',
    'read, never changed: upgrade each to a release made for DataJoint 2.x, or hold the migration until there is one.',
    '',
    '| package | version | bare longblob/blob (silent) | in-table attach | rejected declarations | dj.schema( at import | imported at |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const e of entries) {
    const at = e.imports.map((i) => formatLocation(rel(i.path), i)).join(', ') || '—';
    const r = e.risks;
    lines.push(
      `| ${e.package} | ${e.version ?? 'unknown'} | ${r.silentRawBytes} | ${r.inTableAttach} | ${r.rejected} | ${r.schemaAtImport} | ${at} |`,
    );
  }
  lines.push('');
  return lines;
}

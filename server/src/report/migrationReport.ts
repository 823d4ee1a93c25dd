// The code migration report: files changed, patterns replaced per rule, type updates, and what is left:
// items for a person (manual, unsafe, deferred to phase 2) and unverified ones (a changed API called on a
// receiver that could not be resolved, nor proven not DataJoint). Built from fix results; markdown or JSON.
import path from 'node:path';
import type { FixedFile } from '../project';
import { shownMessage, type RuleMeta, type Safety, type Severity } from '../rules/meta';
import { formatLocation, locator, type Location } from './locations';
import { dependencyEntries, renderDependencies, type DependencyEntry } from './dependencies';
import type { DependencyAssessments } from '../rules/dependencies/warnings';

export interface RemainingItem extends Location {
  path: string;
  code: string;
  message: string;
  severity: Severity;
  safety: Safety;
  phase: 1 | 2;
  /** unverified: receiver not resolved; deferred: a later phase; else why a person must act (manual/unsafe). */
  status: 'manual' | 'unsafe' | 'deferred' | 'unverified';
  unverified?: true;
  /** For unverified items: which receiver, e.g. "receiver not resolved: `self._ephys`". */
  reason?: string;
}

export interface ReportSummary {
  /** Fixes applied (or, for a dry run, that would be applied). */
  fixed: number;
  /** Remaining items that are not unverified: manual, unsafe or deferred. */
  leftForPerson: number;
  unverified: number;
  filesChanged: number;
}

export interface MigrationReport {
  summary: ReportSummary;
  filesScanned: number;
  filesChanged: string[];
  replacedByRule: Record<string, { title: string; count: number }>;
  typeUpdates: number;
  remaining: RemainingItem[];
  skipped: Array<{ path: string; reason: string }>;
  unconverged: string[];
  /** Installed DataJoint packages the code imports that 2.x would mishandle (their imports are DJ019 items). */
  dependencies: DependencyEntry[];
}

const TYPE_RULE = /^DJ1[0-2]\d$/;

export function buildReport(
  results: FixedFile[],
  metas: RuleMeta[],
  skipped: Array<{ path: string; reason: string }> = [],
  phase: 1 | 2 = 2,
  dependencies?: DependencyAssessments,
): MigrationReport {
  const titles = new Map(metas.map((m) => [m.code, m.title]));
  const report: MigrationReport = {
    summary: { fixed: 0, leftForPerson: 0, unverified: 0, filesChanged: 0 },
    filesScanned: results.length + skipped.length,
    filesChanged: [],
    replacedByRule: {},
    typeUpdates: 0,
    remaining: [],
    skipped,
    unconverged: [],
    dependencies: [],
  };
  for (const r of results) {
    if (r.after !== r.before || r.fileOps.length) report.filesChanged.push(r.path);
    if (!r.converged) report.unconverged.push(r.path);
    for (const f of r.applied) {
      const entry = (report.replacedByRule[f.code] ??= { title: titles.get(f.code) ?? f.message, count: 0 });
      entry.count++;
      if (TYPE_RULE.test(f.code)) report.typeUpdates++;
    }
    const locate = locator(r.path, r.after);
    for (const f of r.remaining) {
      const status = f.unverified
        ? 'unverified'
        : f.phase > phase
          ? 'deferred'
          : f.safety === 'safe'
            ? 'manual'
            : f.safety;
      report.remaining.push({
        path: r.path,
        code: f.code,
        message: f.message,
        severity: f.severity,
        safety: f.safety,
        phase: f.phase,
        status,
        ...(f.unverified ? { unverified: true as const, reason: f.reason } : {}),
        ...locate(f.start),
      });
    }
  }
  const unverified = report.remaining.filter((r) => r.unverified).length;
  report.summary = {
    fixed: Object.values(report.replacedByRule).reduce((a, b) => a + b.count, 0),
    leftForPerson: report.remaining.length - unverified,
    unverified,
    filesChanged: report.filesChanged.length,
  };
  report.remaining.sort(
    (a, b) => a.path.localeCompare(b.path) || (a.cell ?? 0) - (b.cell ?? 0) || a.line - b.line || a.column - b.column,
  );
  if (dependencies) report.dependencies = dependencyEntries(dependencies, report);
  return report;
}

export function renderMarkdown(report: MigrationReport, root = process.cwd()): string {
  const rel = (p: string) => path.relative(root, p) || p;
  const lines: string[] = ['# DataJoint 0.14.6 → 2.x code migration report', ''];
  const { summary } = report;
  lines.push(`- Files scanned: ${report.filesScanned}`);
  lines.push(`- Files changed: ${summary.filesChanged}`);
  lines.push(`- Fixed: ${summary.fixed} (type updates in definitions: ${report.typeUpdates})`);
  lines.push(`- Left for a person (manual, unsafe or deferred): ${summary.leftForPerson}`);
  lines.push(`- Unverified (receiver not resolved; check each by hand): ${summary.unverified}`);
  if (report.unconverged.length)
    lines.push(`- **Fixes did not converge** (please report): ${report.unconverged.map(rel).join(', ')}`);
  lines.push('');
  if (report.filesChanged.length) {
    lines.push('## Files changed', '', ...report.filesChanged.map((f) => `- ${rel(f)}`), '');
  }
  const codes = Object.keys(report.replacedByRule).sort();
  if (codes.length) {
    lines.push('## Replaced, per rule', '', '| rule | what | count |', '|---|---|---|');
    for (const c of codes)
      lines.push(
        `| ${c} | ${report.replacedByRule[c].title.replace(/\|/g, '\\|')} | ${report.replacedByRule[c].count} |`,
      );
    lines.push('');
  }
  lines.push(...renderDependencies(report.dependencies, root));
  if (report.remaining.length) {
    lines.push(
      '## Remaining (manual, unsafe, deferred or unverified)',
      '',
      '| location | rule | status | safety | message |',
      '|---|---|---|---|---|',
    );
    for (const r of report.remaining) {
      lines.push(
        `| ${formatLocation(rel(r.path), r)} | ${r.code} | ${r.status} | ${r.safety} | ${shownMessage(r).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
    }
    lines.push('');
  }
  if (report.skipped.length)
    lines.push('## Skipped files', '', ...report.skipped.map((s) => `- ${rel(s.path)}: ${s.reason}`), '');
  return lines.join('\n');
}

/** The report with every path relative to `cwd` (as `check` prints them), for JSON output. */
export function withRelativePaths(report: MigrationReport, cwd: string): MigrationReport {
  const rel = (p: string) => path.relative(cwd, p) || p;
  return {
    ...report,
    filesChanged: report.filesChanged.map(rel),
    remaining: report.remaining.map((r) => ({ ...r, path: rel(r.path) })),
    skipped: report.skipped.map((s) => ({ ...s, path: rel(s.path) })),
    unconverged: report.unconverged.map(rel),
    dependencies: report.dependencies.map((d) => ({
      ...d,
      imports: d.imports.map((i) => ({ ...i, path: rel(i.path) })),
    })),
  };
}

// The code migration report: files changed, patterns replaced per rule, type updates, and what is left
// for a person (manual items with locations). Built from fix results; rendered as markdown or JSON.
import path from 'node:path';
import type { FixedFile } from '../project';
import type { RuleMeta, Safety, Severity } from '../rules/meta';
import { formatLocation, locator, type Location } from './locations';

export interface RemainingItem extends Location {
  path: string;
  code: string;
  message: string;
  severity: Severity;
  safety: Safety;
  phase: 1 | 2;
}

export interface MigrationReport {
  filesScanned: number;
  filesChanged: string[];
  replacedByRule: Record<string, { title: string; count: number }>;
  typeUpdates: number;
  remaining: RemainingItem[];
  skipped: Array<{ path: string; reason: string }>;
  unconverged: string[];
}

const TYPE_RULE = /^DJ1[0-2]\d$/;

export function buildReport(
  results: FixedFile[],
  metas: RuleMeta[],
  skipped: Array<{ path: string; reason: string }> = [],
): MigrationReport {
  const titles = new Map(metas.map((m) => [m.code, m.title]));
  const report: MigrationReport = {
    filesScanned: results.length + skipped.length,
    filesChanged: [],
    replacedByRule: {},
    typeUpdates: 0,
    remaining: [],
    skipped,
    unconverged: [],
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
      report.remaining.push({
        path: r.path,
        code: f.code,
        message: f.message,
        severity: f.severity,
        safety: f.safety,
        phase: f.phase,
        ...locate(f.start),
      });
    }
  }
  report.remaining.sort(
    (a, b) => a.path.localeCompare(b.path) || (a.cell ?? 0) - (b.cell ?? 0) || a.line - b.line || a.column - b.column,
  );
  return report;
}

export function renderMarkdown(report: MigrationReport, root = process.cwd()): string {
  const rel = (p: string) => path.relative(root, p) || p;
  const lines: string[] = ['# DataJoint 0.14.6 → 2.x code migration report', ''];
  lines.push(`- Files scanned: ${report.filesScanned}`);
  lines.push(`- Files changed: ${report.filesChanged.length}`);
  lines.push(
    `- Patterns replaced: ${Object.values(report.replacedByRule).reduce((a, b) => a + b.count, 0)} (type updates in definitions: ${report.typeUpdates})`,
  );
  lines.push(`- Remaining items for a person: ${report.remaining.length}`);
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
  if (report.remaining.length) {
    lines.push(
      '## Remaining (manual, unsafe or deferred)',
      '',
      '| location | rule | severity | safety | message |',
      '|---|---|---|---|---|',
    );
    for (const r of report.remaining) {
      lines.push(
        `| ${formatLocation(rel(r.path), r)} | ${r.code} | ${r.severity} | ${r.safety} | ${r.message.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
    }
    lines.push('');
  }
  if (report.skipped.length)
    lines.push('## Skipped files', '', ...report.skipped.map((s) => `- ${rel(s.path)}: ${s.reason}`), '');
  return lines.join('\n');
}

// dj-migrate check: report findings; exit 1 when one at or above --fail-on remains.
import path from 'node:path';
import { parse, str, UsageError } from '../args';
import type { CliIO } from '../io';
import { CODE_OPTIONS, overridesFrom } from './options';
import { Project } from '../../../server/src/project';
import { formatLocation, locator } from '../../../server/src/report/locations';
import { shownMessage, type Severity } from '../../../server/src/rules/meta';
import { shownInPhase } from '../../../server/src/rules/context';
import { analyzeInParallel, defaultWorkers, PARALLEL_THRESHOLD } from '../../../server/src/parallel/pool';
import type { ProjectOverrides } from '../../../server/src/project';

/** Findings of every file under `paths`, on `jobs` threads when there are enough files to pay for them. */
export async function analyzePaths(paths: string[], overrides: ProjectOverrides, jobs: number) {
  const project = await Project.open(paths, overrides, { index: false });
  const parallel = jobs > 1 && project.files.length >= PARALLEL_THRESHOLD;
  if (!parallel) project.indexAll();
  const files = parallel ? await analyzeInParallel(project, jobs) : project.analyzeAll();
  return { project, files };
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export async function runCheck(argv: string[], io: CliIO): Promise<number> {
  const { positionals, flags } = parse(argv, {
    ...CODE_OPTIONS,
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    jobs: { type: 'string' },
  });
  const format = str(flags, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const failOn = (str(flags, 'fail-on') ?? 'warning') as Severity;
  if (!(failOn in RANK) || failOn === 'hint') throw new UsageError('--fail-on must be error, warning or info');
  const paths = positionals.length ? positionals : [io.cwd];
  const jobs = str(flags, 'jobs') === undefined ? defaultWorkers() : Number(str(flags, 'jobs'));
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a positive integer');
  const results = await analyzePaths(
    paths.map((p) => path.resolve(io.cwd, p)),
    overridesFrom(flags),
    jobs,
  );
  const project = results.project;
  const rows = results.files.flatMap((r) => {
    if (!r.text) return [];
    const locate = locator(r.path, r.text);
    return r.findings
      .filter((f) => shownInPhase(f, project.options.phase))
      .map((f) => {
        const loc = locate(f.start);
        const end = locate(f.end);
        return {
          path: path.relative(io.cwd, r.path) || r.path,
          ...loc,
          endLine: end.line,
          endColumn: end.column,
          code: f.code,
          severity: f.severity,
          safety: f.safety,
          phase: f.phase,
          message: f.message,
          fix: f.fix?.title ?? null,
          ...(f.unverified ? { unverified: true as const, reason: f.reason } : {}),
        };
      });
  });
  const failing = rows.filter((r) => RANK[r.severity] >= RANK[failOn]).length;
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          findings: rows,
          skipped: results.files
            .filter((r) => r.skipped)
            .map((r) => ({ path: path.relative(io.cwd, r.path) || r.path, reason: r.skipped })),
          context: { pin: project.pin, mode: project.options.mode, phase: project.options.phase },
        },
        null,
        2,
      ),
    );
  } else {
    for (const r of rows)
      io.out(`${formatLocation(r.path, r)}: ${r.code} ${r.severity} [${r.safety}] ${shownMessage(r)}`);
    for (const r of results.files) if (r.skipped) io.err(`skipped ${r.path}: ${r.skipped}`);
    const fixable = rows.filter((r) => r.fix && r.safety === 'safe').length;
    const unsafe = rows.filter((r) => r.fix && r.safety === 'unsafe').length;
    const unverified = rows.filter((r) => r.unverified).length;
    io.out(
      `${rows.length} finding(s) in ${results.files.length} file(s): ${fixable} fixable with \`dj-migrate fix\`${unsafe ? `, ${unsafe} more with --unsafe` : ''}${unverified ? `; ${unverified} unverified (receiver not resolved: check by hand)` : ''}.`,
    );
    if (project.options.mode === 'informational')
      io.out(
        `DataJoint is pinned to 0.14.x (${project.pin.file}): findings are informational. Update the pin on the migration branch or set migration-enabled.`,
      );
  }
  return failing > 0 ? 1 : 0;
}

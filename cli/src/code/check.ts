// dj-migrate check: report findings; exit 1 when one at or above --fail-on remains.
import path from 'node:path';
import { parse, str, UsageError } from '../args';
import type { CliIO } from '../io';
import { CODE_OPTIONS, overridesFrom } from './options';
import { Project } from '../../../server/src/project';
import { formatLocation, locator } from '../../../server/src/report/locations';
import { shownMessage, type Severity } from '../../../server/src/rules/meta';
import { shownInPhase } from '../../../server/src/rules/context';
import {
  analyzeInParallel,
  defaultWorkers,
  PARALLEL_THRESHOLD,
  startWorkers,
  threadsFor,
} from '../../../server/src/parallel/pool';
import type { FileResult, ProjectOverrides } from '../../../server/src/project';
import { listFiles } from '../../../server/src/files';
import { Timeline } from '../../../server/src/parallel/timeline';

/**
 * Findings of every file under `paths`, on `jobs` threads when there are enough files to pay for them. With
 * `each`, results are handed over one by one in file order and not collected (`files` is then empty).
 */
export async function analyzePaths(
  paths: string[],
  overrides: ProjectOverrides,
  jobs: number,
  each?: (r: FileResult, project: Project) => void,
) {
  const timeline = new Timeline('main');
  timeline.mark('start');
  const listed = listFiles(paths);
  timeline.mark('listed');
  // Several threads: the workers read the Python files; this thread reads only the dependency pins.
  const many = jobs > 1 && listed.length >= PARALLEL_THRESHOLD;
  // The workers load the parser while this thread opens the project (their start-up was the last to finish).
  const started = many ? startWorkers(threadsFor(jobs, listed.length) - 1) : [];
  let project: Project;
  try {
    project = await Project.open(paths, overrides, { index: false, readAll: !many, files: listed });
    timeline.mark('opened');
  } catch (e) {
    await Promise.all(started.map((w) => w.terminate()));
    throw e;
  }
  const one = each && ((r: FileResult) => each(r, project));
  if (!many) project.indexAndAnalyze();
  const files = many ? await analyzeInParallel(project, jobs, one, started, timeline) : project.analyzeAll(one);
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
  // Findings are printed (or, for JSON, kept as rows) file by file: no file's text or tree outlives its turn.
  const rows: Row[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  const counts = { rows: 0, failing: 0, fixable: 0, unsafe: 0, unverified: 0, files: 0 };
  const { project } = await analyzePaths(
    paths.map((p) => path.resolve(io.cwd, p)),
    overridesFrom(flags),
    jobs,
    (r, project) => {
      counts.files++;
      if (r.skipped) skipped.push({ path: r.path, reason: r.skipped });
      for (const row of rowsOf(r, project.options.phase, io.cwd)) {
        counts.rows++;
        if (RANK[row.severity] >= RANK[failOn]) counts.failing++;
        if (row.fix && row.safety === 'safe') counts.fixable++;
        if (row.fix && row.safety === 'unsafe') counts.unsafe++;
        if (row.unverified) counts.unverified++;
        if (format === 'json') rows.push(row);
        else
          io.out(`${formatLocation(row.path, row)}: ${row.code} ${row.severity} [${row.safety}] ${shownMessage(row)}`);
      }
    },
  );
  const failing = counts.failing;
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          findings: rows,
          skipped: skipped.map((r) => ({ path: path.relative(io.cwd, r.path) || r.path, reason: r.reason })),
          context: { pin: project.pin, mode: project.options.mode, phase: project.options.phase },
        },
        null,
        2,
      ),
    );
  } else {
    for (const r of skipped) io.err(`skipped ${r.path}: ${r.reason}`);
    const { fixable, unsafe, unverified } = counts;
    io.out(
      `${counts.rows} finding(s) in ${counts.files} file(s): ${fixable} fixable with \`dj-migrate fix\`${unsafe ? `, ${unsafe} more with --unsafe` : ''}${unverified ? `; ${unverified} unverified (receiver not resolved: check by hand)` : ''}.`,
    );
    if (project.options.mode === 'informational')
      io.out(
        `DataJoint is pinned to 0.x (${project.pin.spec ? `\`${project.pin.spec}\` in ` : ''}${project.pin.file}): findings are informational. Update the pin on the migration branch or set migration-enabled.`,
      );
  }
  return failing > 0 ? 1 : 0;
}

type Row = ReturnType<typeof rowsOf>[number];

/** The shown findings of one file, with line and column. */
function rowsOf(r: FileResult, phase: 1 | 2, cwd: string) {
  if (!r.text) return [];
  const locate = locator(r.path, r.text);
  return r.findings
    .filter((f) => shownInPhase(f, phase))
    .map((f) => {
      const loc = locate(f.start);
      const end = locate(f.end);
      return {
        path: path.relative(cwd, r.path) || r.path,
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
}

// dj-migrate report: what `fix` would change and what is left for a person, without writing anything.
import path from 'node:path';
import { parse, str, UsageError } from '../args';
import type { CliIO } from '../io';
import { CODE_OPTIONS, overridesFrom } from './options';
import { changedFiles, fixProject, skippedOf } from './fix';
import { allRuleMetas } from '../../../server/src/rules/registry';
import { buildReport, renderMarkdown, withRelativePaths } from '../../../server/src/report/migrationReport';

export async function runReport(argv: string[], io: CliIO): Promise<number> {
  const { positionals, flags } = parse(argv, {
    ...CODE_OPTIONS,
    unsafe: { type: 'boolean' },
    format: { type: 'string' },
  });
  const format = str(flags, 'format') ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new UsageError('--format must be markdown or json');
  const paths = (positionals.length ? positionals : [io.cwd]).map((p) => path.resolve(io.cwd, p));
  const { project, fixed } = await fixProject(paths, overridesFrom(flags), !!flags.unsafe);
  const report = buildReport(fixed, allRuleMetas(), skippedOf(project), project.options.phase, project.dependencies);
  report.filesChanged = changedFiles(fixed);
  report.summary.filesChanged = report.filesChanged.length;
  io.out(
    format === 'json' ? JSON.stringify(withRelativePaths(report, io.cwd), null, 2) : renderMarkdown(report, io.cwd),
  );
  return 0;
}

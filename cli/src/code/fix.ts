// dj-migrate fix: apply fixes until stable; --diff prints a unified diff instead of writing.
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { parse, UsageError } from '../args';
import type { CliIO } from '../io';
import { CODE_OPTIONS, overridesFrom } from './options';
import { Project, type FixedFile } from '../../../server/src/project';
import { allRuleMetas } from '../../../server/src/rules/registry';
import { buildReport } from '../../../server/src/report/migrationReport';
import { applyFileOps } from '../../../server/src/fix/fileOps';

export async function fixProject(
  paths: string[],
  overrides: Parameters<typeof Project.open>[1],
  unsafe: boolean,
): Promise<{ project: Project; fixed: FixedFile[] }> {
  const project = await Project.open(paths, overrides);
  const fixed: FixedFile[] = [];
  for (const file of project.files) {
    const text = project.texts.get(file);
    if (text === undefined) continue;
    fixed.push(project.fix(file, text, { unsafe }));
  }
  project.dispose();
  return { project, fixed };
}

export async function runFix(argv: string[], io: CliIO): Promise<number> {
  const { positionals, flags } = parse(argv, {
    ...CODE_OPTIONS,
    unsafe: { type: 'boolean' },
    diff: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  // Never the current folder by default: a rewrite happens only where it was asked for.
  if (!positionals.length) throw new UsageError('fix needs the paths to rewrite (use . for the current folder)');
  const paths = positionals.map((p) => path.resolve(io.cwd, p));
  const { project, fixed } = await fixProject(paths, overridesFrom(flags), !!flags.unsafe);
  const rel = (p: string) => path.relative(io.cwd, p) || p;
  for (const f of fixed) {
    if (f.after === f.before && !f.fileOps.length) continue;
    if (flags.diff) {
      if (f.after !== f.before)
        io.out(
          createTwoFilesPatch(`a/${rel(f.path)}`, `b/${rel(f.path)}`, f.before, f.after, '', '', {
            context: 3,
          }).replace(/^=+\n/, ''),
        );
      for (const line of applyFileOps(f.fileOps, { dryRun: true })) io.out(line);
    } else {
      if (f.after !== f.before) fs.writeFileSync(f.path, f.after);
      for (const line of applyFileOps(f.fileOps, { dryRun: false })) io.out(line);
    }
  }
  const report = buildReport(
    fixed,
    allRuleMetas(),
    [...project.skipped].map(([p, reason]) => ({ path: p, reason })),
  );
  if (!flags.quiet) {
    const applied = Object.values(report.replacedByRule).reduce((a, b) => a + b.count, 0);
    io.err(
      `${flags.diff ? 'Would change' : 'Changed'} ${report.filesChanged.length} file(s), ${applied} fix(es); ${report.remaining.length} item(s) remain (run \`dj-migrate report\` for the list).`,
    );
    if (report.unconverged.length) io.err(`fixes did not converge in: ${report.unconverged.map(rel).join(', ')}`);
  }
  return report.unconverged.length ? 2 : 0;
}

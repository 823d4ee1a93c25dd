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
import { addSchemaNameStrings } from '../../../server/src/report/schemaNameStrings';
import { applyFileOps } from '../../../server/src/fix/fileOps';
import { encodeSource, UTF8 } from '../../../server/src/python/encoding';

export async function fixProject(
  paths: string[],
  overrides: Parameters<typeof Project.open>[1],
  unsafe: boolean,
): Promise<{ project: Project; fixed: FixedFile[] }> {
  // project.fix parses each file again: trees kept from indexing would only take memory.
  const project = await Project.open(paths, overrides, { treeBudget: 0 });
  const fixed: FixedFile[] = [];
  for (const file of project.files) {
    const text = project.texts.get(file);
    if (text === undefined) continue;
    try {
      fixed.push(project.fix(file, text, { unsafe }));
    } catch (e) {
      // One file that cannot be fixed (e.g. a notebook whose structure a fix would break) never stops the rest.
      project.skipped.set(file, `not fixed: ${(e as Error).message}`);
    }
  }
  project.dispose();
  // Strings naming a schema the fixes suffixed: known only once every file is fixed (DJ132).
  await addSchemaNameStrings(fixed, project.options.finalize ? '' : project.options.schemaSuffix);
  return { project, fixed };
}

export function skippedOf(project: Project): Array<{ path: string; reason: string }> {
  return [...project.skipped].map(([p, reason]) => ({ path: p, reason }));
}

/** Files whose text would change or whose file operations would run (not those skipped as already done). */
export function changedFiles(fixed: FixedFile[]): string[] {
  return fixed
    .filter(
      (f) =>
        f.after !== f.before ||
        (f.fileOps.length > 0 && applyFileOps(f.fileOps, { dryRun: true }).some((l) => !l.startsWith('skipped'))),
    )
    .map((f) => f.path);
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
  const changed = new Set<string>();
  const written: FixedFile[] = [];
  for (const f of fixed) {
    if (f.after === f.before && !f.fileOps.length) {
      written.push(f);
      continue;
    }
    let bytes: Buffer | undefined;
    if (f.after !== f.before) {
      try {
        bytes = encodeSource(f.after, f.encoding ?? UTF8);
      } catch (e) {
        project.skipped.set(f.path, `not rewritten: ${(e as Error).message}`);
        continue;
      }
    }
    written.push(f);
    if (flags.diff) {
      if (bytes) {
        changed.add(f.path);
        io.out(
          createTwoFilesPatch(`a/${rel(f.path)}`, `b/${rel(f.path)}`, f.before, f.after, '', '', {
            context: 3,
          }).replace(/^=+\n/, ''),
        );
      }
      for (const line of applyFileOps(f.fileOps, { dryRun: true })) {
        io.out(line);
        if (!line.startsWith('skipped')) changed.add(f.path);
      }
    } else {
      if (bytes) {
        fs.writeFileSync(f.path, bytes);
        changed.add(f.path);
      }
      for (const line of applyFileOps(f.fileOps, { dryRun: false })) {
        io.out(line);
        if (!line.startsWith('skipped')) changed.add(f.path);
      }
    }
  }
  const report = buildReport(written, allRuleMetas(), skippedOf(project), project.options.phase);
  report.filesChanged = [...changed];
  report.summary.filesChanged = changed.size;
  for (const s of report.skipped) io.err(`skipped ${rel(s.path)}: ${s.reason}`);
  if (!flags.quiet) {
    const { summary } = report;
    io.err(
      `${flags.diff ? 'Would change' : 'Changed'} ${summary.filesChanged} file(s), ${summary.fixed} fix(es); left for a person: ${summary.leftForPerson}, unverified: ${summary.unverified} (run \`dj-migrate report\` for the list).`,
    );
    if (report.unconverged.length) io.err(`fixes did not converge in: ${report.unconverged.map(rel).join(', ')}`);
  }
  if (report.unconverged.length) return 2;
  return report.skipped.length ? 1 : 0;
}

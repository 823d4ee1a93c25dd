// dj-migrate db retire --schemas a,b,c [--old-suffix _old] [--backup-suffix S] [--dry-run] [--yes]
// Drop the <name>_old schemas left by a swap (client/src/db/retire.ts): only with a backup verified equal
// to them, after a confirmation naming them; store files are never deleted.
// Exit 0 retired (or dry run), 1 refused, 2 error.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { retireSchemas, type RetireReport } from '../../../client/src/db/retire';
import { withLockedDb } from './target';
import { confirmFrom } from './confirm';

export const summary = 'drop the <name>_old schemas after a swap (needs a verified backup; never deletes store files)';

const OPTIONS = { ...DB_OPTIONS, 'old-suffix': { type: 'string' }, 'backup-suffix': { type: 'string' } } as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('retire needs --schemas a,b,c (the production names)');
  const oldSuffix = str(flags, 'old-suffix') ?? '_old';
  return withLockedDb(
    flags,
    io,
    schemas.map((s) => s + oldSuffix),
    async (db) => {
      const report = await retireSchemas(db, {
        schemas,
        oldSuffix,
        backupSuffix: str(flags, 'backup-suffix'),
        dryRun: flags['dry-run'] === true,
        confirm: confirmFrom(flags, io),
        onProgress: (e) => io.err(`[${e.step}] ${e.message}`),
      });
      io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
      return report.status === 'refused' ? 1 : 0;
    },
  );
}

function render(r: RetireReport): string {
  const lines: string[] = [];
  if (r.status === 'refused') {
    lines.push('retire refused — nothing was dropped:');
    for (const why of r.refusals) lines.push(`  ✗ ${why}`);
  } else {
    if (r.status === 'dry-run') lines.push('-- dry run: nothing is dropped; these statements would run:');
    for (const b of r.backups)
      lines.push(`${r.status === 'dry-run' ? '-- ' : ''}backup verified: ${b.old} = ${b.backup}`);
    for (const s of r.statements) lines.push(s + ';');
    if (r.status === 'retired') lines.push(`dropped ${r.dropped.join(', ')}`);
  }
  for (const n of r.notes) lines.push(`${r.status === 'dry-run' ? '-- ' : ''}NOTE: ${n}`);
  return lines.join('\n');
}

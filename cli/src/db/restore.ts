// dj-migrate db restore --schemas a,b,c --backup-suffix _backup_YYYYMMDD [--dry-run] [--yes] [--json]
// Restore from backups without dropping anything first (client/src/db/restore.ts): clone the backup,
// verify it, then one atomic RENAME puts it in place; the replaced tables stay in <name>_before_restore.
// Exit 0 restored (or dry run), 1 refused, 2 error.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { restoreSchemas, type RestoreReport } from '../../../client/src/db/restore';
import { statementText } from '../../../client/src/db/rotation';
import { withLockedDb } from './target';
import { confirmFrom } from './confirm';

export const summary = 'restore schemas from their backups; nothing is dropped until the restored copy is verified';

const OPTIONS = { ...DB_OPTIONS, 'backup-suffix': { type: 'string' } } as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('restore needs --schemas a,b,c');
  const backupSuffix = str(flags, 'backup-suffix');
  if (!backupSuffix) throw new UsageError('restore needs --backup-suffix (e.g. _backup_20260101)');
  const writes = [...schemas, ...schemas.map((s) => s + backupSuffix)];
  return withLockedDb(flags, io, writes, async (db) => {
    const report = await restoreSchemas(db, {
      schemas,
      backupSuffix,
      dryRun: flags['dry-run'] === true,
      confirm: confirmFrom(flags, io),
      onProgress: (e) => io.err(`[${e.step}] ${e.message}`),
    });
    io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
    return report.status === 'refused' ? 1 : 0;
  });
}

function render(r: RestoreReport): string {
  const lines: string[] = [];
  if (r.status === 'refused') {
    lines.push('restore refused — production was not changed:');
    for (const why of r.refusals) lines.push(`  ✗ ${why}`);
  } else if (r.status === 'dry-run') {
    lines.push('-- dry run: nothing is changed.');
    for (const s of r.clone?.statements ?? []) lines.push(s + ';');
  } else {
    lines.push(`restored: ${r.rotation?.tables.length ?? 0} tables moved in one statement after the copy was verified`);
    for (const s of r.rotation?.statements ?? []) if (s.rename) lines.push(statementText(s).split('\n')[0] + ' …');
  }
  for (const n of r.notes) lines.push(`NOTE: ${n}`);
  return lines.join('\n');
}

// dj-migrate db backup --schemas a,b,c [--backup-suffix _backup_YYYYMMDD] [--to-file dump.sql] [--dry-run] [--json]
// A full copy of the schemas on the same server (client/src/db/backup.ts), verified equal before it is
// reported done; with --to-file, also (or, with --to-file only, instead: --no-server-copy) a SQL file the
// mysql client loads. Exit 0 verified, 1 not verified, 2 error.
import path from 'node:path';
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { backupSchemas, defaultBackupSuffix, type CloneReport } from '../../../client/src/db/backup';
import { writeDumpFile } from '../../../client/src/db/dumpFile';
import { withLockedDb, onInterrupt } from './target';

export const summary =
  'full verified copy of schemas on the server (<name>_backup_YYYYMMDD), and/or a SQL file (--to-file)';

const OPTIONS = {
  ...DB_OPTIONS,
  'backup-suffix': { type: 'string' },
  'to-file': { type: 'string' },
  'no-server-copy': { type: 'boolean' },
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('backup needs --schemas a,b,c');
  const suffix = str(flags, 'backup-suffix') ?? defaultBackupSuffix();
  const toFile = str(flags, 'to-file');
  const serverCopy = flags['no-server-copy'] !== true;
  if (!serverCopy && !toFile) throw new UsageError('--no-server-copy needs --to-file');
  const dryRun = flags['dry-run'] === true;
  const interrupt = onInterrupt();
  try {
    const writes = serverCopy ? schemas.map((s) => s + suffix) : [];
    return await withLockedDb(flags, io, writes, async (db) => {
      let code = 0;
      if (serverCopy) {
        const report = await backupSchemas(db, {
          schemas,
          suffix,
          dryRun,
          signal: interrupt.signal,
          onStatement: dryRun && !flags.json ? (sql) => io.out(sql + ';') : undefined,
          onProgress: (e) => e.step !== 'verify' || io.err(`verifying ${schemas.map((s) => s + suffix).join(', ')}`),
        });
        io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
        if (!dryRun && !report.verified) code = 1;
      }
      if (toFile) {
        const file = path.resolve(io.cwd, toFile);
        if (dryRun) io.out(`-- would write ${file}`);
        else {
          const dump = await writeDumpFile(db, { schemas, file, signal: interrupt.signal });
          io.out(
            `wrote ${file}: ${dump.tables.length} tables, ${dump.tables.reduce((a, t) => a + t.rows, 0)} rows, ${dump.bytes} bytes (load it with: mysql < ${path.basename(file)})`,
          );
        }
      }
      return code;
    });
  } finally {
    interrupt.dispose();
  }
}

function render(r: CloneReport): string {
  if (r.dryRun)
    return `-- dry run: ${r.statements.length} statements would copy ${r.pairs.map((p) => `${p.source} → ${p.target}`).join(', ')}, then verify the copy`;
  const lines = [
    `backup ${r.verified ? 'verified' : 'NOT VERIFIED'}: ${r.pairs.map((p) => `${p.source} → ${p.target}`).join(', ')}`,
  ];
  lines.push(
    `  ${r.tables.length} tables, ${r.tables.reduce((a, t) => a + t.rows, 0)} rows; compared ${r.compare?.tables.length ?? 0} tables, checked ${r.hidden.length} hidden tables`,
  );
  for (const p of r.problems) lines.push(`  ✗ ${p}`);
  if (r.verified)
    lines.push(
      `  restore with: dj-migrate db restore --schemas ${r.pairs.map((p) => p.source).join(',')} --backup-suffix ${r.pairs[0].target.slice(r.pairs[0].source.length)}`,
    );
  return lines.join('\n');
}

// dj-migrate db migrate-in-place --schema S (--backup [--backup-suffix _backup_YYYYMMDD] | --no-backup)
//   [--job-columns] [--relocate] [--adapter-kind table.column=blob ...] [--stores F] [--dry-run] [--yes] [--json]
// Make a 0.14.6 schema readable by 2.x where it is (client/src/db/inplace.ts). 0.14.6 clients cannot read
// it afterwards, so a verified backup is required unless --no-backup is given explicitly.
// Exit 0 migrated and verified (or dry run), 1 refused or verify failed, 2 error.
import type { CliIO } from '../io';
import { DB_OPTIONS, parse, str, UsageError } from '../args';
import { migrateInPlace, type InPlaceReport } from '../../../client/src/db/inplace';
import { defaultBackupSuffix } from '../../../client/src/db/backup';
import type { PointerKind } from '../../../client/src/db/pointers';
import { loadProjectSettings } from '../../../common/src/projectSettings';
import { withLockedDb, onInterrupt } from './target';
import { storesFromFlags } from './storeSettings';
import { confirmFrom } from './confirm';

export const summary =
  'migrate one 0.14.6 schema to 2.x where it is (relabel blobs, convert pointers, ~lineage); needs --backup or --no-backup';

const OPTIONS = {
  ...DB_OPTIONS,
  schema: { type: 'string' },
  backup: { type: 'boolean' },
  'no-backup': { type: 'boolean' },
  'backup-suffix': { type: 'string' },
  'job-columns': { type: 'boolean' },
  relocate: { type: 'boolean' },
  'adapter-kind': { type: 'string', multiple: true },
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schema =
    str(flags, 'schema') ??
    (typeof flags.schemas === 'string' && !flags.schemas.includes(',') ? flags.schemas : undefined);
  if (!schema) throw new UsageError('migrate-in-place works on one schema: --schema S');
  const dryRun = flags['dry-run'] === true;
  if (flags.backup === true && flags['no-backup'] === true)
    throw new UsageError('--backup and --no-backup contradict each other');
  if (!dryRun && flags.backup !== true && flags['no-backup'] !== true)
    throw new UsageError(
      'migrate-in-place changes the schema so that 0.14.6 can no longer read it: pass --backup (a verified copy is made first) or, if you have your own, --no-backup',
    );
  const adapterKinds: Record<string, PointerKind> = {};
  const raw = flags['adapter-kind'];
  for (const item of Array.isArray(raw) ? raw : []) {
    const m = /^([^=]+\.[^=]+)=(blob|attach|filepath)$/.exec(item);
    if (!m) throw new UsageError(`--adapter-kind ${item}: expected table.column=blob|attach|filepath`);
    adapterKinds[m[1]] = m[2] as PointerKind;
  }
  const unsigned = loadProjectSettings(io.cwd).unsignedIntegers;
  if (unsigned !== 'native')
    io.err(
      `note: in-place migration keeps integer column types as they are; the project's unsigned policy is "${unsigned}". ` +
        'Switch it to "native" (setting datajoint.migration.unsignedIntegers, or `dj-migrate fix --unsigned native`) so the code declares what the schema has.',
    );
  const { stores } = storesFromFlags(flags, io.cwd);
  const interrupt = onInterrupt();
  try {
    const backupSuffix = str(flags, 'backup-suffix') ?? defaultBackupSuffix();
    const writes = flags['no-backup'] === true ? [schema] : [schema, schema + backupSuffix];
    return await withLockedDb(flags, io, writes, async (db) => {
      const report = await migrateInPlace(db, {
        schema,
        stores,
        dryRun,
        adapterKinds,
        relocate: flags.relocate === true,
        jobColumns: flags['job-columns'] === true,
        backup: flags['no-backup'] === true ? 'none' : { suffix: backupSuffix },
        confirm: confirmFrom(flags, io),
        signal: interrupt.signal,
        onProgress: (e) => io.err(`[${e.step}] ${e.message}`),
      });
      io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
      if (report.status === 'refused') return 1;
      return report.verify && !report.verify.ok ? 1 : 0;
    });
  } finally {
    interrupt.dispose();
  }
}

function render(r: InPlaceReport): string {
  const lines: string[] = [];
  if (r.status === 'refused') {
    lines.push(`migrate-in-place refused — ${r.plan.schema} was not changed:`);
    for (const why of r.refusals) lines.push(`  ✗ ${why}`);
  } else if (r.status === 'dry-run') {
    lines.push(`-- dry run: nothing is changed. ${r.plan.schema} would get:`);
    for (const s of r.statements) lines.push(s.startsWith('--') ? s : s + ';');
  } else {
    const relabelled = r.plan.tables.reduce((a, t) => a + t.relabel.length, 0);
    lines.push(
      `${r.plan.schema} migrated in place: ${relabelled} column(s) relabelled, ${r.pointers.length} pointer column(s) converted, ~lineage ${r.plan.lineage.rows.length ? 'built' : 'unchanged'}`,
    );
    if (r.verify) lines.push(`verify: ${r.verify.ok ? 'pass' : 'FAIL'}`);
    for (const t of r.verify?.tables ?? [])
      if (t.status === 'fail') lines.push(`  ✗ ${t.schema}.${t.table}: ${t.reasons.join('; ')}`);
  }
  for (const n of r.notes) lines.push(`NOTE: ${n}`);
  return lines.join('\n');
}

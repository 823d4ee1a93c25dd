// dj-migrate db migrate-pointers --schemas a --table T --attribute A --source-store X [--dest-store Y]
//   [--relocate] [--stores F] [--dry-run] [--json] [--kind blob|attach|filepath  (adapter columns over a store)]
// Converts one 0.14.6 external column to 2.x JSON in place (client/src/db/migratePointers.ts).
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { connectionOptionsFrom, openDb } from '../../../client/src/db/connection';
import { withRunLock } from '../../../client/src/db/connect/lock';
import { migratePointers, MigrationAborted, type MigratePointersReport } from '../../../client/src/db/migratePointers';
import { PointerError } from '../../../client/src/db/pointers';
import { StoreObjectMissing } from '../../../client/src/db/stores';
import { storesFromFlags } from './storeSettings';
import { onInterrupt } from './target';

export const summary = 'convert one 0.14.6 blob@/attach@/filepath@ column to 2.x JSON in place';

const OPTIONS = {
  ...DB_OPTIONS,
  table: { type: 'string' },
  attribute: { type: 'string' },
  'source-store': { type: 'string' },
  'dest-store': { type: 'string' },
  relocate: { type: 'boolean' },
  kind: { type: 'string' },
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (schemas.length !== 1)
    throw new UsageError('migrate-pointers works on one table: pass --schemas with exactly one schema');
  const table = str(flags, 'table');
  const attribute = str(flags, 'attribute');
  const sourceStore = str(flags, 'source-store');
  if (!table || !attribute || !sourceStore)
    throw new UsageError('migrate-pointers needs --table, --attribute and --source-store');
  const { stores, file } = storesFromFlags(flags, io.cwd);
  if (!file)
    throw new UsageError('no store settings: pass --stores FILE (a dj_local_conf.json, datajoint.json or stores file)');
  const dryRun = flags['dry-run'] === true;
  const kind = str(flags, 'kind');
  if (kind !== undefined && kind !== 'blob' && kind !== 'attach' && kind !== 'filepath')
    throw new UsageError(`--kind ${kind}: expected blob, attach or filepath`);

  const db = await openDb(await connectionOptionsFrom(flags, io.env, io.promptSecret));
  const interrupt = onInterrupt();
  let lastShown = 0;
  try {
    const migrate = () =>
      migratePointers(db, {
        schema: schemas[0],
        table,
        attribute,
        sourceStore,
        destStore: str(flags, 'dest-store'),
        stores,
        relocate: flags.relocate === true,
        dryRun,
        adapterKind: kind,
        signal: interrupt.signal,
        onProgress: (e) => {
          if (flags.json || Date.now() - lastShown < 1000) return;
          lastShown = Date.now();
          io.err(
            `${e.table}: ${e.rows}/${e.total} rows${e.etaMs !== null ? `, ETA ${Math.ceil(e.etaMs / 1000)}s` : ''}`,
          );
        },
      });
    const report = dryRun ? await migrate() : await withRunLock(db, [schemas[0]], migrate);
    io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
    return 0;
  } catch (e) {
    // Verification failures and cancels: migratePointers has already put the table back as it was.
    if (e instanceof PointerError || e instanceof StoreObjectMissing || e instanceof MigrationAborted) {
      io.err(`not migrated: ${e.message}
The table is unchanged (the hidden column was removed; the foreign key was never dropped).`);
      return 1;
    }
    throw e;
  } finally {
    interrupt.dispose();
    await db.close();
  }
}

function render(r: MigratePointersReport): string {
  const head =
    r.status === 'already-migrated'
      ? `${r.table}.${r.attribute}: already migrated`
      : r.status === 'dry-run'
        ? `${r.table}.${r.attribute} (${r.kind}): dry run — ${r.rows} rows, ${r.objects} stored objects; nothing was changed`
        : `${r.table}.${r.attribute} (${r.kind}): migrated ${r.rows} rows, ${r.objects} stored objects, verified`;
  const parts = [head];
  if (r.sql.length)
    parts.push(
      `\n-- SQL${r.status === 'dry-run' ? ' that would run' : ' run'}:\n` +
        r.sql.map((s) => (s.startsWith('--') ? s : s + ';')).join('\n'),
    );
  if (r.fileOps.length)
    parts.push(
      `\nFile operations${r.status === 'dry-run' ? ' that would run' : ''}:\n` +
        r.fileOps.map((o) => '  ' + o).join('\n'),
    );
  if (r.notes.length) parts.push('\nNotes:\n' + r.notes.map((n) => '  - ' + n).join('\n'));
  return parts.join('\n');
}

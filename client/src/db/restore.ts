// `db restore`: bring schemas back from their backups (`<name><backup suffix>`) without ever dropping
// anything first (the library's `restore_schema` runs DROP DATABASE before copying, so a failed copy
// leaves production gone). The backup is cloned into `<name>_restoring`, the clone is verified equal to
// the backup, and only then one atomic RENAME TABLE (swap.ts) moves the current tables to
// `<name>_before_restore` and the restored ones to `<name>`. Nothing is dropped: the replaced tables
// stay in `<name>_before_restore` until the user retires them.
import type { Db } from './connection';
import { cloneSchemas, verifyClone, type CloneReport } from './backup';
import { alignForeignKeys, planRotation, runRotation, type RotationPlan, type SchemaMove } from './rotation';
import { describeBlocker, findBlockers, type Blocker } from './blockers';
import type { ConfirmRequest } from './swap';
import { checkIdentifier, DbInputError, q } from './sql';

export const RESTORING_SUFFIX = '_restoring';
export const REPLACED_SUFFIX = '_before_restore';

export interface RestoreOptions {
  schemas: string[];
  /** The backups are `<name><backupSuffix>`. */
  backupSuffix: string;
  dryRun?: boolean;
  confirm: (req: ConfirmRequest) => Promise<boolean>;
  lockWaitSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (e: { step: string; message: string }) => void;
}

export interface RestoreReport {
  status: 'restored' | 'refused' | 'dry-run';
  refusals: string[];
  blockers: Blocker[];
  /** The verified clone of the backups (absent in a dry run). */
  clone?: CloneReport;
  /** The rename that put the restored tables in place (statements listed in a dry run too). */
  rotation?: RotationPlan;
  /** After the rename: the restored schemas compared with the backups. */
  afterCheck?: Pick<CloneReport, 'verified' | 'problems'>;
  notes: string[];
}

export async function restoreSchemas(db: Db, opts: RestoreOptions): Promise<RestoreReport> {
  if (!opts.backupSuffix) throw new DbInputError('--backup-suffix is required (e.g. _backup_20260101)');
  const names = opts.schemas.map((s) => ({
    live: checkIdentifier(s, 'schema'),
    backup: checkIdentifier(s + opts.backupSuffix, 'backup schema'),
    staging: checkIdentifier(s + RESTORING_SUFFIX, 'staging schema'),
    replaced: checkIdentifier(s + REPLACED_SUFFIX, 'schema'),
  }));
  const progress = (step: string, message: string) => opts.onProgress?.({ step, message });
  const report: RestoreReport = { status: opts.dryRun ? 'dry-run' : 'refused', refusals: [], blockers: [], notes: [] };
  const refuse = (why: string[]): RestoreReport => {
    report.status = 'refused';
    report.refusals.push(...why);
    return report;
  };

  const all = names.flatMap((n) => [n.live, n.backup, n.staging, n.replaced]);
  const tables = await db.query<{ s: string; n: number | string }>(
    'SELECT s.SCHEMA_NAME AS s, COUNT(t.TABLE_NAME) AS n FROM information_schema.SCHEMATA s LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME WHERE s.SCHEMA_NAME IN (?) GROUP BY s.SCHEMA_NAME',
    [all],
  );
  const count = new Map(tables.map((r) => [r.s, Number(r.n)]));
  for (const n of names) {
    if (!count.get(n.backup)) report.refusals.push(`backup ${n.backup} does not exist or has no tables`);
    if (count.has(n.staging))
      report.refusals.push(
        `${n.staging} exists (left by an interrupted restore?); inspect it and drop it, then run again`,
      );
    if (count.get(n.replaced))
      report.refusals.push(`${n.replaced} already has tables (from an earlier restore); retire or rename it first`);
  }
  if (report.refusals.length) return refuse([]);
  const liveWithTables = names.filter((n) => count.get(n.live));
  const moves: SchemaMove[] = [
    ...liveWithTables.map((n) => ({ from: n.live, to: n.replaced })),
    ...names.map((n) => ({ from: n.staging, to: n.live })),
  ];

  if (opts.dryRun) {
    const clone = await cloneSchemas(
      db,
      names.map((n) => ({ source: n.backup, target: n.staging })),
      { dryRun: true },
    );
    report.clone = clone;
    report.notes.push(
      `would clone ${names.map((n) => `${n.backup} → ${n.staging}`).join(', ')} (${clone.statements.length} statements), verify the clone equals the backup, then in one RENAME TABLE move ` +
        `${liveWithTables.length ? liveWithTables.map((n) => `${n.live} → ${n.replaced}`).join(', ') + ' and ' : ''}${names.map((n) => `${n.staging} → ${n.live}`).join(', ')}; nothing is dropped`,
    );
    return report;
  }

  const ok = await opts.confirm({
    kind: 'restore',
    schemas: names.map((n) => n.live),
    question:
      `Restore ${names.map((n) => n.live).join(', ')} from ${names.map((n) => n.backup).join(', ')}? Every client must have stopped writing to them. ` +
      (liveWithTables.length
        ? `Their current tables move to ${liveWithTables.map((n) => n.replaced).join(', ')} (kept, not dropped).`
        : ''),
  });
  if (!ok) return refuse(['not confirmed; nothing was changed']);

  if (liveWithTables.length) {
    progress('blockers', 'looking for other sessions on these schemas');
    const b = await findBlockers(
      db,
      liveWithTables.map((n) => n.live),
    );
    report.notes.push(...b.notes);
    if (b.blockers.length) {
      report.blockers = b.blockers;
      return refuse(b.blockers.map(describeBlocker));
    }
  }

  progress('clone', `cloning ${names.map((n) => n.backup).join(', ')}`);
  const dropStaging = async () => {
    for (const n of names) await db.execute(`DROP DATABASE IF EXISTS ${q(n.staging)}`);
  };
  try {
    report.clone = await cloneSchemas(
      db,
      names.map((n) => ({ source: n.backup, target: n.staging })),
      {
        signal: opts.signal,
        onProgress: (e) => progress('clone', `${e.step} ${e.table} (${e.done}/${e.total})`),
      },
    );
  } catch (e) {
    // Only the staging copy this run created is dropped; production was not touched.
    await dropStaging();
    throw e;
  }
  if (!report.clone.verified) {
    await dropStaging();
    return refuse([
      'the copy of the backup is not equal to the backup; production was not touched:',
      ...report.clone.problems,
    ]);
  }

  progress('rename', 'moving the restored tables into place');
  const plan = await planRotation(db, moves);
  report.rotation = plan;
  if (plan.refusals.length)
    return refuse([...plan.refusals, `the verified copy is kept in ${names.map((n) => n.staging).join(', ')}`]);
  try {
    await runRotation(db, plan, opts.lockWaitSeconds);
  } catch (e) {
    const err = e as { code?: string; sqlMessage?: string; message: string };
    return refuse([
      `the rename failed as a whole, nothing was moved (${err.sqlMessage ?? err.message}); the verified copy is kept in ${names.map((n) => n.staging).join(', ')}`,
    ]);
  }
  // Keys follow their tables on both servers; checked anyway, as after a swap.
  const fk = await alignForeignKeys(db, [names.map((n) => n.live), names.map((n) => n.replaced)]);
  if (fk.fixes.length) report.notes.push(...fk.fixes.map((f) => `re-pointed ${f}`));
  for (const n of names) {
    const [left] = await db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [n.staging],
    );
    if (Number(left.n) === 0) await db.execute(`DROP DATABASE ${q(n.staging)}`); // empty: it only held the restored tables
  }
  report.afterCheck = await verifyClone(
    db,
    names.map((n) => ({ source: n.backup, target: n.live })),
  );
  if (!report.afterCheck.verified)
    report.notes.push('after the rename the restored schemas differ from the backups:', ...report.afterCheck.problems);
  report.status = 'restored';
  if (liveWithTables.length)
    report.notes.push(`the tables that were replaced are kept in ${liveWithTables.map((n) => n.replaced).join(', ')}`);
  return report;
}

// Restore from Backup (restore.ts): the backup is cloned into `<name>_restoring` and verified equal to
// it before one atomic RENAME TABLE puts it in place; the replaced tables are kept in
// `<name>_before_restore`. Nothing is dropped first (unlike the library's restore_schema).
import { restoreSchemas } from '../../db/restore';
import { statementText } from '../../db/rotation';
import type { ReportTable } from '../report';
import { confirmer, refusedResult } from './cutoverReport';
import type { Operation, OperationTarget } from './types';

function backupSuffix(target: OperationTarget): string {
  const s = target.cutover?.backupSuffix;
  if (!s) throw new Error('Restore needs the backup suffix (e.g. _backup_20260101): which backup to restore from');
  return s;
}

export const restoreOp: Operation = {
  kind: 'restore',
  title: 'Restore from Backup',
  writes: true,
  async plan(ctx, target) {
    const r = await restoreSchemas(ctx.db, {
      schemas: target.schemas,
      backupSuffix: backupSuffix(target),
      dryRun: true,
      confirm: async () => false,
    });
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      statements: [...(r.clone?.statements ?? []), ...(r.rotation?.statements.map(statementText) ?? [])],
      fileOps: [],
      notes: [
        ...r.refusals.map((why) => `REFUSED: ${why}`),
        ...r.notes,
        'The restored tables are put in place by one RENAME TABLE after the copy of the backup is verified; nothing is dropped.',
      ],
    };
  },
  async run(ctx, target, hooks) {
    const r = await restoreSchemas(ctx.db, {
      schemas: target.schemas,
      backupSuffix: backupSuffix(target),
      confirm: confirmer(hooks),
      signal: hooks.signal,
      onProgress: (e) => hooks.progress(`[${e.step}] ${e.message}`),
    });
    const where = ctx.db.describe();
    if (r.status === 'refused') return refusedResult('restore', this.title, where, target.schemas, r.refusals, r.notes);
    const verified = r.afterCheck?.verified ?? false;
    const tables: ReportTable[] = (r.clone?.tables ?? []).map((t) => ({
      table: t.source,
      target: t.target.replace(/_restoring$/, ''),
      status: 'restored',
      counts: { rows: t.rows },
      differences: [],
      differenceCount: 0,
    }));
    if (!verified)
      tables.push({
        table: 'after the rename',
        status: 'differs from the backup',
        counts: {},
        differences: (r.afterCheck?.problems ?? []).map((what) => ({ key: {}, what })),
        differenceCount: Math.max(1, r.afterCheck?.problems.length ?? 0),
      });
    return {
      kind: 'restore',
      title: this.title,
      where,
      targets: target.schemas,
      outcome: verified ? 'ok' : 'differences',
      summary: `Restored ${target.schemas.join(', ')} from ${target.schemas.map((s) => s + backupSuffix(target)).join(', ')}: ${r.rotation?.tables.length ?? 0} tables moved in one RENAME${verified ? ', equal to the backup' : '; NOT equal to the backup'}`,
      tables,
      notes: r.notes,
    };
  },
};

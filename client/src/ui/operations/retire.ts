// Retire Old Schemas (retire.ts): drop the `<name>_old` schemas a swap left behind — only with a backup
// verified equal to them right now, after a confirmation naming them; store files are never deleted.
import { retireSchemas } from '../../db/retire';
import type { ReportTable } from '../report';
import { confirmer, DEFAULT_OLD_SUFFIX, refusedResult, withDependents } from './cutoverReport';
import type { Operation, OperationContext } from './types';

/** The chosen schemas and those whose `_old` schemas have keys into theirs: old schemas are dropped together. */
async function schemasToRetire(ctx: OperationContext, schemas: string[], oldSuffix: string): Promise<string[]> {
  const olds = await withDependents(
    ctx.db,
    schemas.map((s) => s + oldSuffix),
  );
  return olds.filter((o) => o.endsWith(oldSuffix)).map((o) => o.slice(0, -oldSuffix.length));
}

export const retireOp: Operation = {
  kind: 'retire',
  title: 'Retire Old Schemas',
  writes: true,
  async plan(ctx, target) {
    const oldSuffix = target.cutover?.oldSuffix ?? DEFAULT_OLD_SUFFIX;
    const schemas = await schemasToRetire(ctx, target.schemas, oldSuffix);
    const r = await retireSchemas(ctx.db, {
      schemas,
      oldSuffix,
      backupSuffix: target.cutover?.backupSuffix,
      dryRun: true,
      confirm: async () => false,
    });
    const added = schemas.filter((s) => !target.schemas.includes(s)).map((s) => s + oldSuffix);
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: schemas.map((s) => s + oldSuffix),
      statements: r.statements,
      fileOps: [],
      notes: [
        ...(added.length
          ? [`Included because their tables have foreign keys into the old schemas: ${added.join(', ')}`]
          : []),
        ...r.refusals.map((why) => `REFUSED: ${why}`),
        ...r.backups.map((b) => `verified backup: ${b.old} = ${b.backup} (kept)`),
        ...r.notes,
        'Store files are never deleted: 2.x values may read the files 0.14.6 wrote, and the backups reference them too.',
      ],
    };
  },
  async run(ctx, target, hooks) {
    const oldSuffix = target.cutover?.oldSuffix ?? DEFAULT_OLD_SUFFIX;
    const schemas = await schemasToRetire(ctx, target.schemas, oldSuffix);
    const r = await retireSchemas(ctx.db, {
      schemas,
      oldSuffix,
      backupSuffix: target.cutover?.backupSuffix,
      confirm: confirmer(hooks),
      onProgress: (e) => hooks.progress(`[${e.step}] ${e.message}`),
    });
    const where = ctx.db.describe();
    if (r.status === 'refused') return refusedResult('retire', this.title, where, schemas, r.refusals, r.notes);
    const backupOf = new Map(r.backups.map((b) => [b.old, b.backup]));
    const tables: ReportTable[] = r.dropped.map((s) => ({
      table: s,
      target: backupOf.get(s),
      status: 'dropped (backup kept)',
      counts: {},
      differences: [],
      differenceCount: 0,
    }));
    return {
      kind: 'retire',
      title: this.title,
      where,
      targets: schemas,
      outcome: 'ok',
      summary: `Dropped ${r.dropped.join(', ')}; backups kept: ${r.backups.map((b) => b.backup).join(', ')}; no store file touched`,
      tables,
      notes: [`${r.sharedFiles} 2.x value(s) read files 0.14.6 wrote (kept)`, ...r.notes],
    };
  },
};

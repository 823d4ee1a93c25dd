// Migrate In Place (inplace.ts; the guide's option B now, option C in its earlier lettering): relabel blob and
// attach columns, convert in-store pointer columns, build a complete ~lineage — where the schema is. Numeric
// column types stay as they are, so the code's unsigned policy must be `native` on this path; 0.14.6 clients
// cannot read relabelled columns afterwards. A verified backup is taken first unless the user explicitly declines it.
import { defaultBackupSuffix } from '../../db/backup';
import { migrateInPlace, OLD_CLIENTS_WARNING, type InPlaceReport } from '../../db/inplace';
import type { DbUnsignedPolicy } from '../../db/ddl';
import { summarise, type ReportTable } from '../report';
import { confirmer, refusedResult } from './cutoverReport';
import type { Operation, OperationResult, OperationTarget } from './types';

/** Why the unsigned policy must change on this path (null when it is `native` already). */
export function unsignedPolicyNote(policy: DbUnsignedPolicy | string): string | null {
  return policy === 'native'
    ? null
    : `In-place migration keeps integer column types as they are, but datajoint.migration.unsignedIntegers is "${policy}": the migrated code would declare other types than the schema has. Switch it to "native".`;
}

function backupOf(target: OperationTarget): { suffix: string } | 'none' {
  return target.cutover?.backup === false ? 'none' : { suffix: target.cutover?.backupSuffix ?? defaultBackupSuffix() };
}

export function inPlaceTables(r: InPlaceReport): ReportTable[] {
  const failed = new Map<string, string[]>();
  for (const t of r.verify?.tables ?? []) if (t.status === 'fail') failed.set(t.table, t.reasons);
  return r.plan.tables
    .filter((t) => t.relabel.length || t.pointers.length || t.jobColumnsSql || failed.has(t.table))
    .map((t) => {
      const reasons = failed.get(t.table) ?? [];
      return {
        table: `${r.plan.schema}.${t.table}`,
        status: reasons.length ? 'verify failed' : r.status === 'dry-run' ? 'to migrate' : 'migrated',
        counts: { relabelled: t.relabel.length, 'pointer columns': t.pointers.length },
        differences: reasons.map((what) => ({ key: {}, what })),
        differenceCount: reasons.length,
      };
    });
}

export const inPlaceOp: Operation = {
  kind: 'in-place',
  title: 'Migrate In Place',
  writes: true,
  async plan(ctx, target) {
    const statements: string[] = [];
    const notes: string[] = [OLD_CLIENTS_WARNING];
    const policy = unsignedPolicyNote(ctx.policy);
    if (policy) notes.push(policy);
    const backup = backupOf(target);
    if (backup === 'none') notes.push('No backup will be made: you chose to rely on your own.');
    for (const schema of target.schemas) {
      const r = await migrateInPlace(ctx.db, {
        schema,
        stores: ctx.stores,
        backup,
        jobColumns: target.cutover?.jobColumns,
        dryRun: true,
        confirm: async () => false,
      });
      notes.push(
        ...r.refusals.map((why) => `REFUSED (${schema}): ${why}`),
        ...r.notes.filter((n) => n !== OLD_CLIENTS_WARNING),
      );
      statements.push(...r.statements);
    }
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements, fileOps: [], notes };
  },
  async run(ctx, target, hooks) {
    const where = ctx.db.describe();
    const tables: ReportTable[] = [];
    const notes: string[] = [];
    let verifyFailed = false;
    // One schema at a time; each is all-or-nothing per column, and a later schema is not started after a refusal.
    for (const schema of target.schemas) {
      const r = await migrateInPlace(ctx.db, {
        schema,
        stores: ctx.stores,
        backup: backupOf(target),
        jobColumns: target.cutover?.jobColumns,
        confirm: confirmer(hooks),
        signal: hooks.signal,
        onProgress: (e) => hooks.progress(`${schema} [${e.step}] ${e.message}`),
      });
      if (r.status === 'refused') {
        const refused: OperationResult = refusedResult('in-place', this.title, where, target.schemas, r.refusals, [
          ...notes,
          ...r.notes,
        ]);
        return { ...refused, tables: [...tables, ...refused.tables] };
      }
      tables.push(...inPlaceTables(r));
      if (r.verify && !r.verify.ok) verifyFailed = true;
      notes.push(...r.notes.map((n) => `${schema}: ${n}`));
      if (r.verify) notes.push(`${schema}: verify ${r.verify.ok ? 'passed' : 'FAILED'}`);
    }
    const policy = unsignedPolicyNote(ctx.policy);
    if (policy) notes.unshift(policy);
    const s = summarise('Migrated in place', tables);
    return {
      kind: 'in-place',
      title: this.title,
      where,
      targets: target.schemas,
      outcome: verifyFailed ? 'failed' : s.outcome,
      summary: `${s.summary}${verifyFailed ? '; verify FAILED' : '; verify passed'}`,
      tables,
      notes,
    };
  },
};

// Copy Data (copy.ts): a table, a tier, a schema or the pipeline, optionally a restriction closure.
import { tableKey } from '../../db/model';
import { introspect } from '../../db/introspect';
import { restrictionPlan } from '../../db/plan';
import { planCopy, runCopy, type CopyOptions } from '../../db/copy';
import { copyAcrossServers } from './crossServer';
import { keyText, summarise, type ReportTable } from '../report';
import { pairsFor, withReferences, type Operation, type OperationContext, type OperationTarget } from './types';

async function copyOptions(ctx: OperationContext, target: OperationTarget): Promise<CopyOptions> {
  const { all, selectedTables } = await withReferences(ctx.db, target.schemas);
  const referencesOthers = all.length > target.schemas.length;
  const opts: CopyOptions = {
    pairs: pairsFor(all, ctx.suffix),
    tables: target.tables ?? (referencesOthers ? selectedTables : undefined),
    tiers: target.tiers,
    stores: ctx.stores,
    statePath: ctx.statePath,
  };
  if (target.restriction) {
    const model = await introspect(ctx.db, target.schemas);
    const r = restrictionPlan(model, target.restriction);
    opts.filters = new Map(r.tables.map((t) => [tableKey(t.table), { sql: t.condition('s'), params: [] }]));
    opts.selection = `restrict ${target.restriction.table} where ${target.restriction.where}${target.restriction.limit ? ` limit ${target.restriction.limit}` : ''}`;
  }
  return opts;
}

export const copyData: Operation = {
  kind: 'copy',
  title: 'Copy Data',
  writes: true,
  async plan(ctx, target) {
    const opts = await copyOptions(ctx, target);
    if (ctx.target) {
      const r = await copyAcrossServers(ctx.db, ctx.target.connection, opts, true);
      return {
        title: this.title,
        where: `${ctx.db.describe()} → ${ctx.target.where}`,
        targets: target.schemas,
        statements: r.statements ?? [],
        fileOps: [],
        notes: r.notes,
      };
    }
    const statements: string[] = [];
    const fileOps: string[] = [];
    const plan = await planCopy(ctx.db, opts);
    await runCopy(ctx.db, plan, {
      ...opts,
      dryRun: true,
      statePath: null,
      onStatement: (s) => statements.push(s),
      onFileOp: (f) => fileOps.push(f),
    });
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      statements,
      fileOps,
      notes: plan.notes,
    };
  },
  async run(ctx, target, hooks) {
    const opts = await copyOptions(ctx, target);
    const seen = new Map<string, number>();
    let share = 100;
    const runOpts: CopyOptions = {
      ...opts,
      signal: hooks.signal,
      onFileOp: (op) => hooks.fileOp?.(op),
      onProgress: (e) => {
        const before = seen.get(e.table) ?? 0;
        const fraction = e.total ? Math.min(1, e.rows / e.total) : 1;
        seen.set(e.table, fraction);
        const objects = e.objects ? `, ${e.objects} objects (${(Number(e.objectBytes ?? 0) / 1e6).toFixed(1)} MB)` : '';
        hooks.progress(`${e.table}: ${e.rows}/${e.total} rows${objects}`, (fraction - before) * share);
      },
    };
    let report: Awaited<ReturnType<typeof runCopy>>;
    if (ctx.target) report = await copyAcrossServers(ctx.db, ctx.target.connection, runOpts, false);
    else {
      const plan = await planCopy(ctx.db, opts);
      share = 100 / Math.max(1, plan.tables.length);
      report = await runCopy(ctx.db, plan, runOpts);
    }
    const tables: ReportTable[] = report.tables.map((t) => ({
      table: t.source,
      target: t.target,
      status: t.status,
      counts: { 'source rows': t.total, inserted: t.rowsInserted, 'already present': t.rowsAlreadyPresent },
      differences: t.conflicts.map((c) => ({
        key: keyText(c.key),
        what: `conflict: ${c.columns.join(', ')} differ in the target (left alone)`,
      })),
      differenceCount: t.conflictCount,
      ...(t.error ? { error: t.error } : {}),
    }));
    const { outcome, summary } = summarise('Copied', tables, report);
    return {
      kind: 'copy',
      title: this.title,
      where: ctx.target ? `${ctx.db.describe()} → ${ctx.target.where}` : ctx.db.describe(),
      targets: target.schemas,
      outcome,
      summary,
      tables,
      notes: report.notes,
    };
  },
};

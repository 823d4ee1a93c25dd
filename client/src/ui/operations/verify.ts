// Verify 2.x Readiness (verify.ts): the parallel schemas as 2.x will read them, files included.
import { verifySchemas } from '../../db/verify';
import { summarise, type ReportTable } from '../report';
import { existingSchemas, type Operation } from './types';
import { verifyOnTarget } from './crossServer';

export const verify: Operation = {
  kind: 'verify',
  title: 'Verify 2.x Readiness',
  writes: false,
  async plan(ctx, target) {
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      statements: [],
      fileOps: [],
      readsOnly: true,
      notes: ['Reads the parallel schemas and the store files; nothing is written.'],
    };
  },
  async run(ctx, target, hooks) {
    const opts = {
      stores: ctx.stores,
      signal: hooks.signal,
      onProgress: (e: { table: string; rows: number; total: number }) =>
        hooks.progress(`${e.table}: ${e.rows}/${e.total}`),
    };
    let r: Awaited<ReturnType<typeof verifySchemas>>;
    // On another server the 2.x schemas carry the production names.
    if (ctx.target) r = await verifyOnTarget(ctx.target.connection, target.schemas, opts);
    else {
      // A production schema is verified through its parallel schema; a schema without one (already 2.x) as itself.
      const parallels = await existingSchemas(
        ctx.db,
        target.schemas.map((s) => s + ctx.suffix),
      );
      const names = target.schemas.map((s) => (parallels.has(s + ctx.suffix) ? s + ctx.suffix : s));
      r = await verifySchemas(ctx.db, names, opts);
    }
    const tables: ReportTable[] = r.tables.map((t) => ({
      table: `${t.schema}.${t.table}`,
      status: t.status === 'pass' ? 'ready' : 'not ready',
      counts: { 'values checked': t.checkedValues },
      differences: t.reasons.map((why) => ({ key: {}, what: why })),
      differenceCount: t.reasons.length,
    }));
    const notes = r.tables.flatMap((t) => t.notes.map((n) => `${t.schema}.${t.table}: ${n}`));
    const s = summarise('Verified', tables);
    const outcome = r.ok ? s.outcome : s.outcome === 'ok' ? 'differences' : s.outcome;
    // Reported under the production schemas (the workflow's unit); the table rows name the parallel ones.
    return {
      kind: 'verify',
      title: this.title,
      where: ctx.target ? ctx.target.where : ctx.db.describe(),
      targets: target.schemas,
      outcome,
      summary: s.summary,
      tables,
      notes,
    };
  },
};

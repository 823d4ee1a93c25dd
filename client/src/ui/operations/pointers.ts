// Migrate External Pointers (migratePointers.ts): every 0.14.6 in-store column left in the parallel schemas.
import { introspect } from '../../db/introspect';
import { migratePointers } from '../../db/migratePointers';
import { summarise, type ReportTable } from '../report';
import type { Operation, OperationContext, OperationTarget } from './types';

async function pointerColumns(ctx: OperationContext, target: OperationTarget) {
  const parallel = await introspect(
    ctx.db,
    target.schemas.map((s) => s + ctx.suffix),
  );
  const wanted = (schema: string, name: string) =>
    !target.tables?.length ||
    target.tables.some(
      (t) => t === name || t === `${schema.slice(0, -ctx.suffix.length)}.${name}` || t === `${schema}.${name}`,
    );
  return parallel.flatMap((s) =>
    s.tables
      .filter((t) => wanted(s.name, t.name))
      .flatMap((t) =>
        t.columns.flatMap((c) =>
          c.storage.form === 'pointer014'
            ? [{ schema: s.name, table: t.name, attribute: c.name, store: c.storage.store }]
            : [],
        ),
      ),
  );
}

export const migrateExternalPointers: Operation = {
  kind: 'pointers',
  title: 'Migrate External Pointers',
  writes: true,
  async plan(ctx, target) {
    const cols = await pointerColumns(ctx, target);
    const statements: string[] = [];
    const fileOps: string[] = [];
    const notes: string[] = cols.length
      ? []
      : ['No 0.14.6 in-store columns are left in the parallel schemas (Copy Data converts pointers as it copies).'];
    for (const c of cols) {
      const r = await migratePointers(ctx.db, {
        ...c,
        sourceStore: c.store,
        stores: ctx.stores,
        relocate: false,
        dryRun: true,
      });
      statements.push(...r.sql);
      fileOps.push(...r.fileOps);
      notes.push(...r.notes.map((n) => `${c.schema}.${c.table}.${c.attribute}: ${n}`));
    }
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements, fileOps, notes };
  },
  async run(ctx, target, hooks) {
    const cols = await pointerColumns(ctx, target);
    const tables: ReportTable[] = [];
    let cancelled = false;
    for (const c of cols) {
      if (hooks.signal.aborted) {
        cancelled = true;
        break;
      }
      try {
        const r = await migratePointers(ctx.db, {
          ...c,
          sourceStore: c.store,
          stores: ctx.stores,
          relocate: false,
          dryRun: false,
          signal: hooks.signal,
          onProgress: (e) => hooks.progress(`${e.table}.${c.attribute}: ${e.rows}/${e.total}`),
        });
        for (const op of r.fileOps) hooks.fileOp?.(op);
        tables.push({
          table: `${c.schema}.${c.table}`,
          status: `${c.attribute}: ${r.status}`,
          counts: { rows: r.rows, objects: r.objects },
          differences: [],
          differenceCount: 0,
        });
      } catch (e) {
        if (hooks.signal.aborted) {
          cancelled = true;
          break;
        }
        tables.push({
          table: `${c.schema}.${c.table}`,
          status: `${c.attribute}: failed`,
          counts: {},
          differences: [],
          differenceCount: 0,
          error: (e as Error).message,
        });
      }
    }
    const { outcome, summary } = summarise('Migrated pointers of', tables, { cancelled });
    return {
      kind: 'pointers',
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      outcome,
      summary,
      tables,
      notes: cols.length ? [] : ['No 0.14.6 in-store columns in the parallel schemas.'],
    };
  },
};

// Create Parallel Schema (parallel.ts). Schemas the selection references are passed along: the engine
// leaves their existing parallel tables as they are (reporting any that differ) and creates the rest.
import { createParallel, type CreateParallelReport } from '../../db/parallel';
import { createParallelPg } from '../../db/schema/pgParallel';
import { summarise, type ReportTable } from '../report';
import { withReferences, type Operation, type OperationContext } from './types';

type EngineOptions = Parameters<typeof createParallel>[1];

/** The engine for where the 2.x schemas go: this server, another MySQL/MariaDB server, or PostgreSQL. */
export function createParallelOn(ctx: OperationContext, opts: EngineOptions): Promise<CreateParallelReport> {
  const t = ctx.target?.connection;
  if (!t) return createParallel(ctx.db, opts);
  const elsewhere = { ...opts, allowSameNames: true };
  return t.dialect === 'postgresql'
    ? createParallelPg(ctx.db, t.db, elsewhere)
    : createParallel(ctx.db, elsewhere, t.db);
}

function whereOf(ctx: OperationContext): string {
  return ctx.target ? `${ctx.db.describe()} → ${ctx.target.where}` : ctx.db.describe();
}

/**
 * The engine's lists name what they hold (`schema x`, `table x.t`, `x.~lineage (4 rows)`): tables become
 * report rows (production name, parallel name), the rest notes. Only the selected schemas are listed.
 */
function parallelReport(
  r: CreateParallelReport,
  selected: readonly string[],
): { tables: ReportTable[]; notes: string[] } {
  const sourceOf = new Map(r.pairs.filter((p) => selected.includes(p.source)).map((p) => [p.target, p.source]));
  const tables: ReportTable[] = [];
  const notes: string[] = [];
  const add = (entries: readonly string[], status: string) => {
    for (const e of entries) {
      const m = /^table (([^.]+)\.(.+))$/.exec(e);
      const source = m && sourceOf.get(m[2]);
      if (m && source)
        tables.push({
          table: `${source}.${m[3]}`,
          target: m[1],
          status,
          counts: {},
          differences: [],
          differenceCount: 0,
        });
      else if ([...sourceOf.keys()].some((t) => e.includes(t))) notes.push(`${status}: ${e}`);
    }
  };
  add(r.created, r.dryRun ? 'to create' : 'created');
  add(r.unchanged, 'already as expected');
  // Existing objects that differ are reported, never altered: they are the report's differences.
  if (r.differences.length)
    tables.push({
      table: 'existing objects',
      status: 'differ (left as they are)',
      counts: {},
      differences: r.differences.map((what) => ({ key: {}, what })),
      differenceCount: r.differences.length,
    });
  return { tables, notes: [...notes, ...r.notes] };
}

export const createParallelOp: Operation = {
  kind: 'create-parallel',
  title: 'Create Parallel Schema',
  writes: true,
  async plan(ctx, target) {
    const { all } = await withReferences(ctx.db, target.schemas);
    const r = await createParallelOn(ctx, { schemas: all, suffix: ctx.suffix, unsigned: ctx.policy, dryRun: true });
    return {
      title: this.title,
      where: whereOf(ctx),
      targets: target.schemas,
      statements: r.statements,
      fileOps: [],
      notes: [
        ...(all.length > target.schemas.length
          ? [
              `Referenced schemas included (their existing parallel tables are checked, not changed): ${all.filter((a) => !target.schemas.includes(a)).join(', ')}`,
            ]
          : []),
        ...r.differences.map((d) => `differs, left as it is: ${d}`),
        ...r.notes,
      ],
    };
  },
  async run(ctx, target, hooks) {
    const { all } = await withReferences(ctx.db, target.schemas);
    let n = 0;
    let report: CreateParallelReport;
    let cancelled = false;
    try {
      report = await createParallelOn(ctx, {
        schemas: all,
        suffix: ctx.suffix,
        unsigned: ctx.policy,
        signal: hooks.signal,
        onStatement: (sql) => hooks.progress(`${++n}: ${sql.split('\n')[0].slice(0, 90)}`),
      });
    } catch (e) {
      if (!hooks.signal.aborted) throw e;
      cancelled = true;
      report = { pairs: [], statements: [], created: [], unchanged: [], differences: [], notes: [], dryRun: false };
    }
    const { tables, notes } = parallelReport(report, target.schemas);
    const s = summarise('Declared', tables, { cancelled });
    return {
      kind: 'create-parallel',
      title: this.title,
      where: whereOf(ctx),
      targets: target.schemas,
      outcome: s.outcome,
      summary: s.summary,
      tables,
      notes,
    };
  },
};

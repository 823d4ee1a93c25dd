// Swap (cut over) and its roll back (swap.ts): production tables move to `<name>_old` and the 2.x tables
// of `<name><suffix>` take the production names in one atomic RENAME TABLE. Before the freeze question:
// a catch-up copy, per-chunk checksums, a compare with zero differences and a passing verify; the question
// gives the expected frozen time. After the user confirms writes are frozen: no other session may hold the
// tables, and only the chunks that changed since are copied and compared (the report gives the actual
// frozen time, its parts, and any table that needed a full re-check). Swap and Finalize Schema Names go together: afterwards the code must
// use the production names again.
import { swapSchemas, unswapSchemas, type SwapReport } from '../../db/swap';
import { statementText } from '../../db/rotation';
import type { ReportTable } from '../report';
import { confirmer, DEFAULT_OLD_SUFFIX, refusedResult, withDependents } from './cutoverReport';
import type { Operation, OperationContext, OperationResult, OperationTarget } from './types';

export const FINALIZE_NOTE =
  'Swap and Finalize Schema Names go together: after a swap the code must use the production names again. Run "DataJoint: Finalize Schema Names" (it removes the parallel-schema suffix from dj.Schema names in the workspace).';

type Direction = 'swap' | 'unswap';

/** The production schemas to move: the chosen ones and every schema with foreign keys into them. */
async function schemasToMove(
  ctx: OperationContext,
  target: OperationTarget,
): Promise<{ schemas: string[]; added: string[] }> {
  const schemas = await withDependents(ctx.db, target.schemas);
  return { schemas, added: schemas.filter((s) => !target.schemas.includes(s)) };
}

function oldSuffixOf(target: OperationTarget): string {
  return target.cutover?.oldSuffix ?? DEFAULT_OLD_SUFFIX;
}

/** The dry run as plan lines: the catch-up copy's statements (carried in a note) become statements. */
export function swapPlanParts(r: SwapReport): { statements: string[]; notes: string[] } {
  const statements: string[] = [];
  const notes: string[] = r.refusals.map((why) => `REFUSED: ${why}`);
  for (const n of r.notes) {
    const [first, ...rest] = n.split('\n');
    notes.push(first);
    statements.push(...rest.filter((l) => l.trim()));
  }
  statements.push(...r.plan.statements.map((s) => `-- ${s.purpose}\n${statementText(s)}`));
  return { statements, notes };
}

/** A finished swap or unswap as the UI's report: one row per schema move, then the checks it passed. */
export function swapResult(r: SwapReport, title: string, where: string, targets: string[]): OperationResult {
  if (r.status === 'refused') return refusedResult(r.direction, title, where, targets, r.refusals, r.notes);
  const perMove = new Map<string, number>();
  for (const t of r.plan.tables)
    perMove.set(`${t.fromSchema}\u0000${t.toSchema}`, (perMove.get(`${t.fromSchema}\u0000${t.toSchema}`) ?? 0) + 1);
  const tables: ReportTable[] = r.plan.moves.map((m) => ({
    table: m.from,
    target: m.to,
    status: 'moved',
    counts: { tables: perMove.get(`${m.from}\u0000${m.to}`) ?? 0 },
    differences: [],
    differenceCount: 0,
  }));
  const notes: string[] = [];
  if (r.catchUp)
    notes.push(`catch-up copy: ${r.catchUp.tables.reduce((a, t) => a + t.rowsInserted, 0)} row(s) inserted`);
  if (r.compare)
    notes.push(
      `compare before the freeze: ${r.compare.tables.length} tables, ${r.compare.tables.reduce((a, t) => a + t.matched, 0)} rows matched, ${r.compare.equal ? '0 differences' : 'differences accepted'}`,
    );
  if (r.verify) notes.push(`verify: ${r.verify.ok ? 'passed' : 'FAILED'}`);
  notes.push(...(r.blockers.length ? [] : ['no other session held or waited on these tables']));
  notes.push(...r.foreignKeyFixes.map((f) => `re-pointed ${f}`), ...r.notes);
  if (r.direction === 'swap') notes.unshift(FINALIZE_NOTE);
  const moved = r.plan.tables.length;
  const summary =
    r.direction === 'swap'
      ? `Swapped ${targets.join(', ')}: ${moved} tables moved in one RENAME; production tables are in ${targets.map((s) => s + r.plan.moves.find((m) => m.from === s)?.to.slice(s.length)).join(', ')}`
      : `Rolled back ${targets.join(', ')}: ${moved} tables moved in one RENAME; 0.14.6 tables are back in ${targets.join(', ')}`;
  return { kind: r.direction, title, where, targets, outcome: 'ok', summary, tables, notes };
}

function cutOverOperation(direction: Direction, title: string): Operation {
  const engine = direction === 'swap' ? swapSchemas : unswapSchemas;
  return {
    kind: direction,
    title,
    writes: true,
    async plan(ctx, target) {
      const { schemas, added } = await schemasToMove(ctx, target);
      const r = await engine(ctx.db, {
        schemas,
        suffix: ctx.suffix,
        oldSuffix: oldSuffixOf(target),
        stores: ctx.stores,
        dryRun: true,
        confirm: async () => false,
      });
      const parts = swapPlanParts(r);
      return {
        title: this.title,
        where: ctx.db.describe(),
        targets: schemas,
        statements: parts.statements,
        fileOps: [],
        notes: [
          ...(added.length
            ? [
                `Included because their tables have foreign keys into ${target.schemas.join(', ')} (a swap moves them together): ${added.join(', ')}`,
              ]
            : []),
          ...parts.notes,
          ...(direction === 'swap'
            ? [FINALIZE_NOTE]
            : [
                'Afterwards 0.14.6 code works with the production names again; 2.x code that uses the suffix reads the parallel schemas.',
              ]),
        ],
      };
    },
    async run(ctx, target, hooks) {
      const { schemas } = await schemasToMove(ctx, target);
      const r = await engine(ctx.db, {
        schemas,
        suffix: ctx.suffix,
        oldSuffix: oldSuffixOf(target),
        stores: ctx.stores,
        confirm: confirmer(hooks),
        signal: hooks.signal,
        onProgress: (e) => hooks.progress(`[${e.step}] ${e.message}`),
      });
      return swapResult(r, this.title, ctx.db.describe(), schemas);
    },
  };
}

export const swapOp = cutOverOperation('swap', 'Swap (Cut Over)');
export const unswapOp = cutOverOperation('unswap', 'Unswap (Roll Back)');

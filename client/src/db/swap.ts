// `db swap` / `db unswap` (the guide's cut-over "Option A", done right). MySQL cannot rename a database,
// so a cut-over moves tables: every table of each production schema `a` goes to `a<old>`, and every table
// of `a<suffix>` goes to `a`, in ONE `RENAME TABLE` statement (atomic: all or nothing, and the server
// refuses it as a whole on any error). Foreign keys follow the tables they point at (InnoDB on MariaDB
// and MySQL 8 both update the children of a renamed parent), so afterwards each side's keys point at
// their own side's schemas; that is checked after the rename and repaired if a server ever did otherwise.
//
// Two phases (cutover/freeze.ts). Before asking anything, with writes still running: the catch-up copy,
// per-chunk checksums and change indicators of the tables whose writes will be frozen, the full compare
// (rows changed since the copy are brought level and compared again) and verify. Then the user confirms
// writes are frozen; no other session may hold or wait on the tables (metadata locks where the server
// exposes them, open transactions, the process list); only tables whose indicator moved are re-summed, and
// only their changed chunks copied and compared; a last check that nothing was written since the freeze
// began; no triggers or views that a cross-database rename breaks. The rename itself runs with a short
// lock_wait_timeout: a session that sneaks in makes it fail as a whole, never hang.
//
// Moving the tables is rotation.ts (shared with `db restore`); finding other sessions is blockers.ts.
import type { Db } from './connection';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { copy, type CopyReport } from './copy';
import type { CompareReport } from './compare';
import { verifySchemas, type VerifyReport } from './verify';
import type { StoreMap } from './stores';
import { checkIdentifier, DbInputError } from './sql';
import { alignForeignKeys, planRotation, runRotation, type RotationPlan, type SchemaMove } from './rotation';
import {
  changedSinceFreeze,
  type CutoverContext,
  describeFreeze,
  type FreezeReport,
  freezePass,
  preFreezePass,
} from './cutover/freeze';
import { describeBlocker, findBlockers, type Blocker } from './blockers';

export type SwapStep =
  | 'plan'
  | 'confirm'
  | 'blockers'
  | 'catch-up'
  | 'checksums'
  | 'compare'
  | 'delta'
  | 'verify'
  | 'recheck'
  | 'rename'
  | 'foreign-keys';

export interface SwapProgress {
  step: SwapStep;
  message: string;
}

/** What the UI shows in its confirmation: the schemas by name, and what will happen to them. */
export interface ConfirmRequest {
  kind: 'freeze' | 'drop' | 'restore' | 'in-place';
  schemas: string[];
  question: string;
}

export interface SwapOptions {
  /** Production schema names (the names the code uses once finalized). */
  schemas: string[];
  /** The parallel 2.x schemas are `<name><suffix>` (default `_v2`). */
  suffix: string;
  /** Production tables move to `<name><oldSuffix>` (default `_old`). */
  oldSuffix: string;
  /** Store settings, for the catch-up copy of in-store columns and for verify's file checks. */
  stores: StoreMap;
  /** Float tolerance for the fresh compare. */
  tolerance?: number;
  /** `--sample N` for verify's file checks (default: every value). */
  sample?: number;
  dryRun?: boolean;
  /** Asked once, after the plan is valid and before anything is written: writes to production are frozen? */
  confirm: (req: ConfirmRequest) => Promise<boolean>;
  /** Seconds the rename waits for a metadata lock before it fails as a whole (default 5). */
  lockWaitSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (e: SwapProgress) => void;
  /** Test seam: runs right after the delta compare during the freeze (e.g. to write a row "too late"). */
  afterCompare?: () => Promise<void>;
}

export interface SwapReport {
  status: 'swapped' | 'refused' | 'dry-run';
  direction: 'swap' | 'unswap';
  /** Why nothing was moved (status `refused`). */
  refusals: string[];
  plan: RotationPlan;
  blockers: Blocker[];
  catchUp?: CopyReport;
  compare?: CompareReport;
  verify?: VerifyReport;
  /** The two phases: what was verified before the freeze, the expected and the actual frozen time. */
  freeze?: FreezeReport;
  /** Foreign keys that pointed at the other side after the rename, and were re-pointed. */
  foreignKeyFixes: string[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------
// Swap and unswap.

export function swapNames(
  schemas: string[],
  suffix: string,
  oldSuffix: string,
): { production: string; parallel: string; old: string }[] {
  if (!schemas.length) throw new DbInputError('no schemas given (use --schemas a,b,c)');
  if (!suffix) throw new DbInputError('the schema suffix is empty (use --suffix _v2)');
  if (!oldSuffix) throw new DbInputError('the old-schema suffix is empty (use --old-suffix _old)');
  if (suffix === oldSuffix) throw new DbInputError(`--suffix and --old-suffix are both ${suffix}`);
  return schemas.map((s) => ({
    production: checkIdentifier(s, 'schema'),
    parallel: checkIdentifier(s + suffix, 'parallel schema'),
    old: checkIdentifier(s + oldSuffix, 'old schema'),
  }));
}

/** Schemas in dependency order (parents first) — the order compare and messages use. */
async function ordered(db: Db, schemas: string[]): Promise<string[]> {
  const found = await introspect(db, schemas);
  const order: string[] = [];
  for (const t of dependencyOrder(found)) if (!order.includes(t.schema)) order.push(t.schema);
  for (const s of schemas) if (!order.includes(s)) order.push(s);
  return order;
}

/** Cut over: production tables to `<name><oldSuffix>`, parallel tables to `<name>`, in one statement. */
export async function swapSchemas(db: Db, opts: SwapOptions): Promise<SwapReport> {
  const names = swapNames(opts.schemas, opts.suffix, opts.oldSuffix);
  return cutOver(
    db,
    opts,
    'swap',
    names.map((n) => ({ live: n.production, incoming: n.parallel, parked: n.old })),
  );
}

export interface UnswapOptions extends Omit<SwapOptions, 'afterCompare'> {
  /** Roll back even when the 2.x tables now hold rows the old tables lack (they stay in `<name><suffix>`). */
  acceptDifferences?: boolean;
}

/** Roll a swap back: `<name>` (2.x) to `<name><suffix>`, `<name><oldSuffix>` to `<name>`, in one statement. */
export async function unswapSchemas(db: Db, opts: UnswapOptions): Promise<SwapReport> {
  const names = swapNames(opts.schemas, opts.suffix, opts.oldSuffix);
  return cutOver(
    db,
    opts,
    'unswap',
    names.map((n) => ({ live: n.production, incoming: n.old, parked: n.parallel })),
  );
}

interface Roles {
  /** The name the code uses: its tables leave, the incoming tables arrive. */
  live: string;
  incoming: string;
  /** Where the live tables go. */
  parked: string;
}

async function cutOver(
  db: Db,
  opts: SwapOptions & { acceptDifferences?: boolean },
  direction: 'swap' | 'unswap',
  roles: Roles[],
): Promise<SwapReport> {
  const progress = (step: SwapStep, message: string) => opts.onProgress?.({ step, message });
  const moves: SchemaMove[] = roles.flatMap((r) => [
    { from: r.live, to: r.parked },
    { from: r.incoming, to: r.live },
  ]);
  progress('plan', 'checking names, triggers, views and foreign keys');
  const planStarted = Date.now();
  const plan = await planRotation(db, moves);
  const planMs = Date.now() - planStarted;
  const report: SwapReport = {
    status: opts.dryRun ? 'dry-run' : 'refused',
    direction,
    refusals: [...plan.refusals],
    plan,
    blockers: [],
    foreignKeyFixes: [],
    notes: [],
  };
  const refuse = (why: string[]): SwapReport => {
    report.status = 'refused';
    report.refusals.push(...why);
    return report;
  };
  if (report.refusals.length) return refuse([]);

  const lives = roles.map((r) => r.live);
  const incomings = roles.map((r) => r.incoming);
  const parkeds = roles.map((r) => r.parked);
  // Swap: production is 0.14.6 and the parallel schemas are the candidates. Unswap: the old tables are
  // the production of record and the live 2.x tables are compared against them.
  const prodSchemas = direction === 'swap' ? await ordered(db, lives) : await ordered(db, incomings);
  const testOf = new Map(roles.map((r) => (direction === 'swap' ? [r.live, r.incoming] : [r.incoming, r.live])));
  const pairs = prodSchemas.map((s) => ({ source: s, target: testOf.get(s) as string }));

  if (opts.dryRun) {
    report.notes.push(
      direction === 'swap'
        ? `would, before asking anything: copy rows added since the copy, take per-chunk checksums and change indicators of ${lives.join(', ')}, compare ${pairs.map((p) => `${p.source}→${p.target}`).join(', ')}, bring rows changed since the copy level and verify ${incomings.join(', ')}; then ask to confirm that writes to ${lives.join(', ')} are frozen, check for other sessions, copy and compare only the chunks that changed, then run:`
        : `would, before asking anything: take per-chunk checksums and change indicators of ${lives.join(', ')} and compare ${pairs.map((p) => `${p.source}→${p.target}`).join(', ')}; then ask to confirm that writes to ${lives.join(', ')} are frozen, check for other sessions, compare only the chunks that changed, then run:`,
    );
    if (direction === 'swap') {
      const statements: string[] = [];
      report.catchUp = await copy(db, {
        pairs,
        stores: opts.stores,
        dryRun: true,
        onStatement: (s) => statements.push(s),
      });
      if (statements.length)
        report.notes.push(
          `catch-up copy (only rows missing from the parallel tables are inserted):\n${statements.join('\n')}`,
        );
    }
    return report;
  }

  // Phase 1, writes still running: catch-up copy, checksums and change indicators, compare, verify.
  const ctx: CutoverContext = {
    direction,
    pairs,
    live: lives,
    stores: opts.stores,
    tolerance: opts.tolerance,
    signal: opts.signal,
    progress: (step, message) => progress(step, message),
  };
  // The rename part re-plans twice over (the plan, the session checks, the last check): about four plans' time.
  const pre = await preFreezePass(db, ctx, { renameMs: 4 * planMs + 100 });
  report.freeze = pre.report;
  report.catchUp = pre.catchUp;
  const cu = pre.catchUp;
  if (cu && (cu.failed || cu.cancelled))
    return refuse([
      `the catch-up copy did not finish: ${
        cu.tables
          .filter((t) => t.error)
          .map((t) => `${t.source}: ${t.error}`)
          .join('; ') || 'cancelled'
      }`,
    ]);
  if (cu) {
    const inserted = cu.tables.reduce((a, t) => a + t.rowsInserted, 0);
    report.notes.push(
      inserted
        ? `catch-up copy inserted ${inserted} row(s) written since the copy`
        : 'catch-up copy: nothing new since the copy',
    );
  }
  report.compare = pre.compare;
  const differs = differences(report, report.compare, direction, parkeds, opts.acceptDifferences);
  if (differs) return refuse(differs);
  if (direction === 'swap') {
    check(opts.signal);
    progress('verify', `verifying ${incomings.join(', ')}`);
    report.verify = await verifySchemas(db, incomings, {
      stores: opts.stores,
      sample: opts.sample,
      signal: opts.signal,
    });
    if (!report.verify.ok)
      return refuse(
        report.verify.tables
          .filter((t) => t.status === 'fail')
          .map((t) => `verify failed for ${t.schema}.${t.table}: ${t.reasons.join('; ')}`),
      );
  }

  const slowest = pre.report.slowest;
  const expected = `Expected freeze: about ${Math.max(1, Math.ceil(pre.report.expectedMs / 1000))} s${slowest ? `, plus up to ${Math.max(1, Math.ceil(slowest.ms / 1000))} s for each table written before you confirm (the slowest to re-check is ${slowest.table})` : ''}${pre.report.forced.length ? ` (full re-check of ${pre.report.forced.map((f) => f.table).join(', ')}: ${pre.report.forced[0].why})` : ''}.`;
  const confirmed = await opts.confirm({
    kind: 'freeze',
    schemas: lives,
    question:
      direction === 'swap'
        ? `Cut over ${lives.join(', ')} to DataJoint 2.x? Every client must have stopped writing to ${lives.join(', ')}. Their tables move to ${parkeds.join(', ')}, and the tables of ${incomings.join(', ')} take their names. ${expected}`
        : `Roll back the cut-over of ${lives.join(', ')}? Every client must have stopped writing to ${lives.join(', ')}. The 2.x tables move back to ${parkeds.join(', ')}, and the tables of ${incomings.join(', ')} take their names again. ${expected}`,
  });
  if (!confirmed) return refuse(['not confirmed: writes to production were not confirmed frozen; nothing was changed']);
  check(opts.signal);

  // Phase 2, frozen: other sessions, then only what changed since phase 1.
  const frozenSince = Date.now();
  progress('blockers', 'looking for other sessions on these schemas');
  const involved = [...new Set(moves.flatMap((m) => [m.from, m.to]))];
  const first = await findBlockers(db, involved);
  const blockersMs = Date.now() - frozenSince;
  report.notes.push(...first.notes);
  if (first.blockers.length) {
    report.blockers = first.blockers;
    return refuse(first.blockers.map(describeBlocker));
  }
  const out = await freezePass(db, { ...ctx, acceptDifferences: opts.acceptDifferences }, pre);
  if (out.refusals.length) return refuse(out.refusals);
  if (out.compare) {
    const late = differences(report, out.compare, direction, parkeds, opts.acceptDifferences);
    if (late) return refuse(late);
  }
  await opts.afterCompare?.();

  const renameStarted = Date.now();
  progress('recheck', 'checking that nothing changed since the freeze began');
  const again = await planRotation(db, moves);
  if (again.refusals.length) return refuse(again.refusals);
  const second = await findBlockers(db, involved);
  if (second.blockers.length) {
    report.blockers = second.blockers;
    return refuse(second.blockers.map(describeBlocker));
  }
  const changed = await changedSinceFreeze(db, pre, out);
  if (changed.length)
    return refuse([
      `rows changed after the compare in ${changed.join(', ')}: writes are not frozen. Stop them and run the swap again (it copies and compares afresh)`,
    ]);

  progress('rename', `RENAME TABLE … (${again.tables.length} tables in one statement)`);
  try {
    await runRotation(db, again, opts.lockWaitSeconds);
  } catch (e) {
    const err = e as { code?: string; sqlMessage?: string; message: string };
    if (err.code === 'ER_LOCK_WAIT_TIMEOUT') {
      const late = await findBlockers(db, involved);
      report.blockers = late.blockers;
      return refuse([
        `another session took a lock on these tables while swapping; the rename failed as a whole and nothing was moved`,
        ...late.blockers.map(describeBlocker),
      ]);
    }
    throw new Error(`the rename failed as a whole (nothing was moved): ${err.sqlMessage ?? err.message}`);
  }
  report.plan = again;

  progress('foreign-keys', 'checking that every foreign key points at its own side');
  const fk = await alignForeignKeys(db, [lives, parkeds]);
  report.foreignKeyFixes = fk.fixes;
  report.status = 'swapped';
  const actual = pre.report.actual;
  if (actual) {
    actual.renameMs = blockersMs + (Date.now() - renameStarted);
    pre.report.actualMs = Date.now() - frozenSince;
  }
  report.notes.push(...describeFreeze(pre.report));
  const emptied = again.emptied;
  if (emptied.length) report.notes.push(`${emptied.join(', ')} now have no tables (left in place)`);
  if (direction === 'swap')
    report.notes.push(
      `The code must now use the production names again: run \`dj-migrate fix <paths> --finalize\` (or the editor's "finalize" action) to remove the ${opts.suffix} suffix from dj.Schema names. ` +
        `To roll back: \`dj-migrate db unswap --schemas ${lives.join(',')} --suffix ${opts.suffix} --old-suffix ${opts.oldSuffix}\`.`,
      `Store objects the copy wrote in the 2.x layout stay under _hash/<name>${opts.suffix}/: every row's JSON records that path, so 2.x reads them where they are.`,
    );
  else
    report.notes.push(
      `0.14.6 code works again with ${lives.join(', ')}; 2.x code that uses the ${opts.suffix} suffix reads ${parkeds.join(', ')}.`,
    );
  return report;
}

/** Refusal lines when a compare found differences (unswap may accept them: noted instead); null when fine. */
function differences(
  report: SwapReport,
  cmp: CompareReport,
  direction: 'swap' | 'unswap',
  parkeds: string[],
  accept?: boolean,
): string[] | null {
  if (cmp.equal) return null;
  const diffs = summariseCompare(cmp);
  if (direction === 'unswap' && accept) {
    report.notes.push('rolled back although the 2.x tables differ:', ...diffs);
    return null;
  }
  return direction === 'swap'
    ? ['compare found differences; the parallel schemas are not an exact copy:', ...diffs]
    : [
        `the 2.x tables differ from the old ones (rows written since the swap would stay in ${parkeds.join(', ')} only):`,
        ...diffs,
        'pass --accept-differences to roll back anyway',
      ];
}

export function summariseCompare(r: CompareReport, max = 10): string[] {
  const out: string[] = [];
  for (const t of r.tables) {
    if (!t.differing && !t.onlyInProduction && !t.onlyInTest && !t.columnsOnlyInProduction.length) continue;
    out.push(
      `${t.production} vs ${t.test}: ${t.differing} differing, ${t.onlyInProduction} only in ${t.production.split('.')[0]}, ${t.onlyInTest} only in ${t.test.split('.')[0]}${t.columnsOnlyInProduction.length ? `, columns missing: ${t.columnsOnlyInProduction.join(', ')}` : ''}`,
    );
  }
  out.push(...r.notes);
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more`] : out;
}

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw Object.assign(new Error('cancelled; nothing was moved'), { name: 'AbortError' });
}

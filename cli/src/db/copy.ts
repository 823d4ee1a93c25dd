// dj-migrate db copy --schemas a,b,c [--suffix _v2 | --pair a:x ...] [--tables T,..] [--tiers manual,lookup,..]
//   [--restrict T --where SQL [--limit N]] [--stores F] [--relocate] [--state FILE] [--jobs N] [--dry-run] [--json]
//   [--target URL [--target-tls] [--target-ca FILE]]
// Copies rows into the parallel 2.x schemas (client/src/db/copy.ts). Exit 0 when everything was copied,
// 1 when rows conflict (present in the target with other content), a pointer-only copy points at stored
// files that are missing (a warning with their count), or the copy was cancelled, 2 on errors
// (a failed table is an error: its chunk was rolled back and later tables were not started).
import path from 'node:path';
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { connectionOptionsFrom, openDb } from '../../../client/src/db/connection';
import { copy, type CopyReport } from '../../../client/src/db/copy';
import { withRunLock } from '../../../client/src/db/connect/lock';
import { introspect } from '../../../client/src/db/introspect';
import { checkWhere, restrictionPlan } from '../../../client/src/db/plan';
import { resolvePairs } from '../../../client/src/db/parallel';
import { defaultStatePath } from '../../../client/src/db/state';
import type { Predicate } from '../../../client/src/db/chunks';
import type { Tier } from '../../../client/src/db/model';
import { jobsFrom, pairsFrom, suffixFrom } from './target';
import { storesFromFlags } from './storeSettings';
import { TARGET_OPTIONS, targetFrom } from './targetFlags';
import { openTargetSide } from '../../../client/src/db/cross/open';
import { crossCopy } from '../../../client/src/db/cross/copy';
import { MysqlSide } from '../../../client/src/db/cross/mysqlSide';

export const summary = 'copy rows into the 2.x parallel schemas (resumable, idempotent, pointers converted)';

const OPTIONS = {
  ...DB_OPTIONS,
  restrict: { type: 'string' },
  where: { type: 'string' },
  limit: { type: 'string' },
  relocate: { type: 'boolean' },
  state: { type: 'string' },
  ...TARGET_OPTIONS,
  jobs: { type: 'string' },
} as const;

const TIERS: Tier[] = ['manual', 'lookup', 'imported', 'computed', 'part'];

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('copy needs --schemas a,b,c');
  const explicit = pairsFrom(flags);
  const target = await targetFrom(flags, io);
  if (target && flags.jobs !== undefined)
    throw new UsageError('--jobs applies on one server; with --target the tables are taken one at a time');
  // On another server the parallel schemas keep the production names unless --suffix (or --pair) says otherwise.
  const suffix =
    explicit.length === schemas.length ? '' : target ? (str(flags, 'suffix') ?? '') : suffixFrom(flags, io.cwd);
  const pairs = resolvePairs(schemas, suffix, explicit, !!target);
  const tiers = list(flags, 'tiers') as Tier[];
  for (const t of tiers) if (!TIERS.includes(t)) throw new UsageError(`--tiers ${t}: expected ${TIERS.join(', ')}`);
  const restrict = str(flags, 'restrict');
  const where = str(flags, 'where');
  if (!!restrict !== !!where) throw new UsageError('--restrict and --where go together');
  const limitText = str(flags, 'limit');
  if (limitText !== undefined && !restrict) throw new UsageError('--limit applies to the --restrict table');
  const limit = limitText === undefined ? undefined : Number(limitText);
  const dryRun = flags['dry-run'] === true;
  const jobs = jobsFrom(flags);
  const { stores } = storesFromFlags(flags, io.cwd);

  const conn = await connectionOptionsFrom(flags, io.env, io.promptSecret);
  const db = await openDb(conn);
  const controller = new AbortController();
  const onSigint = () => {
    io.err('cancelling: stopping the running statement; the checkpoint keeps what was committed');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let lastShown = 0;
  try {
    let filters: Map<string, Predicate> | undefined;
    let selection = '';
    if (restrict && where) {
      const sources = await introspect(db, schemas);
      const plan = restrictionPlan(sources, { table: restrict, where, limit });
      await checkWhere(db, plan.root, where);
      filters = new Map(
        plan.tables.map((t) => [`${t.table.schema}.${t.table.name}`, { sql: t.condition('s'), params: [] }]),
      );
      selection = `${plan.root.schema}.${plan.root.name} WHERE ${where}${limit !== undefined ? ` LIMIT ${limit}` : ''}`;
    }
    const statePath = str(flags, 'state')
      ? path.resolve(io.cwd, str(flags, 'state') as string)
      : defaultStatePath(
          io.cwd,
          target?.host ?? conn.host,
          target?.port ?? conn.port,
          pairs.map((p) => p.target),
        );
    const json = flags.json === true;
    const statements: string[] = [];
    const fileOps: string[] = [];
    if (dryRun && !json) io.out('-- dry run: nothing is changed; these statements and file operations would run:');
    const side = target ? await openTargetSide(target) : null;
    const run = (): Promise<CopyReport> =>
      (side
        ? (o: Parameters<typeof copy>[1]) => crossCopy(db, side, o)
        : (o: Parameters<typeof copy>[1]) => copy(db, o))({
        pairs,
        tables: list(flags, 'tables'),
        tiers,
        filters,
        selection,
        stores,
        relocate: flags.relocate === true,
        dryRun,
        jobs,
        statePath,
        signal: controller.signal,
        onStatement: (sql) => (json ? statements.push(sql) : io.out(sql)),
        onFileOp: (op) => {
          if (!dryRun) return;
          if (json) fileOps.push(op);
          else io.out(`-- file: ${op}`);
        },
        onProgress: (e) => {
          if (flags.json || Date.now() - lastShown < 1000) return;
          lastShown = Date.now();
          const objects = e.objects
            ? `, ${e.objects} objects (${(Number(e.objectBytes ?? 0) / 1e6).toFixed(1)} MB)`
            : '';
          io.err(
            `${e.table}: ${e.rows}/${e.total} rows${objects}${e.etaMs !== null ? `, ETA ${Math.ceil(e.etaMs / 1000)}s` : ''}`,
          );
        },
      });
    // One run per target at a time: a second copy is refused, naming the run that holds the lock.
    const targets = pairs.map((p) => p.target);
    // Into another server the locks are taken there (a MySQL target; PostgreSQL has no run locks yet).
    const lockDb = side ? (side instanceof MysqlSide ? side.db : null) : db;
    const report = await (dryRun || !lockDb ? run() : withRunLock(lockDb, targets, run)).finally(() => side?.close());
    io.out(
      json
        ? JSON.stringify(dryRun ? { ...report, statements, plannedFileOps: fileOps } : report, jsonBuffers, 2)
        : render(report, dryRun, statePath),
    );
    if (report.failed) return 2;
    // Conflicting rows, a cancel, or files the copied rows point at missing from their store: look before going on.
    return report.cancelled || report.tables.some((t) => t.conflictCount > 0 || t.missingFiles) ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await db.close();
  }
}

function render(r: CopyReport, dryRun: boolean, statePath: string): string {
  const lines: string[] = [];
  for (const t of r.tables) {
    const head = `${t.source} → ${t.target} [${t.mode}]`;
    if (t.status === 'skipped') {
      lines.push(`${head}: not started`);
      continue;
    }
    if (t.finishedEarlier) {
      lines.push(`${head}: finished by the interrupted run`);
      continue;
    }
    const what = dryRun
      ? `${t.total} source rows`
      : `${t.rowsInserted} inserted, ${t.rowsAlreadyPresent} already present of ${t.total}`;
    lines.push(
      `${head}: ${what}${t.conflictCount ? `, ${t.conflictCount} CONFLICTING` : ''}${t.fileOps ? `, ${t.fileOps} file operation(s)` : ''} — ${t.status}`,
    );
    if (t.error) lines.push(`  error: ${t.error}`);
    for (const c of t.conflicts)
      lines.push(
        `  conflict ${JSON.stringify(c.key, jsonBuffers)}: ${c.columns.join(', ')} differ (target left as it is)`,
      );
  }
  if (r.cancelled) lines.push(`Cancelled. Run the same command again to resume (checkpoint: ${statePath}).`);
  if (r.failed)
    lines.push(
      'Failed: the failing chunk was rolled back; tables after it were not started. Fix the cause and run again to continue.',
    );
  for (const n of r.notes) lines.push(n.startsWith('WARNING: ') ? n : `NOTE: ${n}`);
  // A dry run's whole output stays a runnable SQL script: the summary becomes comments.
  return dryRun ? lines.map((l) => '-- ' + l).join('\n') : lines.join('\n');
}

function jsonBuffers(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer')
    return '0x' + Buffer.from((v as { data: number[] }).data).toString('hex');
  return v;
}

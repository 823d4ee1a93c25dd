// dj-migrate db create-parallel --schemas a,b,c [--suffix _v2 | --pair a:x ...] [--unsigned widen|native]
//   [--charset utf8mb4 [--collation NAME]] [--target URL [--target-tls] [--target-ca FILE]] [--dry-run] [--json]
// Creates the 2.x parallel schemas (client/src/db/parallel.ts). Exit 0 when everything is as it should be,
// 1 when an existing table differs from what would be created (reported, never altered), 2 on errors.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, UsageError } from '../args';
import { createParallel, type CreateParallelReport } from '../../../client/src/db/parallel';
import { pairsFrom, suffixFrom, unsignedFrom, withDb, withLockedDb, onInterrupt } from './target';
import { resolvePairs } from '../../../client/src/db/parallel';
import { withRunLock } from '../../../client/src/db/connect/lock';
import { TARGET_OPTIONS, targetFrom, withTarget } from './targetFlags';
import { createParallelPg } from '../../../client/src/db/schema/pgParallel';

export const summary = 'create <schema><suffix> with the tables 2.x declares and a complete ~lineage';

const OPTIONS = {
  ...DB_OPTIONS,
  unsigned: { type: 'string' },
  charset: { type: 'string' },
  collation: { type: 'string' },
  ...TARGET_OPTIONS,
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('create-parallel needs --schemas a,b,c');
  const pairs = pairsFrom(flags);
  const target = await targetFrom(flags, io);
  // On another server the parallel schemas keep the production names unless --suffix (or --pair) says otherwise.
  const suffix =
    pairs.length === schemas.length
      ? ''
      : target
        ? typeof flags.suffix === 'string'
          ? flags.suffix
          : ''
        : suffixFrom(flags, io.cwd);
  const unsigned = unsignedFrom(flags, io.cwd);
  const dryRun = flags['dry-run'] === true;
  const charsetName = typeof flags.charset === 'string' ? flags.charset : undefined;
  const collation = typeof flags.collation === 'string' ? flags.collation : undefined;
  if (collation && !charsetName) throw new UsageError('--collation goes with --charset');
  const charset = charsetName ? { charset: charsetName, collation } : undefined;
  const interrupt = onInterrupt();
  const opts = {
    schemas,
    suffix,
    pairs,
    unsigned,
    charset,
    dryRun,
    signal: interrupt.signal,
    allowSameNames: !!target,
  };
  // One writing run per target schema (PostgreSQL targets: run locks are not built there yet).
  const writes = resolvePairs(schemas, suffix, pairs, !!target).map((p) => p.target);
  const report = await (target
    ? withDb(flags, io, (db) =>
        withTarget(target, (t) =>
          t.dialect === 'postgresql'
            ? createParallelPg(db, t.db, opts)
            : dryRun
              ? createParallel(db, opts, t.db)
              : withRunLock(t.db, writes, () => createParallel(db, opts, t.db)),
        ),
      )
    : withLockedDb(flags, io, writes, (db) => createParallel(db, opts))
  ).finally(() => interrupt.dispose());
  io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
  return report.differences.length ? 1 : 0;
}

function render(r: CreateParallelReport): string {
  const lines: string[] = [];
  if (r.dryRun) {
    lines.push(`-- dry run: nothing was changed. ${r.statements.length} statement(s) would run:`);
    lines.push(...r.statements.map((s) => s + ';'));
    lines.push('');
  }
  lines.push(`schemas: ${r.pairs.map((p) => `${p.source} → ${p.target}`).join(', ')}`);
  lines.push(`${r.dryRun ? 'would create' : 'created'}: ${r.created.length ? r.created.join(', ') : 'nothing'}`);
  if (r.unchanged.length) lines.push(`already as expected: ${r.unchanged.length} (${r.unchanged.join(', ')})`);
  if (r.notes.length) lines.push('changes from 0.14.6:', ...r.notes.map((n) => `  ${n}`));
  if (r.comparisons?.length)
    lines.push(
      'keys whose comparisons change with the new collation (judge each: "distinct → equal" can make keys collide):',
      ...r.comparisons.map((c) => `  ${c}`),
    );
  if (r.differences.length)
    lines.push('DIFFERENCES (existing objects left as they are):', ...r.differences.map((d) => `  ${d}`));
  return lines.join('\n');
}

// dj-migrate db swap --schemas a,b,c [--suffix _v2] [--old-suffix _old] [--stores F] [--tolerance 1e-6] [--sample N] [--dry-run] [--yes]
// Cut over to the 2.x parallel schemas (client/src/db/swap.ts): production tables move to <name>_old and
// the parallel tables take the production names, in one atomic RENAME TABLE. Before the freeze question: a
// catch-up copy, chunk checksums, compare and verify; after it, blocker checks and only the changed chunks.
// Then finalize the code (`dj-migrate fix <paths> --finalize`) so it uses the production names again. Exit 0 swapped (or dry run), 1 refused, 2 error.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { swapSchemas, unswapSchemas, type SwapReport } from '../../../client/src/db/swap';
import { statementText } from '../../../client/src/db/rotation';
import { suffixFrom, withLockedDb, onInterrupt } from './target';
import { storesFromFlags } from './storeSettings';
import { confirmFrom } from './confirm';

export const summary =
  'cut over: production tables → <name>_old, <name>_v2 tables → <name>, one atomic RENAME (then `fix <paths> --finalize`)';

export const SWAP_OPTIONS = {
  ...DB_OPTIONS,
  'old-suffix': { type: 'string' },
  tolerance: { type: 'string' },
  sample: { type: 'string' },
  'lock-wait': { type: 'string' },
  'accept-differences': { type: 'boolean' },
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runCutOver(argv, io, 'swap');
}

export async function runCutOver(argv: string[], io: CliIO, direction: 'swap' | 'unswap'): Promise<number> {
  const { flags } = parse(argv, SWAP_OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError(`${direction} needs --schemas a,b,c (the production names)`);
  const suffix = suffixFrom(flags, io.cwd);
  const oldSuffix = str(flags, 'old-suffix') ?? '_old';
  const number = (name: string): number | undefined => {
    const v = str(flags, name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} ${v}: expected a non-negative number`);
    return n;
  };
  const { stores, file: storesFile } = storesFromFlags(flags, io.cwd);
  const interrupt = onInterrupt();
  try {
    const writes = schemas.flatMap((s) => [s, s + suffix, s + oldSuffix]);
    return await withLockedDb(flags, io, writes, async (db) => {
      const opts = {
        schemas,
        suffix,
        oldSuffix,
        stores,
        dryRun: flags['dry-run'] === true,
        signal: interrupt.signal,
        tolerance: number('tolerance'),
        sample: number('sample'),
        lockWaitSeconds: number('lock-wait'),
        confirm: confirmFrom(flags, io),
        onProgress: (e: { step: string; message: string }) => io.err(`[${e.step}] ${e.message}`),
      };
      const report =
        direction === 'swap'
          ? await swapSchemas(db, opts)
          : await unswapSchemas(db, { ...opts, acceptDifferences: flags['accept-differences'] === true });
      if (!storesFile && report.compare)
        report.notes.push(
          'no store settings found (--stores): in-store values were compared by what the rows record (hash, path, store); the files were not looked at',
        );
      io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
      return report.status === 'refused' ? 1 : 0;
    });
  } finally {
    interrupt.dispose();
  }
}

function render(r: SwapReport): string {
  const lines: string[] = [];
  if (r.status === 'refused') {
    lines.push(`${r.direction} refused — nothing was moved:`);
    for (const why of r.refusals) lines.push(`  ✗ ${why}`);
    for (const n of r.notes) lines.push(`  · ${n}`);
    return lines.join('\n');
  }
  if (r.status === 'dry-run') {
    lines.push(`-- dry run: nothing is changed.`);
    for (const n of r.notes)
      lines.push(...n.split('\n').map((l) => (l.startsWith('--') || /^[A-Z]+ /.test(l) ? l : `-- ${l}`)));
    for (const s of r.plan.statements) lines.push(`-- ${s.purpose}`, `${statementText(s)};`);
    lines.push(
      r.direction === 'swap'
        ? '-- afterwards: every foreign key is checked to point at its own side; then run `dj-migrate fix <paths> --finalize` so the code uses the production names.'
        : '-- afterwards: every foreign key is checked to point at its own side.',
    );
    return lines.join('\n');
  }
  lines.push(
    `${r.direction === 'swap' ? 'Swapped' : 'Rolled back'}: ${r.plan.tables.length} tables moved in one statement.`,
  );
  for (const m of r.plan.moves) lines.push(`  ${m.from} → ${m.to}`);
  if (r.catchUp) lines.push(`catch-up copy: ${r.catchUp.tables.reduce((a, t) => a + t.rowsInserted, 0)} rows`);
  if (r.compare)
    lines.push(
      `compare: ${r.compare.tables.length} tables, ${r.compare.tables.reduce((a, t) => a + t.matched, 0)} rows matched, equal: ${r.compare.equal}`,
    );
  if (r.verify) lines.push(`verify: ${r.verify.ok ? 'pass' : 'FAIL'}`);
  for (const f of r.foreignKeyFixes) lines.push(`re-pointed: ${f}`);
  for (const n of r.notes) lines.push(`NOTE: ${n}`);
  return lines.join('\n');
}

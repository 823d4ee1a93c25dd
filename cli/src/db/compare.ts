// dj-migrate db compare --schemas a,b,c [--suffix _v2 | --pair a:x ...] [--tables T,..] [--tiers ..]
//   [--tolerance 1e-6] [--stores F] [--file-check present|exists|hash|none] [--max-differences N] [--jobs N] [--json]
//   [--target URL [--target-tls] [--target-ca FILE]]
// Compares production (the named schemas) with test (their parallels) by meaning (client/src/db/compare.ts).
// Exit 0 when equal, 1 on any difference, 2 on errors.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { compare, type CompareReport } from '../../../client/src/db/compare';
import { resolvePairs } from '../../../client/src/db/parallel';
import type { Tier } from '../../../client/src/db/model';
import { FILE_CHECK_MODES, type FileCheckMode } from '../../../client/src/db/comparePointers';
import { jobsFrom, pairsFrom, suffixFrom, withDb, onInterrupt } from './target';
import { storesFromFlags } from './storeSettings';
import { TARGET_OPTIONS, targetFrom } from './targetFlags';
import { openTargetSide } from '../../../client/src/db/cross/open';
import { crossCompare } from '../../../client/src/db/cross/compare';

export const summary = 'compare production with the 2.x copy row by row, by meaning (exit 1 on differences)';

const OPTIONS = {
  ...DB_OPTIONS,
  tolerance: { type: 'string' },
  'file-check': { type: 'string' },
  'max-differences': { type: 'string' },
  ...TARGET_OPTIONS,
  jobs: { type: 'string' },
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('compare needs --schemas a,b,c');
  const explicit = pairsFrom(flags);
  const target = await targetFrom(flags, io);
  if (target && flags.jobs !== undefined)
    throw new UsageError('--jobs applies on one server; with --target the tables are taken one at a time');
  const suffix =
    explicit.length === schemas.length ? '' : target ? (str(flags, 'suffix') ?? '') : suffixFrom(flags, io.cwd);
  const pairs = resolvePairs(schemas, suffix, explicit, !!target);
  const tolerance = number(str(flags, 'tolerance'), '--tolerance', 1e-6);
  if (tolerance < 0) throw new UsageError('--tolerance must not be negative');
  const maxDifferences = number(str(flags, 'max-differences'), '--max-differences', 20);
  const fileCheck = str(flags, 'file-check');
  if (fileCheck !== undefined && !(FILE_CHECK_MODES as readonly string[]).includes(fileCheck))
    throw new UsageError(`--file-check: expected ${FILE_CHECK_MODES.join(', ')}`);
  const { stores, file } = storesFromFlags(flags, io.cwd);
  const jobs = jobsFrom(flags);
  const interrupt = onInterrupt();
  let lastShown = 0;
  try {
    const side = target ? await openTargetSide(target) : null;
    const report = await withDb(flags, io, (db) =>
      (side
        ? (o: Parameters<typeof compare>[1]) => crossCompare(db, side, o)
        : (o: Parameters<typeof compare>[1]) => compare(db, o))({
        pairs,
        tables: list(flags, 'tables'),
        tiers: list(flags, 'tiers') as Tier[],
        tolerance,
        maxDifferences,
        jobs,
        // Across servers in-store values are compared as the JSON the copy writes, which needs the settings.
        stores: file || side ? stores : undefined,
        fileCheck: fileCheck as FileCheckMode | undefined,
        signal: interrupt.signal,
        onProgress: (e) => {
          if (flags.json || Date.now() - lastShown < 1000) return;
          lastShown = Date.now();
          io.err(`${e.table}: ${e.rows}/${e.total} rows`);
        },
      }),
    ).finally(() => side?.close());
    if (!file)
      report.notes.push('no store settings found (--stores): the files in-store JSON points at were not checked');
    io.out(flags.json ? JSON.stringify(report, null, 2) : render(report, tolerance));
    return report.equal ? 0 : 1;
  } finally {
    interrupt.dispose();
  }
}

function number(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} ${text}: not a number`);
  return n;
}

function render(r: CompareReport, tolerance: number): string {
  const lines: string[] = [];
  for (const t of r.tables) {
    const bad = t.differing || t.onlyInProduction || t.onlyInTest || t.columnsOnlyInProduction.length;
    lines.push(
      `${bad ? 'DIFFERENT' : 'equal    '} ${t.production} ↔ ${t.test}: ${t.matched} matched, ${t.differing} differing, ` +
        `${t.onlyInProduction} only in production, ${t.onlyInTest} only in test`,
    );
    for (const d of t.differences)
      lines.push(`    ${JSON.stringify(d.key)} ${d.column}: ${d.reason} (production ${d.production}, test ${d.test})`);
    for (const k of t.missingKeys) lines.push(`    only in production: ${JSON.stringify(k)}`);
    for (const k of t.extraKeys) lines.push(`    only in test: ${JSON.stringify(k)}`);
    if (t.columnsOnlyInProduction.length)
      lines.push(`    columns only in production: ${t.columnsOnlyInProduction.join(', ')}`);
  }
  for (const n of r.notes) lines.push(`NOTE: ${n}`);
  lines.push(r.equal ? `Equal (floats within ${tolerance}).` : 'Differences found.');
  return lines.join('\n');
}

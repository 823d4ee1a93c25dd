// dj-migrate db verify --schemas a,b [--stores F] [--sample N] [--json] [--target URL [--target-tls] [--target-ca FILE]]
// With --target the schemas are the target's (on another server they keep the production names).
// Is each schema ready for DataJoint 2.x? Pass/fail per table with reasons (client/src/db/verify.ts).
// Exit 0 when everything passes, 1 when anything fails, 2 on errors.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, str, UsageError } from '../args';
import { connectionOptionsFrom, openDb, type Db } from '../../../client/src/db/connection';
import { verifySchemas, type VerifyOptions, type VerifyReport } from '../../../client/src/db/verify';
import { verifySchemasPg } from '../../../client/src/db/verifyPg';
import { PgSide } from '../../../client/src/db/cross/pgSide';
import { storesFromFlags } from './storeSettings';
import { onInterrupt } from './target';
import { TARGET_OPTIONS, targetFrom } from './targetFlags';
import { openTargetSide } from '../../../client/src/db/cross/open';
import { MysqlSide } from '../../../client/src/db/cross/mysqlSide';

export const summary = 'check that schemas are ready for DataJoint 2.x (labels, blobs, pointers, files, ~lineage)';

const OPTIONS = { ...DB_OPTIONS, sample: { type: 'string' }, ...TARGET_OPTIONS } as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, OPTIONS);
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('verify needs --schemas a,b,c');
  const sampleText = str(flags, 'sample');
  if (sampleText !== undefined && !/^\d+$/.test(sampleText))
    throw new UsageError(`--sample ${sampleText}: expected a number of rows`);
  const { stores, file } = storesFromFlags(flags, io.cwd);
  const target = await targetFrom(flags, io);
  const side = target ? await openTargetSide(target) : null;
  // The schemas live on the target when there is one: the source server is not needed.
  const pg = side instanceof PgSide ? side.db : null;
  const db =
    side instanceof MysqlSide
      ? side.db
      : pg
        ? null
        : await openDb(await connectionOptionsFrom(flags, io.env, io.promptSecret));
  const interrupt = onInterrupt();
  try {
    let lastShown = 0;
    const verify = (opts: VerifyOptions) =>
      pg ? verifySchemasPg(pg, schemas, opts) : verifySchemas(db as Db, schemas, opts);
    const report = await verify({
      stores,
      sample: sampleText === undefined ? undefined : Number(sampleText),
      signal: interrupt.signal,
      onProgress: (e) => {
        if (flags.json || Date.now() - lastShown < 1000) return;
        lastShown = Date.now();
        io.err(
          `${e.table}: ${e.rows}/${e.total} values${e.etaMs !== null ? `, ETA ${Math.ceil(e.etaMs / 1000)}s` : ''}`,
        );
      },
    });
    io.out(flags.json ? JSON.stringify(report, null, 2) : render(report, file));
    return report.ok ? 0 : 1;
  } finally {
    interrupt.dispose();
    await (pg ?? db)?.close();
  }
}

function render(r: VerifyReport, storesFile: string | null): string {
  const lines: string[] = [];
  for (const t of r.tables) {
    lines.push(
      `${t.status === 'pass' ? 'PASS' : 'FAIL'}  ${t.schema}.${t.table}${t.checkedValues ? `  (${t.checkedValues} values checked)` : ''}`,
    );
    for (const reason of t.reasons) lines.push(`      ✗ ${reason}`);
    for (const note of t.notes) lines.push(`      · ${note}`);
  }
  const failed = r.tables.filter((t) => t.status === 'fail').length;
  lines.push('');
  lines.push(
    r.ok
      ? `ready for DataJoint 2.x: ${r.schemas.join(', ')} (${r.tables.length} checks passed)`
      : `not ready: ${failed} of ${r.tables.length} checks failed`,
  );
  if (!storesFile) lines.push('no store settings were given (--stores): in-store files could not be checked');
  return lines.join('\n');
}

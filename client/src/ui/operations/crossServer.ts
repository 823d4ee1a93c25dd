// The seam between the UI operations and the cross-server engine (client/src/db/cross: copy and compare
// when the 2.x schemas are on another server; verifyPg.ts for PostgreSQL). The operations call only these
// functions, with the same options and report shapes as the same-server engines. The target connection
// belongs to the UI (Connections keeps it open), so the engine's side is built on it and never closed here.
import type { Db } from '../../db/connection';
import type { TargetConnection } from '../../db/connect/targetPreflight';
import type { CopyOptions, CopyReport } from '../../db/copy';
import type { CompareOptions, CompareReport } from '../../db/compareTypes';
import { verifySchemas, type VerifyOptions, type VerifyReport } from '../../db/verify';
import { verifySchemasPg } from '../../db/verifyPg';
import { crossCopy } from '../../db/cross/copy';
import { crossCompare } from '../../db/cross/compare';
import { MysqlSide } from '../../db/cross/mysqlSide';
import { PgSide } from '../../db/cross/pgSide';
import type { TargetSide } from '../../db/cross/side';

/** The engine's view of an open target connection. */
export function sideOf(target: TargetConnection): TargetSide {
  return target.dialect === 'postgresql'
    ? new PgSide(target.db, target.db.describe())
    : new MysqlSide(target.db, target.db.describe());
}

/**
 * Copy `opts.pairs` from the source server into the target (names as in the pairs). With `dryRun` nothing is
 * written and `statements` holds what would run.
 */
export async function copyAcrossServers(
  source: Db,
  target: TargetConnection,
  opts: CopyOptions,
  dryRun: boolean,
): Promise<CopyReport & { statements?: string[] }> {
  const statements: string[] = [];
  const report = await crossCopy(
    source,
    sideOf(target),
    dryRun
      ? {
          ...opts,
          dryRun: true,
          statePath: null,
          onStatement: (s) => {
            statements.push(s);
            opts.onStatement?.(s);
          },
        }
      : opts,
  );
  return dryRun ? { ...report, statements } : report;
}

/** Compare the production schemas on the source with their 2.x schemas on the target. */
export function compareAcrossServers(
  source: Db,
  target: TargetConnection,
  opts: CompareOptions,
): Promise<CompareReport> {
  return crossCompare(source, sideOf(target), opts);
}

/** Verify the 2.x schemas where they are: another MySQL/MariaDB server as on the source, PostgreSQL by verifyPg. */
export function verifyOnTarget(
  target: TargetConnection,
  schemas: string[],
  opts: VerifyOptions,
): Promise<VerifyReport> {
  return target.dialect === 'mysql'
    ? verifySchemas(target.db, schemas, opts)
    : verifySchemasPg(target.db, schemas, opts);
}

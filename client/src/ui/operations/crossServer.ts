// The seam between the UI operations and the cross-server engine (copy, compare and verify when the 2.x
// schemas are on another server: client/src/db/cross, built separately). The operations call only these
// functions with the same options and report shapes as the same-server engines, so wiring the engine is a
// change to this file alone. Until it is wired, each refuses clearly, before anything is read or written.
// Verify on another MySQL/MariaDB server needs no new engine: verify.ts runs there as it is.
import type { Db } from '../../db/connection';
import type { TargetConnection } from '../../db/connect/targetPreflight';
import type { CopyOptions, CopyReport } from '../../db/copy';
import type { CompareOptions, CompareReport } from '../../db/compareTypes';
import { verifySchemas, type VerifyOptions, type VerifyReport } from '../../db/verify';
import { DbInputError } from '../../db/sql';

export class CrossServerUnavailable extends DbInputError {
  constructor(what: string, target: TargetConnection) {
    super(
      `${what} into another server (${target.db.describe()}) needs the cross-server engine, which this build does not include yet. ` +
        'Create Parallel works there already; for the data use the same server (suffix) for now. Nothing was read or written.',
    );
    this.name = 'CrossServerUnavailable';
  }
}

/** Copy `opts.pairs` from the source server into the target (names as in the pairs). */
export async function copyAcrossServers(
  _source: Db,
  target: TargetConnection,
  _opts: CopyOptions,
  _dryRun: boolean,
): Promise<CopyReport & { statements?: string[] }> {
  throw new CrossServerUnavailable('Copy', target);
}

/** Compare the production schemas on the source with their 2.x schemas on the target. */
export async function compareAcrossServers(
  _source: Db,
  target: TargetConnection,
  _opts: CompareOptions,
): Promise<CompareReport> {
  throw new CrossServerUnavailable('Compare', target);
}

/** Verify the 2.x schemas where they are: another MySQL/MariaDB server as on the source; PostgreSQL by the engine. */
export async function verifyOnTarget(
  target: TargetConnection,
  schemas: string[],
  opts: VerifyOptions,
): Promise<VerifyReport> {
  if (target.dialect === 'mysql') return verifySchemas(target.db, schemas, opts);
  throw new CrossServerUnavailable('Verify', target);
}

// One session of a table copy (copyTable.ts): its statements (killable, printed in a dry run), the chunk
// transaction, and the session-temporary tables that carry pointer JSON. A first copy of a table with
// pointer-only columns runs two of these at once (copyLanes.ts); everything else runs one.
import type { Db, DbConnection, Row } from './connection';
import { formatSql, q } from './sql';
import type { ChunkObjects, PointerOnlyColumn } from './pointerOnlyCopy';
import type { CopyOptions, RowConflict, TableCopyResult } from './copy';
import type { TableCheckpoint } from './state';

/** Conflicting rows a table's result lists (all are counted). */
const MAX_REPORTED_CONFLICTS = 20;

/**
 * What a chunk's INSERT did (rows inserted, rows already present, the conflicting ones), read inside its
 * transaction and counted (recordTally) only once the transaction committed: a chunk rolled back (a cancel
 * between its INSERT and its COMMIT) counts nothing.
 */
export interface ChunkTally {
  inserted: number;
  present: number;
  conflicts: RowConflict[];
}

/** A committed chunk's tally, added to the table's result and checkpoint. */
export function recordTally(result: TableCopyResult, cp: TableCheckpoint, tally: ChunkTally): void {
  const { inserted, present, conflicts } = tally;
  result.rowsInserted += inserted;
  cp.rowsCopied += inserted;
  result.rowsAlreadyPresent += present - conflicts.length;
  cp.rowsAlreadyPresent += present - conflicts.length;
  result.conflictCount += conflicts.length;
  cp.rowsConflicting += conflicts.length;
  const room = Math.max(0, MAX_REPORTED_CONFLICTS - result.conflicts.length);
  result.conflicts.push(...conflicts.slice(0, room));
}

/** Cancelled between statements (a statement killed on the server surfaces as its own error). */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

export class CopyLane {
  /** Per pointer column, where this lane's current chunk has its JSON (pointerOnlyCopy.ts: ChunkObjects). */
  chunkObjects: ChunkObjects[] = [];
  /** Pointer-only columns by index: their MEMORY tables live on this session. */
  readonly fastColumns = new Map<number, PointerOnlyColumn>();

  constructor(
    private readonly db: Db,
    readonly c: DbConnection,
    private readonly opts: CopyOptions,
  ) {}

  checkAbort(): void {
    if (this.opts.signal?.aborted) throw new CancelledError('copy cancelled');
  }

  /** Runs a long statement so that an abort kills it from another session. */
  private async killable<T>(fn: () => Promise<T>): Promise<T> {
    const signal = this.opts.signal;
    if (!signal) return fn();
    this.checkAbort();
    const pending: Promise<void>[] = [];
    const onAbort = () => {
      pending.push(this.db.kill(this.c.threadId, 'query').catch(() => undefined));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Wait for the KILL to land so it cannot hit the next statement (ROLLBACK).
      await Promise.all(pending);
    }
  }

  async read<T = Row>(sql: string, params: unknown[]): Promise<T[]> {
    return this.killable(() => this.c.query<T>(sql, params));
  }

  /** A statement that changes data: executed, or in a dry run printed. */
  async write(sql: string, params: unknown[]): Promise<{ affectedRows: number }> {
    if (this.opts.dryRun) {
      this.opts.onStatement?.(formatSql(sql, params) + ';');
      return { affectedRows: 0 };
    }
    const r = await this.killable(() => this.c.execute(sql, params));
    if (r.warningStatus > 0) {
      const warnings = await this.c.query<{ Level: string; Code: number; Message: string }>('SHOW WARNINGS');
      throw new Error(
        `a statement produced warnings, chunk rolled back: ${warnings.map((w) => `${w.Level} ${w.Code}: ${w.Message}`).join('; ')}`,
      );
    }
    return r;
  }

  /** One chunk inside a transaction; rolled back on any error or cancel. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Read committed: the INSERT … SELECT reads the source without share-locking production rows.
    await this.write('SET TRANSACTION ISOLATION LEVEL READ COMMITTED', []);
    await this.write('START TRANSACTION', []);
    try {
      const r = await fn();
      this.checkAbort();
      await this.write('COMMIT', []);
      return r;
    } catch (e) {
      if (!this.opts.dryRun) await this.c.execute('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  objectJoins(): string {
    return this.chunkObjects.flatMap((o) => o.joins).join(' ');
  }

  /** The 2.x JSON of the `i`th pointer column in this lane's chunk statements. */
  jsonOf(i: number): string {
    return this.chunkObjects[i].json;
  }

  /** The session's object tables (pointer JSON the client converted), one per pointer column. */
  async createTables(objects: readonly string[]): Promise<void> {
    for (const table of objects) {
      await this.write(
        `CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (${q('h')} binary(16) NOT NULL, ` +
          `${q('json')} LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL, PRIMARY KEY (${q('h')})) ENGINE=InnoDB`,
        [],
      );
    }
  }

  /** The session's scratch tables dropped, even after a cancel (write() would refuse to run then). */
  async dropTables(objects: readonly string[]): Promise<void> {
    for (const table of objects) {
      const drop = `DROP TEMPORARY TABLE IF EXISTS ${table}`;
      await (this.opts.dryRun ? this.write(drop, []) : this.c.execute(drop)).catch(() => undefined);
    }
    for (const col of this.fastColumns.values()) await col.drop(this.c).catch(() => undefined);
  }
}

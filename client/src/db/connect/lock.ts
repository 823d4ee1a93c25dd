// One writing run per schema at a time. Every writing db command (copy, create-parallel, migrate-pointers,
// swap/unswap, backup/restore, migrate-in-place, retire) takes a named lock per schema it writes, on a
// session of its own held for the whole run, and refuses to start while another run holds one — naming
// that run's connection — instead of racing it into raw "Duplicate entry" errors and wrong "finished by
// the interrupted run" reports. The server releases the locks when the session ends, so a crashed run
// never leaves one behind.
//
// MySQL 8 and MariaDB: GET_LOCK(name, 0) (several per session since MySQL 5.7 / MariaDB 10.0), IS_USED_LOCK
// for the holder's connection id, the process list for its user and host (visible with the PROCESS
// privilege, or for the same user). MySQL limits lock names to 64 characters, so long names are hashed.
// PostgreSQL (once targets exist there) would implement LockDialect with pg_try_advisory_lock(key) and
// pg_locks joined to pg_stat_activity for the holder.
import { createHash } from 'node:crypto';
import type { Db, DbConnection } from '../connection';
import { DbInputError } from '../sql';

/** Another run holds a lock this one needs; nothing was changed. The CLI exits 2. */
export class LockHeldError extends DbInputError {
  override name = 'LockHeldError';
}

/** What a server needs to offer for run locks. */
export interface LockDialect {
  /** Take the lock without waiting; false when another session holds it. */
  tryAcquire(c: DbConnection, name: string): Promise<boolean>;
  /** The holding session, described for a person (connection id, user@host), or null when free again. */
  holder(c: DbConnection, name: string): Promise<string | null>;
  release(c: DbConnection, name: string): Promise<void>;
}

export const mysqlLocks: LockDialect = {
  async tryAcquire(c, name) {
    const [{ got }] = await c.query<{ got: number | string | null }>('SELECT GET_LOCK(?, 0) AS got', [name]);
    if (got === null) throw new Error(`could not take the run lock ${name}`);
    return Number(got) === 1;
  },
  async holder(c, name) {
    const [{ id }] = await c.query<{ id: number | string | null }>('SELECT IS_USED_LOCK(?) AS id', [name]);
    if (id === null) return null;
    const who = await c
      .query<{ u: string; h: string; t: number | string }>(
        'SELECT USER AS u, HOST AS h, TIME AS t FROM information_schema.PROCESSLIST WHERE ID = ?',
        [id],
      )
      .catch(() => []);
    return who.length
      ? `connection ${id} (${who[0].u}@${who[0].h}, in its current state for ${who[0].t} s)`
      : `connection ${id} (its user and host are visible only with the PROCESS privilege)`;
  },
  async release(c, name) {
    await c.query('SELECT RELEASE_LOCK(?) AS r', [name]);
  },
};

/** The lock name for one schema (at most 64 characters). */
export function runLockName(schema: string): string {
  const name = `dj-migrate:${schema}`;
  return name.length <= 64 ? name : `dj-migrate:${createHash('sha1').update(schema).digest('hex')}`;
}

/**
 * Run `fn` holding the run locks of `schemas` (names it writes), taken in a fixed order on a dedicated
 * session and released afterwards. Refuses with LockHeldError, taking none, when another run holds any.
 */
export async function withRunLock<T>(
  db: Db,
  schemas: readonly string[],
  fn: () => Promise<T>,
  dialect: LockDialect = mysqlLocks,
): Promise<T> {
  const names = [...new Set(schemas)].sort();
  if (!names.length) return fn();
  return db.withConnection(async (c) => {
    const held: string[] = [];
    try {
      for (const schema of names) {
        const name = runLockName(schema);
        if (!(await dialect.tryAcquire(c, name))) {
          const holder = (await dialect.holder(c, name)) ?? 'a session that has just finished';
          throw new LockHeldError(
            `another dj-migrate run is writing ${schema}: ${holder} holds its lock (${name}). ` +
              'Nothing was changed; wait for that run to finish, then run this again.',
          );
        }
        held.push(name);
      }
      return await fn();
    } finally {
      for (const name of held.reverse()) await dialect.release(c, name).catch(() => undefined);
    }
  });
}

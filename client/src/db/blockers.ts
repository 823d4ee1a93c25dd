// Who could block (or be broken by) a rename of these schemas' tables: other sessions holding or waiting
// for their metadata locks, open transactions, running statements — named so the user can end them.
import type { Db, Queryable } from './connection';
import { qt } from './sql';

/** A session that could block (or be broken by) the rename, as the server describes it. */
export interface Blocker {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: string;
  seconds: number;
  state: string;
  info: string | null;
  why: string;
}

/**
 * Other sessions that hold or wait on the schemas' tables. Where the server exposes metadata locks
 * (MySQL 8's performance_schema, MariaDB's METADATA_LOCK_INFO plugin) they name the holders exactly.
 * Elsewhere the locks are probed: `LOCK TABLES … WRITE` on every table with a one-second wait needs the
 * same locks as the rename, so it succeeds only when no session holds any; when it times out, the
 * sessions with open transactions or running statements on the schemas are named as the candidates.
 */
export async function findBlockers(db: Db, schemas: string[]): Promise<{ blockers: Blocker[]; notes: string[] }> {
  return db.withConnection(async (c) => {
    const notes: string[] = [];
    const [{ me }] = await c.query<{ me: number | string }>('SELECT CONNECTION_ID() AS me');
    let transactions = await openTransactions(c, notes);
    const processes = await c.query<ProcessRow>(
      'SELECT ID AS id, USER AS user, HOST AS host, DB AS db, COMMAND AS command, TIME AS time, STATE AS state, INFO AS info FROM information_schema.PROCESSLIST',
    );
    const locks = await metadataLocks(c, db.flavor, schemas);
    const probe = locks ? 'free' : await lockProbe(c, schemas);
    if (probe === 'denied')
      notes.push(
        'the user may not LOCK TABLES, so held locks could not be probed; the rename itself waits at most --lock-wait seconds and then fails as a whole',
      );
    if (probe === 'held') {
      // INNODB_TRX is a cache refreshed at most every 100 ms; after the probe's wait it is current.
      transactions = await openTransactions(c, notes);
      notes.push(
        'another session holds a lock on these tables (LOCK TABLES … WRITE could not get them within 1 s); the server does not say which, so every candidate is named',
      );
    }
    return {
      blockers: assembleBlockers({
        self: Number(me),
        schemas,
        processes,
        transactions,
        locks,
        probeFailed: probe === 'held',
      }),
      notes,
    };
  });
}

export interface BlockerEvidence {
  /** This session's id (never a blocker). */
  self: number;
  schemas: string[];
  processes: ProcessRow[];
  transactions: TransactionRow[];
  /** Session id → tables it holds or waits for a metadata lock on; null when the server does not expose them. */
  locks: Map<number, string[]> | null;
  /** Without `locks`: the LOCK TABLES probe could not get the locks. */
  probeFailed: boolean;
}

/**
 * Who blocks, from what the server showed. With metadata locks: exactly their holders (and sessions waiting
 * for one on these schemas). Without: nobody when the probe got the locks; otherwise every session with an
 * open transaction or a running statement on the schemas, as candidates. Pure, so both servers' rows are testable.
 */
export function assembleBlockers(e: BlockerEvidence): Blocker[] {
  const reasons = new Map<number, string[]>();
  const add = (id: number, why: string) => {
    if (id !== e.self) reasons.set(id, [...(reasons.get(id) ?? []), why]);
  };
  if (e.locks) {
    for (const [id, tables] of e.locks) {
      const t = e.transactions.find((x) => Number(x.id) === id);
      add(
        id,
        `holds a metadata lock on ${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''}${t ? ` (transaction open since ${t.started})` : ''}`,
      );
    }
    for (const p of e.processes)
      if (/metadata lock/i.test(p.state ?? '') && mentionsAny(p, e.schemas))
        add(Number(p.id), `is waiting for a metadata lock (${p.state})`);
  } else if (e.probeFailed) {
    for (const t of e.transactions) add(Number(t.id), `has a transaction open since ${t.started} (${t.state})`);
    for (const p of e.processes) {
      if (p.command === 'Sleep' || p.command === 'Daemon') continue;
      if (/metadata lock/i.test(p.state ?? '')) add(Number(p.id), `is waiting for a metadata lock (${p.state})`);
      else if (mentionsAny(p, e.schemas)) add(Number(p.id), 'is running a statement on these schemas');
    }
    if (!reasons.size)
      add(-1, 'holds a lock on these tables (no session could be identified: grant PROCESS to see them all)');
  }
  const byId = new Map(e.processes.map((p) => [Number(p.id), p]));
  return [...reasons].map(([id, why]) => {
    const p = byId.get(id);
    return {
      id,
      user: p?.user ?? '?',
      host: p?.host ?? '?',
      db: p?.db ?? null,
      command: p?.command ?? '?',
      seconds: Number(p?.time ?? 0),
      state: p?.state ?? '',
      info: p?.info ?? null,
      why: why.join('; '),
    };
  });
}

export interface TransactionRow {
  id: number | string;
  started: string;
  state: string;
}

export interface ProcessRow {
  id: number | string;
  user: string;
  host: string;
  db: string | null;
  command: string;
  time: number | string;
  state: string | null;
  info: string | null;
}

function mentionsAny(p: ProcessRow, schemas: string[]): boolean {
  return (!!p.db && schemas.includes(p.db)) || (!!p.info && schemas.some((s) => (p.info as string).includes(s)));
}

async function openTransactions(c: Queryable, notes: string[]): Promise<TransactionRow[]> {
  try {
    return await c.query(
      'SELECT trx_mysql_thread_id AS id, trx_started AS started, trx_state AS state FROM information_schema.INNODB_TRX',
    );
  } catch (e) {
    notes.push(
      `cannot read information_schema.INNODB_TRX (${(e as { sqlMessage?: string }).sqlMessage ?? (e as Error).message}); grant PROCESS to see open transactions`,
    );
    return [];
  }
}

/** `free`: every base table of the schemas could be write-locked within a second (released at once); `held`: not; `denied`: no LOCK TABLES privilege. */
async function lockProbe(c: Queryable, schemas: string[]): Promise<'free' | 'held' | 'denied'> {
  const tables = await c.query<{ s: string; t: string }>(
    "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE'",
    [schemas],
  );
  if (!tables.length) return 'free';
  await c.execute('SET SESSION lock_wait_timeout = 1');
  try {
    await c.execute('LOCK TABLES ' + tables.map((t) => `${qt(t.s, t.t)} WRITE`).join(', '));
    await c.execute('UNLOCK TABLES');
    return 'free';
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ER_LOCK_WAIT_TIMEOUT') return 'held';
    if (
      code === 'ER_DBACCESS_DENIED_ERROR' ||
      code === 'ER_TABLEACCESS_DENIED_ERROR' ||
      code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR'
    )
      return 'denied';
    throw e;
  } finally {
    await c.execute('UNLOCK TABLES').catch(() => undefined);
    await c.execute('SET SESSION lock_wait_timeout = DEFAULT');
  }
}

export function describeBlocker(b: Blocker): string {
  const what = b.info ? `, running: ${b.info.replace(/\s+/g, ' ').slice(0, 120)}` : '';
  return `session ${b.id} (${b.user}@${b.host}${b.db ? `, database ${b.db}` : ''}, ${b.command} for ${b.seconds}s) ${b.why}${what}. End it or wait for it (KILL ${b.id} ends it)`;
}

/** Sessions holding metadata locks on the schemas' tables, or null when the server does not expose them. */
async function metadataLocks(
  c: Queryable,
  flavor: Db['flavor'],
  schemas: string[],
): Promise<Map<number, string[]> | null> {
  try {
    if (flavor === 'mysql') {
      const on = await c.query<{ v: string | number }>('SELECT @@performance_schema AS v');
      if (String(on[0]?.v) !== '1') return null;
      return lockMap(await c.query<LockRow>(MYSQL8_METADATA_LOCKS, ['TABLE', schemas]));
    }
    return lockMap(await c.query<LockRow>(MARIADB_METADATA_LOCKS, [schemas]));
  } catch {
    return null; // not exposed (plugin not loaded, performance_schema not readable): probe instead
  }
}

/** MySQL 8: granted and pending table locks with the session that owns them (performance_schema is on by default). */
export const MYSQL8_METADATA_LOCKS =
  'SELECT th.PROCESSLIST_ID AS id, ml.OBJECT_SCHEMA AS s, ml.OBJECT_NAME AS t, ml.LOCK_STATUS AS status FROM performance_schema.metadata_locks ml ' +
  'JOIN performance_schema.threads th ON th.THREAD_ID = ml.OWNER_THREAD_ID WHERE ml.OBJECT_TYPE = ? AND ml.OBJECT_SCHEMA IN (?) AND th.PROCESSLIST_ID IS NOT NULL';
/** MariaDB with the metadata_lock_info plugin. */
export const MARIADB_METADATA_LOCKS =
  "SELECT THREAD_ID AS id, TABLE_SCHEMA AS s, TABLE_NAME AS t, 'GRANTED' AS status FROM information_schema.METADATA_LOCK_INFO WHERE TABLE_SCHEMA IN (?)";

export interface LockRow {
  id: number | string;
  s: string;
  t: string;
  status?: string;
}

/** Lock rows as session id → `schema.table` (marked `(waiting)` for pending locks). */
export function lockMap(rows: LockRow[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const id = Number(r.id);
    const what = `${r.s}.${r.t}${r.status === 'PENDING' ? ' (waiting)' : ''}`;
    const have = out.get(id) ?? [];
    if (!have.includes(what)) out.set(id, [...have, what]);
  }
  return out;
}

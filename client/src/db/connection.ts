// One way to reach the server: a small pool whose every session is set up the way DataJoint sets up its
// own (sql_mode, UTC), with values returned losslessly (big integers and dates as strings, binary as
// Buffers). Streaming reads and dedicated sessions (for transactions and for KILL QUERY) are built in.
import mysql from 'mysql2';
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2';
import { DbInputError } from './sql';

/** The session sql_mode DataJoint 0.14.6 and 2.x both set (storage-formats.md A5). */
export const DATAJOINT_SQL_MODE =
  'NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY';

export interface ConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  tls?: boolean;
  /** PEM text of a CA to verify the server's certificate against (`--target-ca`). */
  ca?: string;
}

export type Row = Record<string, unknown>;
export type ServerFlavor = 'mysql' | 'mariadb';

export interface ExecResult {
  affectedRows: number;
  warningStatus: number;
  insertId?: number;
}

/** What can run statements: the pool (any session) or one dedicated session. */
export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * query() over the binary protocol (the statement, its values already in its text, prepared and run): numbers
   * and dates reach the client as bytes, which spares the server printing each as text (a DOUBLE ~0.1 µs). The
   * values come as query() gives them, except FLOAT (its exact value, where query() has the server's 6 digits).
   */
  queryBinary?<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<ExecResult>;
  /** Rows one at a time with bounded memory; breaking out of the loop stops the query on the server. */
  stream(sql: string, params?: readonly unknown[]): AsyncIterable<Row>;
}

/** A dedicated session: same server thread for every statement (transactions, KILL QUERY). */
export interface DbConnection extends Queryable {
  threadId: number;
}

export interface Db extends Queryable {
  flavor: ServerFlavor;
  /** Numeric version, e.g. `8.0.36` or `10.11.19`. */
  version: string;
  /** What `SELECT VERSION()` returned, e.g. `10.11.19-MariaDB-0+deb12u1`. */
  versionString: string;
  /** `user@host:port`, never the password. */
  describe(): string;
  withConnection<T>(fn: (c: DbConnection) => Promise<T>): Promise<T>;
  /** Stop what a session is running (`query`, the default) or end the session (`connection`). */
  kill(threadId: number, what?: 'query' | 'connection'): Promise<void>;
  close(): Promise<void>;
  log?: (sql: string, params?: readonly unknown[]) => void;
  /** The settings it was opened with, for a server tool run beside it (mariadb-binlog); never logged. */
  remote?: () => ConnectionOptions;
}

export type ConnectionFlags = Record<string, string | boolean | string[] | undefined>;

/**
 * Connection settings from `--host/--port/--user/--tls`, falling back to DataJoint's environment
 * variables (`DJ_HOST` as host[:port], `DJ_USER`, `DJ_PASS`). The password comes only from `DJ_PASS`
 * or, on a terminal, from a prompt; it is never accepted as a flag (it would land in shell history).
 */
export async function connectionOptionsFrom(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  promptSecret?: (question: string) => Promise<string>,
): Promise<ConnectionOptions> {
  const flag = (name: string): string | undefined =>
    typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
  const { host, port: hostPort } = splitHostPort(flag('host') ?? env.DJ_HOST ?? 'localhost');
  const portText = flag('port') ?? hostPort ?? '3306';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new DbInputError(`port ${JSON.stringify(portText)} is not a number between 1 and 65535`);
  const user = flag('user') ?? env.DJ_USER;
  if (!user) throw new DbInputError('no database user: pass --user or set DJ_USER');
  let password = env.DJ_PASS;
  if (password === undefined) password = promptSecret ? await promptSecret(`Password for ${user}@${host}: `) : '';
  return { host, port, user, password, tls: flags.tls === true };
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function splitHostPort(text: string): { host: string; port?: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1], port: v6[2] };
  const colon = text.lastIndexOf(':');
  if (colon > 0 && text.indexOf(':') === colon) return { host: text.slice(0, colon), port: text.slice(colon + 1) };
  return { host: text };
}

export async function openDb(
  opts: ConnectionOptions,
  onSql?: (sql: string, params?: readonly unknown[]) => void,
): Promise<Db> {
  const pool = mysql.createPool({
    host: opts.host,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    ssl: opts.tls ? (opts.ca ? { ca: opts.ca } : {}) : undefined,
    connectionLimit: 8,
    maxIdle: 4,
    charset: 'utf8mb4_general_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
    // JSON is compared and copied as text; parsing it here would lose key order and number spelling.
    jsonStrings: true,
    // queryBinary's statements differ in their values: the least recently used are closed on the server.
    maxPreparedStatements: 16,
  });
  const initialised = new WeakSet<PoolConnection>();
  const acquire = (): Promise<PoolConnection> =>
    new Promise((resolve, reject) => {
      pool.getConnection((err, conn) => {
        if (err) return reject(err);
        if (initialised.has(conn)) return resolve(conn);
        conn.query("SET SESSION sql_mode = ?, SESSION time_zone = '+00:00'", [DATAJOINT_SQL_MODE], (e) => {
          if (e) {
            conn.destroy();
            return reject(e);
          }
          initialised.add(conn);
          resolve(conn);
        });
      });
    });

  const session = (conn: PoolConnection, killer: (threadId: number) => Promise<void>) =>
    makeQueryable(conn, onSql, killer);

  let first: PoolConnection;
  try {
    first = await acquire();
  } catch (e) {
    await new Promise<void>((r) => pool.end(() => r()));
    throw connectError(e, opts);
  }
  const killQuery = async (threadId: number): Promise<void> => {
    await run(pool, 'KILL QUERY ?', [threadId], onSql);
  };
  let versionString: string;
  try {
    const rows = await session(first, killQuery).query<{ v: string }>('SELECT VERSION() AS v');
    versionString = rows[0].v;
  } finally {
    first.release();
  }
  const flavor: ServerFlavor = /mariadb/i.test(versionString) ? 'mariadb' : 'mysql';
  const version = /^\d+\.\d+\.\d+/.exec(versionString)?.[0] ?? versionString;

  const onPool = <T>(fn: (q: Queryable) => Promise<T>): Promise<T> =>
    acquire().then(async (conn) => {
      try {
        return await fn(session(conn, killQuery));
      } finally {
        conn.release();
      }
    });

  const db: Db = {
    flavor,
    version,
    versionString,
    log: onSql,
    describe: () => `${opts.user}@${opts.host}:${opts.port}`,
    remote: () => ({ ...opts }),
    query: (sql, params) => onPool((s) => s.query(sql, params)),
    queryBinary: (sql, params) => onPool((s) => s.queryBinary!(sql, params)),
    execute: (sql, params) => onPool((s) => s.execute(sql, params)),
    stream: (sql, params) => ({
      [Symbol.asyncIterator]: () => {
        // The session is held for as long as the caller iterates, and given back (or closed) at the end.
        const gen = (async function* () {
          const conn = await acquire();
          let broken = false;
          try {
            yield* streamRows(conn, sql, params, onSql, killQuery, () => (broken = true));
          } finally {
            if (broken) conn.destroy();
            else conn.release();
          }
        })();
        return gen;
      },
    }),
    withConnection: async (fn) => {
      const conn = await acquire();
      let broken = false;
      const q = makeQueryable(conn, onSql, killQuery, () => (broken = true));
      try {
        return await fn({ ...q, threadId: conn.threadId });
      } finally {
        if (broken) conn.destroy();
        else conn.release();
      }
    },
    kill: async (threadId, what = 'query') => {
      await run(pool, what === 'query' ? 'KILL QUERY ?' : 'KILL CONNECTION ?', [threadId], onSql);
    },
    close: () => new Promise<void>((resolve, reject) => pool.end((e) => (e ? reject(e) : resolve()))),
  };
  return db;
}

function connectError(e: unknown, opts: ConnectionOptions): Error {
  const err = e as NodeJS.ErrnoException & { sqlMessage?: string };
  const where = `${opts.user}@${opts.host}:${opts.port}`;
  if (err.code === 'ECONNREFUSED')
    return new Error(`cannot connect to ${opts.host}:${opts.port}: connection refused (is the server running?)`);
  if (err.code === 'ENOTFOUND') return new Error(`cannot connect: host ${opts.host} not found`);
  if (err.code === 'ER_ACCESS_DENIED_ERROR')
    return new Error(`cannot connect as ${where}: access denied (check DJ_PASS)`);
  return new Error(`cannot connect as ${where}: ${err.sqlMessage ?? err.message}`);
}

function run(
  pool: Pool,
  sql: string,
  params: readonly unknown[],
  onSql?: (sql: string, params?: readonly unknown[]) => void,
): Promise<unknown> {
  onSql?.(sql, params);
  return new Promise((resolve, reject) => pool.query(sql, params as unknown[], (e, r) => (e ? reject(e) : resolve(r))));
}

function makeQueryable(
  conn: PoolConnection,
  onSql: ((sql: string, params?: readonly unknown[]) => void) | undefined,
  killQuery: (threadId: number) => Promise<void>,
  markBroken: () => void = () => undefined,
): Queryable {
  const raw = (sql: string, params?: readonly unknown[]): Promise<unknown> => {
    onSql?.(sql, params);
    return new Promise((resolve, reject) =>
      conn.query({ sql, values: params as unknown[] | undefined }, (e, result) => (e ? reject(e) : resolve(result))),
    );
  };
  return {
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const result = await raw(sql, params);
      return (Array.isArray(result) ? result : []) as T[];
    },
    queryBinary: <T>(sql: string, params?: readonly unknown[]) => {
      // The values written into the text as query() writes them (the same statement), none bound.
      const text = params?.length ? conn.format(sql, params as unknown[]) : sql;
      onSql?.(text);
      return new Promise<T[]>((resolve, reject) =>
        conn.execute(text, [], (e, result) => (e ? reject(e) : resolve((Array.isArray(result) ? result : []) as T[]))),
      );
    },
    execute: async (sql, params) => {
      const r = (await raw(sql, params)) as ResultSetHeader;
      return { affectedRows: r.affectedRows ?? 0, warningStatus: r.warningStatus ?? 0, insertId: r.insertId };
    },
    stream: (sql, params) => ({
      [Symbol.asyncIterator]: () => streamRows(conn, sql, params, onSql, killQuery, markBroken),
    }),
  };
}

/**
 * Rows of one query as an async generator. When the consumer stops early, the server is told to stop
 * (KILL QUERY from another session) and the rest of the result is drained so the session stays usable;
 * if that fails the session is marked broken and closed instead of being reused.
 */
async function* streamRows(
  conn: PoolConnection,
  sql: string,
  params: readonly unknown[] | undefined,
  onSql: ((sql: string, params?: readonly unknown[]) => void) | undefined,
  killQuery: (threadId: number) => Promise<void>,
  markBroken: () => void,
): AsyncGenerator<Row> {
  onSql?.(sql, params);
  const readable = conn.query({ sql, values: params as unknown[] | undefined }).stream({ highWaterMark: 512 });
  let finished = false;
  readable.once('end', () => (finished = true));
  try {
    // destroyOnReturn: false keeps the stream alive on an early exit so the rest can be drained below.
    for await (const row of readable.iterator({ destroyOnReturn: false })) yield row as Row;
    finished = true;
  } finally {
    if (!finished) {
      try {
        const drained = new Promise<void>((resolve) => {
          readable.on('error', () => resolve());
          readable.on('end', () => resolve());
          readable.on('close', () => resolve());
        });
        await killQuery(conn.threadId);
        readable.resume();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise(
          (_, reject) => (timer = setTimeout(() => reject(new Error('drain timeout')), 10_000)),
        );
        try {
          await Promise.race([drained, timeout]);
        } finally {
          clearTimeout(timer);
        }
      } catch {
        markBroken();
      }
    }
  }
}

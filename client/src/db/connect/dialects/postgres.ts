// PostgreSQL through `pg`: the target side of a migration into DataJoint 2.x on PostgreSQL. Identifiers are
// double-quoted (`pq`), values travel as `$n` parameters; DDL is transactional here, so a whole creation
// runs in one transaction and appears all at once or not at all.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { describeTarget, type TargetSpec } from '../target';
import { DbInputError } from '../../sql';

export type PgRow = Record<string, unknown>;

export interface PgDb {
  dialect: 'postgresql';
  /** `postgresql://user@host:port/database`, never the password. */
  describe(): string;
  /** Server version, e.g. `15.20`. */
  version: string;
  query<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Every value as PostgreSQL's text output (bytea as Buffer): no lossy parsing (timestamps stay text,
   * int8 and numeric stay exact, float4 keeps its shortest exact spelling). `types` is the server type
   * name per result column.
   */
  queryText(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[][]; types: string[] }>;
  /**
   * `COPY … FROM STDIN` fed from `lines` with backpressure (a line is produced only when the socket takes
   * it); returns the rows the server copied. Aborting `signal` fails the COPY (the server discards it).
   */
  copyFrom(sql: string, lines: Iterable<string> | AsyncIterable<string>, signal?: AbortSignal): Promise<number>;
  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Quote one PostgreSQL identifier, doubling any double quote inside. */
export function pq(name: string): string {
  if (name.includes('\u0000')) throw new DbInputError(`identifier ${JSON.stringify(name)} contains a NUL`);
  return '"' + name.replace(/"/g, '""') + '"';
}

/** "schema"."table". */
export function pqt(schema: string, table: string): string {
  return `${pq(schema)}.${pq(table)}`;
}

/** A string literal for DDL that takes no parameters (COMMENT ON, DEFAULT, CREATE TYPE … AS ENUM). */
export function plit(value: string): string {
  if (value.includes('\u0000')) throw new DbInputError(`text ${JSON.stringify(value)} contains a NUL`);
  return `'${value.replace(/'/g, "''")}'`;
}

/** Connect; a refused connection is reported as bad input naming the target (without the password). */
export async function openPg(t: TargetSpec): Promise<PgDb> {
  const client = new pg.Client({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database,
    ssl: t.tls ? { ca: t.ca, rejectUnauthorized: true } : false,
    application_name: 'dj-migrate',
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new DbInputError(`cannot connect to ${describeTarget(t)}: ${(e as Error).message}`);
  }
  client.on('error', () => undefined); // a dropped connection surfaces at the next query
  const version = ((await client.query('SHOW server_version')).rows[0]?.server_version as string) ?? '';
  const query = async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> =>
    (await client.query(sql, params ? [...params] : undefined)).rows as T[];
  const typeNames = new Map<number, string>();
  const textTypes = {
    getTypeParser: ((oid: number) => (oid === BYTEA_OID ? byteaParser : (v: string) => v)) as never,
  };
  return {
    dialect: 'postgresql',
    async queryText(sql, params) {
      const r = await client.query({
        text: sql,
        values: params ? [...params] : undefined,
        rowMode: 'array',
        types: textTypes,
      });
      const missing = r.fields.map((f) => f.dataTypeID).filter((o) => !typeNames.has(o));
      if (missing.length)
        for (const t of (
          await client.query<{ oid: number; name: string }>(
            'SELECT oid::int AS oid, typname AS name FROM pg_type WHERE oid = ANY($1)',
            [missing],
          )
        ).rows)
          typeNames.set(t.oid, t.name);
      return {
        rows: r.rows as unknown[][],
        types: r.fields.map((f) => typeNames.get(f.dataTypeID) ?? String(f.dataTypeID)),
      };
    },
    async copyFrom(sql, lines, signal) {
      const sink = client.query(copyFromStdin(sql));
      await pipeline(
        Readable.from(lines, { objectMode: false, highWaterMark: 64 * 1024 }),
        sink,
        signal ? { signal } : {},
      );
      return sink.rowCount;
    },
    describe: () => describeTarget(t),
    version: version.split(' ')[0],
    query,
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const out = await fn();
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    close: () => client.end(),
  };
}

const BYTEA_OID = 17;
const byteaParser = pg.types.getTypeParser(BYTEA_OID, 'text') as (v: string) => Buffer;

// PostgreSQL 15 at 127.0.0.1:5432 (trust, user postgres) for tests: a uniquely named scratch database per
// test, dropped afterwards, and a catalogue dump for comparing what exists with dj2pg/schema.sql.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const pgServer = {
  host: process.env.DJ_TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.DJ_TEST_PG_PORT ?? 5432),
  user: process.env.DJ_TEST_PG_USER ?? 'postgres',
};

export interface PgTestDatabase {
  name: string;
  /** `postgresql://postgres@127.0.0.1:5432/<name>` for --target. */
  url: string;
  /** A session in that database (opened lazily, closed by drop). */
  client(): Promise<pg.Client>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...pgServer, database: 'postgres' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createPgDatabase(): Promise<PgTestDatabase> {
  const name = `djm_t${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  let session: pg.Client | undefined;
  return {
    name,
    url: `postgresql://${pgServer.user}@${pgServer.host}:${pgServer.port}/${name}`,
    async client() {
      if (!session) {
        session = new pg.Client({ ...pgServer, database: name });
        await session.connect();
      }
      return session;
    },
    async drop() {
      await session?.end().catch(() => undefined);
      if (!/^djm_t[0-9a-f]{8}$/.test(name)) throw new Error(`refusing to drop ${name}`);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Run a pg_dump file (plain format, no COPY data) through the driver; psql's backslash lines are dropped. */
export async function runDumpFile(c: pg.Client, file: string, rename?: (text: string) => string): Promise<void> {
  let text = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('\\'))
    .join('\n');
  if (rename) text = rename(text);
  await c.query(text);
}

/**
 * Everything 2.x's DDL decides, one line per object, schema names passed through `norm`: enum types and
 * their labels, tables and their comments, columns (position, type, NOT NULL, default, comment), constraints,
 * indexes. Job tables (`~~x`, created lazily by 2.x) and types used only by them are left out.
 */
export async function catalogue(c: pg.Client, schemas: string[], norm: (s: string) => string): Promise<string[]> {
  const out: string[] = [];
  const cols = await c.query(
    `SELECT n.nspname AS s, cl.relname AS t, a.attnum AS pos, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS nn, pg_get_expr(d.adbin, d.adrelid) AS def, col_description(cl.oid, a.attnum) AS comment
       FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = ANY($1) AND cl.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND cl.relname NOT LIKE '~~%'`,
    [schemas],
  );
  const usedTypes = new Set<string>();
  for (const r of cols.rows) {
    usedTypes.add(r.type);
    out.push(
      `column ${r.s}.${r.t} #${r.pos} ${r.name} ${r.type}${r.nn ? ' NOT NULL' : ''} default=${r.def} comment=${r.comment}`,
    );
  }
  const tables = await c.query(
    `SELECT n.nspname AS s, cl.relname AS t, obj_description(cl.oid, 'pg_class') AS comment
       FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE n.nspname = ANY($1) AND cl.relkind = 'r' AND cl.relname NOT LIKE '~~%'`,
    [schemas],
  );
  for (const r of tables.rows) out.push(`table ${r.s}.${r.t} comment=${r.comment}`);
  const cons = await c.query(
    `SELECT n.nspname AS s, cl.relname AS t, co.conname AS name, pg_get_constraintdef(co.oid) AS def
       FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE n.nspname = ANY($1) AND cl.relname NOT LIKE '~~%'`,
    [schemas],
  );
  for (const r of cons.rows) out.push(`constraint ${r.s}.${r.t} ${r.name} ${r.def}`);
  const idx = await c.query(
    `SELECT schemaname AS s, tablename AS t, indexname AS name, indexdef AS def FROM pg_indexes
      WHERE schemaname = ANY($1) AND tablename NOT LIKE '~~%'`,
    [schemas],
  );
  for (const r of idx.rows) out.push(`index ${r.s}.${r.t} ${r.name} ${r.def}`);
  const types = await c.query(
    `SELECT n.nspname AS s, t.typname AS name, array_to_string(array_agg(e.enumlabel ORDER BY e.enumsortorder), ',') AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = ANY($1) GROUP BY n.nspname, t.typname`,
    [schemas],
  );
  for (const r of types.rows) if (usedTypes.has(`${r.s}.${r.name}`)) out.push(`type ${r.s}.${r.name} = ${r.labels}`);
  return out.map(norm).sort();
}

/** The `~lineage` rows of a pg_dump data file, per schema, as `table.attribute = lineage` lines. */
export function dumpedLineage(file: string, norm: (s: string) => string): string[] {
  const out: string[] = [];
  let schema: string | null = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const start = /^COPY (\w+)\."~lineage" \(table_name, attribute_name, lineage\) FROM stdin;$/.exec(line);
    if (start) schema = start[1];
    else if (line === '\\.') schema = null;
    else if (schema && !line.startsWith('~~')) {
      const [t, a, l] = line.split('\t');
      out.push(norm(`${schema}: ${t}.${a} = ${l}`));
    }
  }
  return out.sort();
}

/** The raw COPY text lines pg_dump wrote for one table (`schema` and `table` as in the dump's COPY line). */
export function dumpedCopyLines(file: string, qualifiedName: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`COPY ${qualifiedName} (`));
  if (start < 0) throw new Error(`no COPY block for ${qualifiedName}`);
  const end = lines.indexOf('\\.', start);
  return lines.slice(start + 1, end);
}

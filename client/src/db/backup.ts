// `db backup`: a full copy of schemas on the same server — every table (hidden ones included: `~log`,
// `~jobs`, `~external_*`, `~lineage`, `~~*`), its exact DDL and all its rows — verified equal before it is
// called a backup. What the library's `backup_schema` meant to do (storage-formats.md B10: it copies in
// alphabetical order, which breaks on foreign keys, and is not re-runnable).
//
// How a schema is cloned (`cloneSchemas`, shared with `db restore`):
// - the DDL is the server's own `SHOW CREATE TABLE`, run in a session whose default database is the
//   target (same-schema references are unqualified there); references to other schemas being cloned are
//   re-pointed at their clones; other references stay as they are;
// - hidden tables first (they have no keys to user tables, and `~external_*` is referenced by them),
//   then user tables parents first, each filled server-side with one `INSERT … SELECT` (values never
//   pass through the client); any warning is an error;
// - `~lineage` values name their schema (2.x), so the clone's rows name the clone;
// - verified: user tables with `compare` (zero differences), hidden tables by row count and
//   `CHECKSUM TABLE` (same DDL on the same server), `~lineage` row by row under the renaming.
import type { Db, DbConnection } from './connection';
import { insertSelectInChunks } from './chunkedInsert';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { compare, type CompareReport } from './compare';
import type { Schema, Table } from './model';
import { tableKey } from './model';
import { checkIdentifier, DbInputError, formatSql, q, qList, qt } from './sql';
import type { SchemaPair } from './parallel';
import { summariseCompare } from './swap';
import type { LineageRow } from './lineage';

export interface CloneProgress {
  step: 'create' | 'copy' | 'verify';
  table: string;
  done: number;
  total: number;
}

export interface CloneOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: CloneProgress) => void;
  /** Each statement as it runs (or would run, in a dry run), values inlined. */
  onStatement?: (sql: string) => void;
}

export interface HiddenCheck {
  table: string;
  rows: number;
  equal: boolean;
  why?: string;
}

export interface CloneReport {
  pairs: SchemaPair[];
  statements: string[];
  tables: { source: string; target: string; rows: number }[];
  compare?: CompareReport;
  hidden: HiddenCheck[];
  /** True when every table of every clone equals its source. Always false for a dry run. */
  verified: boolean;
  /** Why it is not verified. */
  problems: string[];
  dryRun: boolean;
}

export interface BackupOptions extends CloneOptions {
  schemas: string[];
  /** Backups are `<name><suffix>`; default `_backup_YYYYMMDD` (today, UTC). */
  suffix?: string;
}

/** `_backup_YYYYMMDD` for a date (UTC). */
export function defaultBackupSuffix(date = new Date()): string {
  return `_backup_${date.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

export async function backupSchemas(db: Db, opts: BackupOptions): Promise<CloneReport> {
  const suffix = opts.suffix ?? defaultBackupSuffix();
  if (!suffix) throw new DbInputError('the backup suffix is empty');
  const pairs = opts.schemas.map((s) => ({
    source: checkIdentifier(s, 'schema'),
    target: checkIdentifier(s + suffix, 'backup schema'),
  }));
  return cloneSchemas(db, pairs, opts);
}

/** Copy schemas table for table (DDL, rows, hidden tables) into new schemas on the same server, then verify. */
export async function cloneSchemas(db: Db, pairs: SchemaPair[], opts: CloneOptions = {}): Promise<CloneReport> {
  if (!pairs.length) throw new DbInputError('no schemas given (use --schemas a,b,c)');
  const targetOf = new Map(pairs.map((p) => [p.source, p.target]));
  for (const p of pairs)
    if (targetOf.has(p.target)) throw new DbInputError(`${p.target} is both a source and a target`);
  const existing = await db.query<{ s: string; n: number | string }>(
    'SELECT s.SCHEMA_NAME AS s, COUNT(t.TABLE_NAME) AS n FROM information_schema.SCHEMATA s LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME WHERE s.SCHEMA_NAME IN (?) GROUP BY s.SCHEMA_NAME',
    [pairs.map((p) => p.target)],
  );
  const taken = existing.filter((e) => Number(e.n) > 0).map((e) => e.s);
  if (taken.length)
    throw new DbInputError(
      `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''} with tables; choose another suffix or drop ${taken.length === 1 ? 'it' : 'them'} first (nothing was written)`,
    );
  const sources = await introspect(
    db,
    pairs.map((p) => p.source),
  );
  const report: CloneReport = {
    pairs,
    statements: [],
    tables: [],
    hidden: [],
    verified: false,
    problems: [],
    dryRun: !!opts.dryRun,
  };
  const order = cloneOrder(sources);
  const say = (sql: string, params?: unknown[]) => {
    const text = formatSql(sql, params);
    report.statements.push(text);
    opts.onStatement?.(text);
  };

  await db.withConnection(async (c) => {
    // INSERT … SELECT under REPEATABLE READ takes shared locks on every source row it reads, which would stall
    // production writers for as long as a large table is being copied; READ COMMITTED reads without them.
    // Rows written meanwhile then show up in the verification (or as a foreign-key failure), never silently.
    const restoreIsolation = opts.dryRun ? null : await readCommitted(c);
    try {
      await cloneInto(c);
    } finally {
      if (restoreIsolation) await c.execute(restoreIsolation);
    }
  });
  if (opts.dryRun) return report;
  Object.assign(report, await verifyClone(db, pairs, sources, opts));
  return report;

  async function cloneInto(c: DbConnection): Promise<void> {
    for (const s of sources) {
      const sql = `CREATE DATABASE IF NOT EXISTS ${q(targetOf.get(s.name) as string)} CHARACTER SET ${word(s.charset)} COLLATE ${word(s.collation)}`;
      say(sql);
      if (!opts.dryRun) await c.execute(sql);
    }
    let done = 0;
    for (const t of order) {
      check(opts.signal);
      const target = targetOf.get(t.schema) as string;
      opts.onProgress?.({ step: 'create', table: tableKey(t), done, total: order.length });
      const ddl = await cloneDdl(c, t, targetOf);
      say(`USE ${q(target)}`);
      say(ddl);
      if (!opts.dryRun) {
        await c.execute(`USE ${q(target)}`);
        await c.execute(ddl);
      }
      const cols = qList(t.columns.map((col) => col.name));
      const fill =
        t.name === '~lineage'
          ? lineageFill(t, target, targetOf)
          : {
              sql: `INSERT INTO ${qt(target, t.name)} (${cols}) SELECT ${cols} FROM ${qt(t.schema, t.name)}`,
              params: [],
            };
      say(fill.sql, fill.params);
      opts.onProgress?.({ step: 'copy', table: tableKey(t), done, total: order.length });
      let rows = 0;
      if (!opts.dryRun && t.name !== '~lineage') {
        // The same rows as the statement shown, in primary-key chunks (chunkedInsert.ts).
        try {
          rows = (await insertSelectInChunks(c, t, target, { signal: opts.signal })).rows;
        } catch (e) {
          if ((e as Error).name === 'AbortError') throw e;
          throw new DbInputError(`${(e as Error).message}; the clone is incomplete`);
        }
      } else if (!opts.dryRun) {
        const r = await c.execute(fill.sql, fill.params);
        if (r.warningStatus > 0)
          throw new DbInputError(
            `copying ${tableKey(t)} raised ${r.warningStatus} warning(s); the clone is incomplete (a value would have changed)`,
          );
        rows = r.affectedRows;
      }
      report.tables.push({ source: tableKey(t), target: `${target}.${t.name}`, rows });
      done++;
    }
  }
}

/** Switch the session to READ COMMITTED; returns the statement that puts the previous level back. */
async function readCommitted(c: DbConnection): Promise<string> {
  let level: string;
  try {
    [{ level }] = await c.query<{ level: string }>('SELECT @@SESSION.transaction_isolation AS level'); // MySQL 8, MariaDB 11.1+
  } catch {
    [{ level }] = await c.query<{ level: string }>('SELECT @@SESSION.tx_isolation AS level'); // MariaDB 10.x
  }
  const previous = String(level).replace(/-/g, ' ').toUpperCase();
  if (!/^(READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE)$/.test(previous))
    throw new DbInputError(`unexpected isolation level ${level}`);
  await c.execute('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  return `SET SESSION TRANSACTION ISOLATION LEVEL ${previous}`;
}

/** Hidden tables first, then user tables parents first (foreign-key checks stay on). */
function cloneOrder(sources: Schema[]): Table[] {
  return [...sources.flatMap((s) => s.hidden), ...dependencyOrder(sources)];
}

/** SHOW CREATE TABLE, with references to cloned schemas re-pointed at their clones. */
async function cloneDdl(c: DbConnection, t: Table, targetOf: Map<string, string>): Promise<string> {
  const [row] = await c.query<Record<string, string>>(`SHOW CREATE TABLE ${qt(t.schema, t.name)}`);
  const ddl = row['Create Table'];
  if (!ddl) throw new DbInputError(`${tableKey(t)} has no CREATE TABLE (is it a view?)`);
  return repointReferences(ddl, targetOf);
}

/**
 * In SHOW CREATE TABLE text (MariaDB or MySQL 8), make `REFERENCES \`s\`.\`t\`` point at `targetOf(s)` for
 * the schemas being cloned. Only constraint lines are touched; same-schema references are unqualified
 * there and resolve in the session's default database, which is the clone.
 */
export function repointReferences(ddl: string, targetOf: ReadonlyMap<string, string>): string {
  return ddl
    .split('\n')
    .map((line) => {
      if (!/^\s*CONSTRAINT\s/.test(line)) return line;
      return line.replace(/REFERENCES `((?:[^`]|``)+)`\.`/, (all, schema: string) => {
        const target = targetOf.get(schema.replace(/``/g, '`'));
        return target ? `REFERENCES ${q(target)}.\`` : all;
      });
    })
    .join('\n');
}

/** `~lineage` rows name their schema: the clone's rows name the clone (and other cloned schemas' clones). */
function lineageFill(t: Table, target: string, targetOf: Map<string, string>): { sql: string; params: unknown[] } {
  const names = [...targetOf.keys()].sort((a, b) => b.length - a.length);
  // Longest source name first, so `lab_x` is not taken for `lab`; one CASE expression, evaluated on the server.
  const cases = names
    .map(() => "WHEN `lineage` LIKE CONCAT(?, '.%') THEN CONCAT(?, SUBSTRING(`lineage`, ?))")
    .join(' ');
  const params = names.flatMap((n) => [likeLiteral(n), targetOf.get(n), n.length + 1]);
  const cols = qList(t.columns.map((c) => c.name));
  const select = t.columns
    .map((c) =>
      c.name === 'lineage' ? (names.length ? `CASE ${cases} ELSE \`lineage\` END` : q('lineage')) : q(c.name),
    )
    .join(', ');
  return { sql: `INSERT INTO ${qt(target, t.name)} (${cols}) SELECT ${select} FROM ${qt(t.schema, t.name)}`, params };
}

function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** Compare every user table; hidden tables by count and CHECKSUM TABLE; ~lineage under the renaming. */
export async function verifyClone(
  db: Db,
  pairs: SchemaPair[],
  sources?: Schema[],
  opts: CloneOptions = {},
): Promise<Pick<CloneReport, 'compare' | 'hidden' | 'verified' | 'problems'>> {
  const src =
    sources ??
    (await introspect(
      db,
      pairs.map((p) => p.source),
    ));
  const targetOf = new Map(pairs.map((p) => [p.source, p.target]));
  const problems: string[] = [];
  opts.onProgress?.({ step: 'verify', table: '', done: 0, total: 1 });
  const cmp = await compare(db, { pairs, signal: opts.signal, tolerance: 0 });
  if (!cmp.equal) problems.push(...summariseCompare(cmp));
  const hidden: HiddenCheck[] = [];
  const targetTables = new Set(
    (
      await db.query<{ s: string; t: string }>(
        'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
        [pairs.map((p) => p.target)],
      )
    ).map((r) => `${r.s}.${r.t}`),
  );
  for (const s of src) {
    const target = targetOf.get(s.name) as string;
    for (const t of s.hidden) {
      const where = `${target}.${t.name}`;
      if (!targetTables.has(where)) {
        hidden.push({ table: where, rows: 0, equal: false, why: 'missing' });
        continue;
      }
      const [a] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(s.name, t.name)}`);
      const [b] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(target, t.name)}`);
      let why: string | undefined;
      if (a.n !== b.n) why = `${b.n} rows, ${tableKey(t)} has ${a.n}`;
      else if (t.name === '~lineage') why = await lineageDifference(db, s.name, target, targetOf);
      else {
        const [ca] = await db.query<{ Checksum: unknown }>(`CHECKSUM TABLE ${qt(s.name, t.name)} EXTENDED`);
        const [cb] = await db.query<{ Checksum: unknown }>(`CHECKSUM TABLE ${qt(target, t.name)} EXTENDED`);
        if (String(ca.Checksum) !== String(cb.Checksum)) why = 'content differs (CHECKSUM TABLE)';
      }
      hidden.push({ table: where, rows: Number(b.n), equal: !why, why });
      if (why) problems.push(`${where}: ${why}`);
    }
  }
  return { compare: cmp, hidden, verified: problems.length === 0, problems };
}

async function lineageDifference(
  db: Db,
  source: string,
  target: string,
  targetOf: Map<string, string>,
): Promise<string | undefined> {
  const names = [...targetOf.keys()].sort((a, b) => b.length - a.length);
  const renamed = (v: string) => {
    const n = names.find((x) => v.startsWith(x + '.'));
    return n ? (targetOf.get(n) as string) + v.slice(n.length) : v;
  };
  const read = (s: string) =>
    db.query<LineageRow>(
      `SELECT table_name, attribute_name, lineage FROM ${qt(s, '~lineage')} ORDER BY table_name, attribute_name`,
    );
  const a = (await read(source)).map((r) => `${r.table_name}.${r.attribute_name}=${renamed(r.lineage)}`);
  const b = (await read(target)).map((r) => `${r.table_name}.${r.attribute_name}=${r.lineage}`);
  const diff = a.filter((x, i) => b[i] !== x);
  return diff.length ? `${diff.length} ~lineage row(s) differ, e.g. ${diff[0]}` : undefined;
}

function word(name: string): string {
  if (!/^\w+$/.test(name)) throw new DbInputError(`unexpected character set or collation name ${JSON.stringify(name)}`);
  return name;
}

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
}

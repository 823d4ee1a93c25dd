// `db swap` / `db unswap` (the guide's cut-over "Option A", done right). MySQL cannot rename a database,
// so a cut-over moves tables: every table of each production schema `a` goes to `a<old>`, and every table
// of `a<suffix>` goes to `a`, in ONE `RENAME TABLE` statement (atomic: all or nothing, and the server
// refuses it as a whole on any error). Foreign keys follow the tables they point at (InnoDB on MariaDB
// and MySQL 8 both update the children of a renamed parent), so afterwards each side's keys point at
// their own side's schemas; that is checked after the rename and repaired if a server ever did otherwise.
//
// Before the rename, in this order: the user confirms writes are frozen; no other session holds or waits
// on the tables (metadata locks where the server exposes them, open transactions, the process list);
// a final catch-up copy of rows added since the copy; a fresh compare with zero differences and a passing
// verify; no triggers or views that a cross-database rename breaks; and nothing changed since the compare
// (per-table checksums taken before the compare, taken again just before the rename). The rename itself
// runs with a short lock_wait_timeout: a session that sneaks in makes it fail as a whole, never hang.
//
// The table-moving part (`planRotation`, `runRotation`, `findBlockers`) is shared with `db restore`.
import type { Db, Queryable } from './connection';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { copy, type CopyReport } from './copy';
import { compare, type CompareReport } from './compare';
import { verifySchemas, type VerifyReport } from './verify';
import type { StoreMap } from './stores';
import { checkIdentifier, DbInputError, formatSql, q, qt } from './sql';
import { insertLineageSql, lineageTableSql, type LineageRow } from './lineage';

/** 2.x's `~lineage` names schemas in its values; a moved copy is rewritten under these names, then swapped in. */
const LINEAGE = '~lineage';
const LINEAGE_NEXT = '~lineage_swap';
const LINEAGE_PREVIOUS = '~lineage_replaced';

/** A schema-level move: every base table of `from` (hidden tables included) goes to `to`, same name. */
export interface SchemaMove {
  from: string;
  to: string;
}

export interface TableMove {
  fromSchema: string;
  toSchema: string;
  table: string;
}

/** A statement the operation runs (or, in a dry run, would run), in order. */
export interface PlannedStatement {
  sql: string;
  params?: unknown[];
  purpose: string;
  /** The one RENAME TABLE: run with a bounded lock wait. */
  rename?: boolean;
}

export interface RotationPlan {
  moves: SchemaMove[];
  tables: TableMove[];
  /** CREATE DATABASE for destinations that do not exist yet, then the one RENAME TABLE. */
  statements: PlannedStatement[];
  /** Why the rotation cannot run (name conflicts, triggers, views, keys from outside); empty when it can. */
  refusals: string[];
  /** Schemas that end up without tables (left in place, never dropped). */
  emptied: string[];
}

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

export type SwapStep =
  | 'plan' | 'confirm' | 'blockers' | 'catch-up' | 'compare' | 'verify' | 'recheck' | 'rename' | 'foreign-keys';

export interface SwapProgress {
  step: SwapStep;
  message: string;
}

/** What the UI shows in its confirmation: the schemas by name, and what will happen to them. */
export interface ConfirmRequest {
  kind: 'freeze' | 'drop' | 'restore' | 'in-place';
  schemas: string[];
  question: string;
}

export interface SwapOptions {
  /** Production schema names (the names the code uses once finalized). */
  schemas: string[];
  /** The parallel 2.x schemas are `<name><suffix>` (default `_v2`). */
  suffix: string;
  /** Production tables move to `<name><oldSuffix>` (default `_old`). */
  oldSuffix: string;
  /** Store settings, for the catch-up copy of in-store columns and for verify's file checks. */
  stores: StoreMap;
  /** Float tolerance for the fresh compare. */
  tolerance?: number;
  /** `--sample N` for verify's file checks (default: every value). */
  sample?: number;
  dryRun?: boolean;
  /** Asked once, after the plan is valid and before anything is written: writes to production are frozen? */
  confirm: (req: ConfirmRequest) => Promise<boolean>;
  /** Seconds the rename waits for a metadata lock before it fails as a whole (default 5). */
  lockWaitSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (e: SwapProgress) => void;
  /** Test seam: runs right after the fresh compare (e.g. to write a row "too late"). */
  afterCompare?: () => Promise<void>;
}

export interface SwapReport {
  status: 'swapped' | 'refused' | 'dry-run';
  direction: 'swap' | 'unswap';
  /** Why nothing was moved (status `refused`). */
  refusals: string[];
  plan: RotationPlan;
  blockers: Blocker[];
  catchUp?: CopyReport;
  compare?: CompareReport;
  verify?: VerifyReport;
  /** Foreign keys that pointed at the other side after the rename, and were re-pointed. */
  foreignKeyFixes: string[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------
// Rotation: moving whole schemas' tables in one statement.

interface CatalogTable {
  schema: string;
  name: string;
  type: string;
}

/**
 * Plan moving every table of each `from` schema to its `to` schema in one RENAME TABLE. Refuses (without
 * throwing) when a destination keeps tables of its own, when triggers or views are involved, or when
 * tables outside the moved schemas have foreign keys into them (they would follow to the wrong side).
 */
export async function planRotation(db: Queryable, moves: SchemaMove[]): Promise<RotationPlan> {
  for (const m of moves) {
    checkIdentifier(m.from, 'schema');
    checkIdentifier(m.to, 'schema');
  }
  const names = [...new Set(moves.flatMap((m) => [m.from, m.to]))];
  const schemata = await db.query<{ name: string; charset: string; collation: string }>(
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    [names],
  );
  const exists = new Map(schemata.map((s) => [s.name, s]));
  const all = await db.query<CatalogTable>(
    'SELECT TABLE_SCHEMA AS `schema`, TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME',
    [names],
  );
  const refusals: string[] = [];
  const movedOut = new Set(moves.map((m) => m.from));
  const tables: TableMove[] = [];
  for (const m of moves) {
    if (!exists.has(m.from)) {
      refusals.push(`schema ${m.from} does not exist`);
      continue;
    }
    const base = all.filter((t) => t.schema === m.from && t.type === 'BASE TABLE' && t.name !== LINEAGE_NEXT && t.name !== LINEAGE_PREVIOUS);
    if (!base.length) refusals.push(`schema ${m.from} has no tables to move`);
    tables.push(...base.map((t) => ({ fromSchema: m.from, toSchema: m.to, table: t.name })));
    // A destination must be empty once the moves out of it are done: mixing two pipelines' tables in one
    // schema (or overwriting one) is never what the user wants.
    if (!movedOut.has(m.to)) {
      const staying = all.filter((t) => t.schema === m.to && t.name !== LINEAGE_NEXT && t.name !== LINEAGE_PREVIOUS);
      if (staying.length) {
        const list = staying.slice(0, 5).map((t) => t.name).join(', ') + (staying.length > 5 ? `, … ${staying.length - 5} more` : '');
        refusals.push(`schema ${m.to} already has ${staying.length} table(s) or view(s) (${list}); retire or rename it first — nothing was moved`);
      }
    }
  }
  const pending = all.filter((t) => t.name === '~lineage_pending' && movedOut.has(t.schema));
  if (pending.length) refusals.push(`${pending.map((t) => `${t.schema}.~lineage_pending`).join(', ')} was left by an interrupted create-parallel or migrate-in-place; run that again to finish it first`);
  const views = all.filter((t) => t.type !== 'BASE TABLE' && movedOut.has(t.schema));
  if (views.length) refusals.push(`views are not moved by RENAME TABLE and would be left behind: ${views.map((v) => `${v.schema}.${v.name}`).join(', ')}; drop them (and re-create them after the swap)`);
  refusals.push(...(await triggersAndViews(db, names, movedOut)));
  refusals.push(...(await keysFromOutside(db, moves)));

  // Order: a move into a schema comes after every move out of it (RENAME TABLE runs left to right).
  const ordered: TableMove[] = [];
  const pendingSchemas = [...moves];
  while (pendingSchemas.length) {
    const i = pendingSchemas.findIndex((m) => !pendingSchemas.some((o) => o !== m && o.from === m.to));
    if (i < 0) {
      refusals.push(`the moves form a cycle (${pendingSchemas.map((m) => `${m.from}→${m.to}`).join(', ')})`);
      break;
    }
    const [m] = pendingSchemas.splice(i, 1);
    ordered.push(...tables.filter((t) => t.fromSchema === m.from && t.toSchema === m.to));
  }
  const statements: PlannedStatement[] = [];
  const lineage = await lineageRewrites(db, moves, tables);
  for (const m of moves) {
    if (exists.has(m.to)) continue;
    const src = exists.get(m.from);
    if (!src) continue;
    statements.push({
      sql: `CREATE DATABASE IF NOT EXISTS ${q(m.to)} CHARACTER SET ${word(src.charset)} COLLATE ${word(src.collation)}`,
      purpose: `schema ${m.to} (character set and collation of ${m.from})`,
    });
  }
  statements.push(...lineage.before);
  if (ordered.length) statements.push({ sql: renameSql(ordered, lineage.schemas), purpose: `move ${ordered.length} tables in one atomic statement`, rename: true });
  statements.push(...lineage.after);
  const emptied = moves.filter((m) => !moves.some((o) => o.to === m.from)).map((m) => m.from);
  return { moves, tables: ordered, statements, refusals, emptied };
}

/**
 * The one RENAME TABLE. For schemas in `rewrittenLineage`, `~lineage` stays behind as `~lineage_replaced`
 * and the rewritten `~lineage_swap` arrives as `~lineage` in the same statement.
 */
export function renameSql(moves: TableMove[], rewrittenLineage: ReadonlySet<string> = new Set()): string {
  const parts = moves.flatMap((m) =>
    m.table === LINEAGE && rewrittenLineage.has(m.fromSchema)
      ? [`${qt(m.fromSchema, LINEAGE)} TO ${qt(m.fromSchema, LINEAGE_PREVIOUS)}`, `${qt(m.fromSchema, LINEAGE_NEXT)} TO ${qt(m.toSchema, LINEAGE)}`]
      : [`${qt(m.fromSchema, m.table)} TO ${qt(m.toSchema, m.table)}`],
  );
  return 'RENAME TABLE\n  ' + parts.join(',\n  ');
}

/**
 * `~lineage` values are `schema.table.attribute`: once tables change schema they must name the new one.
 * For every moved `~lineage`, the rewritten rows go into `~lineage_swap` beside it before the rename
 * (leftovers of an interrupted run are dropped first), and the replaced table is dropped after it.
 */
async function lineageRewrites(db: Queryable, moves: SchemaMove[], tables: TableMove[]): Promise<{ before: PlannedStatement[]; after: PlannedStatement[]; schemas: Set<string> }> {
  const rename = new Map(moves.map((m) => [m.from, m.to]));
  const names = [...rename.keys()].sort((a, b) => b.length - a.length);
  const renamed = (lineage: string): string => {
    const from = names.find((n) => lineage.startsWith(n + '.'));
    return from ? (rename.get(from) as string) + lineage.slice(from.length) : lineage;
  };
  const before: PlannedStatement[] = [];
  const after: PlannedStatement[] = [];
  const schemas = new Set<string>();
  for (const t of tables.filter((x) => x.table === LINEAGE)) {
    const rows = await db.query<LineageRow>(`SELECT table_name, attribute_name, lineage FROM ${qt(t.fromSchema, LINEAGE)} ORDER BY table_name, attribute_name`);
    schemas.add(t.fromSchema);
    before.push(
      { sql: `DROP TABLE IF EXISTS ${qt(t.fromSchema, LINEAGE_NEXT)}, ${qt(t.fromSchema, LINEAGE_PREVIOUS)}`, purpose: `remove leftovers of an interrupted run in ${t.fromSchema}` },
      { sql: lineageTableSql(t.fromSchema, LINEAGE_NEXT), purpose: `${t.toSchema}.~lineage, prepared beside the old one` },
    );
    if (rows.length) {
      const ins = insertLineageSql(t.fromSchema, LINEAGE_NEXT, rows.map((r) => ({ ...r, lineage: renamed(r.lineage) })));
      before.push({ sql: ins.sql, params: ins.params, purpose: `${rows.length} ~lineage rows naming ${t.toSchema} instead of ${t.fromSchema}` });
    }
    after.push({ sql: `DROP TABLE ${qt(t.fromSchema, LINEAGE_PREVIOUS)}`, purpose: `the replaced ~lineage of ${t.fromSchema}` });
  }
  return { before, after, schemas };
}

/** Statements as text with their values inlined, for dry runs and reports. */
export function statementText(s: PlannedStatement): string {
  return formatSql(s.sql, s.params);
}

function word(name: string): string {
  if (!/^\w+$/.test(name)) throw new DbInputError(`unexpected character set or collation name ${JSON.stringify(name)}`);
  return name;
}

/** Triggers break a cross-database RENAME ("Trigger in wrong schema"); views elsewhere would keep pointing at the old names. */
async function triggersAndViews(db: Queryable, schemas: string[], movedOut: Set<string>): Promise<string[]> {
  const out: string[] = [];
  const triggers = await db.query<{ s: string; name: string; t: string; ts: string }>(
    'SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS name, EVENT_OBJECT_SCHEMA AS ts, EVENT_OBJECT_TABLE AS t FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA IN (?)',
    [schemas],
  );
  if (triggers.length)
    out.push(`triggers make a cross-database RENAME TABLE fail: ${triggers.map((t) => `${t.s}.${t.name} on ${t.ts}.${t.t}`).join(', ')}; drop them first (DataJoint never creates triggers)`);
  const views = await db.query<{ s: string; name: string; def: string }>(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS name, VIEW_DEFINITION AS def FROM information_schema.VIEWS WHERE TABLE_SCHEMA NOT IN (?)',
    [[...movedOut]],
  );
  const referencing = views.filter((v) => [...movedOut].some((s) => (v.def ?? '').includes(q(s) + '.')));
  if (referencing.length)
    out.push(`views outside the moved schemas read their tables and would silently switch sides: ${referencing.map((v) => `${v.s}.${v.name}`).join(', ')}; drop or redefine them first`);
  return out;
}

/** Tables outside the moved schemas with keys into them would follow their parents to the wrong side. */
async function keysFromOutside(db: Queryable, moves: SchemaMove[]): Promise<string[]> {
  const moved = [...new Set(moves.map((m) => m.from))];
  const rows = await db.query<{ s: string; t: string; name: string; rs: string; rt: string }>(
    'SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS name, UNIQUE_CONSTRAINT_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt ' +
      'FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA IN (?) AND CONSTRAINT_SCHEMA NOT IN (?)',
    [moved, moved],
  );
  return rows.map(
    (r) => `${r.s}.${r.t} has a foreign key (${r.name}) to ${r.rs}.${r.rt}; it would follow that table to its new schema. Include ${r.s} in --schemas (with its own parallel schema) or drop the key`,
  );
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
      notes.push('the user may not LOCK TABLES, so held locks could not be probed; the rename itself waits at most --lock-wait seconds and then fails as a whole');
    if (probe === 'held') {
      // INNODB_TRX is a cache refreshed at most every 100 ms; after the probe's wait it is current.
      transactions = await openTransactions(c, notes);
      notes.push('another session holds a lock on these tables (LOCK TABLES … WRITE could not get them within 1 s); the server does not say which, so every candidate is named');
    }
    return { blockers: assembleBlockers({ self: Number(me), schemas, processes, transactions, locks, probeFailed: probe === 'held' }), notes };
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
      add(id, `holds a metadata lock on ${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''}${t ? ` (transaction open since ${t.started})` : ''}`);
    }
    for (const p of e.processes) if (/metadata lock/i.test(p.state ?? '') && mentionsAny(p, e.schemas)) add(Number(p.id), `is waiting for a metadata lock (${p.state})`);
  } else if (e.probeFailed) {
    for (const t of e.transactions) add(Number(t.id), `has a transaction open since ${t.started} (${t.state})`);
    for (const p of e.processes) {
      if (p.command === 'Sleep' || p.command === 'Daemon') continue;
      if (/metadata lock/i.test(p.state ?? '')) add(Number(p.id), `is waiting for a metadata lock (${p.state})`);
      else if (mentionsAny(p, e.schemas)) add(Number(p.id), 'is running a statement on these schemas');
    }
    if (!reasons.size) add(-1, 'holds a lock on these tables (no session could be identified: grant PROCESS to see them all)');
  }
  const byId = new Map(e.processes.map((p) => [Number(p.id), p]));
  return [...reasons].map(([id, why]) => {
    const p = byId.get(id);
    return {
      id, user: p?.user ?? '?', host: p?.host ?? '?', db: p?.db ?? null, command: p?.command ?? '?', seconds: Number(p?.time ?? 0),
      state: p?.state ?? '', info: p?.info ?? null, why: why.join('; '),
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
    return await c.query('SELECT trx_mysql_thread_id AS id, trx_started AS started, trx_state AS state FROM information_schema.INNODB_TRX');
  } catch (e) {
    notes.push(`cannot read information_schema.INNODB_TRX (${(e as { sqlMessage?: string }).sqlMessage ?? (e as Error).message}); grant PROCESS to see open transactions`);
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
    if (code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR') return 'denied';
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
async function metadataLocks(c: Queryable, flavor: Db['flavor'], schemas: string[]): Promise<Map<number, string[]> | null> {
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

/** `CHECKSUM TABLE` of every base table of the schemas: the same table at two moments, so equal means unchanged. */
export async function tableChecksums(db: Queryable, schemas: string[]): Promise<Map<string, string>> {
  const tables = await db.query<{ s: string; t: string }>(
    "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2",
    [schemas],
  );
  const out = new Map<string, string>();
  for (const { s, t } of tables) {
    const [row] = await db.query<{ Checksum: string | number | null }>(`CHECKSUM TABLE ${qt(s, t)} EXTENDED`);
    out.set(`${s}.${t}`, String(row?.Checksum ?? 'null'));
  }
  return out;
}

export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/**
 * Run a planned rotation: destinations and prepared ~lineage first, then the one RENAME with a bounded
 * wait for locks, then the clean-up. A failure before or in the rename removes what was prepared.
 */
export async function runRotation(db: Db, plan: RotationPlan, lockWaitSeconds = 5): Promise<void> {
  await db.withConnection(async (c) => {
    const at = plan.statements.findIndex((s) => s.rename);
    if (at < 0) return;
    try {
      for (const st of plan.statements.slice(0, at)) await c.execute(st.sql, st.params);
      await c.execute('SET SESSION lock_wait_timeout = ?', [Math.max(1, Math.round(lockWaitSeconds))]);
      try {
        await c.execute(plan.statements[at].sql);
      } finally {
        await c.execute('SET SESSION lock_wait_timeout = DEFAULT');
      }
    } catch (e) {
      for (const m of plan.moves) await c.execute(`DROP TABLE IF EXISTS ${qt(m.from, LINEAGE_NEXT)}`).catch(() => undefined);
      throw e;
    }
    for (const st of plan.statements.slice(at + 1)) await c.execute(st.sql, st.params);
  });
}

export interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  refSchema: string;
  refTable: string;
}

/**
 * After a rotation, every foreign key of a table in `sides[i]` must point into `sides[i]`. Keys that point
 * at the other side are re-created pointing at the same-named table on their own side (one ALTER per table).
 */
export async function alignForeignKeys(db: Db, sides: string[][], dryRun = false): Promise<{ fixes: string[]; statements: string[] }> {
  const all = sides.flat();
  const rows = await db.query<ForeignKeyRow & { cols: string; refCols: string; upd: string; del: string }>(
    'SELECT k.TABLE_SCHEMA AS `schema`, k.TABLE_NAME AS `table`, k.CONSTRAINT_NAME AS name, k.REFERENCED_TABLE_SCHEMA AS refSchema, k.REFERENCED_TABLE_NAME AS refTable, ' +
      'GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR 0x00) AS cols, GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR 0x00) AS refCols, ' +
      'MAX(r.UPDATE_RULE) AS upd, MAX(r.DELETE_RULE) AS del FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ' +
      'ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME ' +
      'WHERE k.TABLE_SCHEMA IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL GROUP BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME',
    [all],
  );
  const fixes: string[] = [];
  const statements: string[] = [];
  const byTable = new Map<string, string[]>();
  for (const r of rows) {
    const side = sides.find((s) => s.includes(r.schema)) as string[];
    if (side.includes(r.refSchema) || !all.includes(r.refSchema)) continue;
    const position = sides.find((s) => s.includes(r.refSchema))!.indexOf(r.refSchema);
    const own = side[position];
    const cols = String(r.cols).split('\u0000');
    const refCols = String(r.refCols).split('\u0000');
    fixes.push(`${r.schema}.${r.table} key ${r.name} pointed at ${r.refSchema}.${r.refTable}; now ${own}.${r.refTable}`);
    const key = qt(r.schema, r.table);
    byTable.set(key, [
      ...(byTable.get(key) ?? []),
      `DROP FOREIGN KEY ${q(r.name)}`,
      `ADD CONSTRAINT ${q(r.name)} FOREIGN KEY (${cols.map(q).join(', ')}) REFERENCES ${qt(own, r.refTable)} (${refCols.map(q).join(', ')}) ON UPDATE ${rule(r.upd)} ON DELETE ${rule(r.del)}`,
    ]);
  }
  for (const [table, parts] of byTable) {
    // DROP and ADD of the same constraint name cannot share one ALTER on every server; two statements it is.
    const drops = parts.filter((p) => p.startsWith('DROP'));
    const adds = parts.filter((p) => p.startsWith('ADD'));
    statements.push(`ALTER TABLE ${table} ${drops.join(', ')}`, `ALTER TABLE ${table} ${adds.join(', ')}`);
  }
  if (!dryRun) for (const s of statements) await db.execute(s);
  return { fixes, statements };
}

function rule(r: string): string {
  const up = String(r).toUpperCase();
  if (!['RESTRICT', 'CASCADE', 'SET NULL', 'NO ACTION', 'SET DEFAULT'].includes(up)) throw new DbInputError(`unexpected foreign key rule ${r}`);
  return up;
}

// ---------------------------------------------------------------------------------------------------
// Swap and unswap.

export function swapNames(schemas: string[], suffix: string, oldSuffix: string): { production: string; parallel: string; old: string }[] {
  if (!schemas.length) throw new DbInputError('no schemas given (use --schemas a,b,c)');
  if (!suffix) throw new DbInputError('the schema suffix is empty (use --suffix _v2)');
  if (!oldSuffix) throw new DbInputError('the old-schema suffix is empty (use --old-suffix _old)');
  if (suffix === oldSuffix) throw new DbInputError(`--suffix and --old-suffix are both ${suffix}`);
  return schemas.map((s) => ({
    production: checkIdentifier(s, 'schema'),
    parallel: checkIdentifier(s + suffix, 'parallel schema'),
    old: checkIdentifier(s + oldSuffix, 'old schema'),
  }));
}

/** Schemas in dependency order (parents first) — the order compare and messages use. */
async function ordered(db: Db, schemas: string[]): Promise<string[]> {
  const found = await introspect(db, schemas);
  const order: string[] = [];
  for (const t of dependencyOrder(found)) if (!order.includes(t.schema)) order.push(t.schema);
  for (const s of schemas) if (!order.includes(s)) order.push(s);
  return order;
}

/** Cut over: production tables to `<name><oldSuffix>`, parallel tables to `<name>`, in one statement. */
export async function swapSchemas(db: Db, opts: SwapOptions): Promise<SwapReport> {
  const names = swapNames(opts.schemas, opts.suffix, opts.oldSuffix);
  return cutOver(db, opts, 'swap', names.map((n) => ({ live: n.production, incoming: n.parallel, parked: n.old })));
}

export interface UnswapOptions extends Omit<SwapOptions, 'afterCompare'> {
  /** Roll back even when the 2.x tables now hold rows the old tables lack (they stay in `<name><suffix>`). */
  acceptDifferences?: boolean;
}

/** Roll a swap back: `<name>` (2.x) to `<name><suffix>`, `<name><oldSuffix>` to `<name>`, in one statement. */
export async function unswapSchemas(db: Db, opts: UnswapOptions): Promise<SwapReport> {
  const names = swapNames(opts.schemas, opts.suffix, opts.oldSuffix);
  return cutOver(db, opts, 'unswap', names.map((n) => ({ live: n.production, incoming: n.old, parked: n.parallel })));
}

interface Roles {
  /** The name the code uses: its tables leave, the incoming tables arrive. */
  live: string;
  incoming: string;
  /** Where the live tables go. */
  parked: string;
}

async function cutOver(db: Db, opts: SwapOptions & { acceptDifferences?: boolean }, direction: 'swap' | 'unswap', roles: Roles[]): Promise<SwapReport> {
  const progress = (step: SwapStep, message: string) => opts.onProgress?.({ step, message });
  const moves: SchemaMove[] = roles.flatMap((r) => [{ from: r.live, to: r.parked }, { from: r.incoming, to: r.live }]);
  progress('plan', 'checking names, triggers, views and foreign keys');
  const plan = await planRotation(db, moves);
  const report: SwapReport = { status: opts.dryRun ? 'dry-run' : 'refused', direction, refusals: [...plan.refusals], plan, blockers: [], foreignKeyFixes: [], notes: [] };
  const refuse = (why: string[]): SwapReport => {
    report.status = 'refused';
    report.refusals.push(...why);
    return report;
  };
  if (report.refusals.length) return refuse([]);

  const lives = roles.map((r) => r.live);
  const incomings = roles.map((r) => r.incoming);
  const parkeds = roles.map((r) => r.parked);
  // Swap: production is 0.14.6 and the parallel schemas are the candidates. Unswap: the old tables are
  // the production of record and the live 2.x tables are compared against them.
  const prodSchemas = direction === 'swap' ? await ordered(db, lives) : await ordered(db, incomings);
  const testOf = new Map(roles.map((r) => (direction === 'swap' ? [r.live, r.incoming] : [r.incoming, r.live])));
  const pairs = prodSchemas.map((s) => ({ source: s, target: testOf.get(s) as string }));

  if (opts.dryRun) {
    report.notes.push(
      direction === 'swap'
        ? `would ask to confirm that writes to ${lives.join(', ')} are frozen, check for other sessions, copy rows added since the copy, compare ${pairs.map((p) => `${p.source}→${p.target}`).join(', ')} and verify ${incomings.join(', ')}, then run:`
        : `would ask to confirm that writes to ${lives.join(', ')} are frozen, check for other sessions, compare ${pairs.map((p) => `${p.source}→${p.target}`).join(', ')}, then run:`,
    );
    if (direction === 'swap') {
      const statements: string[] = [];
      report.catchUp = await copy(db, { pairs, stores: opts.stores, dryRun: true, onStatement: (s) => statements.push(s) });
      if (statements.length) report.notes.push(`catch-up copy (only rows missing from the parallel tables are inserted):\n${statements.join('\n')}`);
    }
    return report;
  }

  const confirmed = await opts.confirm({
    kind: 'freeze',
    schemas: lives,
    question:
      direction === 'swap'
        ? `Cut over ${lives.join(', ')} to DataJoint 2.x? Every client must have stopped writing to ${lives.join(', ')}. Their tables move to ${parkeds.join(', ')}, and the tables of ${incomings.join(', ')} take their names.`
        : `Roll back the cut-over of ${lives.join(', ')}? Every client must have stopped writing to ${lives.join(', ')}. The 2.x tables move back to ${parkeds.join(', ')}, and the tables of ${incomings.join(', ')} take their names again.`,
  });
  if (!confirmed) return refuse(['not confirmed: writes to production were not confirmed frozen; nothing was changed']);
  check(opts.signal);

  progress('blockers', 'looking for other sessions on these schemas');
  const involved = [...new Set(moves.flatMap((m) => [m.from, m.to]))];
  const first = await findBlockers(db, involved);
  report.notes.push(...first.notes);
  if (first.blockers.length) {
    report.blockers = first.blockers;
    return refuse(first.blockers.map(describeBlocker));
  }

  if (direction === 'swap') {
    progress('catch-up', 'copying rows added since the copy');
    report.catchUp = await copy(db, { pairs, stores: opts.stores, signal: opts.signal });
    const cu = report.catchUp;
    if (cu.failed || cu.cancelled) return refuse([`the catch-up copy did not finish: ${cu.tables.filter((t) => t.error).map((t) => `${t.source}: ${t.error}`).join('; ') || 'cancelled'}`]);
    const conflicts = cu.tables.filter((t) => t.conflictCount > 0);
    if (conflicts.length) return refuse(conflicts.map((t) => `${t.source}: ${t.conflictCount} row(s) differ from the copy in ${t.target} (changed after the copy); re-copy or investigate`));
    const inserted = cu.tables.reduce((a, t) => a + t.rowsInserted, 0);
    report.notes.push(inserted ? `catch-up copy inserted ${inserted} row(s) written since the copy` : 'catch-up copy: nothing new since the copy');
  }

  check(opts.signal);
  const sums = await tableChecksums(db, [...lives, ...incomings]);
  progress('compare', `comparing ${pairs.map((p) => `${p.source}→${p.target}`).join(', ')}`);
  report.compare = await compare(db, { pairs, stores: opts.stores, tolerance: opts.tolerance, signal: opts.signal });
  await opts.afterCompare?.();
  if (!report.compare.equal) {
    const diffs = summariseCompare(report.compare);
    if (direction === 'swap' || !opts.acceptDifferences)
      return refuse(
        direction === 'swap'
          ? [`compare found differences; the parallel schemas are not an exact copy:`, ...diffs]
          : [`the 2.x tables differ from the old ones (rows written since the swap would stay in ${parkeds.join(', ')} only):`, ...diffs, 'pass --accept-differences to roll back anyway'],
      );
    report.notes.push('rolled back although the 2.x tables differ:', ...diffs);
  }
  if (direction === 'swap') {
    check(opts.signal);
    progress('verify', `verifying ${incomings.join(', ')}`);
    report.verify = await verifySchemas(db, incomings, { stores: opts.stores, sample: opts.sample, signal: opts.signal });
    if (!report.verify.ok)
      return refuse(report.verify.tables.filter((t) => t.status === 'fail').map((t) => `verify failed for ${t.schema}.${t.table}: ${t.reasons.join('; ')}`));
  }

  progress('recheck', 'checking that nothing changed since the compare');
  const again = await planRotation(db, moves);
  if (again.refusals.length) return refuse(again.refusals);
  const second = await findBlockers(db, involved);
  if (second.blockers.length) {
    report.blockers = second.blockers;
    return refuse(second.blockers.map(describeBlocker));
  }
  const changed = changedTables(sums, await tableChecksums(db, [...lives, ...incomings]));
  if (changed.length) return refuse([`rows changed after the compare in ${changed.join(', ')}: writes are not frozen. Stop them and run the swap again (it copies and compares afresh)`]);

  progress('rename', `RENAME TABLE … (${again.tables.length} tables in one statement)`);
  try {
    await runRotation(db, again, opts.lockWaitSeconds);
  } catch (e) {
    const err = e as { code?: string; sqlMessage?: string; message: string };
    if (err.code === 'ER_LOCK_WAIT_TIMEOUT') {
      const late = await findBlockers(db, involved);
      report.blockers = late.blockers;
      return refuse([`another session took a lock on these tables while swapping; the rename failed as a whole and nothing was moved`, ...late.blockers.map(describeBlocker)]);
    }
    throw new Error(`the rename failed as a whole (nothing was moved): ${err.sqlMessage ?? err.message}`);
  }
  report.plan = again;

  progress('foreign-keys', 'checking that every foreign key points at its own side');
  const fk = await alignForeignKeys(db, [lives, parkeds]);
  report.foreignKeyFixes = fk.fixes;
  report.status = 'swapped';
  const emptied = again.emptied;
  if (emptied.length) report.notes.push(`${emptied.join(', ')} now have no tables (left in place)`);
  if (direction === 'swap')
    report.notes.push(
      `The code must now use the production names again: run \`dj-migrate fix <paths> --finalize\` (or the editor's "finalize" action) to remove the ${opts.suffix} suffix from dj.Schema names. ` +
        `To roll back: \`dj-migrate db unswap --schemas ${lives.join(',')} --suffix ${opts.suffix} --old-suffix ${opts.oldSuffix}\`.`,
      `Store objects the copy wrote in the 2.x layout stay under _hash/<name>${opts.suffix}/: every row's JSON records that path, so 2.x reads them where they are.`,
    );
  else report.notes.push(`0.14.6 code works again with ${lives.join(', ')}; 2.x code that uses the ${opts.suffix} suffix reads ${parkeds.join(', ')}.`);
  return report;
}

export function summariseCompare(r: CompareReport, max = 10): string[] {
  const out: string[] = [];
  for (const t of r.tables) {
    if (!t.differing && !t.onlyInProduction && !t.onlyInTest && !t.columnsOnlyInProduction.length) continue;
    out.push(`${t.production} vs ${t.test}: ${t.differing} differing, ${t.onlyInProduction} only in ${t.production.split('.')[0]}, ${t.onlyInTest} only in ${t.test.split('.')[0]}${t.columnsOnlyInProduction.length ? `, columns missing: ${t.columnsOnlyInProduction.join(', ')}` : ''}`);
  }
  out.push(...r.notes);
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more`] : out;
}

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw Object.assign(new Error('cancelled; nothing was moved'), { name: 'AbortError' });
}


// Cheap "did this table change since then?" signals for the cut-over freeze (freeze.ts), so that only tables
// that were written since the pre-freeze pass are re-read while production is frozen:
// - the binary log, when the server writes one in ROW format: every row change is logged with a Table_map
//   event naming its table, so the events since the recorded position name exactly the tables written (the
//   idea gh-ost builds on). In STATEMENT/MIXED format the events are SQL text and name no table reliably;
//   then the binary log only says whether anything at all was written;
// - InnoDB `information_schema.TABLES.UPDATE_TIME`: the time of the last committed change, with one-second
//   resolution, so a table "moved" when it is at or after the second the pass started. It is kept in memory
//   only: NULL after a server restart (and when the table left the dictionary cache), and then says nothing;
// - `CHECKSUM TABLE … EXTENDED`, only for small tables (it reads the whole table on InnoDB).
// MySQL 8 caches information_schema.TABLES statistics for `information_schema_stats_expiry` seconds (default a
// day); the session reading them sets it to 0 (MariaDB has no such cache and no such variable). MySQL 8.4
// removed `SHOW MASTER STATUS` in favour of `SHOW BINARY LOG STATUS`; both are tried.
import type { Db, DbConnection } from '../connection';
import { lit, qt } from '../sql';

/** Tables at most this large (estimated rows) get a CHECKSUM TABLE as their indicator when UPDATE_TIME fails. */
export const CHEAP_CHECKSUM_ROWS = 20_000;
/** Reading more binary-log events than this is not cheap; past it, the binary log names no tables. */
const MAX_BINLOG_EVENTS = 200_000;

export interface WatchedTable {
  schema: string;
  name: string;
  rowEstimate: number;
}

export interface BinlogPosition {
  file: string;
  pos: number;
  /** ROW, STATEMENT or MIXED. */
  format: string;
}

export interface IndicatorSnapshot {
  /** Server time (Unix seconds) when the snapshot was taken. */
  at: number;
  /** When the server started (Unix seconds, from Uptime): a different value means it restarted. */
  startedAt: number;
  binlog: BinlogPosition | null;
  /** `schema.table` → UPDATE_TIME as Unix seconds (null when the server does not know). */
  updateTime: Map<string, number | null>;
  /** `schema.table` → CHECKSUM TABLE, for small tables only. */
  checksum: Map<string, string>;
}

/**
 * `checksums`: `small` takes CHECKSUM TABLE of every small table; `fallback` only of small tables whose
 * UPDATE_TIME is NULL (during the freeze, where every statement counts).
 */
export async function snapshotIndicators(
  db: Db,
  tables: WatchedTable[],
  checksums: 'small' | 'fallback' = 'small',
): Promise<IndicatorSnapshot> {
  return db.withConnection(async (c) => {
    if (db.flavor === 'mysql')
      await c.execute('SET SESSION information_schema_stats_expiry = 0').catch(() => undefined);
    const [clock] = await c
      .query<{ now: string | number; up: string | number }>(
        "SELECT UNIX_TIMESTAMP() AS now, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME') AS up",
      )
      .catch(async () =>
        c.query<{ now: string | number; up: string | number }>('SELECT UNIX_TIMESTAMP() AS now, NULL AS up'),
      );
    const at = Math.floor(Number(clock.now));
    const up = clock.up === null ? await uptimeByShow(c) : Number(clock.up);
    const binlog = await binlogPosition(c);
    const updateTime = new Map<string, number | null>();
    const schemas = [...new Set(tables.map((t) => t.schema))];
    if (schemas.length) {
      const rows = await c.query<{ s: string; t: string; u: string | number | null }>(
        'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, UNIX_TIMESTAMP(UPDATE_TIME) AS u FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
        [schemas],
      );
      const found = new Map(rows.map((r) => [`${r.s}.${r.t}`, r.u === null ? null : Math.floor(Number(r.u))]));
      for (const t of tables) updateTime.set(`${t.schema}.${t.name}`, found.get(`${t.schema}.${t.name}`) ?? null);
    }
    const checksum = new Map<string, string>();
    for (const t of tables) {
      if (t.rowEstimate > CHEAP_CHECKSUM_ROWS) continue;
      if (checksums === 'fallback' && updateTime.get(`${t.schema}.${t.name}`) !== null) continue;
      const [row] = await c.query<{ Checksum: string | number | null }>(
        `CHECKSUM TABLE ${qt(t.schema, t.name)} EXTENDED`,
      );
      checksum.set(`${t.schema}.${t.name}`, String(row?.Checksum ?? 'null'));
    }
    return { at, startedAt: up === null ? 0 : at - up, binlog, updateTime, checksum };
  });
}

async function uptimeByShow(c: DbConnection): Promise<number | null> {
  const rows = await c.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Uptime'").catch(() => []);
  return rows.length ? Number(rows[0].Value) : null;
}

async function binlogPosition(c: DbConnection): Promise<BinlogPosition | null> {
  for (const sql of ['SHOW MASTER STATUS', 'SHOW BINARY LOG STATUS']) {
    try {
      const rows = await c.query<{ File: string; Position: string | number }>(sql);
      if (!rows.length) return null; // the server writes no binary log
      const [fmt] = await c.query<{ f: string }>('SELECT @@GLOBAL.binlog_format AS f');
      return { file: rows[0].File, pos: Number(rows[0].Position), format: String(fmt.f).toUpperCase() };
    } catch {
      // not this spelling, or no privilege (BINLOG MONITOR / REPLICATION CLIENT): try the other, else none
    }
  }
  return null;
}

/** What the binary log says about the tables written between two positions. */
export interface BinlogTables {
  /** True when the log was read completely and names every table written (ROW format). */
  complete: boolean;
  /** `schema.table` named by Table_map events. */
  tables: Set<string>;
  /** Whether anything at all was logged. */
  anything: boolean;
  why?: string;
}

export async function binlogTablesSince(db: Db, from: BinlogPosition, to: BinlogPosition): Promise<BinlogTables> {
  if (from.file === to.file && from.pos === to.pos) return { complete: true, tables: new Set(), anything: false };
  if (from.format !== 'ROW' || to.format !== 'ROW')
    return { complete: false, tables: new Set(), anything: true, why: `binlog_format is ${to.format}, not ROW` };
  const tables = new Set<string>();
  try {
    const logs = (await db.query<{ Log_name: string }>('SHOW BINARY LOGS')).map((r) => r.Log_name);
    const files = logs.slice(logs.indexOf(from.file), logs.indexOf(to.file) + 1);
    if (!files.length || logs.indexOf(from.file) < 0)
      return { complete: false, tables, anything: true, why: `binary log ${from.file} is gone` };
    let read = 0;
    for (const file of files) {
      const start = file === from.file ? from.pos : 4;
      // SHOW does not take placeholders; the file name comes from the server and is quoted as a literal.
      const events = await db.query<{ Event_type: string; Info: string; End_log_pos: string | number }>(
        `SHOW BINLOG EVENTS IN ${lit(file)} FROM ${Math.floor(start)} LIMIT ${MAX_BINLOG_EVENTS - read + 1}`,
      );
      for (const e of events) {
        if (file === to.file && Number(e.End_log_pos) > to.pos) break;
        const name = tableMapName(e.Event_type, e.Info);
        if (name) tables.add(name);
      }
      read += events.length;
      if (read > MAX_BINLOG_EVENTS)
        return { complete: false, tables, anything: true, why: `more than ${MAX_BINLOG_EVENTS} binary-log events` };
    }
  } catch (e) {
    return { complete: false, tables, anything: true, why: `cannot read the binary log: ${(e as Error).message}` };
  }
  return { complete: true, tables, anything: true };
}

/** `schema.table` of a Table_map event (`table_id: 33 (db.tbl)` on MariaDB and MySQL 8), else null. */
export function tableMapName(type: string, info: string): string | null {
  if (type !== 'Table_map') return null;
  const m = /\((.*)\)\s*$/.exec(info ?? '');
  return m ? m[1] : null;
}

/** What two consecutive ranges of the log (`a` up to the position `b` starts from) say together. */
export function mergeBinlogTables(a: BinlogTables, b: BinlogTables): BinlogTables {
  const complete = a.complete && b.complete;
  return {
    complete,
    tables: new Set([...a.tables, ...b.tables]),
    anything: a.anything || b.anything,
    ...(complete ? {} : { why: a.why ?? b.why }),
  };
}

export type TableVerdict =
  | { table: string; state: 'quiet'; by: string }
  | { table: string; state: 'moved'; by: string }
  | { table: string; state: 'unknown'; why: string };

/**
 * Per table: written since `before` (moved), certainly not (quiet), or not cheaply known (unknown: the caller
 * re-checks it in full and says so). `tablesInBinlog` is what binlogTablesSince found between the snapshots.
 */
export function classify(
  tables: string[],
  before: IndicatorSnapshot,
  after: IndicatorSnapshot,
  binlog: BinlogTables | null,
): TableVerdict[] {
  const restarted = before.startedAt && after.startedAt && Math.abs(after.startedAt - before.startedAt) > 2;
  return tables.map((table): TableVerdict => {
    if (binlog?.complete)
      return binlog.tables.has(table)
        ? { table, state: 'moved', by: 'binary log' }
        : { table, state: 'quiet', by: 'binary log' };
    if (binlog && !binlog.anything) return { table, state: 'quiet', by: 'binary log (nothing logged)' };
    const u = after.updateTime.get(table) ?? null;
    if (!restarted && u !== null)
      return u >= before.at
        ? { table, state: 'moved', by: 'UPDATE_TIME' }
        : { table, state: 'quiet', by: 'UPDATE_TIME' };
    const a = before.checksum.get(table);
    const b = after.checksum.get(table);
    if (a !== undefined && b !== undefined)
      return a === b
        ? { table, state: 'quiet', by: 'CHECKSUM TABLE' }
        : { table, state: 'moved', by: 'CHECKSUM TABLE' };
    return {
      table,
      state: 'unknown',
      why: restarted
        ? 'the server restarted since the pre-freeze pass'
        : `UPDATE_TIME is NULL (kept in memory only: lost on restart)${binlog ? `, and the binary log cannot name tables (${binlog.why})` : ', and no binary log'}`,
    };
  });
}

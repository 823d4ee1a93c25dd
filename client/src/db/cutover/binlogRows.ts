// The row-level delta of a cut-over freeze from a ROW binary log (gh-ost's way): the primary keys of the rows
// written between the pre-freeze position and the freeze, so only those keys are copied and compared, whatever
// the size of the table. The log is read by the server's own tool (`mariadb-binlog` on MariaDB, `mysqlbinlog`
// on MySQL 8: each reads only its own server's log) with `--read-from-remote-server --verbose
// --base64-output=DECODE-ROWS`, which prints every row image as `###   @N=value`.
//
// Only what is certain is used; a table is "unsure" (the caller re-checks it chunk by chunk and names it) when:
// a key column's type is not printed losslessly (float, decimal, time…), a key column is missing from an image,
// a statement event other than BEGIN/COMMIT is logged (DDL), a line is not understood, or its rows changed by a
// foreign-key cascade (InnoDB runs cascades below the binary log: the parent's change is logged, the child's
// is not). Printed strings escape bytes below 0x20 as `\xHH` but not the backslash itself, so a literal
// `\x0a` reads both ways: both keys are re-checked (a superset is harmless).
import { spawn } from 'node:child_process';
import type { Db } from '../connection';
import type { Column, Table } from '../model';
import { tableKey } from '../model';
import type { Key, KeyValue } from '../state';
import type { BinlogPosition } from './changeIndicators';

/** More output than this is not "the delta": re-check by chunks instead. */
const MAX_OUTPUT_BYTES = 256 * 2 ** 20;
/** Ambiguous `\xHH` spellings per key value beyond which the key is not guessed. */
const MAX_CANDIDATES = 8;

export interface RowChanges {
  /** `schema.table` → keys written (old and new key of an update), for tables read with certainty. */
  keys: Map<string, Key[]>;
  /** `schema.table` → why its writes are not known key by key. */
  unsure: Map<string, string>;
  /** Why nothing could be used (every table falls back), if so. */
  failed?: string;
  /** The tool that read the log. */
  tool?: string;
}

const NO_ACTION = new Set(['RESTRICT', 'NO ACTION']);

/** Read and parse the row events between two positions; `tables` are the watched tables. */
export async function rowChangesSince(
  db: Db,
  from: BinlogPosition,
  to: BinlogPosition,
  tables: Table[],
): Promise<RowChanges> {
  const fail = (why: string): RowChanges => ({ keys: new Map(), unsure: new Map(), failed: why });
  const remote = db.remote?.();
  if (!remote) return fail('the connection settings are not available to the binary-log reader');
  let files: string[];
  try {
    const logs = (await db.query<{ Log_name: string }>('SHOW BINARY LOGS')).map((r) => r.Log_name);
    const a = logs.indexOf(from.file);
    const b = logs.indexOf(to.file);
    if (a < 0 || b < a) return fail(`binary log ${from.file} is gone`);
    files = logs.slice(a, b + 1);
  } catch (e) {
    return fail(`cannot list the binary logs: ${(e as Error).message}`);
  }
  const args = [
    '--read-from-remote-server',
    '--protocol=TCP',
    `--host=${remote.host}`,
    `--port=${remote.port}`,
    `--user=${remote.user}`,
    `--start-position=${from.pos}`,
    `--stop-position=${to.pos}`,
    '--verbose',
    '--base64-output=DECODE-ROWS',
    ...files,
  ];
  const tools = db.flavor === 'mariadb' ? ['mariadb-binlog', 'mysqlbinlog'] : ['mysqlbinlog'];
  let why = '';
  for (const tool of tools) {
    const out = await runTool(tool, args, remote.password);
    if (out.missing) {
      why ||= `${tools.join(' or ')} is not installed`;
      continue;
    }
    if (out.error) return fail(`${tool} could not read the binary log: ${out.error}`);
    return { ...parseRowLog(out.text, tables), tool };
  }
  return fail(why);
}

function runTool(
  tool: string,
  args: string[],
  password: string,
): Promise<{ text: string; missing?: boolean; error?: string }> {
  return new Promise((resolve) => {
    // The password goes by environment (never on the command line, where `ps` shows it).
    const child = spawn(tool, args, {
      env: { ...process.env, MYSQL_PWD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let err = '';
    let tooBig = false;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_OUTPUT_BYTES) {
        tooBig = true;
        child.kill();
      } else chunks.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'ENOENT' ? { text: '', missing: true } : { text: '', error: e.message }),
    );
    child.on('close', (code) => {
      if (tooBig) return resolve({ text: '', error: `more than ${MAX_OUTPUT_BYTES >> 20} MB of row events` });
      if (code !== 0) return resolve({ text: '', error: err.trim().split('\n').pop() || `exit code ${code}` });
      // latin1 keeps every byte as one character: values are re-encoded in their column's character set.
      resolve({ text: Buffer.concat(chunks).toString('latin1') });
    });
  });
}

interface RowEvent {
  op: 'insert' | 'update' | 'delete';
  table: string;
  /** The image before (WHERE) and after (SET): column number → printed value. */
  before: Map<number, string>;
  after: Map<number, string>;
}

/** Parse `--verbose --base64-output=DECODE-ROWS` output (as latin1 text) into changed keys per watched table. */
export function parseRowLog(text: string, tables: Table[]): RowChanges {
  const byName = new Map(tables.map((t) => [tableKey(t), t]));
  const keys = new Map<string, Map<string, Key>>();
  const unsure = new Map<string, string>();
  const everything = (why: string) => {
    for (const t of tables) if (!unsure.has(tableKey(t))) unsure.set(tableKey(t), why);
  };
  let ev: RowEvent | null = null;
  let image: Map<number, string> | null = null;
  let query: string[] | null = null;
  const finish = () => {
    if (ev) rowEvent(ev, byName, keys, unsure);
    ev = null;
    image = null;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('###')) {
      const op = /^### (INSERT INTO|UPDATE|DELETE FROM) `(.*)`\.`(.*)`$/.exec(line);
      if (op) {
        finish();
        const kind = op[1] === 'INSERT INTO' ? 'insert' : op[1] === 'UPDATE' ? 'update' : 'delete';
        ev = { op: kind, table: `${op[2]}.${op[3]}`, before: new Map(), after: new Map() };
        image = kind === 'insert' ? ev.after : ev.before;
        continue;
      }
      const current = ev as RowEvent | null;
      if (current && line === '### WHERE') image = current.before;
      else if (current && line === '### SET') image = current.after;
      else {
        const v = /^###\s+@(\d+)=(.*)$/.exec(line);
        if (current && image && v) image.set(Number(v[1]), v[2]);
        else everything(`a binary-log line was not understood: ${JSON.stringify(line.slice(0, 60))}`);
      }
      continue;
    }
    finish();
    if (/^#\d{6}\s.*\tQuery\t/.test(line)) {
      query = [];
      continue;
    }
    if (line.startsWith('#')) {
      query = null;
      continue;
    }
    if (query) {
      const end = line.endsWith('/*!*/;');
      query.push(end ? line.slice(0, -6) : line);
      if (end) {
        const sql = query.join('\n').trim();
        query = [];
        if (sql && !/^(SET\s|use\s|BEGIN\b|COMMIT\b|ROLLBACK\b|START TRANSACTION\b|SAVEPOINT\b|XA\s|\/\*!)/i.test(sql))
          everything(`the binary log holds a statement (${JSON.stringify(sql.slice(0, 60))}), not only row events`);
      }
    }
  }
  finish();
  const out = new Map<string, Key[]>();
  for (const [t, m] of keys) if (!unsure.has(t)) out.set(t, [...m.values()]);
  return { keys: out, unsure };
}

/** A key as one string (binary values as hex), for telling keys apart. */
function keyId(key: Key): string {
  return JSON.stringify(key.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
}

/**
 * The row changes of two consecutive ranges of the log (`a` up to the position `b` starts from) as those of
 * the whole range: keys united, a table unsure in either is unsure, a failed read fails the whole.
 */
export function mergeRowChanges(a: RowChanges, b: RowChanges): RowChanges {
  const failed = a.failed ?? b.failed;
  if (failed) return { keys: new Map(), unsure: new Map(), failed };
  const unsure = new Map([...b.unsure, ...a.unsure]);
  const keys = new Map<string, Key[]>();
  for (const [t, list] of [...a.keys, ...b.keys]) {
    if (unsure.has(t)) continue;
    const have = keys.get(t) ?? [];
    const seen = new Set(have.map(keyId));
    keys.set(t, [...have, ...list.filter((k) => !seen.has(keyId(k)))]);
  }
  return { keys, unsure, tool: b.tool ?? a.tool };
}

function rowEvent(
  ev: RowEvent,
  tables: Map<string, Table>,
  keys: Map<string, Map<string, Key>>,
  unsure: Map<string, string>,
): void {
  // Cascades first: they concern the watched children whatever the parent is.
  const parent = tables.get(ev.table);
  const changedCols =
    ev.op === 'update' && parent
      ? parent.columns
          .filter((_c, i) => ev.after.has(i + 1) && ev.after.get(i + 1) !== ev.before.get(i + 1))
          .map((c) => c.name)
      : null;
  if (ev.op !== 'insert') cascade(ev.table, ev.op, changedCols, tables, unsure, ev.table);
  const t = tables.get(ev.table);
  if (!t || unsure.has(ev.table)) return;
  const found = keys.get(ev.table) ?? new Map<string, Key>();
  keys.set(ev.table, found);
  const images = ev.op === 'insert' ? [ev.after] : ev.op === 'delete' ? [ev.before] : [ev.before, ev.after];
  for (const img of images) {
    const k = keysOf(t, img, ev.before);
    if (typeof k === 'string') {
      unsure.set(ev.table, k);
      return;
    }
    for (const key of k) found.set(keyId(key), key);
  }
}

/**
 * Children of `table` that an update of `changed` columns (null: any, or a delete) reaches through cascading
 * keys, transitively: a cascade changes the child's key columns, which reach its own children only when their
 * keys reference those columns. Without `table`'s definition (not watched), every cascading child counts.
 */
function cascade(
  table: string,
  op: 'update' | 'delete',
  changed: string[] | null,
  tables: Map<string, Table>,
  unsure: Map<string, string>,
  origin: string,
): void {
  for (const child of tables.values())
    for (const fk of child.foreignKeys) {
      if (`${fk.refSchema}.${fk.refTable}` !== table) continue;
      const rule = String(op === 'delete' ? fk.onDelete : fk.onUpdate).toUpperCase();
      if (NO_ACTION.has(rule)) continue;
      if (changed && !fk.refColumns.some((c) => changed.includes(c))) continue;
      const name = tableKey(child);
      if (unsure.has(name)) continue;
      unsure.set(
        name,
        `rows changed by ON ${op.toUpperCase()} ${rule} from ${origin}${table === origin ? '' : ` through ${table}`} (cascades are not in the binary log)`,
      );
      // a deleted child cascades as a delete; an updated one changes exactly the key's columns
      cascade(name, rule === 'CASCADE' && op === 'delete' ? 'delete' : 'update', fk.columns, tables, unsure, origin);
    }
}

/** The keys (all readings of ambiguous spellings) of one image; a reason when it cannot be read. */
function keysOf(t: Table, img: Map<number, string>, fallback: Map<number, string>): Key[] | string {
  let out: Key[] = [[]];
  for (const name of t.primaryKey) {
    const n = t.columns.findIndex((c) => c.name === name) + 1;
    const raw = img.get(n) ?? fallback.get(n);
    if (raw === undefined) return `key column ${name} is not in the logged row image (binlog_row_image?)`;
    const values = keyValues(t.columns[n - 1], raw);
    if (typeof values === 'string') return values;
    out = out.flatMap((k) => values.map((v) => [...k, v]));
    if (out.length > MAX_CANDIDATES) return `key column ${name}: too many readings of backslashes in the binary log`;
  }
  return out;
}

/** A printed value as the key value(s) the chunk code uses; a reason when it cannot be read losslessly. */
export function keyValues(c: Column, raw: string): KeyValue[] | string {
  const type = c.dataType.toLowerCase();
  const cannot = `key column ${c.name} (${c.columnType}) cannot be read exactly from the binary log`;
  if (raw === 'NULL') return cannot;
  if (/^(tinyint|smallint|mediumint|int|integer|bigint)$/.test(type)) {
    const m = /^(-?\d+)(?: \((\d+)\))?$/.exec(raw);
    if (!m) return cannot;
    return [/unsigned/i.test(c.columnType) && m[2] ? m[2] : m[1]];
  }
  if (type === 'enum') return /^\d+$/.test(raw) ? [Number(raw)] : cannot;
  if (!raw.startsWith("'") || !raw.endsWith("'") || raw.length < 2) {
    if (type === 'timestamp' && /^\d+(\.\d+)?$/.test(raw)) return [timestampText(raw)];
    return cannot;
  }
  const body = raw.slice(1, -1);
  if (type === 'date') return /^\d{4}:\d\d:\d\d$/.test(body) ? [body.replace(/:/g, '-')] : cannot;
  if (type === 'datetime') return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(body) ? [body] : cannot;
  if (!/^(char|varchar|binary|varbinary)$/.test(type)) return cannot;
  const readings = unescapeAll(body);
  if (!readings) return `key column ${c.name}: too many readings of backslashes in the binary log`;
  const out: KeyValue[] = [];
  for (let bytes of readings) {
    if (type === 'binary') {
      const width = Number(/\((\d+)\)/.exec(c.columnType)?.[1] ?? bytes.length);
      if (bytes.length < width) bytes = Buffer.concat([bytes, Buffer.alloc(width - bytes.length)]);
    }
    if (type === 'binary' || type === 'varbinary' || c.charset === 'binary') {
      out.push(bytes);
      continue;
    }
    const cs = (c.charset ?? '').toLowerCase();
    if (/^utf8/.test(cs)) {
      const s = bytes.toString('utf8');
      if (!Buffer.from(s, 'utf8').equals(bytes)) continue; // not UTF-8: not a reading the column can hold
      out.push(s);
    } else if (cs === 'latin1' || cs === 'ascii') out.push(bytes.toString('latin1'));
    else return cannot;
  }
  return out.length ? out : cannot;
}

/** Unix seconds as the session prints TIMESTAMP (time_zone '+00:00', connection.ts). */
function timestampText(raw: string): string {
  const [sec, frac] = raw.split('.');
  const iso = new Date(Number(sec) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return frac ? `${iso}.${frac}` : iso;
}

/**
 * The byte strings a printed string can stand for: `\xHH` with HH below 0x20 is an escaped byte, or the four
 * characters themselves (the backslash is printed as is). Null past MAX_CANDIDATES readings.
 */
export function unescapeAll(body: string): Buffer[] | null {
  const parts: (Buffer | [Buffer, Buffer])[] = [];
  let plain = '';
  const flush = () => {
    if (plain) parts.push(Buffer.from(plain, 'latin1'));
    plain = '';
  };
  for (let i = 0; i < body.length; i++) {
    const m = body[i] === '\\' ? /^\\x([0-9a-f]{2})/.exec(body.slice(i, i + 4)) : null;
    if (m && Number.parseInt(m[1], 16) < 0x20) {
      flush();
      parts.push([Buffer.from([Number.parseInt(m[1], 16)]), Buffer.from(body.slice(i, i + 4), 'latin1')]);
      i += 3;
    } else plain += body[i];
  }
  flush();
  let out: Buffer[] = [Buffer.alloc(0)];
  for (const p of parts) {
    out = Buffer.isBuffer(p)
      ? out.map((b) => Buffer.concat([b, p]))
      : out.flatMap((b) => p.map((x) => Buffer.concat([b, x])));
    if (out.length > MAX_CANDIDATES) return null;
  }
  return out;
}

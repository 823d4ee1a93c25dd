// `db verify`: is a schema ready for DataJoint 2.x? Per table, pass or fail with reasons:
//   - every `:label:` valid in 2.x (no uint*, no int24, no 0.14.6 labels) and consistent with the column type;
//   - no unlabelled serialized blob (sniffed for mYm\0 / dj0\0 / ZL123\0: 2.x would return raw bytes);
//   - no 0.14.6 BINARY(16) pointer left (label or foreign key to ~external_*), no hidden `_dj2_` leftovers;
//   - every in-store JSON well-formed, its store configured, its file present with the right hash/size;
//   - every `<blob>` value decodes (blob.ts) and every attachment is name\0contents, in the row or in a
//     store (verifyValues.ts); undecodable values are reported by key;
// and per schema, `~lineage` complete (exactly the rows 2.x's rebuild produces) or absent.
// It never writes. What `verify_schema_v20` in the published migrate.py meant to do (storage-formats.md B10).
import type { Db } from './connection';
import type { Column, Schema, Table } from './model';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { lineageRows, type LineageRow } from './lineage';
import { isBase32Hash, base32Hash } from './hash';
import { q, qt } from './sql';
import { describeObject, md5OfObject, readObject, statObject, StoreIoUnavailable, type StoreMap } from './stores';
import { StoreAccessError } from './stores/objectStore';
import { decodeColumn, decodeProblem, inRowDecodedKind } from './verifyValues';
import { parse2xLabel } from '../../../common/src/djtypes';

export interface VerifyOptions {
  stores: StoreMap;
  /** Check at most this many values per in-store column (and sniff this many blobs); default: every value (blobs: 1000). */
  sample?: number;
  signal?: AbortSignal;
  onProgress?: (e: { table: string; rows: number; total: number; etaMs: number | null }) => void;
}

export interface TableVerdict {
  schema: string;
  /** A table name, or `~lineage` for the schema-level lineage check. */
  table: string;
  status: 'pass' | 'fail';
  /** Why it fails (empty when it passes). */
  reasons: string[];
  /** Things to know that do not fail the check (custom codecs, native types, absent ~lineage). */
  notes: string[];
  /** In-store values whose file was checked. */
  checkedValues: number;
}

export interface VerifyReport {
  ok: boolean;
  schemas: string[];
  tables: TableVerdict[];
}

const BLOB_TYPES = new Set(['tinyblob', 'blob', 'mediumblob', 'longblob']);
const HASH_CODECS = new Set(['blob', 'attach', 'hash']);
const SNIFF_DEFAULT = 1000;
/** At most this many examples per column in a reason; the count says how many there were. */
const EXAMPLES = 3;

export async function verifySchemas(db: Db, schemaNames: string[], opts: VerifyOptions): Promise<VerifyReport> {
  const schemas = await introspect(db, schemaNames);
  const verdicts: TableVerdict[] = [];
  for (const s of schemas) {
    if (s.version === 'not-datajoint') {
      verdicts.push({
        schema: s.name,
        table: '*',
        status: 'fail',
        reasons: [`not a DataJoint schema: ${s.reasons.join('; ')}`],
        notes: [],
        checkedValues: 0,
      });
      continue;
    }
    for (const t of s.tables) verdicts.push(await verifyTable(db, t, opts));
  }
  const upstream = await withUpstream(db, schemas);
  for (const s of schemas) verdicts.push(await verifyLineage(db, s, upstream));
  return { ok: verdicts.every((v) => v.status === 'pass'), schemas: schemaNames, tables: verdicts };
}

async function verifyTable(db: Db, t: Table, opts: VerifyOptions): Promise<TableVerdict> {
  const v: TableVerdict = { schema: t.schema, table: t.name, status: 'pass', reasons: [], notes: [], checkedValues: 0 };
  const declared = checkDeclarations(t, opts.stores);
  v.reasons.push(...declared.reasons);
  v.notes.push(...declared.notes);
  for (const c of t.columns) {
    if (c.label2x == null && BLOB_TYPES.has(c.dataType)) await sniffBlobs(db, t, c, v, opts.sample ?? SNIFF_DEFAULT);
    const decoded = inRowDecodedKind(c);
    if (decoded) {
      const r = await decodeColumn(db, t, c, decoded, {
        limit: opts.sample,
        maxExamples: EXAMPLES,
        signal: opts.signal,
      });
      if (r.failed)
        v.reasons.push(
          `${c.name}: undecodable <${decoded}> — ${r.failed} value${r.failed > 1 ? 's' : ''}, e.g. ${r.examples.join('; ')}`,
        );
    }
    if (
      c.storage.form === 'json2x' ||
      (c.storage.form === 'adapted' && c.storage.store !== undefined && c.dataType === 'json')
    )
      await checkPointers(db, t, c, v, opts);
  }
  v.status = v.reasons.length ? 'fail' : 'pass';
  return v;
}

/**
 * The checks that need only the table's declaration (no rows, no files): labels valid in 2.x and true to the
 * column type, no key to `~external_*`, no hidden `_dj2_` leftovers. Pure, so both server flavours' catalogue
 * spellings (MariaDB `int(10) unsigned` / longtext json, MySQL 8 `int unsigned` / json) are testable offline.
 */
export function checkDeclarations(t: Table, stores: StoreMap): { reasons: string[]; notes: string[] } {
  const v = { reasons: [] as string[], notes: [] as string[] };
  for (const fk of t.foreignKeys) {
    // A labelled pointer column is reported once, by its label (which names this key).
    const labelled = fk.columns.every((name) => t.columns.find((c) => c.name === name)?.storage.form === 'pointer014');
    if (fk.refTable.startsWith('~external_') && !labelled) {
      v.reasons.push(
        `${fk.columns.join(', ')}: foreign key ${fk.name} to ${fk.refTable} — a 0.14.6 BINARY(16) pointer is left; run db migrate-pointers`,
      );
    }
  }
  for (const c of t.columns) {
    if (c.name.startsWith('_dj2_'))
      v.reasons.push(
        `${c.name}: hidden column left by an interrupted migrate-pointers; re-run it (it drops and rebuilds the column)`,
      );
    checkLabel(t, c, v, stores);
  }
  return v;
}

/** What a core label means for the column type (2.x declare.py CORE_TYPES → SQL). */
const CORE_SQL: Record<string, (c: Column) => boolean> = {
  int8: (c) => c.dataType === 'tinyint' && !unsigned(c),
  int16: (c) => c.dataType === 'smallint' && !unsigned(c),
  int32: (c) => c.dataType === 'int' && !unsigned(c),
  int64: (c) => c.dataType === 'bigint' && !unsigned(c),
  float32: (c) => c.dataType === 'float',
  float64: (c) => c.dataType === 'double',
  bool: (c) => c.dataType === 'tinyint',
  uuid: (c) => /^binary\(16\)$/i.test(c.columnType),
  json: (c) => c.dataType === 'json',
  bytes: (c) => BLOB_TYPES.has(c.dataType),
  date: (c) => c.dataType === 'date',
  datetime: (c) => c.dataType === 'datetime',
  char: (c) => c.dataType === 'char',
  varchar: (c) => c.dataType === 'varchar',
  enum: (c) => c.dataType === 'enum',
  decimal: (c) => c.dataType === 'decimal',
};

function unsigned(c: Column): boolean {
  return /\bunsigned\b/i.test(c.columnType);
}

function checkLabel(t: Table, c: Column, v: { reasons: string[]; notes: string[] }, stores: StoreMap): void {
  if (c.label2x == null) {
    if (
      /^binary\(16\)$/i.test(c.columnType) &&
      t.foreignKeys.some((fk) => fk.columns.includes(c.name) && fk.refTable.startsWith('~external_'))
    )
      return; // reported with the FK
    if (c.dataType !== 'json' && unsigned(c))
      v.notes.push(`${c.name}: native ${c.columnType} (no 2.x core type; 2.x accepts it with a warning)`);
    return;
  }
  const label = parse2xLabel(`:${c.label2x}:`);
  const where = `${c.name}: :${c.label2x}:`;
  switch (label.kind) {
    case 'invalid':
      v.reasons.push(`${where} — ${label.reason}`);
      return;
    case 'legacy':
      if (/@/.test(c.label2x) && /^binary\(16\)$/i.test(c.columnType)) {
        const fk = t.foreignKeys.find((k) => k.columns.includes(c.name) && k.refTable.startsWith('~external_'));
        v.reasons.push(
          `${where} — a 0.14.6 BINARY(16) pointer is left${fk ? ` (foreign key ${fk.name} to ${fk.refTable})` : ''}; run db migrate-pointers`,
        );
      } else v.reasons.push(`${where} — ${label.reason}`);
      return;
    case 'core': {
      const fits = CORE_SQL[label.core as string];
      if (fits && !fits(c)) v.reasons.push(`${where} does not describe the column type ${c.columnType}`);
      if (label.label !== label.label?.toLowerCase() && label.core !== 'enum')
        v.reasons.push(`${where} — 2.x matches core types in lower case only`);
      return;
    }
    case 'codec': {
      if (!label.valid) {
        v.reasons.push(`${where} — ${label.reason}`);
        return;
      }
      const stored = label.store !== undefined;
      if (label.builtin && stored && c.dataType !== 'json') {
        v.reasons.push(
          `${where} on a ${c.columnType} column — in-store codecs need json${/^binary\(16\)$/i.test(c.columnType) ? ' (a BINARY(16) pointer was relabelled without converting it)' : ''}`,
        );
      } else if (label.builtin && !stored && !BLOB_TYPES.has(c.dataType)) {
        v.reasons.push(`${where} on a ${c.columnType} column — <${label.codec}> needs a blob column`);
      }
      if (stored && label.store !== '' && !stores[label.store as string] && Object.keys(stores).length) {
        v.reasons.push(`${where} — store ${label.store} is not in the store settings; 2.x needs stores.${label.store}`);
      }
      if (label.reason) v.notes.push(`${where} — ${label.reason}`);
      return;
    }
    case 'none':
      return;
  }
}

/** Unlabelled blob columns: 2.x returns their bytes raw, so serialized DataJoint blobs there are wrong for the user. */
async function sniffBlobs(db: Db, t: Table, c: Column, v: TableVerdict, limit: number): Promise<void> {
  const [row] = await db.query<{ n: string | number; seen: string | number }>(
    `SELECT COUNT(*) AS seen, COALESCE(SUM(LEFT(head, 4) IN (?, ?) OR head = ?), 0) AS n FROM ` +
      `(SELECT LEFT(${q(c.name)}, 6) AS head FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} IS NOT NULL LIMIT ?) AS s`,
    [Buffer.from('mYm\0', 'latin1'), Buffer.from('dj0\0', 'latin1'), Buffer.from('ZL123\0', 'latin1'), limit],
  );
  const n = Number(row.n);
  if (n > 0) {
    v.reasons.push(
      `${c.name}: unlabelled ${c.dataType} holding serialized DataJoint blobs (${n} of the ${row.seen} values sniffed) — 2.x returns them as raw bytes; label it :<blob>:`,
    );
  } else if (Number(row.seen) > 0) {
    v.notes.push(`${c.name}: unlabelled ${c.dataType} without serialized blobs — 2.x reads it as raw bytes`);
  }
}

interface PointerProblem {
  count: number;
  examples: string[];
}

/** Every (or a sample of) in-store JSON value: well-formed, store known, file present with the right hash. */
async function checkPointers(db: Db, t: Table, c: Column, v: TableVerdict, opts: VerifyOptions): Promise<void> {
  // A custom codec over a store: its JSON is whatever its dtype writes; check path, and hash where present.
  const { codec, store: labelStore } =
    c.storage.form === 'json2x'
      ? c.storage
      : c.storage.form === 'adapted'
        ? { codec: 'custom', store: c.storage.store ?? '' }
        : { codec: '', store: '' };
  if (!codec) return;
  const problems = new Map<string, PointerProblem>();
  const problem = (kind: string, example: string) => {
    const p = problems.get(kind) ?? { count: 0, examples: [] };
    p.count++;
    if (p.examples.length < EXAMPLES) p.examples.push(example);
    problems.set(kind, p);
  };
  const checked = new Map<string, string | null>(); // store:path:hash → problem kind (null = fine)
  const [{ n: total }] = await db.query<{ n: string | number }>(
    `SELECT COUNT(*) AS n FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} IS NOT NULL`,
  );
  const limit = opts.sample !== undefined ? ` LIMIT ${Math.max(0, Math.floor(opts.sample))}` : '';
  const keyCols = t.primaryKey.length ? t.primaryKey : [c.name];
  let rows = 0;
  const started = Date.now();
  for await (const r of db.stream(
    `SELECT ${keyCols.map(q).join(', ')}, ${q(c.name)} AS __value FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} IS NOT NULL${limit}`,
  )) {
    if (opts.signal?.aborted) throw new Error('verification cancelled');
    rows++;
    const key = keyCols.map((k) => `${k}=${fmt(r[k])}`).join(', ');
    let meta: Record<string, unknown>;
    try {
      const raw = r.__value;
      meta = (
        typeof raw === 'string' ? JSON.parse(raw) : Buffer.isBuffer(raw) ? JSON.parse(raw.toString('utf8')) : raw
      ) as Record<string, unknown>;
    } catch {
      problem('value is not JSON', key);
      continue;
    }
    const malformed = shapeProblem(codec, meta);
    if (malformed) {
      problem(malformed, key);
      continue;
    }
    const storeName = (meta.store as string | null) ?? (labelStore || null);
    if (!storeName) {
      problem('no store (JSON store is null and the label names none)', key);
      continue;
    }
    const store = opts.stores[storeName];
    if (!store) {
      problem(
        `store ${storeName} is not in the store settings${Object.keys(opts.stores).length ? '' : ' (pass --stores FILE)'}`,
        key,
      );
      continue;
    }
    const hash = typeof meta.hash === 'string' ? meta.hash : null;
    const id = `${storeName}\u0000${meta.path}\u0000${hash}\u0000${meta.size}`;
    if (!checked.has(id)) {
      const rel = meta.path as string;
      let found = await fileProblem(store, rel, hash, codec === 'filepath' ? (meta.size as number | null) : null);
      // The file is there and intact: its contents must also decode (a blob) or name the file (an attachment).
      if (!found && (codec === 'blob' || codec === 'attach')) {
        const why = decodeProblem(codec, await readObject(store, rel, 'verifying a stored value'));
        if (why) found = `stored <${codec}> does not decode: ${why}`;
      }
      checked.set(id, found);
    }
    const found = checked.get(id);
    if (found) problem(found, `${key} (${describeObject(store, meta.path as string)})`);
    if (rows % 100 === 0)
      opts.onProgress?.({
        table: `${t.schema}.${t.name}`,
        rows,
        total: Number(total),
        etaMs: Math.round(((Date.now() - started) / rows) * Math.max(0, Number(total) - rows)),
      });
  }
  v.checkedValues += rows;
  for (const [kind, p] of problems) {
    v.reasons.push(`${c.name}: ${kind} — ${p.count} value${p.count > 1 ? 's' : ''}, e.g. ${p.examples.join('; ')}`);
  }
  if (opts.sample !== undefined && rows < Number(total))
    v.notes.push(`${c.name}: checked a sample of ${rows} of ${total} values`);
}

/** Well-formedness of the JSON 2.x reads (hash_registry.py, objectref.py): what is missing or of the wrong kind. */
function shapeProblem(codec: string, meta: unknown): string | null {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return 'value is not a JSON object';
  const m = meta as Record<string, unknown>;
  if (typeof m.path !== 'string' || m.path === '') return 'JSON has no path';
  if (m.store !== undefined && m.store !== null && typeof m.store !== 'string') return 'JSON store is not a string';
  if (HASH_CODECS.has(codec)) {
    if (!isBase32Hash(m.hash))
      return `JSON hash ${JSON.stringify(m.hash)} is not a 26-character base32 MD5 (a 0.14.6-style hex hash fails 2.x's check)`;
  } else if (codec === 'custom') {
    if (m.hash !== undefined && !isBase32Hash(m.hash)) return `JSON hash ${JSON.stringify(m.hash)} is not a base32 MD5`;
  } else if (codec === 'filepath') {
    if (!('size' in m) || (m.size !== null && typeof m.size !== 'number'))
      return 'filepath JSON has no size (2.x ObjectRef requires it)';
    if (m.hash !== undefined && !isBase32Hash(m.hash)) return `JSON hash ${JSON.stringify(m.hash)} is not a base32 MD5`;
  }
  return null;
}

async function fileProblem(
  store: StoreMap[string],
  rel: string,
  hash: string | null,
  size: number | null,
): Promise<string | null> {
  try {
    const st = await statObject(store, rel, 'verifying in-store files');
    if (!st) return 'file missing';
    if (st.isDir) return hash ? 'path is a directory' : null;
    if (size !== null && size !== undefined && st.size !== size) return 'file size differs from the JSON size';
    if (hash && base32Hash(await md5OfObject(store, rel)) !== hash) return 'file content does not match the JSON hash';
    return null;
  } catch (e) {
    if (e instanceof StoreAccessError) return `cannot check files: ${e.problem === 'other' ? e.message : e.storeWide}`;
    if (e instanceof StoreIoUnavailable) return `cannot check files: ${e.message}`;
    throw e;
  }
}

/** The named schemas plus every schema their foreign keys reach (upstream lineage comes from there). */
async function withUpstream(db: Db, schemas: Schema[]): Promise<Schema[]> {
  const all = [...schemas];
  for (;;) {
    const have = new Set(all.map((s) => s.name));
    const refs = [
      ...new Set(all.flatMap((s) => s.tables.flatMap((t) => t.foreignKeys.map((fk) => fk.refSchema)))),
    ].filter((n) => !have.has(n));
    if (!refs.length) return all;
    all.push(...(await introspect(db, refs)));
  }
}

async function verifyLineage(db: Db, s: Schema, all: Schema[]): Promise<TableVerdict> {
  const v: TableVerdict = {
    schema: s.name,
    table: '~lineage',
    status: 'pass',
    reasons: [],
    notes: [],
    checkedValues: 0,
  };
  if (!s.hidden.some((t) => t.name === '~lineage')) {
    v.notes.push(
      'absent: 2.x works with semantic checks off (it warns on every join); create it complete or leave it absent',
    );
    return v;
  }
  let expected: LineageRow[];
  try {
    expected = lineageRows(dependencyOrder(all)).get(s.name) ?? [];
  } catch (e) {
    v.reasons.push(`cannot compute the expected lineage: ${(e as Error).message}`);
    v.status = 'fail';
    return v;
  }
  const actual = await db.query<LineageRow>(
    `SELECT table_name, attribute_name, lineage FROM ${qt(s.name, '~lineage')}`,
  );
  const key = (r: LineageRow) => `${r.table_name}.${r.attribute_name}`;
  const have = new Map(actual.map((r) => [key(r), r.lineage]));
  const want = new Map(expected.map((r) => [key(r), r.lineage]));
  const missing = [...want.keys()].filter((k) => !have.has(k));
  const wrong = [...want]
    .filter(([k, l]) => have.has(k) && have.get(k) !== l)
    .map(([k, l]) => `${k} is ${have.get(k)}, should be ${l}`);
  const jobRows = actual.filter((r) => r.table_name.startsWith('~'));
  const stale = actual.filter((r) => !r.table_name.startsWith('~') && !want.has(key(r))).map(key);
  if (missing.length)
    v.reasons.push(
      `incomplete: ${missing.length} row${missing.length > 1 ? 's' : ''} missing (${list(missing)}) — a partial ~lineage is worse than none (2.x then fails joins)`,
    );
  if (wrong.length) v.reasons.push(`wrong lineage: ${list(wrong)}`);
  if (stale.length) v.reasons.push(`rows for attributes that carry no lineage or no longer exist: ${list(stale)}`);
  if (jobRows.length) v.notes.push(`${jobRows.length} rows for 2.x job tables (~~*), which 2.x adds itself`);
  v.checkedValues = actual.length;
  v.status = v.reasons.length ? 'fail' : 'pass';
  return v;
}

function list(items: string[]): string {
  return items.length > 5 ? `${items.slice(0, 5).join(', ')}, … ${items.length - 5} more` : items.join(', ');
}

function fmt(v: unknown): string {
  return Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : String(v);
}

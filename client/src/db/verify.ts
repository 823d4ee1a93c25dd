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
import { q, qt } from './sql';
import type { StoreMap } from './stores';
import { decodeColumn, inRowDecodedKind } from './verifyValues';
import { checkPointerValues } from './verifyPointers';
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
  const [{ n: total }] = await db.query<{ n: string | number }>(
    `SELECT COUNT(*) AS n FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} IS NOT NULL`,
  );
  const limit = opts.sample !== undefined ? ` LIMIT ${Math.max(0, Math.floor(opts.sample))}` : '';
  const keyCols = t.primaryKey.length ? t.primaryKey : [c.name];
  const rows = db.stream(
    `SELECT ${keyCols.map(q).join(', ')}, ${q(c.name)} AS __value FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} IS NOT NULL${limit}`,
  );
  async function* keyed() {
    for await (const r of rows) yield { key: keyCols.map((k) => `${k}=${fmt(r[k])}`).join(', '), value: r.__value };
  }
  await checkPointerValues(
    keyed(),
    { table: `${t.schema}.${t.name}`, column: c.name, codec, labelStore, total: Number(total) },
    v,
    opts,
  );
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
  judgeLineage(v, actual, expected);
  return v;
}

/** `~lineage` rows against the rows 2.x's rebuild produces: missing, wrong and stale rows fail the verdict. */
export function judgeLineage(v: TableVerdict, actual: LineageRow[], expected: LineageRow[]): void {
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
}

function list(items: string[]): string {
  return items.length > 5 ? `${items.slice(0, 5).join(', ')}, … ${items.length - 5} more` : items.join(', ');
}

function fmt(v: unknown): string {
  return Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : String(v);
}

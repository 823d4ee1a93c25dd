// `db verify --target postgresql://…`: the checks of verify.ts on 2.x schemas in PostgreSQL. Per table: every
// `:label:` (from the column comment; foreign-key columns carry none there and take the referenced column's)
// valid in 2.x and true to the PostgreSQL type 2.x declares for it (int64 → bigint, <blob> → bytea, in-store
// → jsonb…), no `_dj2_` leftovers; every `<blob>` value decodes and every `<attach>` is name\0contents (bytea,
// read in key pages); every in-store JSON well-formed with its file present (verifyPointers.ts). Per schema,
// `~lineage` equal to what 2.x's rebuild produces. It never writes.
import { parse2xLabel } from '../../../common/src/djtypes';
import type { PgDb } from './connect/dialects/postgres';
import { pq, pqt } from './connect/dialects/postgres';
import { introspectPg, type PgColumnInfo, type PgTableInfo } from './connect/dialects/pgIntrospect';
import { decodeStorage } from './introspect';
import { type LineageRow, lineageRows } from './lineage';
import { type Schema, type Table, tableKey, tierOf } from './model';
import { dependencyOrder } from './plan';
import type { StoreMap } from './stores';
import { judgeLineage, type TableVerdict, type VerifyOptions, type VerifyReport } from './verify';
import { checkPointerValues } from './verifyPointers';
import { decodeProblem, type DecodedKind } from './verifyValues';

const EXAMPLES = 3;
const PAGE = 500;

/** The PostgreSQL type 2.x declares for each core type (adapters/postgres.py), by base type name. */
const CORE_PG: Record<string, (c: PgColumnInfo) => boolean> = {
  int8: (c) => c.udt === 'int2',
  int16: (c) => c.udt === 'int2',
  int32: (c) => c.udt === 'int4',
  int64: (c) => c.udt === 'int8',
  float32: (c) => c.udt === 'float4',
  float64: (c) => c.udt === 'float8',
  bool: (c) => c.udt === 'bool',
  uuid: (c) => c.udt === 'uuid',
  json: (c) => c.udt === 'jsonb' || c.udt === 'json',
  bytes: (c) => c.udt === 'bytea',
  date: (c) => c.udt === 'date',
  datetime: (c) => c.udt === 'timestamp',
  char: (c) => c.udt === 'bpchar',
  varchar: (c) => c.udt === 'varchar',
  enum: (c) => c.isEnum,
  decimal: (c) => c.udt === 'numeric',
};

/** A PostgreSQL table in the model lineage.ts and plan.ts work on (types by base type name). */
export function pgTableModel(t: PgTableInfo): Table {
  return {
    schema: t.schema,
    name: t.name,
    tier: tierOf(t.name) ?? 'unknown',
    comment: t.comment,
    charset: '',
    collation: '',
    columns: t.columns.map((c) => ({
      name: c.name,
      columnType: c.type,
      dataType: c.udt,
      nullable: c.nullable,
      default: c.default,
      extra: '',
      charset: null,
      collation: null,
      comment: (c.comment ?? '').replace(/^:[^:]+:/, ''),
      storage: decodeStorage(c.udt === 'jsonb' ? 'json' : c.udt, c.core),
      label2x: c.core,
    })),
    primaryKey: [...t.primaryKey],
    foreignKeys: t.foreignKeys.map((f) => ({ ...f, onUpdate: '', onDelete: '' })),
    indexes: [],
    rowEstimate: 0,
  };
}

export async function verifySchemasPg(db: PgDb, schemaNames: string[], opts: VerifyOptions): Promise<VerifyReport> {
  const verdicts: TableVerdict[] = [];
  const present = new Set(
    (await db.query<{ n: string }>('SELECT nspname AS n FROM pg_namespace WHERE nspname = ANY($1)', [schemaNames])).map(
      (r) => r.n,
    ),
  );
  const names = schemaNames.filter((s) => present.has(s));
  for (const s of schemaNames.filter((x) => !present.has(x)))
    verdicts.push(verdict(s, '*', [`schema ${s} does not exist on ${db.describe()}`]));
  const info = await introspectPg(db, names);
  for (const s of names) {
    const tables = [...info.values()].filter((t) => t.schema === s && !t.name.startsWith('~'));
    for (const t of tables) verdicts.push(await verifyTablePg(db, t, opts));
  }
  // Expected lineage reaches upstream schemas: read those too (introspectPg drops them from its result).
  const upstream = new Set([...info.values()].flatMap((t) => t.foreignKeys.map((f) => f.refSchema)));
  const all = await introspectPg(db, [...new Set([...names, ...upstream])]);
  const models = [...all.values()].filter((t) => !t.name.startsWith('~')).map(pgTableModel);
  const schemas = [...new Set(models.map((t) => t.schema))].map((name) => ({
    name,
    tables: models.filter((t) => t.schema === name),
  }));
  let expected: Map<string, LineageRow[]> | null = null;
  let why = '';
  try {
    expected = lineageRows(dependencyOrder(schemas as unknown as Schema[]));
  } catch (e) {
    why = (e as Error).message;
  }
  for (const s of names) {
    const v = verdict(s, '~lineage', []);
    if (!info.has(`${s}.~lineage`))
      v.notes.push(
        'absent: 2.x works with semantic checks off (it warns on every join); create it complete or leave it absent',
      );
    else if (!expected) v.reasons.push(`cannot compute the expected lineage: ${why}`);
    else {
      const actual = await db.query<LineageRow>(
        `SELECT table_name, attribute_name, lineage FROM ${pqt(s, '~lineage')}`,
      );
      judgeLineage(v, actual, expected.get(s) ?? []);
    }
    v.status = v.reasons.length ? 'fail' : 'pass';
    verdicts.push(v);
  }
  return { ok: verdicts.every((v) => v.status === 'pass'), schemas: schemaNames, tables: verdicts };
}

function verdict(schema: string, table: string, reasons: string[]): TableVerdict {
  return { schema, table, status: reasons.length ? 'fail' : 'pass', reasons, notes: [], checkedValues: 0 };
}

async function verifyTablePg(db: PgDb, t: PgTableInfo, opts: VerifyOptions): Promise<TableVerdict> {
  const v = verdict(t.schema, t.name, []);
  const model = pgTableModel(t);
  for (const [i, c] of t.columns.entries()) {
    if (c.name.startsWith('_dj2_'))
      v.reasons.push(`${c.name}: hidden column left by an interrupted migrate-pointers; re-run it`);
    checkLabelPg(c, v, opts.stores);
    const storage = model.columns[i].storage;
    const decoded: DecodedKind | null =
      storage.form === 'blob' && c.core ? 'blob' : storage.form === 'attach' ? 'attach' : null;
    if (decoded && c.udt === 'bytea') await decodeColumnPg(db, t, c, decoded, v, opts);
    if (storage.form === 'json2x' || (storage.form === 'adapted' && storage.store !== undefined && c.udt === 'jsonb')) {
      const codec = storage.form === 'json2x' ? storage.codec : 'custom';
      const [{ n }] = await db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${pqt(t.schema, t.name)} WHERE ${pq(c.name)} IS NOT NULL`,
      );
      await checkPointerValues(
        valuesOf(db, t, c, opts),
        { table: tableKey(t), column: c.name, codec, labelStore: storage.store ?? '', total: Number(n) },
        v,
        opts,
      );
    }
  }
  v.status = v.reasons.length ? 'fail' : 'pass';
  return v;
}

/** The label of a column against the PostgreSQL type 2.x gives it. */
export function checkLabelPg(c: PgColumnInfo, v: { reasons: string[]; notes: string[] }, stores: StoreMap): void {
  if (c.core === null) {
    if (c.udt === 'bytea') v.notes.push(`${c.name}: unlabelled bytea — 2.x reads it as raw bytes`);
    return;
  }
  const label = parse2xLabel(`:${c.core}:`);
  const where = `${c.name}: :${c.core}:`;
  switch (label.kind) {
    case 'invalid':
    case 'legacy':
      v.reasons.push(`${where} — ${label.reason}`);
      return;
    case 'core': {
      const fits = CORE_PG[label.core as string];
      if (fits && !fits(c)) v.reasons.push(`${where} does not describe the PostgreSQL type ${c.type}`);
      return;
    }
    case 'codec': {
      if (!label.valid) {
        v.reasons.push(`${where} — ${label.reason}`);
        return;
      }
      const stored = label.store !== undefined;
      if (label.builtin && stored && c.udt !== 'jsonb')
        v.reasons.push(`${where} on a ${c.type} column — in-store codecs need jsonb on PostgreSQL`);
      else if (label.builtin && !stored && c.udt !== 'bytea')
        v.reasons.push(`${where} on a ${c.type} column — <${label.codec}> needs bytea on PostgreSQL`);
      if (stored && label.store !== '' && !stores[label.store as string] && Object.keys(stores).length)
        v.reasons.push(`${where} — store ${label.store} is not in the store settings; 2.x needs stores.${label.store}`);
      if (label.reason) v.notes.push(`${where} — ${label.reason}`);
      return;
    }
    default:
      return;
  }
}

/** Non-null values of a column with their keys (`k=v, …`), in key pages; at most `opts.sample`. */
async function* valuesOf(
  db: PgDb,
  t: PgTableInfo,
  c: PgColumnInfo,
  opts: VerifyOptions,
): AsyncGenerator<{ key: string; value: unknown }> {
  const pk = t.primaryKey.length ? t.primaryKey : [c.name];
  const limit = opts.sample ?? Number.POSITIVE_INFINITY;
  let after: unknown[] | null = null;
  let seen = 0;
  while (seen < limit) {
    const params = after ?? [];
    const past = after ? ` AND (${pk.map(pq).join(', ')}) > (${params.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const { rows } = await db.queryText(
      `SELECT ${[...pk, c.name].map(pq).join(', ')} FROM ${pqt(t.schema, t.name)} WHERE ${pq(c.name)} IS NOT NULL${past} ORDER BY ${pk.map(pq).join(', ')} LIMIT ${PAGE}`,
      params,
    );
    for (const r of rows) {
      if (seen++ >= limit) return;
      const key = pk.map((k, i) => `${k}=${Buffer.isBuffer(r[i]) ? `0x${r[i].toString('hex')}` : String(r[i])}`);
      yield { key: key.join(', '), value: r[pk.length] };
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].slice(0, pk.length);
  }
}

async function decodeColumnPg(
  db: PgDb,
  t: PgTableInfo,
  c: PgColumnInfo,
  kind: DecodedKind,
  v: TableVerdict,
  opts: VerifyOptions,
): Promise<void> {
  let failed = 0;
  const examples: string[] = [];
  for await (const r of valuesOf(db, t, c, opts)) {
    if (opts.signal?.aborted) throw new Error('verification cancelled');
    const why = decodeProblem(kind, r.value as Buffer);
    if (!why) continue;
    failed++;
    if (examples.length < EXAMPLES) examples.push(`${r.key} (${why})`);
  }
  if (failed)
    v.reasons.push(
      `${c.name}: undecodable <${kind}> — ${failed} value${failed > 1 ? 's' : ''}, e.g. ${examples.join('; ')}`,
    );
}

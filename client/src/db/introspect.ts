// Reads schemas into the model (model.ts): tables with their tier, columns with how DataJoint stores them,
// keys, indexes, stores, and a per-schema verdict on which DataJoint version wrote it. The decoding is a
// pure function of catalogue rows (decodeCatalog) so both server flavours are testable.
import type { Db } from './connection';
import { readCatalog, type Catalog, type ColumnRow } from './catalog';
import type { Column, ColumnStorage, ForeignKey, Index, Schema, SchemaVersion, Table } from './model';
import { tierOf } from './model';
import { checkIdentifier, DbInputError, lit, q } from './sql';
import { columnTo014, parse2xLabel, splitLabel } from '../../../common/src/djtypes';

export interface IntrospectOptions {
  /** Count rows exactly (`SELECT COUNT(*)` per user table) instead of the server's estimate. */
  exactCounts?: boolean;
}

/** Introspect the named schemas (in the order given). Unknown schemas and bad names are input errors. */
export async function introspect(db: Db, schemas: string[], opts: IntrospectOptions = {}): Promise<Schema[]> {
  if (schemas.length === 0) throw new DbInputError('no schemas given (use --schemas a,b,c)');
  for (const s of schemas) checkIdentifier(s, 'schema');
  const catalog = await readCatalog(db, schemas);
  const found = new Set(catalog.schemata.map((s) => s.name));
  const missing = schemas.filter((s) => !found.has(s));
  if (missing.length)
    throw new DbInputError(
      `schema${missing.length > 1 ? 's' : ''} not found on ${db.describe()}: ${missing.join(', ')}`,
    );
  const result = decodeCatalog(catalog, schemas);
  if (opts.exactCounts) {
    for (const s of result)
      for (const t of s.tables) {
        const [row] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${q(t.schema)}.${q(t.name)}`);
        t.rowEstimate = Number(row.n);
      }
  }
  return result;
}

const BLOB_TYPES = new Set(['tinyblob', 'blob', 'mediumblob', 'longblob']);
const BUILTIN_STORE_CODECS = new Set(['blob', 'attach', 'filepath', 'hash', 'npy', 'object']);

/**
 * How a column stores its value, from its type and label. `externalStore` is the store of a foreign
 * key from this column to `~external_<store>`, if there is one (an adapter over `blob@s` has only that).
 */
export function decodeStorage(dataType: string, label: string | null, externalStore?: string): ColumnStorage {
  if (label !== null) {
    const codec = /^<([A-Za-z][\w-]*)(@([a-z][-\w]*)?)?>$/.exec(label);
    if (codec) {
      const [, name, at, store] = codec;
      if (!at && name === 'blob') return { form: 'blob' };
      if (!at && name === 'attach') return { form: 'attach' };
      if (at && BUILTIN_STORE_CODECS.has(name) && dataType === 'json')
        return { form: 'json2x', codec: name as 'blob', store: store ?? '' };
      const adapterStore = at ? (store ?? '') : externalStore;
      return adapterStore !== undefined ? { form: 'adapted', name, store: adapterStore } : { form: 'adapted', name };
    }
    if (label === 'uuid' && dataType === 'binary') return { form: 'uuid' };
    if (label === 'attach' && BLOB_TYPES.has(dataType)) return { form: 'attach' };
    const ext = /^(blob|attach|filepath)@([a-z][-\w]*)$/.exec(label);
    if (ext && dataType === 'binary') return { form: 'pointer014', kind: ext[1] as 'blob', store: ext[2] };
  }
  if (dataType === 'json') return { form: 'json' };
  if (label === null && BLOB_TYPES.has(dataType)) return { form: 'blob' };
  return { form: 'plain' };
}

/**
 * The DEFAULT clause text for a column, from COLUMN_DEFAULT. MariaDB (10.2.7+) reports SQL text (`'x'`,
 * `NULL`, `current_timestamp()`); MySQL 8 reports the bare value (`x`), NULL for "default null", and marks
 * expressions with DEFAULT_GENERATED in EXTRA.
 */
export function defaultClause(
  row: Pick<ColumnRow, 'default' | 'nullable' | 'dataType' | 'extra'>,
  flavor: 'mysql' | 'mariadb',
): string | null {
  const nullable = row.nullable === 'YES';
  const value = row.default;
  if (flavor === 'mariadb') {
    if (value === null) return nullable && !BLOB_TYPES.has(row.dataType) && !/text$/.test(row.dataType) ? 'NULL' : null;
    return value;
  }
  if (value === null) return nullable ? 'NULL' : null;
  if (/DEFAULT_GENERATED/i.test(row.extra)) return /^current_timestamp(\(\d?\))?$/i.test(value) ? value : `(${value})`;
  if (NUMERIC_TYPES.has(row.dataType)) return value;
  if (row.dataType === 'bit') return value; // MySQL 8 reports b'0'
  return lit(value);
}

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
]);

/** EXTRA without MySQL 8's DEFAULT_GENERATED marker (which is not DDL). */
function cleanExtra(extra: string): string {
  return extra.replace(/DEFAULT_GENERATED\s*/i, '').trim();
}

export function decodeCatalog(catalog: Catalog, order: string[]): Schema[] {
  const { flavor } = catalog;
  const charsetOf = new Map(catalog.collations.map((c) => [c.collation, c.charset]));
  const charsetFor = (collation: string | null): string =>
    collation ? (charsetOf.get(collation) ?? collation.split('_')[0]) : '';
  const byTable = <R extends { schema: string; table: string }>(rows: R[]): Map<string, R[]> => {
    const m = new Map<string, R[]>();
    for (const r of rows) {
      const k = `${r.schema}\u0000${r.table}`;
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const columnsBy = byTable(catalog.columns);
  const keysBy = byTable(catalog.keyColumns);
  const refsBy = byTable(catalog.referential);
  const statsBy = byTable(catalog.statistics);
  const jsonChecks = new Set(
    catalog.checks
      .map((c) => /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(c.clause.trim()))
      .map((m, i) =>
        m ? `${catalog.checks[i].schema}\u0000${catalog.checks[i].table}\u0000${m[1].replace(/``/g, '`')}` : '',
      )
      .filter(Boolean),
  );

  const schemas: Schema[] = [];
  for (const name of order) {
    const meta = catalog.schemata.find((s) => s.name === name);
    if (!meta) continue;
    const tables: Table[] = [];
    const hidden: Table[] = [];
    for (const t of catalog.tables.filter((r) => r.schema === name && r.type === 'BASE TABLE')) {
      const k = `${name}\u0000${t.table}`;
      const keyRows = keysBy.get(k) ?? [];
      const primaryKey = keyRows
        .filter((r) => r.constraint === 'PRIMARY')
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map((r) => r.column);
      const foreignKeys: ForeignKey[] = [];
      const rules = new Map((refsBy.get(k) ?? []).map((r) => [r.constraint, r]));
      const fkNames = [...new Set(keyRows.filter((r) => r.refTable !== null).map((r) => r.constraint))];
      for (const constraint of fkNames) {
        const cols = keyRows
          .filter((r) => r.constraint === constraint && r.refTable !== null)
          .sort((a, b) => Number(a.position) - Number(b.position));
        foreignKeys.push({
          name: constraint,
          columns: cols.map((c) => c.column),
          refSchema: cols[0].refSchema ?? name,
          refTable: cols[0].refTable as string,
          refColumns: cols.map((c) => c.refColumn as string),
          onUpdate: rules.get(constraint)?.updateRule ?? 'RESTRICT',
          onDelete: rules.get(constraint)?.deleteRule ?? 'RESTRICT',
        });
      }
      const externalStoreOf = new Map<string, string>();
      for (const fk of foreignKeys)
        if (fk.refSchema === name && fk.refTable.startsWith('~external_') && fk.columns.length === 1)
          externalStoreOf.set(fk.columns[0], fk.refTable.slice('~external_'.length));

      const indexes: Index[] = [];
      for (const s of statsBy.get(k) ?? []) {
        if (s.index === 'PRIMARY' || s.column === null) continue;
        let idx = indexes.find((i) => i.name === s.index);
        if (!idx) indexes.push((idx = { name: s.index, unique: Number(s.nonUnique) === 0, columns: [] }));
        idx.columns.push(s.column);
      }

      const columns: Column[] = (columnsBy.get(k) ?? []).map((c) => {
        const isJson =
          c.dataType === 'json' ||
          (flavor === 'mariadb' && c.dataType === 'longtext' && jsonChecks.has(`${k}\u0000${c.column}`));
        const dataType = isJson ? 'json' : c.dataType.toLowerCase();
        const { label, rest } = splitLabel(c.comment ?? '');
        const type014 = columnTo014(isJson ? 'json' : c.columnType, c.comment ?? '');
        if (/auto_increment/i.test(c.extra ?? '')) type014.autoIncrement = true;
        return {
          name: c.column,
          columnType: isJson ? 'json' : c.columnType,
          dataType,
          nullable: c.nullable === 'YES',
          default: defaultClause({ ...c, dataType }, flavor),
          extra: cleanExtra(c.extra ?? ''),
          // json carries no character set in DDL (MariaDB fixes it to utf8mb4_bin itself).
          charset: isJson ? null : c.charset,
          collation: isJson ? null : c.collation,
          comment: rest,
          storage: decodeStorage(dataType, label, externalStoreOf.get(c.column)),
          type014,
          label2x: label,
        };
      });
      const collation = t.collation ?? meta.collation;
      const table: Table = {
        schema: name,
        name: t.table,
        tier: tierOf(t.table) ?? 'unknown',
        comment: t.comment ?? '',
        charset: charsetFor(collation),
        collation,
        columns,
        primaryKey,
        foreignKeys,
        indexes,
        rowEstimate: Number(t.rows ?? 0),
        sizeBytes: Number(t.dataLength ?? 0) + Number(t.indexLength ?? 0),
      };
      (t.table.startsWith('~') ? hidden : tables).push(table);
    }
    tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    hidden.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const externalStores = hidden
      .filter((t) => t.name.startsWith('~external_'))
      .map((t) => t.name.slice('~external_'.length));
    const views = catalog.tables.filter((r) => r.schema === name && r.type !== 'BASE TABLE').map((r) => r.table);
    const logVersion = catalog.logVersions.find((l) => l.schema === name)?.version;
    const { version, reasons } = verdict(tables, hidden, views, logVersion);
    schemas.push({
      name,
      charset: meta.charset,
      collation: meta.collation,
      tables,
      hidden,
      externalStores,
      version,
      reasons,
    });
  }
  return schemas;
}

/** Which DataJoint version wrote a schema, with the evidence. Column evidence outweighs hidden tables. */
function verdict(
  tables: Table[],
  hidden: Table[],
  views: string[],
  logVersion?: string,
): { version: SchemaVersion; reasons: string[] } {
  const reasons: string[] = [];
  const of014: string[] = [];
  const of2x: string[] = [];
  const invalid2x: string[] = [];
  for (const t of tables) {
    if (t.primaryKey.length === 0)
      reasons.push(`table ${t.name} has no primary key (DataJoint tables always have one)`);
    for (const c of t.columns) {
      const where = `${t.name}.${c.name}`;
      const label = c.label2x ?? null;
      if (label === null) {
        if (c.storage.form === 'blob') of014.push(`${where} is an unlabelled ${c.dataType} (a 0.14.6 serialized blob)`);
        continue;
      }
      const decoded = parse2xLabel(`:${label}:`);
      if (c.storage.form === 'pointer014')
        of014.push(`${where} is a 0.14.6 ${c.storage.kind}@${c.storage.store} pointer`);
      else if (decoded.kind === 'legacy') of014.push(`${where} has the 0.14.6 label :${label}:`);
      else if (decoded.kind === 'core' && decoded.core !== 'uuid')
        of2x.push(`${where} has the 2.x core-type label :${label}:`);
      else if (decoded.kind === 'codec' && (decoded.builtin || decoded.store !== undefined))
        of2x.push(`${where} has the 2.x codec label :${label}:`);
      else if (decoded.kind === 'invalid' && /^u?int(8|16|24|32|64)$/i.test(label)) {
        invalid2x.push(`${where} has :${label}:, which no 2.x release accepts (written by the published migrate.py)`);
        of2x.push(`${where} has a 2.x-style label :${label}:`);
      }
    }
  }
  const names = new Set(hidden.map((t) => t.name));
  const jobs2x = [...names].filter((n) => n.startsWith('~~'));
  const hidden014 = [...names].filter((n) => n === '~log' || n === '~jobs' || n.startsWith('~external_'));
  const nonDj = tables.filter((t) => t.tier === 'unknown').map((t) => t.name);
  if (views.length) reasons.push(`views are not DataJoint tables and are ignored: ${views.join(', ')}`);
  if (nonDj.length) reasons.push(`tables whose names follow no DataJoint tier pattern: ${nonDj.join(', ')}`);
  if (invalid2x.length) reasons.push(...invalid2x);
  const summarise = (list: string[]): string =>
    list.length > 3 ? `${list.slice(0, 3).join('; ')}; and ${list.length - 3} more` : list.join('; ');

  if (tables.length === 0 && hidden.length === 0)
    return { version: views.length ? 'not-datajoint' : 'empty', reasons: [...reasons, 'the schema has no tables'] };
  const djTables = tables.length - nonDj.length;
  const djHidden = hidden014.length > 0 || names.has('~lineage') || jobs2x.length > 0;
  if (djTables === 0 && !djHidden)
    return {
      version: 'not-datajoint',
      reasons: [
        ...reasons,
        'no table follows DataJoint naming and there are no DataJoint hidden tables (~log, ~jobs, ~external_*, ~lineage)',
      ],
    };
  // Lower-case table names are common outside DataJoint; without ~log (every DataJoint declaration
  // writes one) and without a single DataJoint label, nothing says DataJoint made these tables.
  const anyLabel = tables.some((t) => t.columns.some((c) => c.label2x !== null && c.label2x !== undefined));
  if (!djHidden && !anyLabel)
    return {
      version: 'not-datajoint',
      reasons: [
        ...reasons,
        'no ~log table (DataJoint logs every declaration there) and no column carries a DataJoint :label:',
      ],
    };
  if (of014.length && of2x.length)
    return {
      version: 'mixed',
      reasons: [...reasons, `0.14.6 columns: ${summarise(of014)}`, `2.x columns: ${summarise(of2x)}`],
    };
  if (of2x.length) {
    reasons.push(`2.x labels: ${summarise(of2x)}`);
    if (names.has('~lineage')) reasons.push('has ~lineage');
    if (hidden014.length) reasons.push(`keeps 0.14.6 hidden tables that 2.x ignores: ${hidden014.join(', ')}`);
    return { version: '2.x', reasons };
  }
  if (of014.length) {
    reasons.push(`0.14.6 columns: ${summarise(of014)}`);
    if (logVersion) reasons.push(`~log last written by DataJoint ${logVersion}`);
    if (names.has('~lineage'))
      reasons.push(
        'has a ~lineage table although its columns are 0.14.6 (2.3+ creates one per decorated class: it is probably partial)',
      );
    return { version: '0.14.6', reasons };
  }
  if (names.has('~lineage') || jobs2x.length)
    return {
      version: '2.x',
      reasons: [
        ...reasons,
        `2.x hidden tables: ${[...(names.has('~lineage') ? ['~lineage'] : []), ...jobs2x].join(', ')}`,
      ],
    };
  reasons.push(
    logVersion
      ? `~log last written by DataJoint ${logVersion}; no 2.x labels`
      : 'DataJoint table names without 2.x labels (2.x labels every core-type column)',
  );
  return { version: '0.14.6', reasons };
}

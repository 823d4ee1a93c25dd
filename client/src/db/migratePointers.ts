// `db migrate-pointers`: convert one 0.14.6 external column (binary(16) + FK to `~external_<store>`) of a
// table to 2.x JSON in place — the guide's `migrate_external_pointers_v2`, done the way storage-formats.md
// §C.2 says it must be:
//   1. add a hidden JSON column `_dj2_<attr>` right after the column (neither version's heading sees it);
//   2. fill it from `~external_<store>`, batched UPDATEs joined on the pointer (rows sharing an object share the JSON);
//   3. verify: every pointer converted, nothing extra, the JSON read back equals what was computed, every
//      file present with the right hash (checked while converting);
//   4. in ONE `ALTER TABLE`: drop the FK, drop the old column, rename the new one into its place with the
//      original nullability and the comment relabelled `:<kind@store>:rest`.
// Anything failing (or a cancel) before step 4 removes the hidden column again and the files this run
// wrote; the FK is never touched before step 4, so the table is exactly as it was.
import type { Db } from './connection';
import { convertPointer, PointerError, type ExternalRow, type PointerJson, type PointerKind } from './pointers';
import { DbInputError, checkIdentifier, formatSql, lit, q, qt } from './sql';
import { removeObject, type StoreMap, type StoreSpec } from './stores';
import { md5 } from './hash';

export interface ProgressEvent {
  table: string;
  rows: number;
  total: number;
  etaMs: number | null;
}

export interface MigratePointersOptions {
  schema: string;
  table: string;
  attribute: string;
  sourceStore: string;
  /** Store named in the new label and receiving rewritten/relocated objects (default: the source store). */
  destStore?: string;
  stores: StoreMap;
  relocate: boolean;
  dryRun: boolean;
  /** For an adapter column (`:<name>:` over an external store): what its attribute_type stored. */
  adapterKind?: PointerKind;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /**
   * Called after each stage of a real run (`added`: hidden column; `filled`; `verified`: just before the
   * one ALTER; `swapped`: after it). Throwing before `swapped` undoes the run like any failure: callers
   * (migrate-in-place) and tests use it to stop at a chosen point.
   */
  onStage?: (stage: MigrationStage) => void | Promise<void>;
}

export type MigrationStage = 'added' | 'filled' | 'verified' | 'swapped';

export type MigratePointersStatus = 'migrated' | 'dry-run' | 'already-migrated';

export interface MigratePointersReport {
  status: MigratePointersStatus;
  table: string;
  attribute: string;
  kind: PointerKind | null;
  /** Rows with a pointer, and distinct stored objects they reference. */
  rows: number;
  objects: number;
  /** Every statement that changes something, in order (in a dry run: what would run). */
  sql: string[];
  fileOps: string[];
  notes: string[];
}

/** Stored objects per UPDATE statement (a few hundred KB of JSON at most, far below max_allowed_packet). */
const UPDATE_BATCH = 200;

export class MigrationAborted extends Error {
  override name = 'AbortError';
}

interface ColumnInfo {
  COLUMN_TYPE: string;
  IS_NULLABLE: string;
  COLUMN_COMMENT: string;
}

/** The hidden column's name: `_` makes both versions' headings skip it. */
export function hiddenColumn(attribute: string): string {
  return `_dj2_${attribute}`;
}

export async function migratePointers(db: Db, opts: MigratePointersOptions): Promise<MigratePointersReport> {
  const { schema, table, attribute } = opts;
  for (const [name, what] of [
    [schema, 'schema'],
    [table, 'table'],
    [attribute, 'attribute'],
  ] as const)
    checkIdentifier(name, what);
  const hidden = checkIdentifier(hiddenColumn(attribute), 'hidden column');
  const t = qt(schema, table);
  const where = `${schema}.${table}.${attribute}`;
  const report: MigratePointersReport = {
    status: opts.dryRun ? 'dry-run' : 'migrated',
    table: `${schema}.${table}`,
    attribute,
    kind: null,
    rows: 0,
    objects: 0,
    sql: [],
    fileOps: [],
    notes: [],
  };

  const columns = await db.query<ColumnInfo & { COLUMN_NAME: string }>(
    'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [schema, table],
  );
  if (columns.length === 0) throw new DbInputError(`table ${schema}.${table} not found`);
  const col = columns.find((c) => c.COLUMN_NAME === attribute);
  if (!col) throw new DbInputError(`${schema}.${table} has no column ${attribute}`);
  const label = /^:([^:]+):([\s\S]*)$/.exec(col.COLUMN_COMMENT);
  if (label && /^<[A-Za-z][\w-]*@[^>]*>$/.test(label[1]) && !/^binary\(16\)$/i.test(col.COLUMN_TYPE)) {
    report.status = 'already-migrated';
    report.notes.push(`${where} is already a 2.x in-store column (:${label[1]}:); nothing to do`);
    return report;
  }
  if (!/^binary\(16\)$/i.test(col.COLUMN_TYPE))
    throw new DbInputError(
      `${where} is not a 0.14.6 external column (it is ${col.COLUMN_TYPE}, not a binary(16) pointer)`,
    );
  const externalTable = `~external_${opts.sourceStore}`;
  const ext = qt(schema, externalTable);
  const fks = await db.query<{ CONSTRAINT_NAME: string }>(
    'SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ? AND REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?',
    [schema, table, attribute, schema, externalTable],
  );
  const legacy = label ? /^(blob|attach|filepath)@(.+)$/.exec(label[1]) : null;
  const adapter = label ? /^<([A-Za-z][\w-]*)>$/.exec(label[1]) : null;
  let kind: PointerKind;
  let newLabel: string;
  if (legacy) {
    kind = legacy[1] as PointerKind;
    if (legacy[2] !== opts.sourceStore)
      throw new DbInputError(`${where} is ${legacy[0]}, but --source-store is ${opts.sourceStore}`);
    newLabel = `<${kind}@${opts.destStore ?? opts.sourceStore}>`;
  } else if (adapter && fks.length) {
    // An AttributeAdapter whose attribute_type was blob@S / attach@S / filepath@S: only the ~external key tells
    // it is external, and nothing in the database tells which kind, so the user says (storage-formats.md §C.1).
    if (!opts.adapterKind) {
      throw new DbInputError(
        `${where} is the adapter <${adapter[1]}> over store ${opts.sourceStore}; pass --kind blob, attach or filepath (the adapter's attribute_type)`,
      );
    }
    kind = opts.adapterKind;
    newLabel = `<${adapter[1]}@${opts.destStore ?? opts.sourceStore}>`;
    report.notes.push(
      `${where}: register a 2.x Codec named "${adapter[1]}" whose get_dtype is "<${kind}@>" and whose decode does what the adapter's get did`,
    );
  } else {
    throw new DbInputError(
      `${where} is not a 0.14.6 external column (its comment has no :blob@S:, :attach@S: or :filepath@S: label${adapter ? `, and <${adapter[1]}> has no key to ${externalTable}` : ''})`,
    );
  }
  report.kind = kind;
  const source = requireStore(opts.stores, opts.sourceStore);
  const dest = requireStore(opts.stores, opts.destStore ?? opts.sourceStore);
  const newComment = `:${newLabel}:${(label as RegExpExecArray)[2]}`;
  if (newComment.length > 1024)
    throw new DbInputError(`${where}: the relabelled comment would exceed MySQL's 1024-character limit`);
  if (fks.length === 0)
    report.notes.push(
      `${where} has no foreign key to ${externalTable} (already dropped?); only the column swap remains`,
    );
  const exists = await db.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
    schema,
    externalTable,
  ]);
  if (exists.length === 0)
    throw new DbInputError(`${schema}.${externalTable} not found: the pointers of ${where} cannot be resolved`);

  const staleLineage = fks.length ? await staleLineageRow(db, schema, table, attribute, externalTable) : null;

  let updates = 0;
  /** Runs (or, in a dry run, records) a statement; a real run records the per-object UPDATEs as one summary line. */
  const run = async (sql: string, params?: unknown[], summarise = false): Promise<void> => {
    if (summarise) updates++;
    else report.sql.push(formatSql(sql, params));
    if (opts.dryRun) return;
    const result = await db.execute(sql, params);
    // DataJoint's strict sql_mode turns most bad values into errors; anything still reported as a warning is refused too.
    if (result.warningStatus > 0)
      throw new PointerError(
        `${where}: ${sql.slice(0, 60)}… raised ${result.warningStatus} warning(s); stopping rather than keep a silently changed value`,
      );
  };
  const written: { store: StoreSpec; path: string }[] = [];
  let added = false;
  const rollback = async (): Promise<void> => {
    if (added) await db.execute(`ALTER TABLE ${t} DROP COLUMN ${q(hidden)}`);
    for (const w of written) await removeObject(w.store, w.path);
  };

  try {
    if (columns.some((c) => c.COLUMN_NAME === hidden)) {
      report.notes.push(`${hidden} was left by an interrupted run; it is dropped and rebuilt`);
      await run(`ALTER TABLE ${t} DROP COLUMN ${q(hidden)}`);
    }
    await run(`ALTER TABLE ${t} ADD COLUMN ${q(hidden)} JSON NULL COMMENT ${lit(newComment)} AFTER ${q(attribute)}`);
    added = !opts.dryRun;
    if (added) await opts.onStage?.('added');

    const expected = new Map<string, string>();
    const fill = async (onlyMissing: boolean): Promise<number> => {
      const [{ n: totalRows }] = await db.query<{ n: string | number }>(
        `SELECT COUNT(*) AS n FROM ${t} WHERE ${q(attribute)} IS NOT NULL`,
      );
      const total = Number(totalRows);
      if (!onlyMissing) report.rows = total;
      const started = Date.now();
      let done = 0;
      let objects = 0;
      const missing = onlyMissing && !opts.dryRun ? ` AND ${q(hidden)} IS NULL` : '';
      const pointers = db.stream(
        `SELECT p.ptr, p.n, e.hash, e.size, e.attachment_name, e.filepath, e.contents_hash, e.timestamp FROM ` +
          `(SELECT ${q(attribute)} AS ptr, COUNT(*) AS n FROM ${t} WHERE ${q(attribute)} IS NOT NULL${missing} GROUP BY ${q(attribute)}) AS p ` +
          `LEFT JOIN ${ext} AS e ON e.hash = p.ptr`,
      );
      let pending: { ptr: Buffer; json: string; rows: number }[] = [];
      // One UPDATE per batch of stored objects, joined on the pointer (rows sharing an object share the JSON).
      const flush = async (): Promise<void> => {
        if (!pending.length) return;
        const values = pending
          .map((_, i) => (i === 0 ? 'SELECT ? AS ptr, ? AS js' : 'SELECT ?, ?'))
          .join(' UNION ALL ');
        await run(
          `UPDATE ${t} AS x JOIN (${values}) AS v ON x.${q(attribute)} = v.ptr SET x.${q(hidden)} = v.js`,
          pending.flatMap((p) => [p.ptr, p.json]),
          !opts.dryRun,
        );
        done += pending.reduce((a, p) => a + p.rows, 0);
        pending = [];
        const elapsed = Date.now() - started;
        opts.onProgress?.({
          table: `${schema}.${table}`,
          rows: done,
          total,
          etaMs: done > 0 ? Math.round((elapsed / done) * Math.max(0, total - done)) : null,
        });
      };
      for await (const r of pointers) {
        if (opts.signal?.aborted) throw new MigrationAborted(`migration of ${where} cancelled`);
        const ptr = r.ptr as Buffer;
        if (r.hash === null)
          throw new PointerError(
            `${where}: pointer ${ptr.toString('hex')} has no row in ${externalTable} (a dangling pointer)`,
          );
        const converted = await convertPointer(kind, r as unknown as ExternalRow, {
          sourceSchema: schema,
          targetSchema: schema,
          store: source,
          destStore: dest,
          relocate: opts.relocate,
          dryRun: opts.dryRun,
          verify: true,
        });
        written.push(...converted.written);
        report.fileOps.push(...converted.fileOps);
        expected.set(ptr.toString('hex'), fingerprint(converted.json));
        pending.push({ ptr, json: JSON.stringify(converted.json), rows: Number(r.n) });
        objects++;
        if (pending.length >= UPDATE_BATCH) await flush();
      }
      await flush();
      return objects;
    };
    report.objects = await fill(false);
    if (!opts.dryRun) await opts.onStage?.('filled');
    if (kind === 'blob' && !opts.relocate && report.objects > 0) {
      report.notes.push(
        `pointer-only: the JSON points at the 0.14.6 files in store ${source.name}, so both versions now share them. Do not clean up ` +
          `this store with 0.14.6 delete_external_files or 2.x dj.gc while the other side still uses it: either would delete the other's data. --relocate avoids the sharing.`,
      );
    }
    if (kind === 'filepath')
      report.notes.push('file paths: the files stay where they are; 2.x reads them at the same relative path.');
    if (updates > 0)
      report.sql.push(
        `-- ${updates} × UPDATE ${t} … SET ${q(hidden)} = <JSON> (batches of up to ${UPDATE_BATCH} stored objects, joined on ${q(attribute)})`,
      );
    if (opts.dryRun) {
      report.sql.push(finalAlter(t, attribute, hidden, fks[0]?.CONSTRAINT_NAME, col.IS_NULLABLE === 'YES', newComment));
      if (staleLineage) report.sql.push(formatSql(staleLineage.sql, staleLineage.params));
      return report;
    }

    // Rows written by 0.14.6 clients while filling: convert them too, then insist nothing is left.
    let left = await countUnconverted(db, t, attribute, hidden);
    if (left > 0) {
      report.notes.push(
        `${left} rows gained pointers while converting (0.14.6 clients still writing); converted them too`,
      );
      await fill(true);
      left = await countUnconverted(db, t, attribute, hidden);
      if (left > 0)
        throw new PointerError(
          `${where}: ${left} rows still have a pointer without JSON; stop 0.14.6 writers to this table and re-run`,
        );
    }
    const [{ n: extra }] = await db.query<{ n: string | number }>(
      `SELECT COUNT(*) AS n FROM ${t} WHERE ${q(attribute)} IS NULL AND ${q(hidden)} IS NOT NULL`,
    );
    if (Number(extra) > 0)
      throw new PointerError(
        `${where}: ${extra} rows have JSON but no pointer (rows changed while converting); re-run`,
      );
    for await (const r of db.stream(
      `SELECT ${q(attribute)} AS ptr, ${q(hidden)} AS js FROM ${t} WHERE ${q(attribute)} IS NOT NULL`,
    )) {
      const hex = (r.ptr as Buffer).toString('hex');
      const stored = typeof r.js === 'string' ? (JSON.parse(r.js) as PointerJson) : (r.js as PointerJson);
      if (expected.get(hex) !== fingerprint(stored))
        throw new PointerError(`${where}: the JSON read back for pointer ${hex} differs from the JSON written`);
    }

    await opts.onStage?.('verified');
    // The point of no return: one statement, so there is no half-swapped state.
    await run(finalAlter(t, attribute, hidden, fks[0]?.CONSTRAINT_NAME, col.IS_NULLABLE === 'YES', newComment));
    added = false;
    written.length = 0; // the table now references them
    await opts.onStage?.('swapped');
  } catch (e) {
    try {
      await rollback();
    } catch (undo) {
      throw new Error(
        `${(e as Error).message}; and restoring ${schema}.${table} failed: ${(undo as Error).message}. Drop the column ${hidden} by hand.`,
      );
    }
    throw e;
  }
  if (staleLineage) {
    await run(staleLineage.sql, staleLineage.params);
    report.notes.push(
      `removed the ~lineage row of ${table}.${attribute}, which 2.x's rebuild had derived from the foreign key to ${externalTable}`,
    );
  }
  return report;
}

/**
 * A 2.x lineage rebuild on a 0.14.6 schema gives pointer columns the lineage `<schema>.~external_<store>.hash`
 * (storage-formats.md B8); once the key is gone that row is wrong, so it is deleted with the swap.
 */
async function staleLineageRow(
  db: Db,
  schema: string,
  table: string,
  attribute: string,
  externalTable: string,
): Promise<{ sql: string; params: string[] } | null> {
  const hasLineage = await db.query(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [schema, '~lineage'],
  );
  if (!hasLineage.length) return null;
  const params = [table, attribute, `${schema}.${externalTable}.hash`];
  const where = 'WHERE table_name = ? AND attribute_name = ? AND lineage = ?';
  const found = await db.query(`SELECT 1 FROM ${qt(schema, '~lineage')} ${where}`, params);
  return found.length ? { sql: `DELETE FROM ${qt(schema, '~lineage')} ${where}`, params } : null;
}

function finalAlter(
  t: string,
  attribute: string,
  hidden: string,
  fk: string | undefined,
  nullable: boolean,
  comment: string,
): string {
  return (
    `ALTER TABLE ${t} ${fk ? `DROP FOREIGN KEY ${q(fk)}, ` : ''}DROP COLUMN ${q(attribute)}, ` +
    `CHANGE COLUMN ${q(hidden)} ${q(attribute)} JSON ${nullable ? 'NULL' : 'NOT NULL'} COMMENT ${lit(comment)}`
  );
}

async function countUnconverted(db: Db, t: string, attribute: string, hidden: string): Promise<number> {
  const [{ n }] = await db.query<{ n: string | number }>(
    `SELECT COUNT(*) AS n FROM ${t} WHERE ${q(attribute)} IS NOT NULL AND ${q(hidden)} IS NULL`,
  );
  return Number(n);
}

/** A compact, key-order-independent fingerprint of a JSON value (MySQL 8 reorders keys in JSON columns). */
function fingerprint(v: unknown): string {
  const stable = (x: unknown): string =>
    x === null || typeof x !== 'object'
      ? JSON.stringify(x)
      : Array.isArray(x)
        ? `[${x.map(stable).join(',')}]`
        : `{${Object.keys(x as object)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${stable((x as Record<string, unknown>)[k])}`)
            .join(',')}}`;
  return md5(Buffer.from(stable(v))).toString('base64');
}

function requireStore(stores: StoreMap, name: string): StoreSpec {
  const s = stores[name];
  if (!s) {
    const known = Object.keys(stores);
    throw new DbInputError(
      `store ${JSON.stringify(name)} is not in the store settings${known.length ? ` (known: ${known.join(', ')})` : '; pass --stores FILE'}`,
    );
  }
  return s;
}

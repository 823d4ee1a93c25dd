// `db migrate-in-place` (the guide's "Option C"; `migrate_schema_in_place` does not exist in the library):
// make one 0.14.6 schema readable by 2.x where it is, as storage-formats.md §C prescribes:
//   - serialized blob columns get `:<blob>:`, internal attachments `:<attach>:` — one ALTER TABLE per table
//     that re-emits every relabelled column's full definition (type, charset, nullability, default,
//     extra, comment), never the published helper's bare MODIFY that drops defaults and auto_increment;
//   - in-store pointer columns become 2.x JSON through `migratePointers`, all or nothing per column;
//   - a complete `~lineage` (after the `~external` keys are gone), appearing in one RENAME;
//   - optionally the 2.x job-metadata columns on Computed/Imported tables.
// Numeric column types and their (absent) labels are left exactly as they are: no `uint*`, no `int24`
// label is ever written, so the code's unsigned policy must be `native` on this path.
// Relabelled columns cannot be read by 0.14.6 any more (§C.4): the run warns, asks, and takes a verified
// backup first unless the caller explicitly declines one.
//
// Interrupting it (a crash, a cancel, a failing step) leaves every column fully old or fully new: a table's
// relabelling is one statement, a pointer column changes in one statement after its hidden column was
// filled and verified (before that the hidden column is invisible to both versions and a re-run rebuilds
// it), and `~lineage` appears in one RENAME. Re-running continues with what is still old.
import type { Db } from './connection';
import type { Column, Schema, Table } from './model';
import { tableKey } from './model';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { columnSql } from './ddl';
import { migratePointers, type MigratePointersReport, type MigrationStage } from './migratePointers';
import type { PointerKind } from './pointers';
import { insertLineageSql, lineageRows, lineageTableSql, type LineageRow } from './lineage';
import { verifySchemas, type VerifyReport } from './verify';
import { backupSchemas, type CloneReport } from './backup';
import type { ConfirmRequest } from './swap';
import type { StoreMap } from './stores';
import { checkIdentifier, DbInputError, formatSql, qt } from './sql';

export type InPlaceStep =
  | { kind: 'pointer'; table: string; column: string; stage: MigrationStage }
  | { kind: 'relabelled'; table: string }
  | { kind: 'job-columns'; table: string }
  | { kind: 'lineage' };

export interface InPlaceOptions {
  schema: string;
  stores: StoreMap;
  /** A verified backup `<schema><suffix>` is made first; `'none'` only when the user said so (`--no-backup`). */
  backup: { suffix: string } | 'none';
  /** Add `_job_start_time`, `_job_duration`, `_job_version` to Computed/Imported tables. */
  jobColumns?: boolean;
  /** Blob objects copied into the 2.x `_hash/` layout instead of pointed at where they are. */
  relocate?: boolean;
  /** For adapters over an external store (`:<name>:` + a key to `~external_S`): `table.column` → what the adapter stored. */
  adapterKinds?: Record<string, PointerKind>;
  dryRun?: boolean;
  confirm: (req: ConfirmRequest) => Promise<boolean>;
  signal?: AbortSignal;
  onProgress?: (e: { step: string; message: string }) => void;
  /** Called after every step of a real run; throwing stops the migration right there (tests use it). */
  onStep?: (step: InPlaceStep) => void | Promise<void>;
}

export interface TablePlan {
  table: string;
  /** Columns relabelled, with their new label. */
  relabel: { column: string; label: string }[];
  /** The one ALTER TABLE that relabels them (null when none). */
  relabelSql: string | null;
  pointers: { column: string; kind: PointerKind; store: string; adapter?: string }[];
  jobColumnsSql: string | null;
}

export interface InPlacePlan {
  schema: string;
  tables: TablePlan[];
  /** Rows of the complete `~lineage`, and whether one exists already (it is then replaced in one RENAME). */
  lineage: { rows: LineageRow[]; replaces: boolean };
  warnings: string[];
  /** Nothing left to change. */
  done: boolean;
}

export interface InPlaceReport {
  status: 'migrated' | 'dry-run' | 'refused';
  plan: InPlacePlan;
  refusals: string[];
  backup?: CloneReport;
  pointers: MigratePointersReport[];
  /** Every statement run (or, in a dry run, to run), in order. */
  statements: string[];
  verify?: VerifyReport;
  notes: string[];
}

export const JOB_COLUMNS = [
  '`_job_start_time` datetime(3) DEFAULT NULL',
  '`_job_duration` float DEFAULT NULL',
  "`_job_version` varchar(64) DEFAULT ''",
];

const PENDING = '~lineage_pending';
const REPLACED = '~lineage_replaced';

export const OLD_CLIENTS_WARNING =
  'After this, DataJoint 0.14.6 cannot read the relabelled columns any more: it takes `:<blob>:`, `:<attach>:` and `:<x@store>:` for ' +
  'adapters it does not know, so fetching them fails, and its cascading deletes and diagrams fail on these tables. Every client of this ' +
  'schema must run DataJoint 2.x from now on. Numeric columns keep their types (declare the code with `--unsigned native`).';

/** What an in-place migration of the schema would change. Reads only. */
export async function planInPlace(
  db: Db,
  schema: string,
  opts: Pick<InPlaceOptions, 'jobColumns' | 'adapterKinds'> = {},
): Promise<InPlacePlan> {
  checkIdentifier(schema, 'schema');
  const [s] = await introspect(db, [schema]);
  if (s.version === 'not-datajoint')
    throw new DbInputError(`schema ${schema} is not a DataJoint schema (${s.reasons.join('; ')})`);
  if (s.version === 'empty') throw new DbInputError(`schema ${schema} has no tables`);
  const warnings: string[] = [];
  const tables: TablePlan[] = [];
  for (const t of dependencyOrder([s])) {
    if (t.primaryKey.length === 0)
      throw new DbInputError(`table ${tableKey(t)} has no primary key; it was not declared by DataJoint`);
    const relabel: { column: Column; label: string }[] = [];
    const pointers: TablePlan['pointers'] = [];
    for (const c of t.columns) {
      const st = c.storage;
      if (st.form === 'blob' && c.label2x == null) relabel.push({ column: c, label: '<blob>' });
      else if (st.form === 'attach' && c.label2x === 'attach') relabel.push({ column: c, label: '<attach>' });
      else if (st.form === 'pointer014') pointers.push({ column: c.name, kind: st.kind, store: st.store });
      else if (st.form === 'adapted' && st.store !== undefined && c.dataType === 'binary') {
        const kind = opts.adapterKinds?.[`${t.name}.${c.name}`];
        if (!kind)
          throw new DbInputError(
            `${tableKey(t)}.${c.name} is the adapter <${st.name}> over store ${st.store}; say what it stored (blob, attach or filepath) with --adapter-kind ${t.name}.${c.name}=blob`,
          );
        pointers.push({ column: c.name, kind, store: st.store, adapter: st.name });
      }
      if (c.label2x && /^u?int(8|16|24|32|64)$/i.test(c.label2x) && !/^int(8|16|32|64)$/.test(c.label2x))
        warnings.push(
          `${tableKey(t)}.${c.name} has the label :${c.label2x}:, which no 2.x release accepts (written by the published migrate.py); relabel it by hand`,
        );
    }
    const hasJobColumns = t.columns.some((c) => c.name === '_job_start_time');
    const autopopulated = t.tier === 'computed' || t.tier === 'imported';
    tables.push({
      table: t.name,
      relabel: relabel.map((r) => ({ column: r.column.name, label: r.label })),
      relabelSql: relabel.length ? relabelSql(t, relabel) : null,
      pointers,
      jobColumnsSql:
        opts.jobColumns && autopopulated && !hasJobColumns
          ? `ALTER TABLE ${qt(t.schema, t.name)} ${JOB_COLUMNS.map((c) => `ADD COLUMN ${c}`).join(', ')}`
          : null,
    });
  }
  const lineage = await expectedLineage(db, s, tables);
  const haveLineage = s.hidden.some((h) => h.name === '~lineage');
  let lineageCurrent = false;
  if (haveLineage) {
    const have = await db.query<LineageRow>(
      `SELECT table_name, attribute_name, lineage FROM ${qt(schema, '~lineage')} WHERE table_name NOT LIKE '~%'`,
    );
    const key = (r: LineageRow) => `${r.table_name}.${r.attribute_name}=${r.lineage}`;
    lineageCurrent =
      have.length === lineage.length && have.map(key).sort().join('\n') === lineage.map(key).sort().join('\n');
  }
  const done = tables.every((t) => !t.relabelSql && !t.pointers.length && !t.jobColumnsSql) && lineageCurrent;
  return {
    schema,
    tables,
    lineage: { rows: lineageCurrent ? [] : lineage, replaces: haveLineage && !lineageCurrent },
    warnings,
    done,
  };
}

/** One ALTER TABLE re-emitting each relabelled column's full definition with the new label. */
export function relabelSql(t: Table, relabel: { column: Column; label: string }[]): string {
  const parts = relabel.map(({ column, label }) => {
    const comment = `:${label}:${column.comment}`;
    if (comment.length > 1024)
      throw new DbInputError(
        `${tableKey(t)}.${column.name}: the relabelled comment would exceed MySQL's 1024-character limit`,
      );
    return `MODIFY COLUMN ${columnSql({ ...column, label2x: label })}`;
  });
  return `ALTER TABLE ${qt(t.schema, t.name)} ${parts.join(', ')}`;
}

/**
 * The complete `~lineage` of the schema as it will be after the migration: computed from the tables of
 * the schema and every schema upstream of it, once the keys to `~external_*` are gone.
 */
async function expectedLineage(db: Db, s: Schema, plans: TablePlan[]): Promise<LineageRow[]> {
  const all: Schema[] = [s];
  for (;;) {
    const have = new Set(all.map((x) => x.name));
    const refs = [
      ...new Set(all.flatMap((x) => x.tables.flatMap((t) => t.foreignKeys.map((fk) => fk.refSchema)))),
    ].filter((n) => !have.has(n));
    if (!refs.length) break;
    all.push(...(await introspect(db, refs)));
  }
  const converted = new Set(plans.flatMap((p) => p.pointers.map((c) => `${p.table}.${c.column}`)));
  const after = all.map((x) =>
    x.name !== s.name
      ? x
      : {
          ...x,
          tables: x.tables.map((t) => ({
            ...t,
            foreignKeys: t.foreignKeys.filter(
              (fk) =>
                !(fk.refTable.startsWith('~external_') && fk.columns.every((c) => converted.has(`${t.name}.${c}`))),
            ),
          })),
        },
  );
  return lineageRows(dependencyOrder(after)).get(s.name) ?? [];
}

/** Statements that put a complete `~lineage` in place in one RENAME (replacing an incomplete or stale one). */
export function lineageStatements(
  schema: string,
  plan: InPlacePlan['lineage'],
): { sql: string; params?: unknown[]; ifExists?: boolean }[] {
  if (!plan.rows.length) return [];
  const ins = insertLineageSql(schema, PENDING, plan.rows);
  return [
    { sql: `DROP TABLE IF EXISTS ${qt(schema, PENDING)}, ${qt(schema, REPLACED)}`, ifExists: true },
    { sql: lineageTableSql(schema, PENDING) },
    { sql: ins.sql, params: ins.params },
    {
      sql: plan.replaces
        ? `RENAME TABLE ${qt(schema, '~lineage')} TO ${qt(schema, REPLACED)}, ${qt(schema, PENDING)} TO ${qt(schema, '~lineage')}`
        : `RENAME TABLE ${qt(schema, PENDING)} TO ${qt(schema, '~lineage')}`,
    },
    ...(plan.replaces ? [{ sql: `DROP TABLE ${qt(schema, REPLACED)}` }] : []),
  ];
}

export async function migrateInPlace(db: Db, opts: InPlaceOptions): Promise<InPlaceReport> {
  const schema = checkIdentifier(opts.schema, 'schema');
  const progress = (step: string, message: string) => opts.onProgress?.({ step, message });
  const plan = await planInPlace(db, schema, opts);
  const report: InPlaceReport = {
    status: opts.dryRun ? 'dry-run' : 'refused',
    plan,
    refusals: [],
    pointers: [],
    statements: [],
    notes: [...plan.warnings],
  };
  const refuse = (why: string): InPlaceReport => {
    report.status = 'refused';
    report.refusals.push(why);
    return report;
  };
  for (const t of plan.tables)
    for (const p of t.pointers)
      if (!opts.stores[p.store])
        return refuse(
          `${schema}.${t.table}.${p.column} is in store ${p.store}, which is not in the store settings (pass --stores)`,
        );
  if (plan.done) {
    report.status = opts.dryRun ? 'dry-run' : 'migrated';
    report.notes.push(`${schema} needs no change: every column is already in its 2.x form and ~lineage is complete`);
    return report;
  }
  report.notes.push(OLD_CLIENTS_WARNING);

  if (opts.dryRun) {
    if (opts.backup !== 'none')
      report.statements.push(
        `-- first: a verified backup of ${schema} as ${schema}${opts.backup.suffix} (dj-migrate db backup)`,
      );
    for (const t of plan.tables) {
      for (const p of t.pointers) {
        const r = await migratePointers(db, pointerOptions(opts, t.table, p, true));
        report.pointers.push(r);
        report.statements.push(...r.sql);
      }
      if (t.relabelSql) report.statements.push(t.relabelSql);
      if (t.jobColumnsSql) report.statements.push(t.jobColumnsSql);
    }
    report.statements.push(...lineageStatements(schema, plan.lineage).map((s) => formatSql(s.sql, s.params)));
    return report;
  }

  const ok = await opts.confirm({
    kind: 'in-place',
    schemas: [schema],
    question: `Migrate ${schema} to DataJoint 2.x in place? ${OLD_CLIENTS_WARNING}`,
  });
  if (!ok) return refuse('not confirmed; nothing was changed');

  if (opts.backup !== 'none') {
    progress('backup', `backing up ${schema} as ${schema}${opts.backup.suffix}`);
    report.backup = await backupSchemas(db, { schemas: [schema], suffix: opts.backup.suffix, signal: opts.signal });
    if (!report.backup.verified)
      return refuse(
        `the backup ${schema}${opts.backup.suffix} is not equal to ${schema}; nothing was changed: ${report.backup.problems.join('; ')}`,
      );
    report.notes.push(
      `backup: ${schema}${opts.backup.suffix} (verified); restore with dj-migrate db restore --schemas ${schema} --backup-suffix ${opts.backup.suffix}`,
    );
  } else {
    report.notes.push('no backup was made (--no-backup)');
  }

  /** Runs a statement; any warning stops the run (DROP … IF EXISTS reports a missing table as a note, which is fine). */
  const run = async (sql: string, params?: unknown[], ifExists = false) => {
    report.statements.push(formatSql(sql, params));
    const r = await db.execute(sql, params);
    if (r.warningStatus > 0 && !ifExists)
      throw new DbInputError(`${sql.slice(0, 80)}… raised ${r.warningStatus} warning(s); stopped`);
  };
  for (const t of plan.tables) {
    for (const p of t.pointers) {
      check(opts.signal);
      progress('pointers', `${schema}.${t.table}.${p.column}: ${p.kind}@${p.store} → JSON`);
      const r = await migratePointers(db, {
        ...pointerOptions(opts, t.table, p, false),
        onStage: (stage) => opts.onStep?.({ kind: 'pointer', table: t.table, column: p.column, stage }),
      });
      report.pointers.push(r);
      report.statements.push(...r.sql);
    }
    if (t.relabelSql) {
      check(opts.signal);
      progress('relabel', `${schema}.${t.table}: ${t.relabel.map((r) => `${r.column} → :${r.label}:`).join(', ')}`);
      await run(t.relabelSql);
      await opts.onStep?.({ kind: 'relabelled', table: t.table });
    }
    if (t.jobColumnsSql) {
      await run(t.jobColumnsSql);
      await opts.onStep?.({ kind: 'job-columns', table: t.table });
    }
  }
  // Recomputed now that every `~external` key is gone, so it is exactly what 2.x would build.
  const final = await planInPlace(db, schema, opts);
  progress('lineage', `${schema}.~lineage (${final.lineage.rows.length} rows)`);
  for (const s of lineageStatements(schema, final.lineage)) await run(s.sql, s.params, s.ifExists);
  if (final.lineage.rows.length) await opts.onStep?.({ kind: 'lineage' });

  progress('verify', `verifying ${schema}`);
  report.verify = await verifySchemas(db, [schema], { stores: opts.stores, signal: opts.signal });
  report.status = 'migrated';
  for (const p of report.pointers) report.notes.push(...p.notes);
  report.notes.push(
    `the code for ${schema} must declare 2.x types now; with \`dj-migrate fix --unsigned native\` its integer columns match what this schema keeps`,
  );
  return report;
}

function pointerOptions(opts: InPlaceOptions, table: string, p: TablePlan['pointers'][number], dryRun: boolean) {
  return {
    schema: opts.schema,
    table,
    attribute: p.column,
    sourceStore: p.store,
    destStore: p.store,
    stores: opts.stores,
    relocate: !!opts.relocate,
    dryRun,
    adapterKind: p.adapter ? p.kind : undefined,
    signal: opts.signal,
  };
}

function check(signal?: AbortSignal): void {
  if (signal?.aborted)
    throw Object.assign(new Error('cancelled; every column is either fully old or fully new — run again to continue'), {
      name: 'AbortError',
    });
}

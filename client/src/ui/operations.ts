// The database operations the UI runs, each as plan (dry run: what would change) + run (do it), over the
// engines in client/src/db, returning the UI's report shape. No `vscode` here: the commands (commands.ts)
// wrap these in confirmation, progress and cancellation, and tests call them directly.
//
// Extension point: cut-over operations (backup, swap, in-place; issue 5) add an entry to OPERATIONS.
import type { Db } from '../db/connection';
import type { Schema, Tier } from '../db/model';
import { tableKey } from '../db/model';
import { introspect } from '../db/introspect';
import { dependencyOrder, outsideReferences, restrictionPlan, type RestrictSpec } from '../db/plan';
import { planCopy, runCopy, type CopyOptions, type SchemaPair } from '../db/copy';
import { compare as compareEngine } from '../db/compare';
import { migratePointers } from '../db/migratePointers';
import { createSchemaSql, createTableSql, targetTables, type DbUnsignedPolicy } from '../db/ddl';
import { insertLineageSql, lineageRows, lineageTableSql } from '../db/lineage';
import type { StoreMap } from '../db/stores';
import { formatSql, q } from '../db/sql';
import { parse2xLabel } from '../../../common/src/djtypes';
import type { OperationPlan } from './render';
import { keyText, summarise, type OperationKind, type OperationReport, type ReportTable } from './report';

export interface OperationTarget {
  /** Production schemas, in any order. */
  schemas: string[];
  /** Only these tables (`schema.table` or bare names). */
  tables?: string[];
  tiers?: Tier[];
  /** Copy only the restriction closure of these rows. */
  restriction?: RestrictSpec;
}

export interface OperationContext {
  db: Db;
  suffix: string;
  policy: DbUnsignedPolicy;
  stores: StoreMap;
  /** Copy checkpoints (resume after cancel); null for none. */
  statePath: string | null;
}

export interface RunHooks {
  signal: AbortSignal;
  /** A line for the progress notification; `increment` in percent of the whole operation when known. */
  progress(message: string, increment?: number): void;
}

export type OperationResult = Omit<OperationReport, 'id' | 'startedAt' | 'finishedAt' | 'statements'>;

export interface Operation {
  kind: OperationKind;
  title: string;
  /** Reads only; returns every statement and file operation a run would do. */
  plan(ctx: OperationContext, target: OperationTarget): Promise<OperationPlan>;
  run(ctx: OperationContext, target: OperationTarget, hooks: RunHooks): Promise<OperationResult>;
  /** Operations that only read skip the confirmation. */
  writes: boolean;
}

export function pairsFor(schemas: readonly string[], suffix: string): SchemaPair[] {
  return schemas.map((s) => ({ source: s, target: s + suffix }));
}

/** Parents before children across the chosen schemas (a parallel schema's FKs must exist first). */
export async function orderSchemas(db: Db, schemas: readonly string[]): Promise<Schema[]> {
  const model = await introspect(db, [...schemas]);
  const order = dependencyOrder(model).map((t) => t.schema);
  return [...model].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

async function existingSchemas(db: Db, names: readonly string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = await db.query<{ name: string }>(
    `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => '?').join(', ')})`,
    names,
  );
  return new Set(rows.map((r) => r.name));
}

// ---------------------------------------------------------------------------------------------------
// Create parallel schema: CREATE DATABASE + the 2.x tables (ddl.ts) + 2.x's ~lineage (lineage.ts).
// ---------------------------------------------------------------------------------------------------

interface CreateStatements {
  statements: { sql: string; params?: unknown[]; target?: string }[];
  notes: string[];
  tables: ReportTable[];
}

async function createParallelStatements(ctx: OperationContext, target: OperationTarget): Promise<CreateStatements> {
  const { db, suffix, policy } = ctx;
  const schemas = await orderSchemas(db, target.schemas);
  const schemaMap = new Map(schemas.map((s) => [s.name, s.name + suffix]));
  // Foreign keys into schemas outside the selection go to those schemas' parallel schemas, which must
  // exist. Their tables are mapped again (same policy) only so inherited key columns get the same types.
  let all = schemas;
  for (;;) {
    const names = new Set(all.map((s) => s.name));
    const more = [...new Set(outsideReferences(all).map((o) => o.refSchema))].filter((n) => !names.has(n));
    if (!more.length) break;
    all = [...all, ...(await introspect(db, more))];
  }
  const outsideNames = all.filter((s) => !target.schemas.includes(s.name)).map((s) => s.name);
  const present = await existingSchemas(db, outsideNames.map((n) => n + suffix));
  const missing = outsideNames.filter((n) => !present.has(n + suffix));
  if (missing.length) throw new Error(`${target.schemas.join(', ')} reference${target.schemas.length === 1 ? 's' : ''} ${missing.join(', ')}: create the parallel schema of ${missing.join(', ')} first, or select them together`);
  for (const n of outsideNames) schemaMap.set(n, n + suffix);
  const selected = new Set(target.schemas);
  const mapped = targetTables(dependencyOrder(all), schemaMap, policy).filter((t) => selected.has(t.source.schema));
  const existingTargets = await existingSchemas(db, schemas.map((s) => s.name + suffix));
  const statements: CreateStatements['statements'] = [];
  const notes: string[] = [];
  for (const s of schemas) {
    const name = s.name + suffix;
    if (existingTargets.has(name)) notes.push(`${name} exists already; only missing tables are created (CREATE TABLE IF NOT EXISTS)`);
    statements.push({ sql: createSchemaSql(name, s.charset, s.collation) });
  }
  for (const t of mapped) statements.push({ sql: createTableSql(t.target), target: tableKey(t.target) });
  const lineage = lineageRows(mapped.map((t) => t.target));
  for (const s of schemas) {
    const name = s.name + suffix;
    const rows = lineage.get(name) ?? [];
    statements.push({ sql: lineageTableSql(name) });
    if (rows.length) {
      const ins = insertLineageSql(name, '~lineage', rows);
      // Re-runs must not fail on rows already there: replace the schema's lineage as a whole.
      statements.push({ sql: `DELETE FROM ${q(name)}.${q('~lineage')}` });
      statements.push({ sql: ins.sql, params: ins.params });
    }
  }
  for (const t of mapped) notes.push(...t.notes.map((n) => `${tableKey(t.source)}: ${n}`));
  const tables: ReportTable[] = mapped.map((t) => ({
    table: tableKey(t.source), target: tableKey(t.target), status: 'planned',
    counts: { columns: t.target.columns.length }, differences: [], differenceCount: 0,
  }));
  return { statements, notes, tables };
}

const createParallel: Operation = {
  kind: 'create-parallel',
  title: 'Create Parallel Schema',
  writes: true,
  async plan(ctx, target) {
    const c = await createParallelStatements(ctx, target);
    return {
      title: this.title, where: ctx.db.describe(), targets: target.schemas,
      statements: c.statements.map((s) => formatSql(s.sql, s.params) + ';'), fileOps: [], notes: c.notes,
    };
  },
  async run(ctx, target, hooks) {
    const c = await createParallelStatements(ctx, target);
    let done = 0;
    for (const s of c.statements) {
      if (hooks.signal.aborted) break;
      hooks.progress(s.sql.split('\n')[0].slice(0, 80), 100 / c.statements.length);
      await ctx.db.execute(s.sql, s.params);
      done++;
    }
    const cancelled = done < c.statements.length;
    const created = new Set(c.statements.slice(0, done).map((s) => s.target));
    for (const t of c.tables) t.status = created.has(t.target) ? 'created' : 'not created (cancelled)';
    const { outcome, summary } = summarise('Declared', c.tables, { cancelled });
    return { kind: 'create-parallel', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary, tables: c.tables, notes: c.notes };
  },
};

// ---------------------------------------------------------------------------------------------------
// Copy
// ---------------------------------------------------------------------------------------------------

/**
 * Schemas the selection references (transitively), which the copy must know as pairs for foreign keys
 * to resolve; their own tables are not copied unless selected.
 */
async function withReferences(db: Db, schemas: readonly string[]): Promise<{ all: string[]; selectedTables: string[] }> {
  let model = await introspect(db, [...schemas]);
  const selectedTables = model.flatMap((s) => s.tables.map((t) => tableKey(t)));
  for (;;) {
    const names = new Set(model.map((s) => s.name));
    const more = [...new Set(outsideReferences(model).map((o) => o.refSchema))].filter((n) => !names.has(n));
    if (!more.length) return { all: model.map((s) => s.name), selectedTables };
    model = [...model, ...(await introspect(db, more))];
  }
}

async function copyOptions(ctx: OperationContext, target: OperationTarget): Promise<CopyOptions> {
  const { all, selectedTables } = await withReferences(ctx.db, target.schemas);
  const referencesOthers = all.length > target.schemas.length;
  const opts: CopyOptions = {
    pairs: pairsFor(all, ctx.suffix),
    tables: target.tables ?? (referencesOthers ? selectedTables : undefined),
    tiers: target.tiers,
    stores: ctx.stores, statePath: ctx.statePath,
  };
  if (target.restriction) {
    const model = await introspect(ctx.db, target.schemas);
    const r = restrictionPlan(model, target.restriction);
    opts.filters = new Map(r.tables.map((t) => [tableKey(t.table), { sql: t.condition('s'), params: [] }]));
    opts.selection = `restrict ${target.restriction.table} where ${target.restriction.where}${target.restriction.limit ? ` limit ${target.restriction.limit}` : ''}`;
  }
  return opts;
}

const copyData: Operation = {
  kind: 'copy',
  title: 'Copy Data',
  writes: true,
  async plan(ctx, target) {
    const opts = await copyOptions(ctx, target);
    const statements: string[] = [];
    const fileOps: string[] = [];
    const plan = await planCopy(ctx.db, opts);
    await runCopy(ctx.db, plan, { ...opts, dryRun: true, statePath: null, onStatement: (s) => statements.push(s), onFileOp: (f) => fileOps.push(f) });
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements, fileOps, notes: plan.notes };
  },
  async run(ctx, target, hooks) {
    const opts = await copyOptions(ctx, target);
    const plan = await planCopy(ctx.db, opts);
    const share = 100 / Math.max(1, plan.tables.length);
    const seen = new Map<string, number>();
    const report = await runCopy(ctx.db, plan, {
      ...opts,
      signal: hooks.signal,
      onProgress: (e) => {
        const before = seen.get(e.table) ?? 0;
        const fraction = e.total ? Math.min(1, e.rows / e.total) : 1;
        seen.set(e.table, fraction);
        hooks.progress(`${e.table}: ${e.rows}/${e.total} rows`, (fraction - before) * share);
      },
    });
    const tables: ReportTable[] = report.tables.map((t) => ({
      table: t.source, target: t.target, status: t.status,
      counts: { 'source rows': t.total, inserted: t.rowsInserted, 'already present': t.rowsAlreadyPresent },
      differences: t.conflicts.map((c) => ({ key: keyText(c.key), what: `conflict: ${c.columns.join(', ')} differ in the target (left alone)` })),
      differenceCount: t.conflictCount,
      ...(t.error ? { error: t.error } : {}),
    }));
    const { outcome, summary } = summarise('Copied', tables, report);
    return { kind: 'copy', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary, tables, notes: report.notes };
  },
};

// ---------------------------------------------------------------------------------------------------
// Compare (reads only)
// ---------------------------------------------------------------------------------------------------

const compareData: Operation = {
  kind: 'compare',
  title: 'Compare',
  writes: false,
  async plan(ctx, target) {
    return {
      title: this.title, where: ctx.db.describe(), targets: target.schemas, statements: [], fileOps: [], readsOnly: true,
      notes: [`Compares ${target.schemas.map((s) => `${s} with ${s + ctx.suffix}`).join(', ')} row by row; nothing is written.`],
    };
  },
  async run(ctx, target, hooks) {
    const report = await compareEngine(ctx.db, {
      pairs: pairsFor(target.schemas, ctx.suffix), tables: target.tables, tiers: target.tiers, stores: ctx.stores,
      fileCheck: Object.keys(ctx.stores).length ? 'exists' : 'none', signal: hooks.signal,
      onProgress: (e) => hooks.progress(`${e.table}: ${e.rows}/${e.total} rows`),
    });
    const tables: ReportTable[] = report.tables.map((t) => {
      const differences = [
        ...t.missingKeys.map((k) => ({ key: keyText(k), what: 'missing in the 2.x schema' })),
        ...t.extraKeys.map((k) => ({ key: keyText(k), what: 'only in the 2.x schema' })),
        ...t.differences.map((d) => ({ key: keyText(d.key), what: `${d.column}: ${d.production} ≠ ${d.test} (${d.reason})` })),
      ];
      const columnNotes = [
        ...t.columnsOnlyInProduction.map((c) => `column ${c} only in production`),
        ...t.columnsOnlyInTest.map((c) => `column ${c} only in 2.x`),
      ];
      return {
        table: t.production, target: t.test, status: t.differing || t.onlyInProduction || t.onlyInTest || columnNotes.length ? 'differs' : 'equal',
        counts: { 'production rows': t.rowsProduction, matched: t.matched, 'missing in 2.x': t.onlyInProduction, 'only in 2.x': t.onlyInTest, differing: t.differing },
        differences,
        differenceCount: t.differing + t.onlyInProduction + t.onlyInTest + t.columnsOnlyInProduction.length,
        ...(columnNotes.length ? { error: columnNotes.join('; ') } : {}),
      };
    });
    const s = summarise('Compared', tables);
    const outcome = s.outcome === 'ok' && !report.equal ? 'differences' : s.outcome;
    return { kind: 'compare', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary: s.summary, tables, notes: report.notes };
  },
};

// ---------------------------------------------------------------------------------------------------
// Migrate external pointers: every 0.14.6 in-store column of the parallel schema's tables.
// ---------------------------------------------------------------------------------------------------

async function pointerColumns(ctx: OperationContext, target: OperationTarget) {
  const parallel = await introspect(ctx.db, target.schemas.map((s) => s + ctx.suffix));
  const wanted = (schema: string, name: string) =>
    !target.tables?.length || target.tables.some((t) => t === name || t === `${schema.slice(0, -ctx.suffix.length)}.${name}` || t === `${schema}.${name}`);
  return parallel.flatMap((s) =>
    s.tables.filter((t) => wanted(s.name, t.name)).flatMap((t) =>
      t.columns.flatMap((c) => (c.storage.form === 'pointer014' ? [{ schema: s.name, table: t.name, attribute: c.name, store: c.storage.store }] : [])),
    ),
  );
}

const migrateExternalPointers: Operation = {
  kind: 'pointers',
  title: 'Migrate External Pointers',
  writes: true,
  async plan(ctx, target) {
    const cols = await pointerColumns(ctx, target);
    const statements: string[] = [];
    const fileOps: string[] = [];
    const notes: string[] = cols.length ? [] : ['No 0.14.6 in-store columns are left in the parallel schemas (Copy Data converts pointers as it copies).'];
    for (const c of cols) {
      const r = await migratePointers(ctx.db, { ...c, sourceStore: c.store, stores: ctx.stores, relocate: false, dryRun: true });
      statements.push(...r.sql);
      fileOps.push(...r.fileOps);
      notes.push(...r.notes.map((n) => `${c.schema}.${c.table}.${c.attribute}: ${n}`));
    }
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements, fileOps, notes };
  },
  async run(ctx, target, hooks) {
    const cols = await pointerColumns(ctx, target);
    const tables: ReportTable[] = [];
    let cancelled = false;
    for (const c of cols) {
      if (hooks.signal.aborted) {
        cancelled = true;
        break;
      }
      try {
        const r = await migratePointers(ctx.db, {
          ...c, sourceStore: c.store, stores: ctx.stores, relocate: false, dryRun: false, signal: hooks.signal,
          onProgress: (e) => hooks.progress(`${e.table}.${c.attribute}: ${e.rows}/${e.total}`),
        });
        tables.push({ table: `${c.schema}.${c.table}`, status: `${c.attribute}: ${r.status}`, counts: { rows: r.rows, objects: r.objects }, differences: [], differenceCount: 0 });
      } catch (e) {
        if (hooks.signal.aborted) {
          cancelled = true;
          break;
        }
        tables.push({ table: `${c.schema}.${c.table}`, status: `${c.attribute}: failed`, counts: {}, differences: [], differenceCount: 0, error: (e as Error).message });
      }
    }
    const { outcome, summary } = summarise('Migrated pointers of', tables, { cancelled });
    return { kind: 'pointers', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary, tables, notes: cols.length ? [] : ['No 0.14.6 in-store columns in the parallel schemas.'] };
  },
};

// ---------------------------------------------------------------------------------------------------
// Verify 2.x readiness: the parallel schemas as 2.x will read them (labels, in-store columns, lineage).
// ---------------------------------------------------------------------------------------------------

const verify: Operation = {
  kind: 'verify',
  title: 'Verify 2.x Readiness',
  writes: false,
  async plan(ctx, target) {
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements: [], fileOps: [], readsOnly: true, notes: ['Reads the parallel schemas\' catalogue; nothing is written.'] };
  },
  async run(ctx, target) {
    // A production schema is verified through its parallel schema; a schema without one (already 2.x) as itself.
    const parallels = await existingSchemas(ctx.db, target.schemas.map((s) => s + ctx.suffix));
    const names = target.schemas.map((s) => (parallels.has(s + ctx.suffix) ? s + ctx.suffix : s));
    const model = await introspect(ctx.db, names);
    const tables: ReportTable[] = [];
    const notes: string[] = [];
    for (const s of model) {
      if (s.version !== '2.x') notes.push(`${s.name}: DataJoint ${s.version}, not 2.x — ${s.reasons.join('; ')}`);
      if (!s.hidden.some((h) => h.name === '~lineage')) notes.push(`${s.name} has no ~lineage table (2.x rebuilds it, but semantic matching needs it)`);
      for (const t of s.tables) {
        const problems: { key: Record<string, string>; what: string }[] = [];
        for (const c of t.columns) {
          if (c.storage.form === 'pointer014') problems.push({ key: { column: c.name }, what: `0.14.6 ${c.storage.kind}@${c.storage.store} pointer: run Migrate External Pointers` });
          const label = parse2xLabel(c.label2x != null ? `:${c.label2x}:${c.comment}` : c.comment);
          if (!label.valid || label.kind === 'legacy') problems.push({ key: { column: c.name }, what: `label :${label.label}: ${label.reason ?? 'is not read by 2.x'}` });
          else if (label.kind === 'none' && c.storage.form === 'blob') problems.push({ key: { column: c.name }, what: 'unlabelled blob: 2.x reads it as raw bytes; label it :<blob>:' });
        }
        tables.push({ table: `${s.name}.${t.name}`, status: problems.length ? 'not ready' : 'ready', counts: { columns: t.columns.length }, differences: problems, differenceCount: problems.length });
      }
    }
    const s = summarise('Verified', tables);
    const outcome = s.outcome === 'ok' && notes.length ? 'differences' : s.outcome;
    // Reported under the production schemas (the workflow's unit); the table rows name the parallel ones.
    return { kind: 'verify', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary: s.summary, tables, notes };
  },
};

// ---------------------------------------------------------------------------------------------------
// Preflight (reads only): what would stop the migration before anything is written.
// ---------------------------------------------------------------------------------------------------

const preflight: Operation = {
  kind: 'preflight',
  title: 'Preflight',
  writes: false,
  async plan(ctx, target) {
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements: [], fileOps: [], readsOnly: true, notes: ['Reads the catalogue and grants; nothing is written.'] };
  },
  async run(ctx, target) {
    const model = await introspect(ctx.db, target.schemas);
    const tables: ReportTable[] = [];
    const notes: string[] = [`Server ${ctx.db.versionString}`];
    const grants = (await ctx.db.query<Record<string, string>>('SHOW GRANTS')).map((r) => Object.values(r)[0]);
    const global = grants.some((g) => /GRANT ALL PRIVILEGES ON \*\.\*/i.test(g));
    if (!global) notes.push(`Grants of ${ctx.db.describe()}: ${grants.join(' | ')} — the user needs CREATE, INSERT, SELECT, REFERENCES on the parallel schemas.`);
    for (const s of model) {
      const problems: { key: Record<string, string>; what: string }[] = [];
      if (s.version !== '0.14.6') problems.push({ key: { schema: s.name }, what: `schema is ${s.version}, not 0.14.6: ${s.reasons.join('; ')}` });
      for (const store of s.externalStores) if (!ctx.stores[store]) problems.push({ key: { store }, what: `store "${store}" is not in the store settings file (set datajoint.storesFile or the connection's storesFile)` });
      for (const t of s.tables) if (t.primaryKey.length === 0) problems.push({ key: { table: t.name }, what: 'no primary key' });
      tables.push({
        table: s.name, status: problems.length ? 'blocked' : 'ready',
        counts: { tables: s.tables.length, 'rows (estimate)': s.tables.reduce((n, t) => n + t.rowEstimate, 0) },
        differences: problems, differenceCount: problems.length,
      });
      for (const o of outsideReferences([s])) if (!target.schemas.includes(o.refSchema)) notes.push(`${tableKey(o.table)} references ${o.refSchema}.${o.refTable}: migrate ${o.refSchema} first or together`);
    }
    const { outcome, summary } = summarise('Checked', tables);
    return { kind: 'preflight', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary, tables, notes };
  },
};

export const OPERATIONS: Readonly<Record<'preflight' | 'create-parallel' | 'copy' | 'pointers' | 'compare' | 'verify', Operation>> = {
  preflight,
  'create-parallel': createParallel,
  copy: copyData,
  pointers: migrateExternalPointers,
  compare: compareData,
  verify,
};

// The database operations the UI runs, each as plan (dry run: what would change) + run (do it), over the
// engines in client/src/db, returning the UI's report shape. No `vscode` here: the commands (commands.ts)
// wrap these in confirmation, progress and cancellation, and tests call them directly.
//
// Extension point: cut-over operations (backup, swap, in-place; issue 5) add an entry to OPERATIONS.
import type { Db } from '../db/connection';
import type { Tier } from '../db/model';
import { tableKey } from '../db/model';
import { introspect } from '../db/introspect';
import { outsideReferences, restrictionPlan, type RestrictSpec } from '../db/plan';
import { planCopy, runCopy, type CopyOptions, type SchemaPair } from '../db/copy';
import { compare as compareEngine } from '../db/compare';
import { migratePointers } from '../db/migratePointers';
import type { DbUnsignedPolicy } from '../db/ddl';
import { createParallel, type CreateParallelReport } from '../db/parallel';
import { preflight as preflight_ } from '../db/preflight';
import { verifySchemas } from '../db/verify';
import type { StoreMap } from '../db/stores';
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
  /** A file written or checked in a store (logged beside the SQL statements). */
  fileOp?(op: string): void;
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

async function existingSchemas(db: Db, names: readonly string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = await db.query<{ name: string }>(
    `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => '?').join(', ')})`,
    names,
  );
  return new Set(rows.map((r) => r.name));
}

// ---------------------------------------------------------------------------------------------------
// Create parallel schema (parallel.ts). Schemas the selection references are passed along: the engine
// leaves their existing parallel tables as they are (reporting any that differ) and creates the rest.
// ---------------------------------------------------------------------------------------------------

/**
 * The engine's lists name what they hold (`schema x`, `table x.t`, `x.~lineage (4 rows)`): tables become
 * report rows (production name, parallel name), the rest notes. Only the selected schemas are listed.
 */
function parallelReport(r: CreateParallelReport, selected: readonly string[]): { tables: ReportTable[]; notes: string[] } {
  const sourceOf = new Map(r.pairs.filter((p) => selected.includes(p.source)).map((p) => [p.target, p.source]));
  const tables: ReportTable[] = [];
  const notes: string[] = [];
  const add = (entries: readonly string[], status: string) => {
    for (const e of entries) {
      const m = /^table (([^.]+)\.(.+))$/.exec(e);
      const source = m && sourceOf.get(m[2]);
      if (m && source) tables.push({ table: `${source}.${m[3]}`, target: m[1], status, counts: {}, differences: [], differenceCount: 0 });
      else if ([...sourceOf.keys()].some((t) => e.includes(t))) notes.push(`${status}: ${e}`);
    }
  };
  add(r.created, r.dryRun ? 'to create' : 'created');
  add(r.unchanged, 'already as expected');
  // Existing objects that differ are reported, never altered: they are the report's differences.
  if (r.differences.length)
    tables.push({ table: 'existing objects', status: 'differ (left as they are)', counts: {}, differences: r.differences.map((what) => ({ key: {}, what })), differenceCount: r.differences.length });
  return { tables, notes: [...notes, ...r.notes] };
}

const createParallelOp: Operation = {
  kind: 'create-parallel',
  title: 'Create Parallel Schema',
  writes: true,
  async plan(ctx, target) {
    const { all } = await withReferences(ctx.db, target.schemas);
    const r = await createParallel(ctx.db, { schemas: all, suffix: ctx.suffix, unsigned: ctx.policy, dryRun: true });
    return {
      title: this.title, where: ctx.db.describe(), targets: target.schemas, statements: r.statements, fileOps: [],
      notes: [...(all.length > target.schemas.length ? [`Referenced schemas included (their existing parallel tables are checked, not changed): ${all.filter((a) => !target.schemas.includes(a)).join(', ')}`] : []), ...r.differences.map((d) => `differs, left as it is: ${d}`), ...r.notes],
    };
  },
  async run(ctx, target, hooks) {
    const { all } = await withReferences(ctx.db, target.schemas);
    let n = 0;
    let report: CreateParallelReport;
    let cancelled = false;
    try {
      report = await createParallel(ctx.db, {
        schemas: all, suffix: ctx.suffix, unsigned: ctx.policy, signal: hooks.signal,
        onStatement: (sql) => hooks.progress(`${++n}: ${sql.split('\n')[0].slice(0, 90)}`),
      });
    } catch (e) {
      if (!hooks.signal.aborted) throw e;
      cancelled = true;
      report = { pairs: [], statements: [], created: [], unchanged: [], differences: [], notes: [], dryRun: false };
    }
    const { tables, notes } = parallelReport(report, target.schemas);
    const s = summarise('Declared', tables, { cancelled });
    return { kind: 'create-parallel', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome: s.outcome, summary: s.summary, tables, notes };
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
      onFileOp: (op) => hooks.fileOp?.(op),
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
        for (const op of r.fileOps) hooks.fileOp?.(op);
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
// Verify 2.x readiness (verify.ts): the parallel schemas as 2.x will read them, files included.
// ---------------------------------------------------------------------------------------------------

const verify: Operation = {
  kind: 'verify',
  title: 'Verify 2.x Readiness',
  writes: false,
  async plan(ctx, target) {
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements: [], fileOps: [], readsOnly: true, notes: ['Reads the parallel schemas and the store files; nothing is written.'] };
  },
  async run(ctx, target, hooks) {
    // A production schema is verified through its parallel schema; a schema without one (already 2.x) as itself.
    const parallels = await existingSchemas(ctx.db, target.schemas.map((s) => s + ctx.suffix));
    const names = target.schemas.map((s) => (parallels.has(s + ctx.suffix) ? s + ctx.suffix : s));
    const r = await verifySchemas(ctx.db, names, {
      stores: ctx.stores, signal: hooks.signal,
      onProgress: (e) => hooks.progress(`${e.table}: ${e.rows}/${e.total}`),
    });
    const tables: ReportTable[] = r.tables.map((t) => ({
      table: `${t.schema}.${t.table}`, status: t.status === 'pass' ? 'ready' : 'not ready',
      counts: { 'values checked': t.checkedValues },
      differences: t.reasons.map((why) => ({ key: {}, what: why })), differenceCount: t.reasons.length,
    }));
    const notes = r.tables.flatMap((t) => t.notes.map((n) => `${t.schema}.${t.table}: ${n}`));
    const s = summarise('Verified', tables);
    const outcome = r.ok ? s.outcome : s.outcome === 'ok' ? 'differences' : s.outcome;
    // Reported under the production schemas (the workflow's unit); the table rows name the parallel ones.
    return { kind: 'verify', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary: s.summary, tables, notes };
  },
};

// ---------------------------------------------------------------------------------------------------
// Preflight (preflight.ts, reads only): privileges, space, stores and blockers before anything is written.
// ---------------------------------------------------------------------------------------------------

const preflight: Operation = {
  kind: 'preflight',
  title: 'Preflight',
  writes: false,
  async plan(ctx, target) {
    return { title: this.title, where: ctx.db.describe(), targets: target.schemas, statements: [], fileOps: [], readsOnly: true, notes: ['Reads the catalogue, grants and store settings; nothing is written.'] };
  },
  async run(ctx, target) {
    const { all } = await withReferences(ctx.db, target.schemas);
    const r = await preflight_(ctx.db, { schemas: all, suffix: ctx.suffix, stores: Object.keys(ctx.stores).length ? ctx.stores : undefined });
    const tables: ReportTable[] = r.schemas.map((s) => ({
      table: s.name, status: s.version, counts: { tables: s.tables, rows: s.rows, bytes: s.bytes }, differences: [], differenceCount: 0,
    }));
    const failing = [
      ...r.checks.filter((c) => c.level === 'fail').map((c) => c.message),
      ...r.stores.filter((c) => c.level === 'fail').map((c) => `store ${c.store}: ${c.message}`),
      ...r.steps.filter((st) => !st.optional && st.missing.length).map((st) => `${st.step}: missing ${st.missing.map((m) => `${m.privileges.join(', ')} on ${m.schema}`).join('; ')}`),
    ];
    if (failing.length) tables.push({ table: 'checks', status: 'blocked', counts: {}, differences: failing.map((what) => ({ key: {}, what })), differenceCount: failing.length });
    const notes = [
      `Server ${r.server.versionString} (${r.server.flavor}), user ${r.server.user}`,
      `Parallel tables need about ${Math.ceil(r.space.parallelTablesBytes / 1e6)} MB; attachments rewrite ${Math.ceil(r.space.storeBytesAttachments / 1e6)} MB into the stores`,
      ...r.checks.filter((c) => c.level === 'warn').map((c) => `warning: ${c.message}`),
      ...r.stores.filter((c) => c.level === 'warn').map((c) => `store ${c.store}: ${c.message}`),
      ...(r.grants.length ? ['Grants that would give this user what every step needs:', ...r.grants] : []),
    ];
    const s = summarise('Checked', tables);
    const outcome = r.ok ? s.outcome : s.outcome === 'ok' ? 'failed' : s.outcome;
    return { kind: 'preflight', title: this.title, where: ctx.db.describe(), targets: target.schemas, outcome, summary: r.ok ? `ready: ${s.summary}` : `blocked: ${failing.length} problem(s)`, tables, notes };
  },
};

export const OPERATIONS: Readonly<Record<'preflight' | 'create-parallel' | 'copy' | 'pointers' | 'compare' | 'verify', Operation>> = {
  preflight,
  'create-parallel': createParallelOp,
  copy: copyData,
  pointers: migrateExternalPointers,
  compare: compareData,
  verify,
};

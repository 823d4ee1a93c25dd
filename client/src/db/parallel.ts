// `db create-parallel`: create `<schema><suffix>` for each 0.14.6 schema, with the tables 2.x would declare
// (ddl.ts) in dependency order across schemas, and a complete `~lineage` (lineage.ts). Idempotent: what
// exists with the right shape is left alone, what exists with another shape is reported and never dropped.
// Everything is planned and validated before the first statement runs; a dry run only plans.
import type { Db } from './connection';
import type { Schema, Table } from './model';
import { tableKey } from './model';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { createSchemaSql, createTableSql, targetTables, type DbUnsignedPolicy, type TargetTable } from './ddl';
import { insertLineageSql, lineageRows, lineageTableSql, type LineageRow } from './lineage';
import { tableShapeDifferences } from './shape';
import {
  charsetMaxlen,
  comparisonChanges,
  convertCharsets,
  MAX_INDEX_BYTES,
  oversizedIndexes,
  resolveCharsetTarget,
  type CharsetTarget,
} from './charsets';
import { checkIdentifier, DbInputError, formatSql, qt } from './sql';
import { refuseSameServerSameNames } from './connect/sameServer';

export interface SchemaPair {
  source: string;
  target: string;
}

export interface CreateParallelOptions {
  /** Source schemas (0.14.6). */
  schemas: string[];
  /** Target name = source + suffix, unless `pairs` names it. Must not be empty. */
  suffix: string;
  /** Explicit source → target names (`--pair a:x`), overriding the suffix for those schemas. */
  pairs?: SchemaPair[];
  unsigned: DbUnsignedPolicy;
  /** `--charset [--collation]`: text columns of the parallel schemas in this character set (db copy converts). */
  charset?: { charset: string; collation?: string };
  dryRun?: boolean;
  /** Called with each statement as it is about to run (or would run, in a dry run). */
  onStatement?: (sql: string) => void;
  /** Stops between statements; a schema's ~lineage is still all-or-nothing (renamed into place last). */
  signal?: AbortSignal;
}

export interface Statement {
  sql: string;
  params?: unknown[];
  /** What it does, for the report. */
  purpose: string;
}

export interface CreateParallelReport {
  pairs: SchemaPair[];
  /** Statements run (or, in a dry run, to run), in order, with parameters inlined. */
  statements: string[];
  created: string[];
  /** Tables (and ~lineage tables) already present with the expected shape/content. */
  unchanged: string[];
  /** Existing objects that differ from what would be created: reported, never altered. */
  differences: string[];
  /** Per-table notes on type changes, dropped keys and indexes. */
  notes: string[];
  /** With --charset: the keys and unique indexes whose comparisons change meaning, for a person to judge. */
  comparisons?: string[];
  dryRun: boolean;
}

/** Resolve target names and check them before anything else happens. */
export function resolvePairs(
  schemas: string[],
  suffix: string,
  pairs: SchemaPair[] = [],
  /** A target on another server: the parallel schemas may keep the production names. */
  allowSameNames = false,
): SchemaPair[] {
  for (const s of schemas) checkIdentifier(s, 'schema');
  const explicit = new Map(
    pairs.map((p) => [checkIdentifier(p.source, 'schema'), checkIdentifier(p.target, 'schema')]),
  );
  for (const p of pairs)
    if (!schemas.includes(p.source))
      throw new DbInputError(`--pair ${p.source}:${p.target} names a schema that is not in --schemas`);
  if (!explicit.size || schemas.some((s) => !explicit.has(s))) {
    if (!suffix && !allowSameNames)
      throw new DbInputError(
        'the schema suffix is empty: parallel schemas need a different name (use --suffix _v2 or --pair a:b)',
      );
    if (suffix) checkIdentifier('x' + suffix, 'suffix');
  }
  const out = schemas.map((s) => ({ source: s, target: explicit.get(s) ?? s + suffix }));
  for (const p of out) {
    checkIdentifier(p.target, 'target schema');
    if (schemas.includes(p.target) && !allowSameNames)
      throw new DbInputError(`target schema ${p.target} is also a source schema`);
  }
  const targets = out.map((p) => p.target);
  const dup = targets.find((t, i) => targets.indexOf(t) !== i);
  if (dup) throw new DbInputError(`two schemas would be created as ${dup}`);
  return out;
}

/** Source schemas must be DataJoint 0.14.6 (or partly migrated); anything else is refused with the reason. */
export function checkSources(schemas: Schema[]): void {
  for (const s of schemas) {
    const why = s.reasons.length ? ` (${s.reasons.join('; ')})` : '';
    if (s.version === 'not-datajoint') throw new DbInputError(`schema ${s.name} is not a DataJoint schema${why}`);
    if (s.version === 'empty') throw new DbInputError(`schema ${s.name} has no tables`);
    if (s.version === '2.x')
      throw new DbInputError(`schema ${s.name} is already a DataJoint 2.x schema${why}; there is nothing to migrate`);
  }
}

export interface ParallelPlan {
  pairs: SchemaPair[];
  sources: Schema[];
  tables: TargetTable[];
  lineage: Map<string, LineageRow[]>;
  /** With --charset: what every text column is declared in, and the keys whose comparisons change. */
  charset?: CharsetTarget;
  comparisons: string[];
}

/** Introspect and map; throws DbInputError on anything that cannot be migrated. Reads only. */
export async function planParallel(
  db: Db,
  opts: Pick<CreateParallelOptions, 'schemas' | 'suffix' | 'pairs' | 'unsigned' | 'charset'> & {
    allowSameNames?: boolean;
  },
): Promise<ParallelPlan> {
  const pairs = resolvePairs(opts.schemas, opts.suffix, opts.pairs, opts.allowSameNames);
  const sources = await introspect(db, opts.schemas);
  checkSources(sources);
  const schemaMap = new Map(pairs.map((p) => [p.source, p.target]));
  const tables = targetTables(dependencyOrder(sources), schemaMap, opts.unsigned);
  const charset = opts.charset && (await resolveCharsetTarget(db, opts.charset.charset, opts.charset.collation));
  if (charset) {
    convertCharsets(tables, charset);
    const oversized = oversizedIndexes(tables, await charsetMaxlen(db));
    if (oversized.length)
      throw new DbInputError(
        `in ${charset.charset} these keys exceed InnoDB's ${MAX_INDEX_BYTES}-byte index limit (shorten the columns or choose another character set):\n  ${oversized.join('\n  ')}`,
      );
  }
  const comparisons = charset ? await comparisonChanges(db, tables) : [];
  return { pairs, sources, tables, lineage: lineageRows(tables.map((t) => t.target)), charset, comparisons };
}

const PENDING_LINEAGE = '~lineage_pending';

/** A report with the plan's notes and nothing done yet (shared with the PostgreSQL path). */
export function emptyReport(plan: ParallelPlan, dryRun: boolean): CreateParallelReport {
  return {
    pairs: plan.pairs,
    statements: [],
    created: [],
    unchanged: [],
    differences: [],
    notes: plan.tables.flatMap((t) => t.notes.map((n) => `${tableKey(t.target)}: ${n}`)),
    comparisons: plan.comparisons,
    dryRun,
  };
}

/** `target`: another MySQL/MariaDB server to create on (`--target mysql://…`); the source is only read. */
export async function createParallel(
  db: Db,
  opts: CreateParallelOptions & { allowSameNames?: boolean },
  target: Db = db,
): Promise<CreateParallelReport> {
  const plan = await planParallel(db, opts);
  if (target !== db) await refuseSameServerSameNames(db, target, plan.pairs);
  const report = emptyReport(plan, !!opts.dryRun);
  const steps: Statement[] = [];
  const targetNames = plan.pairs.map((p) => p.target);
  const existing = await target.query<{ name: string; charset: string; collation: string }>(
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    [targetNames],
  );
  const existingTargets = existing.length
    ? await introspect(
        target,
        existing.map((e) => e.name),
      )
    : [];
  const existingTable = new Map(
    existingTargets.flatMap((s) => [...s.tables, ...s.hidden]).map((t) => [tableKey(t), t]),
  );

  for (const p of plan.pairs) {
    const src = plan.sources.find((s) => s.name === p.source) as Schema;
    const found = existing.find((e) => e.name === p.target);
    const want = plan.charset ?? src;
    if (!found) {
      steps.push({ sql: createSchemaSql(p.target, want.charset, want.collation), purpose: `schema ${p.target}` });
    } else if (found.collation !== want.collation) {
      report.differences.push(
        `schema ${p.target} exists with collation ${found.collation}; expected ${want.collation} (tables are created with explicit collations regardless)`,
      );
    }
  }

  for (const { target } of plan.tables) {
    const have = existingTable.get(tableKey(target));
    if (!have) {
      steps.push({ sql: createTableSql(target), purpose: `table ${tableKey(target)}` });
      continue;
    }
    const diffs = tableShapeDifferences(target, have);
    if (diffs.length) report.differences.push(...diffs);
    else report.unchanged.push(tableKey(target));
  }
  const planned = new Set(plan.tables.map((t) => tableKey(t.target)));
  for (const s of existingTargets)
    for (const t of s.tables)
      if (!planned.has(tableKey(t)))
        report.differences.push(`${tableKey(t)} exists in the target but has no source table (left alone)`);

  for (const p of plan.pairs) {
    const rows = plan.lineage.get(p.target) ?? [];
    steps.push(...(await lineageSteps(target, p.target, rows, existingTable, report)));
  }

  for (const step of steps) {
    opts.signal?.throwIfAborted();
    const text = formatSql(step.sql, step.params);
    report.statements.push(text);
    opts.onStatement?.(text);
    if (!opts.dryRun) await target.execute(step.sql, step.params);
    if (step.purpose) report.created.push(step.purpose);
  }
  return report;
}

/**
 * A schema's `~lineage` appears complete or not at all: rows go into a pending table that is renamed
 * into place in one atomic RENAME (2.x treats a partial `~lineage` worse than none). An existing
 * `~lineage` gets only its missing rows, in one INSERT; rows that differ are reported.
 */
async function lineageSteps(
  db: Db,
  schema: string,
  rows: LineageRow[],
  existing: Map<string, Table>,
  report: CreateParallelReport,
): Promise<Statement[]> {
  const where = `${schema}.~lineage`;
  if (existing.has(where)) {
    const have = await db.query<LineageRow>(
      `SELECT table_name, attribute_name, lineage FROM ${qt(schema, '~lineage')}`,
    );
    const key = (r: LineageRow) => `${r.table_name}\u0000${r.attribute_name}`;
    const haveBy = new Map(have.map((r) => [key(r), r]));
    const missing = rows.filter((r) => !haveBy.has(key(r)));
    for (const r of rows) {
      const h = haveBy.get(key(r));
      if (h && h.lineage !== r.lineage)
        report.differences.push(
          `${where}: ${r.table_name}.${r.attribute_name} has lineage ${h.lineage}, expected ${r.lineage}`,
        );
    }
    const expected = new Set(rows.map(key));
    for (const h of have)
      if (!expected.has(key(h)) && !h.table_name.startsWith('~~'))
        report.differences.push(`${where}: unexpected row ${h.table_name}.${h.attribute_name} = ${h.lineage}`);
    if (!missing.length) {
      report.unchanged.push(where);
      return [];
    }
    const ins = insertLineageSql(schema, '~lineage', missing);
    return [{ ...ins, purpose: `${missing.length} missing ~lineage rows in ${schema}` }];
  }
  if (!rows.length) return [];
  const ins = insertLineageSql(schema, PENDING_LINEAGE, rows);
  return [
    { sql: lineageTableSql(schema, PENDING_LINEAGE), purpose: '' },
    // A pending table left by an interrupted run is refilled from scratch.
    { sql: `DELETE FROM ${qt(schema, PENDING_LINEAGE)}`, purpose: '' },
    { ...ins, purpose: '' },
    {
      sql: `RENAME TABLE ${qt(schema, PENDING_LINEAGE)} TO ${qt(schema, '~lineage')}`,
      purpose: `${where} (${rows.length} rows)`,
    },
  ];
}

// `db create-parallel --target postgresql://…`: the 2.x schemas on PostgreSQL, one PostgreSQL schema per
// DataJoint schema inside the target database. Planned from the same model as the MySQL path
// (parallel.ts planParallel), checked against the data before anything is written (values PostgreSQL cannot
// hold are refused naming table, column and key), then created in one transaction: it appears complete or
// not at all. Idempotent: existing tables are compared (column, type, nullability) and never altered;
// `~lineage` gets only its missing rows.
import type { Db } from '../connection';
import { tableKey } from '../model';
import { emptyReport, planParallel, type CreateParallelOptions, type CreateParallelReport } from '../parallel';
import type { TargetTable } from '../ddl';
import { DbInputError, q, qt } from '../sql';
import type { PgDb } from '../connect/dialects/postgres';
import { pq, pqt } from '../connect/dialects/postgres';
import {
  pgCreateEnumSql,
  pgCreateTableSql,
  pgLineageTableSql,
  pgPostTableSql,
  pgSchemaPlan,
  type PgTable,
} from './pgDdl';

const INT64_MAX = 9223372036854775807n;
const PG_NAME_MAX = 63;

/**
 * `bigint unsigned` columns (kept native by the MySQL path) become int64 when every value fits; a value above
 * 2^63−1 is refused with its table, column and primary key. Reads only.
 */
export async function checkUnsignedBigints(source: Db, tables: readonly TargetTable[]): Promise<Set<string>> {
  const ok = new Set<string>();
  for (const { source: t, target } of tables) {
    const inherited = new Set(target.foreignKeys.flatMap((f) => f.columns));
    for (const c of target.columns) {
      if (inherited.has(c.name) || c.label2x || !/^bigint(\(\d+\))? unsigned$/i.test(c.columnType)) continue;
      const [row] = await source.query<Record<string, unknown>>(
        `SELECT ${t.primaryKey.map(q).join(', ')}, ${q(c.name)} AS \`~value\` FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} > ? LIMIT 1`,
        [INT64_MAX.toString()],
      );
      if (row) {
        const key = t.primaryKey.map((k) => `${k}=${String(row[k])}`).join(', ');
        throw new DbInputError(
          `${tableKey(t)}.${c.name} = ${String(row['~value'])} (key ${key}) is above 2^63-1: PostgreSQL has no unsigned bigint, so this value cannot be held. Nothing was written.`,
        );
      }
      ok.add(`${tableKey(t)}.${c.name}`);
    }
  }
  return ok;
}

interface PgColumnRow {
  table_name: string;
  column_name: string;
  type: string;
  not_null: boolean;
}

export async function createParallelPg(
  source: Db,
  target: PgDb,
  opts: CreateParallelOptions & { allowSameNames?: boolean },
): Promise<CreateParallelReport> {
  if (opts.unsigned !== 'widen')
    throw new DbInputError('PostgreSQL has no unsigned types: use --unsigned widen with a PostgreSQL target');
  if (opts.charset)
    throw new DbInputError('--charset applies to MySQL targets; PostgreSQL databases have one encoding');
  const plan = await planParallel(source, { ...opts, allowSameNames: opts.allowSameNames });
  for (const p of plan.pairs)
    if (Buffer.byteLength(p.target) > PG_NAME_MAX)
      throw new DbInputError(`schema name ${p.target} is longer than PostgreSQL's ${PG_NAME_MAX} bytes`);
  const int64Ok = await checkUnsignedBigints(source, plan.tables);
  const pgPlan = pgSchemaPlan(plan.tables, int64Ok);
  const report = emptyReport(plan, !!opts.dryRun);
  report.notes.push(...pgPlan.notes);
  const names = plan.pairs.map((p) => p.target);
  const schemas = new Set(
    (await target.query<{ n: string }>('SELECT nspname AS n FROM pg_namespace WHERE nspname = ANY($1)', [names])).map(
      (r) => r.n,
    ),
  );
  const types = new Set(
    (
      await target.query<{ k: string }>(
        `SELECT n.nspname || '.' || t.typname AS k FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1)`,
        [names],
      )
    ).map((r) => r.k),
  );
  const cols = await target.query<PgColumnRow>(
    `SELECT n.nspname || '.' || c.relname AS table_name, a.attname AS column_name,
            format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [names],
  );
  const existing = new Map<string, PgColumnRow[]>();
  for (const r of cols) existing.set(r.table_name, [...(existing.get(r.table_name) ?? []), r]);

  const steps: { sql: string; params?: unknown[]; purpose: string }[] = [];
  for (const s of names) if (!schemas.has(s)) steps.push({ sql: `CREATE SCHEMA ${pq(s)}`, purpose: `schema ${s}` });
  for (const e of pgPlan.enums)
    if (!types.has(`${e.schema}.${e.name}`)) steps.push({ sql: pgCreateEnumSql(e), purpose: '' });
  const post: string[] = [];
  for (const t of pgPlan.tables) {
    const key = `${t.schema}.${t.name}`;
    const have = existing.get(key);
    if (have) {
      const diffs = shapeDifferences(t, have);
      if (diffs.length) report.differences.push(...diffs);
      else report.unchanged.push(key);
      continue;
    }
    steps.push({ sql: pgCreateTableSql(t), purpose: `table ${key}` });
    post.push(...pgPostTableSql(t));
  }
  steps.push(...post.map((sql) => ({ sql, purpose: '' })));
  for (const s of names) {
    const rows = plan.lineage.get(s) ?? [];
    if (!rows.length) continue;
    const exists = existing.has(`${s}.~lineage`);
    if (!exists) steps.push({ sql: pgLineageTableSql(s), purpose: `${s}.~lineage (${rows.length} rows)` });
    const have = exists
      ? await target.query<{ table_name: string; attribute_name: string; lineage: string }>(
          `SELECT table_name, attribute_name, lineage FROM ${pqt(s, '~lineage')}`,
        )
      : [];
    const haveBy = new Map(have.map((r) => [`${r.table_name}\u0000${r.attribute_name}`, r.lineage]));
    const missing = rows.filter((r) => !haveBy.has(`${r.table_name}\u0000${r.attribute_name}`));
    for (const r of rows) {
      const h = haveBy.get(`${r.table_name}\u0000${r.attribute_name}`);
      if (h !== undefined && h !== r.lineage)
        report.differences.push(
          `${s}.~lineage: ${r.table_name}.${r.attribute_name} has lineage ${h}, expected ${r.lineage}`,
        );
    }
    if (exists && !missing.length) report.unchanged.push(`${s}.~lineage`);
    if (missing.length)
      steps.push({
        sql: `INSERT INTO ${pqt(s, '~lineage')} ("table_name", "attribute_name", "lineage") VALUES ${missing.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ')}`,
        params: missing.flatMap((r) => [r.table_name, r.attribute_name, r.lineage]),
        purpose: exists ? `${missing.length} missing ~lineage rows in ${s}` : '',
      });
  }

  const run = async () => {
    for (const step of steps) {
      opts.signal?.throwIfAborted();
      const text = step.params ? `${step.sql} -- parameters: ${JSON.stringify(step.params)}` : step.sql;
      report.statements.push(text);
      opts.onStatement?.(text);
      if (!opts.dryRun) await target.query(step.sql, step.params);
      if (step.purpose) report.created.push(step.purpose);
    }
  };
  if (opts.dryRun || !steps.length) await run();
  else await target.transaction(run);
  return report;
}

/** Existing table vs plan: column names, order, types and nullability (2.x re-declares nothing). */
function shapeDifferences(t: PgTable, have: PgColumnRow[]): string[] {
  const key = `${t.schema}.${t.name}`;
  const diffs: string[] = [];
  const names = (xs: { name?: string; column_name?: string }[]) => xs.map((x) => x.name ?? x.column_name).join(', ');
  if (names(t.columns) !== names(have))
    return [`${key} exists with columns (${names(have)}); expected (${names(t.columns)}) (left alone)`];
  t.columns.forEach((c, i) => {
    const h = have[i];
    const want = normalisePgType(c.type);
    const got = normalisePgType(h.type);
    if (want !== got) diffs.push(`${key}.${c.name} is ${h.type}; expected ${c.type} (left alone)`);
    if (h.not_null === c.nullable)
      diffs.push(`${key}.${c.name} is ${h.not_null ? 'NOT NULL' : 'nullable'}; expected the opposite (left alone)`);
  });
  return diffs;
}

/** `character varying(16)` and `varchar(16)`, `"s"."enum_x"` and `s.enum_x`, `timestamp(3) without time zone`. */
function normalisePgType(t: string): string {
  return t
    .replace(/"/g, '')
    .replace(/^varchar/, 'character varying')
    .replace(/^char\(/, 'character(')
    .replace(/ without time zone$/, '')
    .trim();
}

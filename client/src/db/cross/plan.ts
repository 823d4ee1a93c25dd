// What a copy into another server moves, decided before a row moves: the selected source tables in
// dependency order, each with its target table on the target side, the column plan (verbatim or 0.14.6
// pointer → 2.x JSON, as convert.ts decides for one server) and the canonical columns (side.ts) both sides
// read and write. A MySQL target is checked exactly as the same-server copy checks (planColumns against the
// target's catalog); other targets by column names and primary key.
import type { Db } from '../connection';
import type { Column, Table, Tier } from '../model';
import { masterOf, tableKey } from '../model';
import { DbInputError } from '../sql';
import { type KeyColumn, type Predicate, keyColumns } from '../chunks';
import { type ColumnPlan, planColumns } from '../convert';
import { adapted014Store } from '../adaptedStore';
import { introspect } from '../introspect';
import { dependencyOrder } from '../plan';
import { sameStoredForm, valueKind } from '../compareValues';
import type { SchemaPair } from '../parallel';
import { canonColumnOf } from './canon';
import { MysqlSide } from './mysqlSide';
import type { CanonColumn, CrossTable, TargetSide } from './side';

export interface CrossPlannedTable {
  source: Table;
  target: CrossTable;
  columns: ColumnPlan[];
  keyCols: KeyColumn[];
  filter: Predicate | null;
  /** MySQL target: the key and the columns both servers store alike, for range digests. */
  digestColumns: string[] | null;
}

export interface CrossSelection {
  pairs: SchemaPair[];
  tables?: string[];
  tiers?: Tier[];
  filters?: Map<string, Predicate>;
}

/** The selected source tables and their targets; refuses what cannot be copied, listing every problem. */
export async function planCross(source: Db, side: TargetSide, opts: CrossSelection): Promise<CrossPlannedTable[]> {
  const sourceNames = opts.pairs.map((p) => p.source);
  const targetNames = opts.pairs.map((p) => p.target);
  const existing = new Set(await side.existingSchemas(targetNames));
  for (const name of targetNames)
    if (!existing.has(name))
      throw new DbInputError(
        `target schema ${name} does not exist on ${side.describe()}; create it first with \`dj-migrate db create-parallel --target …\``,
      );
  const sources = await introspect(source, sourceNames);
  for (const s of sources)
    if (s.version === 'not-datajoint')
      throw new DbInputError(`schema ${s.name} is not a DataJoint schema (${s.reasons.join('; ')})`);
  const targetOf = new Map(opts.pairs.map((p) => [p.source, p.target]));
  const byKey = new Map(sources.flatMap((s) => s.tables.map((t) => [tableKey(t), t] as const)));
  const tierOf = (t: Table): Tier => {
    const master = t.tier === 'part' ? masterOf(t.name) : null;
    return (master && byKey.get(`${t.schema}.${master}`)?.tier) || t.tier;
  };
  const wanted = (t: Table): boolean => {
    if (opts.tiers?.length && !opts.tiers.includes(tierOf(t)) && !opts.tiers.includes(t.tier)) return false;
    if (opts.tables?.length && !opts.tables.some((n) => n === t.name || n === tableKey(t))) return false;
    if (opts.filters && !opts.filters.has(tableKey(t))) return false;
    return true;
  };
  for (const n of opts.tables ?? [])
    if (!sources.some((s) => s.tables.some((t) => t.name === n || tableKey(t) === n)))
      throw new DbInputError(`table ${n} is not in ${sourceNames.join(', ')}`);

  const planned: CrossPlannedTable[] = [];
  const problems: string[] = [];
  for (const t of dependencyOrder(sources).filter(wanted)) {
    for (const fk of t.foreignKeys) {
      if (fk.refTable.startsWith('~external_') || targetOf.has(fk.refSchema)) continue;
      problems.push(
        `${tableKey(t)} references ${fk.refSchema}.${fk.refTable}, outside the selected schemas; add ${fk.refSchema} to --schemas`,
      );
    }
    const schema = targetOf.get(t.schema) as string;
    const where = `${tableKey(t)} → ${schema}.${t.name} on ${side.describe()}`;
    if (t.primaryKey.length === 0) {
      problems.push(`${tableKey(t)} has no primary key; rows cannot be matched`);
      continue;
    }
    let columns: ColumnPlan[];
    let digestColumns: string[] | null = null;
    if (side instanceof MysqlSide) {
      const model = await side.model(schema, t.name);
      if (!model) {
        problems.push(`${where}: no such table; run create-parallel --target first`);
        continue;
      }
      const p = planColumns(t, model);
      problems.push(...p.problems.map((x) => `${tableKey(t)}: ${x.message}`));
      if (p.problems.length) continue;
      columns = p.columns;
      digestColumns = digestable(t, model, columns);
    } else {
      const info = await side.tableInfo(schema, t.name);
      if (!info) {
        problems.push(`${where}: no such table; run create-parallel --target first`);
        continue;
      }
      const missing = t.columns.filter((c) => !info.columns.includes(c.name)).map((c) => c.name);
      if (missing.length) problems.push(`${where}: no column(s) ${missing.join(', ')}; their values would be lost`);
      if (info.primaryKey.join(',') !== t.primaryKey.join(','))
        problems.push(`${where}: primary keys differ: (${t.primaryKey.join(',')}) vs (${info.primaryKey.join(',')})`);
      if (missing.length || info.primaryKey.join(',') !== t.primaryKey.join(',')) continue;
      columns = t.columns.map(columnPlanOf);
    }
    const types = new Map(t.columns.map((c) => [c.name, c.dataType]));
    planned.push({
      source: t,
      target: { schema, name: t.name, columns: columns.map((c) => canonOf(t, c)), primaryKey: [...t.primaryKey] },
      columns,
      keyCols: keyColumns(t.primaryKey, (n) => types.get(n) ?? ''),
      filter: opts.filters?.get(tableKey(t)) ?? null,
      digestColumns,
    });
  }
  if (problems.length) throw new DbInputError('cannot copy:\n  ' + problems.join('\n  '));
  return planned;
}

/** convert.ts's decision from the source column alone (a target without a MySQL catalog). */
function columnPlanOf(c: Column): ColumnPlan {
  const st = c.storage;
  if (st.form === 'pointer014') return { kind: 'pointer', name: c.name, pointerKind: st.kind, store: st.store };
  const store = adapted014Store(c);
  if (st.form === 'adapted' && store !== null)
    return { kind: 'pointer', name: c.name, pointerKind: 'blob', store, adapter: st.name };
  return { kind: 'verbatim', name: c.name };
}

function canonOf(t: Table, plan: ColumnPlan): CanonColumn {
  if (plan.kind === 'pointer') return { name: plan.name, kind: 'json2x', codec: plan.pointerKind };
  return canonColumnOf(t.columns.find((c) => c.name === plan.name) as Column);
}

/** Key columns first, then the verbatim columns stored alike on both servers. */
function digestable(source: Table, target: Table, columns: ColumnPlan[]): string[] {
  const same = columns
    .filter((p) => p.kind === 'verbatim')
    .filter((p) => {
      const a = source.columns.find((c) => c.name === p.name) as Column;
      const b = target.columns.find((c) => c.name === p.name);
      return !!b && sameStoredForm(a, b, valueKind(a));
    })
    .map((p) => p.name);
  return [...source.primaryKey, ...same.filter((n) => !source.primaryKey.includes(n))];
}

// Ordering and selection across schemas: parents before children (foreign keys span schemas), and the
// restriction closure for `--restrict T --where SQL [--limit N]`: the matching rows of T, every row that
// descends from them, and every row those rows reference, so foreign keys hold in a sampled copy.
import type { Schema, Table } from './model';
import { tableKey } from './model';
import { DbInputError, q, qt } from './sql';
import type { Queryable } from './connection';
import { checkCondition } from './where';

/** Every user table of the schemas, parents before children; ties keep schema order, then name. */
export function dependencyOrder(schemas: Schema[]): Table[] {
  const tables = schemas.flatMap((s) => s.tables);
  const byKey = new Map(tables.map((t) => [tableKey(t), t]));
  const rank = new Map(tables.map((t, i) => [tableKey(t), i]));
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, string[]>();
  for (const t of tables) {
    const own = new Set<string>();
    for (const fk of t.foreignKeys) {
      const p = `${fk.refSchema}.${fk.refTable}`;
      if (p === tableKey(t) || !byKey.has(p)) continue; // hidden (~external_*) or outside the selection
      own.add(p);
    }
    parents.set(tableKey(t), own);
    for (const p of own) children.set(p, [...(children.get(p) ?? []), tableKey(t)]);
  }
  const waiting = new Map([...parents].map(([k, ps]) => [k, ps.size]));
  const ready = tables.filter((t) => waiting.get(tableKey(t)) === 0).map(tableKey);
  const out: Table[] = [];
  while (ready.length) {
    ready.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
    const k = ready.shift() as string;
    out.push(byKey.get(k) as Table);
    for (const c of children.get(k) ?? []) {
      const n = (waiting.get(c) as number) - 1;
      waiting.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  if (out.length !== tables.length) {
    const stuck = tables.filter((t) => !out.includes(t)).map(tableKey);
    throw new DbInputError(
      `foreign keys form a cycle among ${stuck.join(', ')}; DataJoint schemas never do — is this a DataJoint pipeline?`,
    );
  }
  return out;
}

/** Foreign keys of the tables that point at tables outside the given schemas (hidden tables excluded). */
export function outsideReferences(schemas: Schema[]): { table: Table; refSchema: string; refTable: string }[] {
  const names = new Set(schemas.map((s) => s.name));
  const out: { table: Table; refSchema: string; refTable: string }[] = [];
  for (const t of schemas.flatMap((s) => s.tables))
    for (const fk of t.foreignKeys)
      if (!names.has(fk.refSchema) && !fk.refTable.startsWith('~'))
        out.push({ table: t, refSchema: fk.refSchema, refTable: fk.refTable });
  return out;
}

export interface RestrictSpec {
  /** `table` or `schema.table` (the schema may be omitted when the name is unique among the schemas). */
  table: string;
  /** A SQL condition over the columns of that table. */
  where: string;
  /** Take only the first N matching rows, in primary-key order. */
  limit?: number;
}

export type ClosureRole = 'root' | 'descendant' | 'ancestor';

export interface RestrictedTable {
  table: Table;
  /** root: the restricted table; descendant: rows that descend from the root rows; ancestor: rows referenced by included rows only. */
  role: ClosureRole;
  /** A boolean SQL expression selecting this table's included rows, referring to the table through `alias`. */
  condition(alias: string): string;
  /** For the root and descendants: the rows that descend from the root rows (a subset of `condition`). */
  descends?(alias: string): string;
}

export interface RestrictionPlan {
  root: Table;
  where: string;
  limit?: number;
  /** The tables that get rows, in dependency order. Every other table of the selection gets none. */
  tables: RestrictedTable[];
}

/** Find `name` or `schema.name` among the schemas' user tables. */
export function findTable(schemas: Schema[], name: string): Table {
  const all = schemas.flatMap((s) => s.tables);
  const exact = all.filter((t) => tableKey(t) === name);
  if (exact.length === 1) return exact[0];
  const bare = all.filter((t) => t.name === name);
  if (bare.length === 1) return bare[0];
  if (bare.length > 1)
    throw new DbInputError(
      `table ${name} exists in several schemas (${bare.map((t) => t.schema).join(', ')}); write it as schema.table`,
    );
  throw new DbInputError(`table ${name} is not among the tables of ${schemas.map((s) => s.name).join(', ')}`);
}

/**
 * The restriction closure as one self-contained condition per table. Each condition is
 * `(alias.pk…) IN (WITH … SELECT …)`, where the common table expressions compute, once per statement:
 *   d<i>: rows of table i descending from the root rows (root: the WHERE, with LIMIT in key order);
 *   f<i>: rows of table i that must be copied = d<i> plus every row referenced by an included child.
 * Processing children before parents for f (and parents before children for d) keeps the SQL linear in
 * the number of foreign keys, where nested EXISTS would grow with the number of paths.
 */
export function restrictionPlan(schemas: Schema[], spec: RestrictSpec): RestrictionPlan {
  const root = findTable(schemas, spec.table);
  checkCondition(spec.where);
  if (spec.limit !== undefined && (!Number.isInteger(spec.limit) || spec.limit < 1))
    throw new DbInputError(`--limit must be a positive integer, not ${spec.limit}`);
  const order = dependencyOrder(schemas);
  for (const t of order)
    if (t.primaryKey.length === 0)
      throw new DbInputError(`table ${tableKey(t)} has no primary key; a restricted copy needs one on every table`);
  const idx = new Map(order.map((t, i) => [tableKey(t), i]));
  const fksTo = (t: Table) =>
    t.foreignKeys.filter(
      (fk) => idx.has(`${fk.refSchema}.${fk.refTable}`) && `${fk.refSchema}.${fk.refTable}` !== tableKey(t),
    );
  const parentOf = (fk: { refSchema: string; refTable: string }) =>
    order[idx.get(`${fk.refSchema}.${fk.refTable}`) as number];

  // Descendants of the root: tables with a foreign key into {root} ∪ descendants (dependency order guarantees parents first).
  const down = new Set<string>([tableKey(root)]);
  for (const t of order) if (fksTo(t).some((fk) => down.has(`${fk.refSchema}.${fk.refTable}`))) down.add(tableKey(t));
  // Ancestors: everything referenced, transitively, from the root and its descendants.
  const closure = new Set(down);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (!closure.has(tableKey(t))) continue;
    for (const fk of fksTo(t)) closure.add(`${fk.refSchema}.${fk.refTable}`);
  }

  const pkCols = (t: Table, alias: string) => t.primaryKey.map((c) => `${q(alias)}.${q(c)}`).join(', ');
  const kCols = (t: Table) => t.primaryKey.map((_, i) => `k${i}`).join(', ');
  const tuple = (s: string, n: number) => (n === 1 ? s : `(${s})`);

  const cte = new Map<string, string>(); // name → definition
  const dName = (t: Table) => `d${idx.get(tableKey(t))}`;
  const fName = (t: Table) => `f${idx.get(tableKey(t))}`;

  const defineDown = (t: Table): void => {
    const name = dName(t);
    if (cte.has(name)) return;
    let body: string;
    if (t === root) {
      const order = t.primaryKey.map((c) => q(c)).join(', ');
      body =
        `SELECT ${t.primaryKey.map(q).join(', ')} FROM ${qt(t.schema, t.name)} WHERE (${spec.where})` +
        (spec.limit !== undefined ? ` ORDER BY ${order} LIMIT ${spec.limit}` : '');
    } else {
      const terms: string[] = [];
      for (const fk of fksTo(t)) {
        const p = parentOf(fk);
        if (!down.has(tableKey(p))) continue;
        defineDown(p);
        terms.push(semijoin('x', p, fk.columns, fk.refColumns, dName(p)));
      }
      body = `SELECT ${pkCols(t, 'x')} FROM ${qt(t.schema, t.name)} AS ${q('x')} WHERE ${terms.join(' OR ')}`;
    }
    cte.set(name, `${name} (${kCols(t)}) AS (${body})`);
  };

  /** `EXISTS (SELECT 1 FROM parent p WHERE p.ref = x.col AND (p.pk) IN (SELECT k… FROM set))` */
  const semijoin = (childAlias: string, parent: Table, cols: string[], refCols: string[], set: string): string => {
    const match = cols.map((c, i) => `${q('p')}.${q(refCols[i])} = ${q(childAlias)}.${q(c)}`).join(' AND ');
    return `EXISTS (SELECT 1 FROM ${qt(parent.schema, parent.name)} AS ${q('p')} WHERE ${match} AND ${tuple(pkCols(parent, 'p'), parent.primaryKey.length)} IN (SELECT ${kCols(parent)} FROM ${set}))`;
  };

  // A child's rows can only add parents that are not already in d<t> when they reach the root by another
  // path. When a descendant reaches it only through this key, and nothing below it adds rows (f = d),
  // the term is redundant: dropping it keeps the usual DataJoint chain down to one CTE per table.
  const fullIsDown = new Map<string, boolean>();
  const redundant = (c: Table, fk: Table['foreignKeys'][number]): boolean =>
    down.has(tableKey(c)) &&
    isFullDown(c) &&
    fksTo(c).filter((f) => down.has(`${f.refSchema}.${f.refTable}`)).length === 1 &&
    down.has(`${fk.refSchema}.${fk.refTable}`);
  const childTerms = (t: Table) =>
    order
      .filter((c) => closure.has(tableKey(c)))
      .flatMap((c) =>
        fksTo(c)
          .filter((fk) => parentOf(fk) === t)
          .map((fk) => ({ c, fk })),
      );
  function isFullDown(t: Table): boolean {
    const k = tableKey(t);
    if (!fullIsDown.has(k)) fullIsDown.set(k, down.has(k) && childTerms(t).every(({ c, fk }) => redundant(c, fk)));
    return fullIsDown.get(k) as boolean;
  }

  const defineFull = (t: Table): void => {
    const name = fName(t);
    if (cte.has(name)) return;
    const parts: string[] = [];
    if (down.has(tableKey(t))) {
      defineDown(t);
      parts.push(`SELECT ${kCols(t)} FROM ${dName(t)}`);
    }
    for (const { c, fk } of childTerms(t)) {
      if (redundant(c, fk)) continue;
      defineFull(c);
      const match = fk.columns.map((col, i) => `${q('c')}.${q(col)} = ${q('x')}.${q(fk.refColumns[i])}`).join(' AND ');
      parts.push(
        `SELECT ${pkCols(t, 'x')} FROM ${qt(t.schema, t.name)} AS ${q('x')} WHERE EXISTS (SELECT 1 FROM ${qt(c.schema, c.name)} AS ${q('c')} WHERE ${match} AND ${tuple(pkCols(c, 'c'), c.primaryKey.length)} IN (SELECT ${kCols(c)} FROM ${fName(c)}))`,
      );
    }
    cte.set(name, `${name} (${kCols(t)}) AS (${parts.join(' UNION ')})`);
  };

  const tables: RestrictedTable[] = order
    .filter((t) => closure.has(tableKey(t)))
    .map((t) => {
      cte.clear();
      defineFull(t);
      // Map insertion order is definition order, and every definition is added after the ones it uses.
      const withClause = `WITH ${[...cte.values()].join(', ')}`;
      const set = fName(t);
      const entry: RestrictedTable = {
        table: t,
        role: t === root ? 'root' : down.has(tableKey(t)) ? 'descendant' : 'ancestor',
        condition: (alias: string) =>
          `${tuple(pkCols(t, alias), t.primaryKey.length)} IN (${withClause} SELECT ${kCols(t)} FROM ${set})`,
      };
      if (down.has(tableKey(t))) {
        cte.clear();
        defineDown(t);
        const downWith = `WITH ${[...cte.values()].join(', ')}`;
        entry.descends = (alias: string) =>
          `${tuple(pkCols(t, alias), t.primaryKey.length)} IN (${downWith} SELECT ${kCols(t)} FROM ${dName(t)})`;
      }
      return entry;
    });
  return { root, where: spec.where, limit: spec.limit, tables };
}

/**
 * Check a user's `--where` against the server before anything is written: it must parse and refer only
 * to columns the server can resolve. The text is first proven to be one side-effect-free expression
 * (where.ts); only then does the server see it, in `SELECT 1 … WHERE (cond) LIMIT 0`, which reads no rows.
 */
export async function checkWhere(db: Queryable, table: Table, where: string): Promise<void> {
  checkCondition(where);
  try {
    await db.query(`SELECT 1 FROM ${qt(table.schema, table.name)} WHERE (${where}) LIMIT 0`);
  } catch (e) {
    const err = e as { sqlMessage?: string; message: string };
    throw new DbInputError(
      `--where ${JSON.stringify(where)} is not a valid condition on ${tableKey(table)}: ${err.sqlMessage ?? err.message}`,
    );
  }
}

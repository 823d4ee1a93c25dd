// Moving whole schemas' tables on one server in ONE `RENAME TABLE` (MySQL cannot rename a database): the
// plan (refusing name conflicts, triggers, views and keys from outside), `~lineage` rewritten to the new
// schema names in the same statement, the run with a bounded lock wait, and the check afterwards that every
// foreign key points at its own side (keys follow the tables they point at on MariaDB and MySQL 8; a key
// that did not is re-pointed). Used by `db swap`, `db unswap` and `db restore`.
import type { Db, Queryable } from './connection';
import { checkIdentifier, DbInputError, formatSql, q, qt } from './sql';
import { insertLineageSql, lineageTableSql, type LineageRow } from './lineage';

/** 2.x's `~lineage` names schemas in its values; a moved copy is rewritten under these names, then swapped in. */
const LINEAGE = '~lineage';
const LINEAGE_NEXT = '~lineage_swap';
const LINEAGE_PREVIOUS = '~lineage_replaced';

/** A schema-level move: every base table of `from` (hidden tables included) goes to `to`, same name. */
export interface SchemaMove {
  from: string;
  to: string;
}

export interface TableMove {
  fromSchema: string;
  toSchema: string;
  table: string;
}

/** A statement the operation runs (or, in a dry run, would run), in order. */
export interface PlannedStatement {
  sql: string;
  params?: unknown[];
  purpose: string;
  /** The one RENAME TABLE: run with a bounded lock wait. */
  rename?: boolean;
}

export interface RotationPlan {
  moves: SchemaMove[];
  tables: TableMove[];
  /** CREATE DATABASE for destinations that do not exist yet, then the one RENAME TABLE. */
  statements: PlannedStatement[];
  /** Why the rotation cannot run (name conflicts, triggers, views, keys from outside); empty when it can. */
  refusals: string[];
  /** Schemas that end up without tables (left in place, never dropped). */
  emptied: string[];
}

interface CatalogTable {
  schema: string;
  name: string;
  type: string;
}

/**
 * Plan moving every table of each `from` schema to its `to` schema in one RENAME TABLE. Refuses (without
 * throwing) when a destination keeps tables of its own, when triggers or views are involved, or when
 * tables outside the moved schemas have foreign keys into them (they would follow to the wrong side).
 */
export async function planRotation(db: Queryable, moves: SchemaMove[]): Promise<RotationPlan> {
  for (const m of moves) {
    checkIdentifier(m.from, 'schema');
    checkIdentifier(m.to, 'schema');
  }
  const names = [...new Set(moves.flatMap((m) => [m.from, m.to]))];
  const schemata = await db.query<{ name: string; charset: string; collation: string }>(
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    [names],
  );
  const exists = new Map(schemata.map((s) => [s.name, s]));
  const all = await db.query<CatalogTable>(
    'SELECT TABLE_SCHEMA AS `schema`, TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME',
    [names],
  );
  const refusals: string[] = [];
  const movedOut = new Set(moves.map((m) => m.from));
  const tables: TableMove[] = [];
  for (const m of moves) {
    if (!exists.has(m.from)) {
      refusals.push(`schema ${m.from} does not exist`);
      continue;
    }
    const base = all.filter(
      (t) => t.schema === m.from && t.type === 'BASE TABLE' && t.name !== LINEAGE_NEXT && t.name !== LINEAGE_PREVIOUS,
    );
    if (!base.length) refusals.push(`schema ${m.from} has no tables to move`);
    tables.push(...base.map((t) => ({ fromSchema: m.from, toSchema: m.to, table: t.name })));
    // A destination must be empty once the moves out of it are done: mixing two pipelines' tables in one
    // schema (or overwriting one) is never what the user wants.
    if (!movedOut.has(m.to)) {
      const staying = all.filter((t) => t.schema === m.to && t.name !== LINEAGE_NEXT && t.name !== LINEAGE_PREVIOUS);
      if (staying.length) {
        const list =
          staying
            .slice(0, 5)
            .map((t) => t.name)
            .join(', ') + (staying.length > 5 ? `, … ${staying.length - 5} more` : '');
        refusals.push(
          `schema ${m.to} already has ${staying.length} table(s) or view(s) (${list}); retire or rename it first — nothing was moved`,
        );
      }
    }
  }
  const pending = all.filter((t) => t.name === '~lineage_pending' && movedOut.has(t.schema));
  if (pending.length)
    refusals.push(
      `${pending.map((t) => `${t.schema}.~lineage_pending`).join(', ')} was left by an interrupted create-parallel or migrate-in-place; run that again to finish it first`,
    );
  const views = all.filter((t) => t.type !== 'BASE TABLE' && movedOut.has(t.schema));
  if (views.length)
    refusals.push(
      `views are not moved by RENAME TABLE and would be left behind: ${views.map((v) => `${v.schema}.${v.name}`).join(', ')}; drop them (and re-create them after the swap)`,
    );
  refusals.push(...(await triggersAndViews(db, names, movedOut)));
  refusals.push(...(await keysFromOutside(db, moves)));

  // Order: a move into a schema comes after every move out of it (RENAME TABLE runs left to right).
  const ordered: TableMove[] = [];
  const pendingSchemas = [...moves];
  while (pendingSchemas.length) {
    const i = pendingSchemas.findIndex((m) => !pendingSchemas.some((o) => o !== m && o.from === m.to));
    if (i < 0) {
      refusals.push(`the moves form a cycle (${pendingSchemas.map((m) => `${m.from}→${m.to}`).join(', ')})`);
      break;
    }
    const [m] = pendingSchemas.splice(i, 1);
    ordered.push(...tables.filter((t) => t.fromSchema === m.from && t.toSchema === m.to));
  }
  const statements: PlannedStatement[] = [];
  const lineage = await lineageRewrites(db, moves, tables);
  for (const m of moves) {
    if (exists.has(m.to)) continue;
    const src = exists.get(m.from);
    if (!src) continue;
    statements.push({
      sql: `CREATE DATABASE IF NOT EXISTS ${q(m.to)} CHARACTER SET ${word(src.charset)} COLLATE ${word(src.collation)}`,
      purpose: `schema ${m.to} (character set and collation of ${m.from})`,
    });
  }
  statements.push(...lineage.before);
  if (ordered.length)
    statements.push({
      sql: renameSql(ordered, lineage.schemas),
      purpose: `move ${ordered.length} tables in one atomic statement`,
      rename: true,
    });
  statements.push(...lineage.after);
  const emptied = moves.filter((m) => !moves.some((o) => o.to === m.from)).map((m) => m.from);
  return { moves, tables: ordered, statements, refusals, emptied };
}

/**
 * The one RENAME TABLE. For schemas in `rewrittenLineage`, `~lineage` stays behind as `~lineage_replaced`
 * and the rewritten `~lineage_swap` arrives as `~lineage` in the same statement.
 */
export function renameSql(moves: TableMove[], rewrittenLineage: ReadonlySet<string> = new Set()): string {
  const parts = moves.flatMap((m) =>
    m.table === LINEAGE && rewrittenLineage.has(m.fromSchema)
      ? [
          `${qt(m.fromSchema, LINEAGE)} TO ${qt(m.fromSchema, LINEAGE_PREVIOUS)}`,
          `${qt(m.fromSchema, LINEAGE_NEXT)} TO ${qt(m.toSchema, LINEAGE)}`,
        ]
      : [`${qt(m.fromSchema, m.table)} TO ${qt(m.toSchema, m.table)}`],
  );
  return 'RENAME TABLE\n  ' + parts.join(',\n  ');
}

/**
 * `~lineage` values are `schema.table.attribute`: once tables change schema they must name the new one.
 * For every moved `~lineage`, the rewritten rows go into `~lineage_swap` beside it before the rename
 * (leftovers of an interrupted run are dropped first), and the replaced table is dropped after it.
 */
async function lineageRewrites(
  db: Queryable,
  moves: SchemaMove[],
  tables: TableMove[],
): Promise<{ before: PlannedStatement[]; after: PlannedStatement[]; schemas: Set<string> }> {
  const rename = new Map(moves.map((m) => [m.from, m.to]));
  const names = [...rename.keys()].sort((a, b) => b.length - a.length);
  const renamed = (lineage: string): string => {
    const from = names.find((n) => lineage.startsWith(n + '.'));
    return from ? (rename.get(from) as string) + lineage.slice(from.length) : lineage;
  };
  const before: PlannedStatement[] = [];
  const after: PlannedStatement[] = [];
  const schemas = new Set<string>();
  for (const t of tables.filter((x) => x.table === LINEAGE)) {
    const rows = await db.query<LineageRow>(
      `SELECT table_name, attribute_name, lineage FROM ${qt(t.fromSchema, LINEAGE)} ORDER BY table_name, attribute_name`,
    );
    schemas.add(t.fromSchema);
    before.push(
      {
        sql: `DROP TABLE IF EXISTS ${qt(t.fromSchema, LINEAGE_NEXT)}, ${qt(t.fromSchema, LINEAGE_PREVIOUS)}`,
        purpose: `remove leftovers of an interrupted run in ${t.fromSchema}`,
      },
      {
        sql: lineageTableSql(t.fromSchema, LINEAGE_NEXT),
        purpose: `${t.toSchema}.~lineage, prepared beside the old one`,
      },
    );
    if (rows.length) {
      const ins = insertLineageSql(
        t.fromSchema,
        LINEAGE_NEXT,
        rows.map((r) => ({ ...r, lineage: renamed(r.lineage) })),
      );
      before.push({
        sql: ins.sql,
        params: ins.params,
        purpose: `${rows.length} ~lineage rows naming ${t.toSchema} instead of ${t.fromSchema}`,
      });
    }
    after.push({
      sql: `DROP TABLE ${qt(t.fromSchema, LINEAGE_PREVIOUS)}`,
      purpose: `the replaced ~lineage of ${t.fromSchema}`,
    });
  }
  return { before, after, schemas };
}

/** Statements as text with their values inlined, for dry runs and reports. */
export function statementText(s: PlannedStatement): string {
  return formatSql(s.sql, s.params);
}

function word(name: string): string {
  if (!/^\w+$/.test(name)) throw new DbInputError(`unexpected character set or collation name ${JSON.stringify(name)}`);
  return name;
}

/** Triggers break a cross-database RENAME ("Trigger in wrong schema"); views elsewhere would keep pointing at the old names. */
async function triggersAndViews(db: Queryable, schemas: string[], movedOut: Set<string>): Promise<string[]> {
  const out: string[] = [];
  const triggers = await db.query<{ s: string; name: string; t: string; ts: string }>(
    'SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS name, EVENT_OBJECT_SCHEMA AS ts, EVENT_OBJECT_TABLE AS t FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA IN (?)',
    [schemas],
  );
  if (triggers.length)
    out.push(
      `triggers make a cross-database RENAME TABLE fail: ${triggers.map((t) => `${t.s}.${t.name} on ${t.ts}.${t.t}`).join(', ')}; drop them first (DataJoint never creates triggers)`,
    );
  const views = await db.query<{ s: string; name: string; def: string }>(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS name, VIEW_DEFINITION AS def FROM information_schema.VIEWS WHERE TABLE_SCHEMA NOT IN (?)',
    [[...movedOut]],
  );
  const referencing = views.filter((v) => [...movedOut].some((s) => (v.def ?? '').includes(q(s) + '.')));
  if (referencing.length)
    out.push(
      `views outside the moved schemas read their tables and would silently switch sides: ${referencing.map((v) => `${v.s}.${v.name}`).join(', ')}; drop or redefine them first`,
    );
  return out;
}

/** Tables outside the moved schemas with keys into them would follow their parents to the wrong side. */
async function keysFromOutside(db: Queryable, moves: SchemaMove[]): Promise<string[]> {
  const moved = [...new Set(moves.map((m) => m.from))];
  const rows = await db.query<{ s: string; t: string; name: string; rs: string; rt: string }>(
    'SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS name, UNIQUE_CONSTRAINT_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt ' +
      'FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA IN (?) AND CONSTRAINT_SCHEMA NOT IN (?)',
    [moved, moved],
  );
  return rows.map(
    (r) =>
      `${r.s}.${r.t} has a foreign key (${r.name}) to ${r.rs}.${r.rt}; it would follow that table to its new schema. Include ${r.s} in --schemas (with its own parallel schema) or drop the key`,
  );
}

/** `CHECKSUM TABLE` of every base table of the schemas: the same table at two moments, so equal means unchanged. */
export async function tableChecksums(db: Queryable, schemas: string[]): Promise<Map<string, string>> {
  const tables = await db.query<{ s: string; t: string }>(
    "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2",
    [schemas],
  );
  const out = new Map<string, string>();
  for (const { s, t } of tables) {
    const [row] = await db.query<{ Checksum: string | number | null }>(`CHECKSUM TABLE ${qt(s, t)} EXTENDED`);
    out.set(`${s}.${t}`, String(row?.Checksum ?? 'null'));
  }
  return out;
}

export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/**
 * Run a planned rotation: destinations and prepared ~lineage first, then the one RENAME with a bounded
 * wait for locks, then the clean-up. A failure before or in the rename removes what was prepared.
 */
export async function runRotation(db: Db, plan: RotationPlan, lockWaitSeconds = 5): Promise<void> {
  await db.withConnection(async (c) => {
    const at = plan.statements.findIndex((s) => s.rename);
    if (at < 0) return;
    try {
      for (const st of plan.statements.slice(0, at)) await c.execute(st.sql, st.params);
      await c.execute('SET SESSION lock_wait_timeout = ?', [Math.max(1, Math.round(lockWaitSeconds))]);
      try {
        await c.execute(plan.statements[at].sql);
      } finally {
        await c.execute('SET SESSION lock_wait_timeout = DEFAULT');
      }
    } catch (e) {
      for (const m of plan.moves)
        await c.execute(`DROP TABLE IF EXISTS ${qt(m.from, LINEAGE_NEXT)}`).catch(() => undefined);
      throw e;
    }
    for (const st of plan.statements.slice(at + 1)) await c.execute(st.sql, st.params);
  });
}

export interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  refSchema: string;
  refTable: string;
}

/**
 * After a rotation, every foreign key of a table in `sides[i]` must point into `sides[i]`. Keys that point
 * at the other side are re-created pointing at the same-named table on their own side (one ALTER per table).
 */
export async function alignForeignKeys(
  db: Db,
  sides: string[][],
  dryRun = false,
): Promise<{ fixes: string[]; statements: string[] }> {
  const all = sides.flat();
  const rows = await db.query<ForeignKeyRow & { cols: string; refCols: string; upd: string; del: string }>(
    'SELECT k.TABLE_SCHEMA AS `schema`, k.TABLE_NAME AS `table`, k.CONSTRAINT_NAME AS name, k.REFERENCED_TABLE_SCHEMA AS refSchema, k.REFERENCED_TABLE_NAME AS refTable, ' +
      'GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR 0x00) AS cols, GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR 0x00) AS refCols, ' +
      'MAX(r.UPDATE_RULE) AS upd, MAX(r.DELETE_RULE) AS del FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ' +
      'ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME ' +
      'WHERE k.TABLE_SCHEMA IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL GROUP BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME',
    [all],
  );
  const fixes: string[] = [];
  const statements: string[] = [];
  const byTable = new Map<string, string[]>();
  for (const r of rows) {
    const side = sides.find((s) => s.includes(r.schema)) as string[];
    if (side.includes(r.refSchema) || !all.includes(r.refSchema)) continue;
    const position = sides.find((s) => s.includes(r.refSchema))!.indexOf(r.refSchema);
    const own = side[position];
    const cols = String(r.cols).split('\u0000');
    const refCols = String(r.refCols).split('\u0000');
    fixes.push(
      `${r.schema}.${r.table} key ${r.name} pointed at ${r.refSchema}.${r.refTable}; now ${own}.${r.refTable}`,
    );
    const key = qt(r.schema, r.table);
    byTable.set(key, [
      ...(byTable.get(key) ?? []),
      `DROP FOREIGN KEY ${q(r.name)}`,
      `ADD CONSTRAINT ${q(r.name)} FOREIGN KEY (${cols.map(q).join(', ')}) REFERENCES ${qt(own, r.refTable)} (${refCols.map(q).join(', ')}) ON UPDATE ${rule(r.upd)} ON DELETE ${rule(r.del)}`,
    ]);
  }
  for (const [table, parts] of byTable) {
    // DROP and ADD of the same constraint name cannot share one ALTER on every server; two statements it is.
    const drops = parts.filter((p) => p.startsWith('DROP'));
    const adds = parts.filter((p) => p.startsWith('ADD'));
    statements.push(`ALTER TABLE ${table} ${drops.join(', ')}`, `ALTER TABLE ${table} ${adds.join(', ')}`);
  }
  if (!dryRun) for (const s of statements) await db.execute(s);
  return { fixes, statements };
}

function rule(r: string): string {
  const up = String(r).toUpperCase();
  if (!['RESTRICT', 'CASCADE', 'SET NULL', 'NO ACTION', 'SET DEFAULT'].includes(up))
    throw new DbInputError(`unexpected foreign key rule ${r}`);
  return up;
}

// Dependency order across schemas and the restriction closure, checked on the real server by the
// properties a consistent sample must have rather than by recorded outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, uniquePrefix, dropPrefixed, testServer } from './harness';
import { introspect } from '../../client/src/db/introspect';
import {
  dependencyOrder,
  restrictionPlan,
  checkWhere,
  findTable,
  type RestrictionPlan,
} from '../../client/src/db/plan';
import { openDb, type Db } from '../../client/src/db/connection';
import { DbInputError, q, qt } from '../../client/src/db/sql';
import { tableKey, type Table } from '../../client/src/db/model';

const count = async (db: Db, sql: string) => Number((await db.query<{ n: string }>(sql))[0].n);
const from = (t: Table, alias: string) => `${qt(t.schema, t.name)} AS ${q(alias)}`;
const match = (cols: string[], refCols: string[], child: string, parent: string) =>
  cols.map((c, i) => `${q(parent)}.${q(refCols[i])} = ${q(child)}.${q(c)}`).join(' AND ');

/** The properties every restriction closure must have: closed under foreign keys, complete downwards, nothing extra upwards. */
async function checkClosure(db: Db, plan: RestrictionPlan): Promise<void> {
  const entry = new Map(plan.tables.map((t) => [tableKey(t.table), t]));
  for (const child of plan.tables) {
    for (const fk of child.table.foreignKeys) {
      const parent = entry.get(`${fk.refSchema}.${fk.refTable}`);
      if (fk.refTable.startsWith('~')) continue;
      assert.ok(parent, `${tableKey(child.table)} → ${fk.refTable} must be in the closure`);
      const dangling = await count(
        db,
        `SELECT COUNT(*) AS n FROM ${from(child.table, 'c')} WHERE ${child.condition('c')} AND ${fk.columns.map((c) => `${q('c')}.${q(c)} IS NOT NULL`).join(' AND ')}
           AND NOT EXISTS (SELECT 1 FROM ${from(parent.table, 'p')} WHERE ${match(fk.columns, fk.refColumns, 'c', 'p')} AND ${parent.condition('p')})`,
      );
      assert.equal(dangling, 0, `${tableKey(child.table)} rows whose ${fk.refTable} parent is not included`);
      if (parent.descends) {
        // Completeness downwards: whatever references a row descending from the root rows is included.
        assert.ok(child.descends, `${tableKey(child.table)} references a descendant table, so it is a descendant`);
        const left = await count(
          db,
          `SELECT COUNT(*) AS n FROM ${from(child.table, 'c')} WHERE NOT (${child.condition('c')})
             AND EXISTS (SELECT 1 FROM ${from(parent.table, 'p')} WHERE ${match(fk.columns, fk.refColumns, 'c', 'p')} AND ${parent.descends('p')})`,
        );
        assert.equal(left, 0, `${tableKey(child.table)} rows descending from included ${fk.refTable} rows are missing`);
      }
    }
  }
  for (const a of plan.tables.filter((t) => t.role === 'ancestor')) {
    const referrers = plan.tables.flatMap((c) =>
      c.table.foreignKeys
        .filter((fk) => `${fk.refSchema}.${fk.refTable}` === tableKey(a.table))
        .map((fk) => ({ c, fk })),
    );
    const unreferenced = await count(
      db,
      `SELECT COUNT(*) AS n FROM ${from(a.table, 'a')} WHERE ${a.condition('a')} AND NOT (${referrers
        .map(
          ({ c, fk }) =>
            `EXISTS (SELECT 1 FROM ${from(c.table, 'c')} WHERE ${match(fk.columns, fk.refColumns, 'c', 'a')} AND ${c.condition('c')})`,
        )
        .join(' OR ')})`,
    );
    assert.equal(unreferenced, 0, `${tableKey(a.table)} has included rows nothing included refers to`);
  }
}

test('dependency order puts every parent before its children, across schemas, whatever the schema order given', async () => {
  const f = await loadFixture('dj014');
  try {
    for (const schemas of [f.schemas, [...f.schemas].reverse()]) {
      const order = dependencyOrder(await introspect(f.db, schemas));
      assert.equal(order.length, 11);
      const pos = new Map(order.map((t, i) => [tableKey(t), i]));
      for (const t of order)
        for (const fk of t.foreignKeys) {
          if (fk.refTable.startsWith('~')) continue;
          assert.ok(
            (pos.get(`${fk.refSchema}.${fk.refTable}`) as number) < (pos.get(tableKey(t)) as number),
            `${fk.refTable} before ${t.name}`,
          );
        }
      assert.ok(order.every((t) => !t.name.startsWith('~')));
    }
  } finally {
    await f.cleanup();
  }
});

test('restriction closure on the fixture: the limited root rows, all their descendants, and exactly the ancestors they reference', async () => {
  const f = await loadFixture('dj014');
  try {
    const schemas = await introspect(f.db, f.schemas);
    const plan = restrictionPlan(schemas, { table: `${f.schemas[1]}.session`, where: 'subject_id = 101', limit: 1 });
    await checkClosure(f.db, plan);
    const counts: Record<string, number> = {};
    for (const t of plan.tables)
      counts[t.table.name] = await count(
        f.db,
        `SELECT COUNT(*) AS n FROM ${from(t.table, 'x')} WHERE ${t.condition('x')}`,
      );
    const expectedRoot = await f.db.query(
      `SELECT subject_id, session_date, session_idx FROM ${qt(f.schemas[1], 'session')} WHERE subject_id = 101 ORDER BY 1, 2, 3 LIMIT 1`,
    );
    const gotRoot = await f.db.query(
      `SELECT subject_id, session_date, session_idx FROM ${from(plan.root, 'x')} WHERE ${plan.tables.find((t) => t.role === 'root')?.condition('x')}`,
    );
    assert.deepEqual(gotRoot, expectedRoot);
    assert.deepEqual(counts, {
      '#species': 1,
      subject: 1,
      user: 1,
      session: 1,
      recording: 1,
      _neuron: 3,
      session__note: 2,
      '#activity_params': 2,
      __activity_stats: 6,
      __activity_stats__bin: 30,
      __failing: 0,
    });
    assert.deepEqual(Object.fromEntries(plan.tables.map((t) => [t.table.name, t.role])).user, 'ancestor');

    const wide = restrictionPlan(schemas, { table: '_neuron', where: 'neuron_id = 2' });
    await checkClosure(f.db, wide);
    assert.equal(
      wide.tables.some((t) => t.table.name === 'session__note'),
      false,
      'siblings of the root are not in the closure',
    );
  } finally {
    await f.cleanup();
  }
});

test('a row reached through one parent brings its other parents along (diamond through renamed keys)', async () => {
  const prefix = uniquePrefix();
  const db = await openDb(testServer);
  const s = `${prefix}pairs`;
  try {
    await db.execute(`CREATE DATABASE ${q(s)}`);
    await db.execute(`CREATE TABLE ${qt(s, 'cell')} (cell_id int NOT NULL, PRIMARY KEY (cell_id))`);
    await db.execute(
      `CREATE TABLE ${qt(s, 'pair')} (a_id int NOT NULL, b_id int NOT NULL, PRIMARY KEY (a_id, b_id),
        FOREIGN KEY (a_id) REFERENCES ${qt(s, 'cell')} (cell_id) ON UPDATE CASCADE, FOREIGN KEY (b_id) REFERENCES ${qt(s, 'cell')} (cell_id) ON UPDATE CASCADE)`,
    );
    await db.execute(
      `CREATE TABLE ${qt(s, 'pair__score')} (a_id int NOT NULL, b_id int NOT NULL, score double NOT NULL, PRIMARY KEY (a_id, b_id), FOREIGN KEY (a_id, b_id) REFERENCES ${qt(s, 'pair')} (a_id, b_id))`,
    );
    await db.execute(`INSERT INTO ${qt(s, 'cell')} VALUES (1), (2), (3), (4)`);
    await db.execute(`INSERT INTO ${qt(s, 'pair')} VALUES (1, 2), (3, 1), (3, 4)`);
    await db.execute(`INSERT INTO ${qt(s, 'pair__score')} VALUES (1, 2, 0.5), (3, 4, 0.1)`);
    const plan = restrictionPlan(await introspect(db, [s]), { table: 'cell', where: 'cell_id = 1' });
    await checkClosure(db, plan);
    const rows = async (name: string) => {
      const t = plan.tables.find((x) => x.table.name === name) as (typeof plan.tables)[number];
      return db.query(
        `SELECT * FROM ${from(t.table, 'x')} WHERE ${t.condition('x')} ORDER BY ${t.table.primaryKey.map(q).join(', ')}`,
      );
    };
    assert.deepEqual(
      (await rows('cell')).map((r) => r.cell_id),
      [1, 2, 3],
    );
    assert.deepEqual(await rows('pair'), [
      { a_id: 1, b_id: 2 },
      { a_id: 3, b_id: 1 },
    ]);
    assert.deepEqual((await rows('pair__score')).length, 1);
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});

test('bad restrictions are input errors: invalid SQL, several statements, unknown tables, bad limits', async () => {
  const f = await loadFixture('dj014');
  try {
    const schemas = await introspect(f.db, f.schemas);
    const session = findTable(schemas, 'session');
    const isInput = (re: RegExp) => (e: Error) => e instanceof DbInputError && re.test(e.message);
    await assert.rejects(checkWhere(f.db, session, 'subject_id = = 3'), isInput(/not a valid condition.*syntax/));
    await assert.rejects(checkWhere(f.db, session, 'no_such_column = 1'), isInput(/Unknown column/));
    await assert.rejects(checkWhere(f.db, session, '1; DROP TABLE x'), isInput(/single condition/));
    await checkWhere(f.db, session, "notes_free_text = 'a;b'".replace('notes_free_text', 'experimenter'));
    assert.throws(() => findTable(schemas, 'nope'), isInput(/is not among the tables/));
    assert.throws(() => restrictionPlan(schemas, { table: 'session', where: ' ' }), isInput(/empty/));
    assert.throws(
      () => restrictionPlan(schemas, { table: 'session', where: '1', limit: 0 }),
      isInput(/positive integer/),
    );
  } finally {
    await f.cleanup();
  }
});

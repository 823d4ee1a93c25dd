// The UI operations with a target server chosen (OperationContext.target), against the real servers: Create
// Parallel on PostgreSQL (plan writes nothing, run creates the 2.x schemas under the production names),
// Preflight checking the PostgreSQL side, Copy (dry run first), Compare equal and Verify there through the
// cross-server engine, Verify on another MySQL connection, and the same-server-same-names refusal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS, type OperationContext, type RunHooks } from '../../client/src/ui/operations';
import { loadFixture, testServer, type LoadedFixture } from '../db/harness';
import { createPgDatabase, pgServer, type PgTestDatabase } from '../db/pgHarness';
import { openPg, type PgDb } from '../../client/src/db/connect/dialects/postgres';
import { openDb, type Db } from '../../client/src/db/connection';

function hooks(): RunHooks & { messages: string[] } {
  const messages: string[] = [];
  return { signal: new AbortController().signal, messages, progress: (m) => messages.push(m) };
}

describe('UI operations into another server', { timeout: 300_000 }, () => {
  let fx: LoadedFixture;
  let pgdb: PgTestDatabase;
  let pgConn: PgDb;
  let base: OperationContext;
  let pgCtx: OperationContext;

  before(async () => {
    fx = await loadFixture('dj014');
    pgdb = await createPgDatabase();
    pgConn = await openPg({ dialect: 'postgresql', ...pgServer, database: pgdb.name, password: '', tls: false });
    base = { db: fx.db, suffix: '_v2', policy: 'widen', stores: fx.storesConfig, statePath: null };
    pgCtx = { ...base, suffix: '', target: { where: 'pg', connection: { dialect: 'postgresql', db: pgConn } } };
  });
  after(async () => {
    await pgConn?.close();
    await pgdb?.drop();
    await fx?.cleanup();
  });

  const pgSchemas = async () =>
    (
      await (
        await pgdb.client()
      ).query(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, [fx.schemas])
    ).rows.map((r) => r.nspname);

  it('Preflight with a PostgreSQL target checks that server too', async () => {
    const r = await OPERATIONS.preflight.run(pgCtx, { schemas: fx.schemas }, hooks());
    assert.equal(r.outcome, 'ok', JSON.stringify(r, null, 1));
    assert.ok(
      r.notes.some((n) => /^Target postgresql:\/\/postgres@.*: 15\.\d+, user postgres$/.test(n)),
      r.notes.join('\n'),
    );
    assert.match(r.where, / → pg$/);
  });

  it('Create Parallel on PostgreSQL: the plan writes nothing; the run creates the schemas under the production names', async () => {
    const plan = await OPERATIONS['create-parallel'].plan(pgCtx, { schemas: [fx.schemas[0]] });
    assert.ok(
      plan.statements.some((s) => s === `CREATE SCHEMA "${fx.schemas[0]}"`),
      plan.statements.join('\n'),
    );
    assert.ok(plan.statements.some((s) => /^CREATE TYPE .*"enum_e54fc739" AS ENUM/.test(s)));
    assert.deepEqual(await pgSchemas(), []);

    const r = await OPERATIONS['create-parallel'].run(pgCtx, { schemas: [fx.schemas[0]] }, hooks());
    assert.equal(r.outcome, 'ok', JSON.stringify(r, null, 1));
    assert.deepEqual(await pgSchemas(), [fx.schemas[0]]);
    assert.deepEqual(
      r.tables.map((t) => [t.table, t.target, t.status]).sort(),
      ['#species', 'subject', 'user'].map((t) => [`${fx.schemas[0]}.${t}`, `${fx.schemas[0]}.${t}`, 'created']).sort(),
    );
    const again = await OPERATIONS['create-parallel'].run(pgCtx, { schemas: [fx.schemas[0]] }, hooks());
    assert.ok(
      again.tables.every((t) => t.status === 'already as expected'),
      JSON.stringify(again.tables),
    );
  });

  it('Copy into PostgreSQL (the plan writes nothing), then Compare is equal and Verify passes there', async () => {
    const schemas = fx.schemas;
    const created = await OPERATIONS['create-parallel'].run(pgCtx, { schemas }, hooks());
    assert.equal(created.outcome, 'ok', JSON.stringify(created, null, 1));
    const subjects = async () =>
      (await (await pgdb.client()).query(`SELECT COUNT(*)::int AS n FROM "${schemas[0]}"."subject"`)).rows[0].n;

    const plan = await OPERATIONS.copy.plan(pgCtx, { schemas });
    assert.match(plan.where, / → pg$/);
    assert.equal(await subjects(), 0);

    const copied = await OPERATIONS.copy.run(pgCtx, { schemas }, hooks());
    assert.equal(copied.outcome, 'ok', JSON.stringify(copied, null, 1));
    const [src] = await fx.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM \`${schemas[0]}\`.subject`);
    assert.equal(await subjects(), Number(src.n));
    const again = await OPERATIONS.copy.run(pgCtx, { schemas }, hooks());
    assert.ok(
      again.tables.every((t) => t.counts.inserted === 0),
      JSON.stringify(again.tables.map((t) => t.counts)),
    );

    const compared = await OPERATIONS.compare.run(pgCtx, { schemas }, hooks());
    assert.equal(compared.outcome, 'ok', JSON.stringify(compared.tables.filter((t) => t.status !== 'equal')));
    assert.equal(compared.tables.length, 11);

    const verified = await OPERATIONS.verify.run(pgCtx, { schemas }, hooks());
    assert.equal(verified.outcome, 'ok', JSON.stringify(verified.tables.filter((t) => t.status !== 'ready')));
    assert.equal(verified.where, 'pg');
  });

  describe('another MySQL connection', () => {
    let dj2: LoadedFixture;
    let second: Db;
    let myCtx: OperationContext;
    before(async () => {
      dj2 = await loadFixture('dj2');
      second = await openDb(testServer);
      myCtx = { ...base, suffix: '', target: { where: 'second', connection: { dialect: 'mysql', db: second } } };
    });
    after(async () => {
      await second?.close();
      await dj2?.cleanup();
    });

    it('Verify reads the 2.x schemas on the target connection under their names', async () => {
      const r = await OPERATIONS.verify.run({ ...myCtx, stores: dj2.storesConfig }, { schemas: dj2.schemas }, hooks());
      assert.equal(r.outcome, 'ok', JSON.stringify(r.tables.filter((t) => t.status !== 'ready')));
      assert.equal(r.where, 'second');
      assert.ok(r.tables.some((t) => t.table === `${dj2.schemas[1]}.recording`));
    });

    it('Create Parallel refuses the production names when the target is the source server itself', async () => {
      await assert.rejects(
        OPERATIONS['create-parallel'].plan(myCtx, { schemas: [fx.schemas[0]] }),
        /--target is the source server itself/,
      );
    });
  });
});

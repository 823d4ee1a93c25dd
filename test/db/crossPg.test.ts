// Migrating 0.14.6-on-MySQL straight into DataJoint 2.x on PostgreSQL (`--target postgresql://…`): dj014 →
// create-parallel, copy, compare and verify into a scratch PostgreSQL database. Every value reads back as
// values.json records (blob reader on bytea, in-store JSON → files, attachments, booleans, uuids); a re-run
// inserts nothing; a planted difference is reported by copy and compare and never overwritten.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFixture, type LoadedFixture } from './harness';
import { runCli } from './cliRun';
import { createPgDatabase, pgServer, type PgTestDatabase } from './pgHarness';
import { pgValuesMismatches } from './pgValues';
import { crossCopy } from '../../client/src/db/cross/copy';
import { crossCompare } from '../../client/src/db/cross/compare';
import { openPgSide } from '../../client/src/db/cross/pgSide';
import { qt } from '../../client/src/db/sql';

const ENV = { env: { DJ_TARGET_PASS: '' } };
const tmpState = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djm-pg-state-')), 'state.json');

async function counts(
  run: (sql: string) => Promise<{ n: string | number }[]>,
  list: (s: string) => Promise<string[]>,
  schemas: string[],
  quote: (s: string, t: string) => string,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of schemas)
    for (const t of await list(s))
      out[`${s}.${t}`] = Number((await run(`SELECT COUNT(*) AS n FROM ${quote(s, t)}`))[0].n);
  return out;
}

describe('db copy/compare/verify --target postgresql://', () => {
  let fx: LoadedFixture;
  let pgdb: PgTestDatabase;
  let schemaList: string;
  const side = () => openPgSide({ dialect: 'postgresql', ...pgServer, database: pgdb.name, password: '', tls: false });

  before(async () => {
    [fx, pgdb] = await Promise.all([loadFixture('dj014'), createPgDatabase()]);
    schemaList = fx.schemas.join(',');
    const created = await runCli(['db', 'create-parallel', '--schemas', schemaList, '--target', pgdb.url], ENV);
    assert.equal(created.code, 0, created.err + created.out);
  });
  after(async () => {
    await pgdb?.drop();
    await fx?.cleanup();
  });

  const sourceCounts = () =>
    counts(
      (sql) => fx.db.query(sql),
      async (s) =>
        (
          await fx.db.query<{ t: string }>(
            "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE '~%'",
            [s],
          )
        ).map((r) => r.t),
      fx.schemas,
      qt,
    );
  const targetCounts = async () => {
    const c = await pgdb.client();
    return counts(
      async (sql) => (await c.query(sql)).rows,
      async (s) =>
        (
          await c.query("SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename NOT LIKE '~%'", [s])
        ).rows.map((r) => r.t),
      fx.schemas,
      (s, t) => `"${s}"."${t}"`,
    );
  };

  it('copies dj014 with production names; compare is equal; verify passes; every value equals values.json; a re-run inserts nothing', async () => {
    const state = tmpState();
    const args = ['--schemas', schemaList, '--target', pgdb.url, '--stores', fx.storesFile];
    const copied = await runCli(['db', 'copy', ...args, '--state', state], ENV);
    assert.equal(copied.code, 0, copied.err + copied.out);
    const want = await sourceCounts();
    assert.deepEqual(await targetCounts(), want);
    assert.ok(
      Object.values(want).some((n) => n > 100),
      'rows were copied',
    );

    const compared = await runCli(['db', 'compare', ...args], ENV);
    assert.equal(compared.code, 0, compared.err + compared.out);
    assert.match(compared.out, /^Equal/m);
    assert.doesNotMatch(compared.out, /DIFFERENT/);

    const verified = await runCli(
      ['db', 'verify', '--schemas', schemaList, '--target', pgdb.url, '--stores', fx.storesFile],
      ENV,
    );
    assert.equal(verified.code, 0, verified.err + verified.out);
    assert.match(verified.out, /ready for DataJoint 2\.x/);
    assert.match(verified.out, /PASS {2}\S+_ephys\.recording {2}\(\d+ values checked\)/);

    const read = await pgValuesMismatches(await pgdb.client(), fx.schemas, fx.storesConfig);
    assert.deepEqual(read.mismatches, []);
    assert.ok(read.compared > 1000, `${read.compared} values compared`);
    // Native types, as 2.x writes them on PostgreSQL.
    const [types] = (
      await (
        await pgdb.client()
      ).query(
        `SELECT pg_typeof(u.active)::text AS b, pg_typeof(s.external_id)::text AS u, jsonb_typeof(e.metadata) AS j
           FROM "${fx.schemas[0]}"."user" u, "${fx.schemas[0]}".subject s, "${fx.schemas[1]}".session e
          WHERE e.metadata IS NOT NULL LIMIT 1`,
      )
    ).rows;
    assert.deepEqual(types, { b: 'boolean', u: 'uuid', j: 'object' });

    const again = await runCli(['db', 'copy', ...args, '--state', state, '--json'], ENV);
    assert.equal(again.code, 0, again.err + again.out);
    const report = JSON.parse(again.out) as { tables: { rowsInserted: number; rowsAlreadyPresent: number }[] };
    assert.equal(
      report.tables.reduce((s, t) => s + t.rowsInserted, 0),
      0,
    );
    assert.equal(
      report.tables.reduce((s, t) => s + t.rowsAlreadyPresent, 0),
      Object.values(want).reduce((a, b) => a + b, 0),
    );
  });

  it('a differing row in PostgreSQL is reported by copy (and left alone) and by compare', async () => {
    const s = await side();
    const c = await pgdb.client();
    try {
      const lab = fx.schemas[0];
      const [row] = (await c.query(`SELECT subject_id, notes FROM "${lab}".subject ORDER BY subject_id LIMIT 1`)).rows;
      await c.query(`UPDATE "${lab}".subject SET notes = 'planted' WHERE subject_id = $1`, [row.subject_id]);
      await c.query(`UPDATE "${lab}"."user" SET active = NOT active WHERE username = 'alice'`);
      const pairs = fx.schemas.map((x) => ({ source: x, target: x }));
      const report = await crossCopy(fx.db, s, { pairs, stores: fx.storesConfig });
      const subject = report.tables.find((x) => x.source === `${lab}.subject`);
      assert.equal(subject?.conflictCount, 1);
      assert.deepEqual(subject?.conflicts[0].columns, ['notes']);
      assert.equal(String(subject?.conflicts[0].key.subject_id), String(row.subject_id));
      assert.equal(report.tables.find((x) => x.source === `${lab}.user`)?.conflicts[0]?.columns.join(), 'active');
      assert.equal(
        report.tables.reduce((n, t) => n + t.rowsInserted, 0),
        0,
      );
      const [still] = (await c.query(`SELECT notes FROM "${lab}".subject WHERE subject_id = $1`, [row.subject_id]))
        .rows;
      assert.equal(still.notes, 'planted', 'never overwritten');

      const cmp = await crossCompare(fx.db, s, { pairs, stores: fx.storesConfig });
      assert.equal(cmp.equal, false);
      const diffs = cmp.tables.flatMap((x) => x.differences).map((d) => `${d.column}: ${d.production} → ${d.test}`);
      assert.deepEqual(diffs.sort(), ['active: 1 → 0', `notes: ${row.notes} → planted`].sort());
      await c.query(`UPDATE "${lab}".subject SET notes = $1 WHERE subject_id = $2`, [row.notes, row.subject_id]);
      await c.query(`UPDATE "${lab}"."user" SET active = NOT active WHERE username = 'alice'`);
      assert.equal((await crossCompare(fx.db, s, { pairs, stores: fx.storesConfig })).equal, true);
    } finally {
      await s.close();
    }
  });
});

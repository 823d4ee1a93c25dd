// db inspect --target and db preflight --target, against the real PostgreSQL 15 (a scratch database per test)
// and the local MariaDB as a "second" MySQL server: inspect reads dj2pg/schema.sql (declared by real 2.x)
// with its 2.x types from the column comments; preflight checks the target's version, the privileges there
// (with PostgreSQL GRANTs for a restricted role) and refuses values PostgreSQL cannot hold, writing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadFixture } from './harness';
import { runCli } from './cliRun';
import { createPgDatabase, pgServer, runDumpFile } from './pgHarness';
import { fixturesDir } from '../helpers/paths';
import { qt } from '../../client/src/db/sql';

const dj2pg = (f: string) => path.join(fixturesDir, 'dj2pg', f);
const env = { DJ_TARGET_PASS: '' };

test('inspect --target postgresql: the 2.x schemas with their types read from the `:<type>:` comments', async () => {
  const pgdb = await createPgDatabase();
  try {
    await runDumpFile(await pgdb.client(), dj2pg('schema.sql'));
    const schemas = ['djfix2pg_lab', 'djfix2pg_ephys', 'djfix2pg_analysis'];
    const base = ['db', 'inspect', '--schemas', schemas.join(','), '--target', pgdb.url];
    const text = await runCli(base, { env });
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, new RegExp(`^on postgresql://postgres@127\\.0\\.0\\.1:5432/${pgdb.name} \\(PostgreSQL\\)`));
    assert.match(text.out, /schema djfix2pg_lab: 2\.x/);
    assert.match(text.out, /\* subject_id: bigint — :int64: # /);
    assert.match(text.out, /sex: enum\('M','F','U'\) — :enum\('M', 'F', 'U'\):/);
    assert.match(text.out, /signal: jsonb — <blob@raw> \(2\.x JSON\)/);
    assert.match(text.out, /hidden tables: .*~lineage/);
    assert.match(text.out, /dependency order: djfix2pg_lab\.#species, /);

    const json = await runCli([...base, '--json'], { env });
    assert.equal(json.code, 0, json.err);
    const r = JSON.parse(json.out);
    assert.deepEqual(
      r.schemas.map((s: { name: string; version: string }) => [s.name, s.version]),
      schemas.map((s) => [s, '2.x']),
    );
    assert.equal(
      r.schemas.reduce((n: number, s: { tables: unknown[] }) => n + s.tables.length, 0),
      11,
    );
    const lab = r.schemas[0];
    const subject = lab.tables.find((t: { name: string }) => t.name === 'subject');
    assert.equal(subject.tier, 'manual');
    assert.deepEqual(subject.primaryKey, ['subject_id']);
    assert.deepEqual(
      subject.foreignKeys.map((f: { refTable: string; onUpdate: string }) => [f.refTable, f.onUpdate]),
      [['#species', 'CASCADE']],
    );
    type Col = { name: string; label2x: string | null; storage: { form: string }; nullable: boolean };
    const byName = (t: { columns: Col[] }, c: string) => t.columns.find((x) => x.name === c) as Col;
    const recording = r.schemas[1].tables.find((t: { name: string }) => t.name === 'recording');
    assert.deepEqual(byName(recording, 'signal').storage, { form: 'json2x', codec: 'blob', store: 'raw' });
    assert.equal(byName(recording, 'signal').label2x, '<blob@raw>');
    // Inherited foreign-key columns carry no comment on PostgreSQL: no label, the native type shows.
    assert.equal(byName(recording, 'subject_id').label2x, null);

    const missing = await runCli(['db', 'inspect', '--schemas', 'djfix2pg_nope', '--target', pgdb.url], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /schema not found on postgresql:\/\/.*: djfix2pg_nope/);
  } finally {
    await pgdb.drop();
  }
});

test('preflight --target postgresql: version and privileges there pass; a value above 2^63-1 fails naming table, column and key; nothing is written', async () => {
  const src = await loadFixture('dj014');
  const pgdb = await createPgDatabase();
  try {
    const base = ['db', 'preflight', '--schemas', src.schemas.join(','), '--stores', src.storesFile];
    const ok = await runCli([...base, '--target', pgdb.url], { env });
    assert.equal(ok.code, 0, ok.err + ok.out);
    assert.match(
      ok.out,
      /target: postgresql:\/\/postgres@127\.0\.0\.1:5432\/djm_t\w+ — PostgreSQL 1\d\.\d+ as postgres/,
    );
    assert.match(ok.out, /ok {3}target: PostgreSQL 1\d\.\d+ \(DataJoint 2\.x needs 15\+\)/);
    assert.match(ok.out, /ok {3}target: every table can be declared on PostgreSQL as 2\.x declares it \(11 tables, /);
    assert.match(ok.out, /target: .*__activity_stats__bin\.count: bigint unsigned → int64/);
    assert.match(ok.out, /targets: \w+lab → \w+lab, /); // production names kept on another server
    assert.match(ok.out, /ok {6}create-parallel \(on the target\)/);

    const bins = qt(`${src.prefix}analysis`, '__activity_stats__bin');
    await src.db.execute(`UPDATE ${bins} SET count = 18446744073709551615 ORDER BY bin_idx DESC LIMIT 1`);
    const bad = await runCli([...base, '--target', pgdb.url, '--json'], { env });
    assert.equal(bad.code, 1, bad.err);
    const report = JSON.parse(bad.out);
    const fail = report.checks.find((c: { level: string }) => c.level === 'fail');
    assert.match(
      fail.message,
      /^target: .*__activity_stats__bin\.count = 18446744073709551615 \(key subject_id=\d+, .*bin_idx=\d+.*\) is above 2\^63-1/,
    );
    const there = await (await pgdb.client()).query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 't%'`);
    assert.deepEqual(there.rows, []);
  } finally {
    await pgdb.drop();
    await src.cleanup();
  }
});

test('preflight --target postgresql as a role without CREATE: fails with the GRANTs to run, which then let it pass', async () => {
  const src = await loadFixture('dj014');
  const pgdb = await createPgDatabase();
  const role = `djm_t${randomBytes(4).toString('hex')}`;
  const admin = await pgdb.client();
  await admin.query(`CREATE ROLE "${role}" LOGIN`);
  try {
    const url = `postgresql://${role}@${pgServer.host}:${pgServer.port}/${pgdb.name}`;
    const base = ['db', 'preflight', '--schemas', src.schemas.join(','), '--stores', src.storesFile, '--target', url];
    const before = await runCli(base, { env });
    assert.equal(before.code, 1, before.err + before.out);
    assert.match(before.out, new RegExp(`FAIL target: ${role} lacks privileges for: create-parallel`));
    assert.match(before.out, new RegExp(`GRANT CREATE ON DATABASE "${pgdb.name}" TO "${role}";`));

    // The schemas exist (created by their owner): now the role needs USAGE and CREATE there.
    const made = await runCli(['db', 'create-parallel', '--schemas', src.schemas.join(','), '--target', pgdb.url], {
      env,
    });
    assert.equal(made.code, 0, made.err);
    const json = await runCli([...base, '--json'], { env });
    const r = JSON.parse(json.out);
    assert.equal(r.ok, false);
    assert.ok(
      r.targetGrants.includes(`GRANT USAGE, CREATE ON SCHEMA "${src.prefix}lab" TO "${role}"`),
      r.targetGrants.join('\n'),
    );
    for (const g of r.targetGrants) await admin.query(g);
    const after = await runCli(base, { env });
    assert.equal(after.code, 0, after.out);
    assert.match(after.out, new RegExp(`ok {3}target: ${role} has the privileges the parallel migration needs`));
  } finally {
    await pgdb.drop();
    const c = new pg.Client({ ...pgServer, database: 'postgres' });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS "${role}"`);
    await c.end();
    await src.cleanup();
  }
});

test('preflight --target mysql://: the target is checked on its own connection; the source server under the production names fails', async () => {
  const src = await loadFixture('dj014');
  try {
    const base = [
      'db',
      'preflight',
      '--schemas',
      src.schemas.join(','),
      '--stores',
      src.storesFile,
      '--target',
      'mysql://root@127.0.0.1:3306',
    ];
    const same = await runCli(base, { env });
    assert.equal(same.code, 1, same.err);
    assert.match(same.out, /FAIL target: --target is the source server itself/);
    const other = await runCli([...base, '--suffix', '_x', '--json'], { env });
    assert.equal(other.code, 0, other.err + other.out);
    const r = JSON.parse(other.out);
    assert.equal(r.target.dialect, 'mysql');
    assert.match(r.target.user, /^root@/);
    assert.ok(r.checks.some((c: { message: string }) => /^target: (MariaDB|MySQL) \d/.test(c.message)));
    assert.ok(r.steps.some((s: { step: string }) => /^create-parallel \(on the target, as root@/.test(s.step)));
    assert.deepEqual(r.targetGrants, []);

    const inspected = await runCli(
      ['db', 'inspect', '--schemas', src.schemas[0], '--target', 'mysql://root@127.0.0.1:3306'],
      { env },
    );
    assert.equal(inspected.code, 0, inspected.err);
    assert.match(inspected.out, /^on mysql:\/\/root@127\.0\.0\.1:3306\n/);
    assert.match(inspected.out, new RegExp(`schema ${src.schemas[0]} \\(utf8mb4/[a-z0-9_]+\\): 0\\.14\\.6`));
  } finally {
    await src.cleanup();
  }
});

// db preflight on the real server: a fully privileged user passes; a SELECT-only user gets the GRANT
// statements that, once a DBA runs them, really let create-parallel succeed; stores are checked by
// sampling an object at the path 0.14.6 would have used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { loadFixture, testServer } from './harness';
import { runCli } from './cliRun';
import { grantPatternToRegExp, grantSchemaName, preflight } from '../../client/src/db/preflight';
import { q, qt } from '../../client/src/db/sql';
import type { PreflightReport } from '../../client/src/db/preflight';

test('a fully privileged user passes; space and store checks reflect the fixture', async () => {
  const f = await loadFixture('dj014');
  try {
    const r = await runCli(['db', 'preflight', '--schemas', f.schemas.join(','), '--stores', f.storesFile, '--json']);
    assert.equal(r.code, 0, r.err + r.out);
    const report = JSON.parse(r.out) as PreflightReport;
    assert.equal(report.ok, true);
    assert.equal(report.server.flavor, 'mariadb');
    const mariadb = report.checks.filter((c) => /does not officially support MariaDB/.test(c.message));
    assert.deepEqual(
      mariadb.map((c) => c.level),
      ['warn'],
      'the target is MariaDB: a warning, not a failure',
    );
    assert.deepEqual(
      report.schemas.map((s) => s.version),
      ['0.14.6', '0.14.6', '0.14.6'],
    );
    assert.deepEqual(
      report.pairs.map((p) => p.target),
      f.schemas.map((s) => s + '_v2'),
    );
    assert.ok(report.steps.every((s) => s.missing.length === 0));
    assert.deepEqual(report.grants, []);
    assert.deepEqual(
      report.stores.map((s) => [s.store, s.level, s.kinds.join()]),
      [
        ['attachments', 'ok', 'attach'],
        ['external-raw', 'ok', 'blob'],
        ['files', 'ok', 'filepath'],
        ['raw', 'ok', 'blob'],
      ],
    );
    const ephys = f.schemas[1];
    const [att] = await f.db.query<{ n: string }>(
      `SELECT SUM(size) + SUM(LENGTH(attachment_name) + 1) AS n FROM ${qt(ephys, '~external_attachments')}`,
    );
    assert.equal(report.space.storeBytesAttachments, Number(att.n));
    const [blobs] = await f.db.query<{ n: string }>(
      `SELECT (SELECT SUM(size) FROM ${qt(ephys, '~external_raw')}) + (SELECT SUM(size) FROM ${qt(ephys, '~external_external-raw')}) AS n`,
    );
    assert.equal(report.space.storeBytesRelocate, Number(blobs.n));
    assert.ok(report.space.parallelTablesBytes >= report.schemas.reduce((n, s) => n + s.bytes, 0));
  } finally {
    await f.cleanup();
  }
});

test('a SELECT-only user is told which privileges each step lacks, and the printed GRANTs are exactly enough for create-parallel', async () => {
  const f = await loadFixture('dj014');
  const user = `${f.prefix}mig`;
  const admin = await mysql.createConnection({ ...testServer });
  try {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw-mig']);
    for (const s of f.schemas) await admin.query(`GRANT SELECT ON ${grantSchemaName(s)}.* TO ?@?`, [user, '%']);
    const as = { user, password: 'pw-mig' };

    const before = await runCli(['db', 'preflight', '--schemas', f.schemas.join(','), '--stores', f.storesFile], as);
    assert.equal(before.code, 1, before.out);
    assert.match(before.out, /FAIL .*lacks privileges for: create-parallel; copy; compare/);
    assert.match(
      before.out,
      /missing create-parallel — .*_lab_v2: SELECT, CREATE, REFERENCES, INDEX, INSERT, DELETE, ALTER, DROP/,
    );
    assert.match(before.out, /WARN .*cannot run migrate-pointers/);
    assert.match(before.out, /WARN the target server is MariaDB .*DataJoint 2\.x does not officially support MariaDB/);
    const grants = [...before.out.matchAll(/^ {2}(GRANT .*);$/gm)].map((m) => m[1]);
    assert.equal(grants.length, 3);
    for (const g of grants)
      assert.match(g, new RegExp(`ON \`${f.prefix.replace(/_$/, '')}\\\\_[a-z]+\\\\_v2\`\\.\\* TO '${user}'@'%'$`));

    for (const g of grants) await admin.query(g);
    const after = await runCli(
      ['db', 'preflight', '--schemas', f.schemas.join(','), '--stores', f.storesFile, '--json'],
      as,
    );
    assert.equal(after.code, 0, after.out);
    const created = await runCli(['db', 'create-parallel', '--schemas', f.schemas.join(',')], as);
    assert.equal(created.code, 0, created.err);
    const lineage = await f.db.query(`SELECT * FROM ${qt(f.schemas[2] + '_v2', '~lineage')}`);
    assert.equal(lineage.length, 17);
  } finally {
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
    await f.cleanup();
  }
});

test('stores: unconfigured, misconfigured (wrong subfolding), and no settings at all are failures', async () => {
  const f = await loadFixture('dj014');
  try {
    const conf = JSON.parse(fs.readFileSync(f.storesFile, 'utf8'));
    delete conf.stores.files;
    conf.stores.raw.subfolding = [1];
    const file = path.join(f.storesDir, 'broken', 'dj_local_conf.json');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify(conf));
    const r = await runCli(['db', 'preflight', '--schemas', f.schemas.join(','), '--stores', file, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out) as PreflightReport;
    const by = Object.fromEntries(report.stores.map((s) => [s.store, s]));
    assert.equal(by.files.level, 'fail');
    assert.match(by.files.message, /not configured/);
    assert.equal(by.raw.level, 'fail');
    assert.match(by.raw.message, /sampled object .*\/[0-9a-f]\/[0-9a-f]{32} .* is missing/);
    assert.equal(by.attachments.level, 'ok');

    const none = await preflight(f.db, { schemas: f.schemas, suffix: '_v2' });
    assert.equal(none.ok, false);
    assert.ok(none.stores.every((s) => s.level === 'fail' && /--stores/.test(s.message)));
  } finally {
    await f.cleanup();
  }
});

test('grant names escape LIKE wildcards, and schema-level grant patterns are matched with LIKE semantics', () => {
  assert.equal(grantSchemaName('lab_v2'), '`lab\\_v2`');
  assert.equal(grantSchemaName('a%b'), '`a\\%b`');
  assert.equal(grantSchemaName('we`ird'), q('we`ird'));
  assert.ok(grantPatternToRegExp('lab\\_v2').test('lab_v2'));
  assert.ok(!grantPatternToRegExp('lab\\_v2').test('labxv2'));
  assert.ok(grantPatternToRegExp('lab_v2').test('labxv2'));
  assert.ok(grantPatternToRegExp('lab%').test('lab_v2'));
  assert.ok(!grantPatternToRegExp('lab%').test('xlab'));
  assert.ok(grantPatternToRegExp('a.b').test('a.b') && !grantPatternToRegExp('a.b').test('axb'));
});

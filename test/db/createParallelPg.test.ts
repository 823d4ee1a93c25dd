// db create-parallel --target postgresql://…: dj014 (loaded in MariaDB) created on the local PostgreSQL 15
// must equal what real 2.x declared in dj2pg/schema.sql, catalogue entry by catalogue entry (types, NOT NULL,
// defaults, comments, keys, foreign keys, indexes, enum types), modulo schema names; ~lineage rows equal
// dj2pg/data.sql's. Re-runs change nothing; a dry run writes nothing; values PostgreSQL cannot hold are
// refused before anything is written. Plus --target mysql://… (another server; here the same one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadFixture } from './harness';
import { runCli } from './cliRun';
import { catalogue, createPgDatabase, dumpedLineage, runDumpFile } from './pgHarness';
import { fixturesDir } from '../helpers/paths';
import { qt } from '../../client/src/db/sql';

const dj2pg = (f: string) => path.join(fixturesDir, 'dj2pg', f);
const REF_PREFIX = 'djfix2pg_';

test('dj014 → create-parallel --target postgresql equals dj2pg/schema.sql (modulo names); a re-run changes nothing', async () => {
  const src = await loadFixture('dj014');
  const mine = await createPgDatabase();
  const ref = await createPgDatabase();
  try {
    const args = ['db', 'create-parallel', '--schemas', src.schemas.join(','), '--target', mine.url];
    const first = await runCli(args, { env: { DJ_TARGET_PASS: '' } });
    assert.equal(first.code, 0, first.err + first.out);
    assert.match(first.out, new RegExp(`schemas: ${src.prefix}lab → ${src.prefix}lab,`)); // production names kept
    assert.match(
      first.out,
      /__activity_stats__bin\.count: bigint unsigned → int64 \(bigint\): every value fits below 2\^63/,
    );

    const refClient = await ref.client();
    await runDumpFile(refClient, dj2pg('schema.sql'));
    const refSchemas = ['lab', 'ephys', 'analysis'].map((s) => REF_PREFIX + s);
    const expected = await catalogue(refClient, refSchemas, (s) => s.split(REF_PREFIX).join('P_'));
    const actual = await catalogue(await mine.client(), src.schemas, (s) => s.split(src.prefix).join('P_'));
    assert.ok(expected.length > 100, `reference catalogue has ${expected.length} entries`);
    const missing = expected.filter((e) => !actual.includes(e));
    const extra = actual.filter((a) => !expected.includes(a));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });

    const lineage: string[] = [];
    for (const s of src.schemas) {
      const rows = await (await mine.client()).query(
        `SELECT table_name, attribute_name, lineage FROM "${s}"."~lineage"`,
      );
      for (const r of rows.rows)
        lineage.push(`${s}: ${r.table_name}.${r.attribute_name} = ${r.lineage}`.split(src.prefix).join('P_'));
    }
    const refLineage = dumpedLineage(dj2pg('data.sql'), (s) => s.split(REF_PREFIX).join('P_'));
    assert.ok(refLineage.length > 20);
    assert.deepEqual(lineage.sort(), refLineage);

    const again = await runCli([...args, '--json'], { env: { DJ_TARGET_PASS: '' } });
    assert.equal(again.code, 0, again.err);
    const report = JSON.parse(again.out);
    assert.deepEqual(report.statements, []);
    assert.deepEqual(report.differences, []);
    assert.equal(report.unchanged.length, 11 + 3);

    // A differing existing table is reported, never altered.
    await (await mine.client()).query(`ALTER TABLE "${src.prefix}lab"."user" ALTER COLUMN full_name TYPE text`);
    const third = await runCli(args, { env: { DJ_TARGET_PASS: '' } });
    assert.equal(third.code, 1, third.err + third.out);
    assert.match(third.out, /lab\.user\.full_name is text; expected varchar\(64\) \(left alone\)/);
  } finally {
    await mine.drop();
    await ref.drop();
    await src.cleanup();
  }
});

test('--target postgresql: a dry run writes nothing; a bigint unsigned above 2^63-1 is refused (table, column, key) before anything is written; --suffix renames', async () => {
  const src = await loadFixture('dj014');
  const pgdb = await createPgDatabase();
  try {
    const base = ['db', 'create-parallel', '--schemas', src.schemas.join(','), '--target', pgdb.url];
    const schemasThere = async () =>
      (await (await pgdb.client()).query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 't%'`)).rows.map(
        (r) => r.nspname,
      );

    const dry = await runCli([...base, '--dry-run'], { env: { DJ_TARGET_PASS: '' } });
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /CREATE TYPE "[^"]+_lab"\."enum_e54fc739" AS ENUM \('M', 'F', 'U'\);/);
    assert.match(dry.out, /COMMENT ON COLUMN "[^"]+_ephys"\."recording"\."signal" IS ':<blob@raw>:raw trace';/);
    assert.deepEqual(await schemasThere(), []);

    const bins = qt(`${src.prefix}analysis`, '__activity_stats__bin');
    const [victim] = await src.db.query<Record<string, unknown>>(`SELECT * FROM ${bins} ORDER BY bin_idx DESC LIMIT 1`);
    await src.db.execute(
      `UPDATE ${bins} SET count = 18446744073709551615 WHERE subject_id = ? AND bin_idx = ? AND session_date = ? AND neuron_id = ? AND params_id = ?`,
      [victim.subject_id, victim.bin_idx, victim.session_date, victim.neuron_id, victim.params_id],
    );
    const refused = await runCli(base, { env: { DJ_TARGET_PASS: '' } });
    assert.equal(refused.code, 2, refused.out);
    assert.match(
      refused.err,
      /__activity_stats__bin\.count = 18446744073709551615 \(key subject_id=\d+, .*bin_idx=\d+\) is above 2\^63-1/,
    );
    assert.deepEqual(await schemasThere(), []);

    await src.db.execute(`UPDATE ${bins} SET count = 1 WHERE count > 9223372036854775807`);
    const renamed = await runCli([...base, '--suffix', '_v2'], { env: { DJ_TARGET_PASS: '' } });
    assert.equal(renamed.code, 0, renamed.err);
    assert.deepEqual((await schemasThere()).sort(), src.schemas.map((s) => s + '_v2').sort());
  } finally {
    await pgdb.drop();
    await src.cleanup();
  }
});

test('--target mysql://…: creates on the target connection; the production names on the source server itself are refused', async () => {
  const src = await loadFixture('dj014');
  try {
    const base = [
      'db',
      'create-parallel',
      '--schemas',
      src.schemas.join(','),
      '--target',
      'mysql://root@127.0.0.1:3306',
    ];
    const same = await runCli(base, { env: { DJ_TARGET_PASS: '' } });
    assert.equal(same.code, 2, same.out);
    assert.match(same.err, /--target is the source server itself.*give --suffix/);
    const made = await runCli([...base, '--suffix', '_x'], { env: { DJ_TARGET_PASS: '' } });
    assert.equal(made.code, 0, made.err);
    const rows = await src.db.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
      [src.schemas.map((s) => s + '_x')],
    );
    assert.equal(Number(rows[0].n), 11 + 3);
  } finally {
    await src.cleanup();
  }
});

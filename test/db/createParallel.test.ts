// db create-parallel against the real server: dj014 migrated must equal dj2 (the same pipeline declared by
// 2.x itself) modulo schema names; re-runs change nothing; differences are reported, never overwritten;
// a dry run needs only SELECT and prints SQL that produces the same result; bad input writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { loadFixture, testServer, uniquePrefix, dropPrefixed, type LoadedFixture } from './harness';
import { runCli } from './cliRun';
import { introspect } from '../../client/src/db/introspect';
import { tableShapeDifferences } from '../../client/src/db/shape';
import { createParallel } from '../../client/src/db/parallel';
import { openDb, type Db } from '../../client/src/db/connection';
import { q, qt } from '../../client/src/db/sql';

const v2 = (schemas: string[]) => schemas.map((s) => s + '_v2');

/** Every difference between the created schemas and dj2's, with dj2's schema names mapped onto ours. */
async function differencesFromDj2(
  db: Db,
  created: string[],
  dj2: LoadedFixture,
  createdPrefix: string,
): Promise<string[]> {
  const mine = await introspect(db, created);
  const theirs = await introspect(dj2.db, dj2.schemas);
  const toTheirs = (s: string) => s.replace(createdPrefix, dj2.prefix).replace(/_v2$/, '');
  const diffs: string[] = [];
  for (const [i, schema] of mine.entries()) {
    const ref = theirs[i];
    const names = (tables: { name: string }[]) =>
      tables
        .map((t) => t.name)
        .sort()
        .join(', ');
    if (names(schema.tables) !== names(ref.tables))
      diffs.push(`${schema.name}: tables ${names(schema.tables)} vs ${names(ref.tables)}`);
    for (const t of schema.tables) {
      const expected = ref.tables.find((x) => x.name === t.name);
      if (expected)
        diffs.push(...tableShapeDifferences(expected, t, { labelSpelling: true, mapActualSchema: toTheirs }));
    }
    // 2.x creates job tables (~~x) lazily and never ~log/~jobs/~external_*: the target has only ~lineage.
    const hidden = schema.hidden.map((t) => t.name);
    if (hidden.join() !== '~lineage') diffs.push(`${schema.name}: hidden tables ${hidden.join(', ')}`);
    const rows = async (d: Db, s: string, prefix: string, strip: RegExp) =>
      (
        await d.query<{ table_name: string; attribute_name: string; lineage: string }>(
          `SELECT * FROM ${qt(s, '~lineage')} WHERE table_name NOT LIKE '~~%' ORDER BY table_name, attribute_name`,
        )
      ).map((r) => `${r.table_name}.${r.attribute_name} = ${r.lineage.split(prefix).join('P_').replace(strip, '.')}`);
    const a = await rows(db, schema.name, createdPrefix, /_v2\./);
    const b = await rows(dj2.db, ref.name, dj2.prefix, /^$/);
    if (a.join('\n') !== b.join('\n')) diffs.push(`${schema.name}: ~lineage\n${a.join('\n')}\nvs dj2\n${b.join('\n')}`);
  }
  return diffs;
}

test('dj014 → create-parallel equals the dj2 pipeline declared by 2.x (types, nulls, defaults, keys, indexes, labels, ~lineage); a re-run changes nothing', async () => {
  const src = await loadFixture('dj014');
  const dj2 = await loadFixture('dj2');
  try {
    const first = await runCli(['db', 'create-parallel', '--schemas', src.schemas.join(',')]);
    assert.equal(first.code, 0, first.err + first.out);
    assert.match(first.out, /created: .*table .*_ephys_v2\.recording/);
    assert.deepEqual(await differencesFromDj2(src.db, v2(src.schemas), dj2, src.prefix), []);

    // Every string column carries the source's character set and collation explicitly.
    const cols = await src.db.query<{ t: string; c: string; cs: string; co: string }>(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_SET_NAME AS cs, COLLATION_NAME AS co FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND DATA_TYPE IN ('varchar', 'char', 'enum')`,
      [v2(src.schemas)[0]],
    );
    assert.ok(cols.length >= 6);
    for (const c of cols) assert.equal(c.co, 'utf8mb4_general_ci', `${c.t}.${c.c}`);

    const again = await runCli(['db', 'create-parallel', '--schemas', src.schemas.join(','), '--json']);
    assert.equal(again.code, 0, again.err);
    const report = JSON.parse(again.out);
    assert.deepEqual(report.statements, []);
    assert.deepEqual(report.differences, []);
    assert.equal(report.unchanged.length, 11 + 3); // 11 tables and 3 ~lineage tables
  } finally {
    await src.cleanup();
    await dj2.cleanup();
  }
});

test('an existing target table with another shape is reported (exit 1) and left with its data; missing ~lineage rows are added in one statement', async () => {
  const src = await loadFixture('dj014');
  try {
    const schemas = src.schemas.join(',');
    assert.equal((await runCli(['db', 'create-parallel', '--schemas', schemas])).code, 0);
    const [lab, ephys] = v2(src.schemas);
    await src.db.execute(
      `ALTER TABLE ${qt(lab, 'user')} MODIFY ${q('full_name')} varchar(80) NOT NULL COMMENT ':varchar(80):'`,
    );
    await src.db.execute(`INSERT INTO ${qt(lab, 'user')} (username, full_name, active) VALUES ('keep', 'Keep Me', 1)`);
    await src.db.execute(`DELETE FROM ${qt(ephys, '~lineage')} WHERE table_name = 'session__note'`);

    const r = await runCli(['db', 'create-parallel', '--schemas', schemas, '--json']);
    assert.equal(r.code, 1, r.err);
    const report = JSON.parse(r.out);
    assert.deepEqual(report.differences, [
      `${lab}.user.full_name: type varchar(80), expected varchar(64)`,
      `${lab}.user.full_name: comment ":varchar(80):", expected ":varchar(64):"`,
    ]);
    assert.equal(report.statements.length, 1);
    assert.match(report.statements[0], /^INSERT INTO .*~lineage/);
    const kept = await src.db.query(`SELECT * FROM ${qt(lab, 'user')} WHERE username = 'keep'`);
    assert.equal(kept.length, 1);
    const notes = await src.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${qt(ephys, '~lineage')} WHERE table_name = 'session__note'`,
    );
    assert.equal(Number(notes[0].n), 4);
  } finally {
    await src.cleanup();
  }
});

test('--unsigned native keeps unsigned integers as native columns without labels', async () => {
  const src = await loadFixture('dj014');
  try {
    const r = await runCli([
      'db',
      'create-parallel',
      '--schemas',
      src.schemas.join(','),
      '--unsigned',
      'native',
      '--suffix',
      '_n2',
    ]);
    assert.equal(r.code, 0, r.err);
    const [subject] = (await introspect(src.db, [src.schemas[0] + '_n2']))[0].tables.filter(
      (t) => t.name === 'subject',
    );
    const col = (n: string) => subject.columns.find((c) => c.name === n);
    assert.match(col('subject_id')?.columnType ?? '', /^int(\(10\))? unsigned$/);
    assert.equal(col('subject_id')?.label2x, null);
    assert.equal(col('subject_id')?.comment, 'unique animal id');
    assert.match(col('litter')?.columnType ?? '', /^tinyint(\(3\))? unsigned$/);
    assert.equal(col('cage_number')?.label2x, null);
  } finally {
    await src.cleanup();
  }
});

test('a dry run needs only SELECT, writes nothing, and the SQL it prints gives the same schemas as a real run', async () => {
  const src = await loadFixture('dj014');
  const dj2 = await loadFixture('dj2');
  const user = `${src.prefix}ro`;
  const admin = await mysql.createConnection({ ...testServer });
  try {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw-ro']);
    for (const s of src.schemas) await admin.query(`GRANT SELECT ON ${q(s)}.* TO ?@?`, [user, '%']);

    const dry = await runCli(['db', 'create-parallel', '--schemas', src.schemas.join(','), '--dry-run'], {
      user,
      password: 'pw-ro',
    });
    assert.equal(dry.code, 0, dry.err);
    assert.doesNotMatch(dry.out, /pw-ro/);
    const created = await src.db.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [
      v2(src.schemas),
    ]);
    assert.deepEqual(created, []);

    const real = await runCli(['db', 'create-parallel', '--schemas', src.schemas.join(',')], {
      user,
      password: 'pw-ro',
    });
    assert.equal(real.code, 2, 'a SELECT-only user cannot create schemas');
    assert.match(real.err, /denied/i);

    // Run the printed script as an administrator would, then check it against dj2 and against a real run.
    const script = dry.out
      .split('\n')
      .filter((l) => !l.startsWith('--'))
      .join('\n')
      .split(/;\n/)
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('schemas:'));
    const sqlOnly = script.filter((s) => /^(CREATE|INSERT|DELETE|RENAME)/.test(s));
    assert.ok(sqlOnly.length >= 3 + 11 + 3 * 4, `${sqlOnly.length} statements`);
    for (const stmt of sqlOnly) await admin.query(stmt);
    assert.deepEqual(await differencesFromDj2(src.db, v2(src.schemas), dj2, src.prefix), []);
    const rerun = await createParallel(src.db, { schemas: src.schemas, suffix: '_v2', unsigned: 'widen' });
    assert.deepEqual(rerun.statements, []);
    assert.deepEqual(rerun.differences, []);
  } finally {
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
    await src.cleanup();
    await dj2.cleanup();
  }
});

test('bad input is refused with a clear message before anything is written', async () => {
  const prefix = uniquePrefix();
  const db = await openDb(testServer);
  const src = await loadFixture('dj014', { prefix });
  try {
    const notDj = `${prefix}other`;
    await db.execute(`CREATE DATABASE ${q(notDj)}`);
    await db.execute(`CREATE TABLE ${qt(notDj, 'Orders')} (id int PRIMARY KEY, note text)`);
    const noPk = `${prefix}nopk`;
    await db.execute(`CREATE DATABASE ${q(noPk)}`);
    await db.execute(`CREATE TABLE ${qt(noPk, 'session')} (id int, note varchar(10))`);
    await db.execute(`CREATE TABLE ${qt(noPk, '#kind')} (kind varchar(10) PRIMARY KEY)`);
    await db.execute(
      `CREATE TABLE ${qt(noPk, '~log')} (id int unsigned auto_increment PRIMARY KEY, version varchar(12) NOT NULL)`,
    );

    const plain = `${prefix}plain`;
    await db.execute(`CREATE DATABASE ${q(plain)}`);
    await db.execute(`CREATE TABLE ${qt(plain, 'orders')} (id int PRIMARY KEY, total decimal(8,2))`);
    const cases: [string[], RegExp][] = [
      [['--schemas', notDj], /is not a DataJoint schema/],
      [['--schemas', plain], /is not a DataJoint schema .*no ~log table/],
      [['--schemas', noPk], /session has no primary key/],
      [['--schemas', 'a`b'], /contains a backtick/],
      [['--schemas', `${prefix}missing`], /not found/],
      [['--schemas', src.schemas[1]], /outside the schemas being migrated: add .*_lab to --schemas/],
      [['--schemas', src.schemas.join(','), '--suffix', ''], /suffix is empty/],
      [['--schemas', src.schemas.join(','), '--unsigned', 'uint'], /no 2\.x release has uint/],
      [['--schemas', src.schemas[0], '--pair', `${src.schemas[0]}:${src.schemas[0]}`], /also a source schema/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['db', 'create-parallel', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, message, args.join(' '));
    }
    const made = await db.query<{ s: string }>(
      'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
      [`${prefix}%v2`],
    );
    assert.deepEqual(made, [], 'nothing half-written');
  } finally {
    await db.close();
    await src.cleanup();
    await dropPrefixed(prefix);
  }
});

test('cancelling stops between statements; a re-run completes the schemas without differences', async () => {
  const src = await loadFixture('dj014');
  try {
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      createParallel(src.db, {
        schemas: src.schemas,
        suffix: '_v2',
        unsigned: 'widen',
        signal: controller.signal,
        onStatement: () => {
          if (++seen === 6) controller.abort();
        },
      }),
      (e: Error) => e.name === 'AbortError',
    );
    const made = await src.db.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
      [v2(src.schemas)],
    );
    assert.equal(Number(made[0].n), 3, 'three CREATE TABLE statements ran before the cancel');
    const rest = await createParallel(src.db, { schemas: src.schemas, suffix: '_v2', unsigned: 'widen' });
    assert.equal(rest.unchanged.length, 3);
    assert.deepEqual(rest.differences, []);
    const lineage = await src.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${qt(v2(src.schemas)[1], '~lineage')}`,
    );
    assert.equal(Number(lineage[0].n), 17);
  } finally {
    await src.cleanup();
  }
});

test('a partly migrated (mixed) source: columns already labelled for 2.x map to the same 2.x tables', async () => {
  const src = await loadFixture('dj014');
  const dj2 = await loadFixture('dj2');
  try {
    const [, ephys, analysis] = src.schemas;
    await src.db.execute(
      `ALTER TABLE ${qt(analysis, '#activity_params')} MODIFY ${q('options')} longblob NOT NULL COMMENT ':<blob>:'`,
    );
    await src.db.execute(
      `ALTER TABLE ${qt(ephys, '_neuron')} MODIFY ${q('firing_rate')} float NOT NULL COMMENT ':float32:'`,
    );
    const [mixed] = await introspect(src.db, [analysis]);
    assert.equal(mixed.version, 'mixed');
    const r = await runCli(['db', 'create-parallel', '--schemas', src.schemas.join(',')]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await differencesFromDj2(src.db, v2(src.schemas), dj2, src.prefix), []);
  } finally {
    await src.cleanup();
    await dj2.cleanup();
  }
});

// db migrate-pointers on raw copies of the 0.14.6 `recording` table (the dj014 fixture loaded into MariaDB):
// every external column converted in place, read back and checked against what 2.x wrote (dj2 fixture);
// failures, cancels and dry runs leave the table exactly as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { loadFixture, testServer, type LoadedFixture } from './harness';
import { readDump } from './fixtureDump';
import { fixturesDir } from '../helpers/paths';
import {
  migratePointers,
  hiddenColumn,
  MigrationAborted,
  type MigratePointersOptions,
} from '../../client/src/db/migratePointers';
import { PointerError } from '../../client/src/db/pointers';
import { verifySchemas } from '../../client/src/db/verify';
import { main } from '../../cli/src/main';
import { openDb } from '../../client/src/db/connection';
import { base32Hash, md5 } from '../../client/src/db/hash';
import { fileStore, filePath, path014, StoreObjectMissing } from '../../client/src/db/stores';
import { q, qt } from '../../client/src/db/sql';

const PK = ['subject_id', 'session_date', 'session_idx', 'recording_id'];
const keyOf = (r: Record<string, unknown>) => PK.map((c) => String(r[c])).join('|');
const dj2 = new Map<string, Record<string, unknown>>();

let fx: LoadedFixture;
let ephys: string;

before(async () => {
  fx = await loadFixture('dj014');
  ephys = fx.schemas[1];
  const t = readDump(path.join(fixturesDir, 'dj2', 'pipeline.sql')).find(
    (d) => d.schema === 'djfix2_ephys' && d.name === 'recording',
  )!;
  for (const row of t.rows)
    dj2.set(
      keyOf(Object.fromEntries(t.columns.map((c, i) => [c, row[i]]))),
      Object.fromEntries(t.columns.map((c, i) => [c, row[i]])),
    );
});
after(async () => fx?.cleanup());

/** A raw copy of the 0.14.6 recording table (same DDL, same FKs to ~external_*, same rows) under a new name. */
async function rawCopy(name: string): Promise<string> {
  const [{ 'Create Table': ddl }] = await fx.db.query<{ 'Create Table': string }>(
    `SHOW CREATE TABLE ${qt(ephys, 'recording')}`,
  );
  const renamed = ddl
    .replace(/^CREATE TABLE `recording`/, `CREATE TABLE ${qt(ephys, name)}`)
    .replace(/CONSTRAINT `recording_ibfk_/g, `CONSTRAINT \`${name}_ibfk_`);
  await fx.db.execute(renamed);
  await fx.db.execute(`INSERT INTO ${qt(ephys, name)} SELECT * FROM ${qt(ephys, 'recording')}`);
  return name;
}

async function showCreate(table: string): Promise<string> {
  const [row] = await fx.db.query<{ 'Create Table': string }>(`SHOW CREATE TABLE ${qt(ephys, table)}`);
  return row['Create Table'];
}

async function snapshot(table: string): Promise<string> {
  const rows = await fx.db.query(`SELECT * FROM ${qt(ephys, table)} ORDER BY ${PK.map(q).join(', ')}`);
  return (
    (await showCreate(table)) +
    JSON.stringify(rows, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v))
  );
}

const opts = (
  table: string,
  attribute: string,
  sourceStore: string,
  extra: Partial<MigratePointersOptions> = {},
): MigratePointersOptions => ({
  schema: ephys,
  table,
  attribute,
  sourceStore,
  stores: fx.storesConfig,
  relocate: false,
  dryRun: false,
  ...extra,
});

test('every external column of a raw 0.14.6 table migrates in place and reads back as 2.x wrote it', async () => {
  const table = await rawCopy('rec_all');
  const before = await fx.db.query(`SELECT * FROM ${qt(ephys, table)}`);
  const events: number[] = [];
  for (const [attribute, store] of [
    ['signal', 'raw'],
    ['lfp', 'external-raw'],
    ['settings_file', 'attachments'],
    ['raw_file', 'files'],
  ]) {
    const report = await migratePointers(
      fx.db,
      opts(table, attribute, store, { onProgress: (e) => events.push(e.rows) }),
    );
    assert.equal(report.status, 'migrated');
    assert.equal(report.rows, before.filter((r) => r[attribute] !== null).length);
  }
  assert.ok(events.length > 0 && events.every((n) => n > 0));
  const ddl = await showCreate(table);
  assert.doesNotMatch(ddl, /~external_/, 'no foreign key to ~external_* is left');
  assert.doesNotMatch(ddl, /_dj2_/, 'no hidden column is left');
  assert.doesNotMatch(ddl, /binary\(16\)/);
  assert.match(ddl, /`signal` longtext [^\n]*NOT NULL COMMENT ':<blob@raw>:raw trace'/);
  assert.match(ddl, /`lfp` longtext [^\n]*DEFAULT NULL COMMENT ':<blob@external-raw>:downsampled trace'/);
  assert.match(ddl, /`settings_file` longtext [^\n]*DEFAULT NULL COMMENT ':<attach@attachments>:'/);
  assert.match(ddl, /`raw_file` longtext [^\n]*DEFAULT NULL COMMENT ':<filepath@files>:'/);
  const cols = (
    await fx.db.query<{ COLUMN_NAME: string }>(
      'SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [ephys, table],
    )
  ).map((c) => c.COLUMN_NAME);
  assert.deepEqual(
    cols,
    [
      'subject_id',
      'session_date',
      'session_idx',
      'recording_id',
      'sampling_rate',
      'signal',
      'lfp',
      'settings_file',
      'raw_file',
      'thumbnail',
      'wiring',
    ],
    'columns keep their places',
  );

  const after = await fx.db.query(`SELECT * FROM ${qt(ephys, table)}`);
  assert.equal(after.length, before.length);
  for (const row of after) {
    const old = before.find((b) => keyOf(b) === keyOf(row))!;
    const want = dj2.get(keyOf(row))!;
    for (const c of ['signal', 'lfp', 'settings_file', 'raw_file']) {
      assert.equal(row[c] === null, old[c] === null, `${c} null-ness kept`);
      if (row[c] === null) continue;
      const json = JSON.parse(row[c] as string);
      const theirs = JSON.parse(want[c] as string);
      const bytes = fs.readFileSync(filePath(fx.storesConfig[json.store], json.path));
      if (c === 'raw_file') {
        assert.equal(json.path, theirs.path);
        assert.equal(json.hash, base32Hash(md5(bytes)));
      } else {
        assert.equal(json.hash, theirs.hash, `${c}: the hash 2.x wrote`);
        assert.equal(json.hash, base32Hash(old[c] as Buffer), `${c}: base32 of the 0.14.6 uuid`);
        assert.equal(base32Hash(md5(bytes)), json.hash, `${c}: the file at path has that content`);
      }
    }
    for (const c of ['subject_id', 'sampling_rate', 'thumbnail', 'wiring'])
      assert.deepEqual(row[c], old[c], `${c} untouched`);
  }
  // the 0.14.6 files are still there (pointer-only blobs share them)
  const sig = before[0].signal as Buffer;
  assert.ok(fs.existsSync(filePath(fx.storesConfig.raw, path014(fx.storesConfig.raw, ephys, sig.toString('hex')))));

  const again = await migratePointers(fx.db, opts(table, 'signal', 'raw'));
  assert.equal(again.status, 'already-migrated');

  // db verify: the pointer columns pass (files present, hashes right); only the in-table :attach: label is left,
  // and once relabelled as 2.x reads it the table is ready.
  const pick = async () =>
    (await verifySchemas(fx.db, [ephys], { stores: fx.storesConfig })).tables.find((v) => v.table === table)!;
  const first = await pick();
  assert.equal(first.checkedValues, 6 + 4 + 5 + 5);
  assert.deepEqual(
    first.reasons.map((r) => r.replace(/ —.*/, '')),
    ['thumbnail: :attach:'],
  );
  await fx.db.execute(
    `ALTER TABLE ${qt(ephys, table)} MODIFY \`thumbnail\` longblob DEFAULT NULL COMMENT ':<attach>:in-table attachment'`,
  );
  const ready = await pick();
  assert.equal(ready.status, 'pass', ready.reasons.join('\n'));
});

test('a dry run changes nothing, works with SELECT rights only, and its SQL on a scratch copy equals the real run', async () => {
  const scratch = await rawCopy('rec_scratch');
  const real = await rawCopy('rec_real');
  const user = `${fx.prefix}ro`;
  const admin = await mysql.createConnection(testServer);
  try {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw']);
    await admin.query(`GRANT SELECT ON ${q(ephys)}.* TO ?@?`, [user, '%']);
    const ro = await openDb({ ...testServer, user, password: 'pw' });
    let dry: Awaited<ReturnType<typeof migratePointers>> | undefined;
    try {
      const before = await snapshot(scratch);
      dry = await migratePointers(ro, opts(scratch, 'lfp', 'external-raw', { dryRun: true }));
      assert.equal(dry.status, 'dry-run');
      assert.equal(await snapshot(scratch), before, 'the dry run changed nothing');
      await assert.rejects(ro.execute(`ALTER TABLE ${qt(ephys, scratch)} COMMENT 'x'`), 'the user really is read-only');
    } finally {
      await ro.close();
    }
    assert.equal(dry.objects, 4);
    const updates = dry.sql.filter((s) => s.startsWith('UPDATE'));
    assert.equal(updates.length, 1, 'the four stored objects fit one batched UPDATE');
    assert.equal((updates[0].match(/SELECT X'[0-9a-f]{32}'/gi) ?? []).length, 4, 'which names every pointer');
    for (const stmt of dry.sql) await fx.db.execute(stmt);
    await migratePointers(fx.db, opts(real, 'lfp', 'external-raw'));
    const norm = (s: string, t: string) =>
      s
        .split(t)
        .join('T')
        .replace(/CONSTRAINT `T_ibfk_\d+`/g, 'C');
    assert.equal(norm(await snapshot(scratch), scratch), norm(await snapshot(real), real));
  } finally {
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
  }
});

test('a missing file, a dangling pointer or a cancel leave the table exactly as it was', async () => {
  const table = await rawCopy('rec_fail');
  const pristine = await snapshot(table);
  const store = fx.storesConfig.raw;
  const [{ signal }] = await fx.db.query<{ signal: Buffer }>(`SELECT \`signal\` FROM ${qt(ephys, table)} LIMIT 1`);
  const file = filePath(store, path014(store, ephys, signal.toString('hex')));
  const saved = fs.readFileSync(file);
  fs.rmSync(file);
  try {
    await assert.rejects(migratePointers(fx.db, opts(table, 'signal', 'raw')), StoreObjectMissing);
  } finally {
    fs.writeFileSync(file, saved);
  }
  assert.equal(await snapshot(table), pristine, 'missing file: unchanged');

  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    migratePointers(fx.db, opts(table, 'settings_file', 'attachments', { signal: controller.signal })),
    MigrationAborted,
  );
  assert.equal(await snapshot(table), pristine, 'cancelled: unchanged');

  await fx.db.withConnection(async (c) => {
    await c.execute('SET SESSION FOREIGN_KEY_CHECKS = 0');
    await c.execute(`UPDATE ${qt(ephys, table)} SET \`lfp\` = ? WHERE subject_id = 100 AND session_idx = 0`, [
      Buffer.alloc(16, 0xab),
    ]);
    await c.execute('SET SESSION FOREIGN_KEY_CHECKS = 1');
  });
  const dangling = await snapshot(table);
  await assert.rejects(
    migratePointers(fx.db, opts(table, 'lfp', 'external-raw')),
    (e: Error) => e instanceof PointerError && /dangling/.test(e.message),
  );
  assert.equal(await snapshot(table), dangling, 'dangling pointer: unchanged');
});

test('an attachment whose file was changed is refused, and files written before the failure are removed', async () => {
  const table = await rawCopy('rec_att');
  const pristine = await snapshot(table);
  const store = fx.storesConfig.attachments;
  const rows = await fx.db.query<{ settings_file: Buffer | null }>(
    `SELECT settings_file FROM ${qt(ephys, table)} WHERE settings_file IS NOT NULL ORDER BY settings_file DESC`,
  );
  const last = rows[0].settings_file!; // the stream groups by pointer, so the largest is converted last
  const dir = path.dirname(filePath(store, path014(store, ephys, last.toString('hex'))));
  const file = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith(last.toString('hex')))!);
  const saved = fs.readFileSync(file);
  fs.writeFileSync(file, Buffer.concat([saved, Buffer.from(' ')]));
  const fresh = fileStore('fresh', fs.mkdtempSync(path.join(os.tmpdir(), 'djm-fresh-')));
  try {
    await assert.rejects(
      migratePointers(
        fx.db,
        opts(table, 'settings_file', 'attachments', { destStore: 'fresh', stores: { ...fx.storesConfig, fresh } }),
      ),
      PointerError,
    );
    assert.equal(await snapshot(table), pristine);
    const hashDir = path.join(fresh.location, '_hash', ephys);
    assert.ok(fs.existsSync(hashDir), 'the run had rewritten some attachments before it met the changed one');
    assert.deepEqual(fs.readdirSync(hashDir), [], 'rewritten attachments of the failed run were removed');
  } finally {
    fs.writeFileSync(file, saved);
    fs.rmSync(fresh.location, { recursive: true, force: true });
  }
});

test('a leftover hidden column from an interrupted run is dropped and rebuilt; bad input is refused', async () => {
  const table = await rawCopy('rec_left');
  await fx.db.execute(
    `ALTER TABLE ${qt(ephys, table)} ADD COLUMN ${q(hiddenColumn('signal'))} JSON NULL AFTER \`signal\``,
  );
  const report = await migratePointers(fx.db, opts(table, 'signal', 'raw'));
  assert.ok(report.notes.some((n) => n.includes('interrupted run')));
  assert.doesNotMatch(await showCreate(table), /_dj2_/);
  await assert.rejects(migratePointers(fx.db, opts(table, 'lfp', 'raw')), /--source-store is raw/);
  await assert.rejects(
    migratePointers(fx.db, opts(table, 'wiring', 'raw')),
    /not a 0.14.6 external column \(it is longblob/,
  );
  await assert.rejects(migratePointers(fx.db, opts(table, 'nope', 'raw')), /has no column/);
  await assert.rejects(migratePointers(fx.db, opts('no`table', 'lfp', 'external-raw')), /backtick/);
  await assert.rejects(migratePointers(fx.db, opts(table, 'lfp', 'elsewhere')), /is blob@external-raw/);
  await assert.rejects(
    migratePointers(fx.db, { ...opts(table, 'lfp', 'external-raw'), stores: {} }),
    /not in the store settings/,
  );
});

test('dj-migrate db migrate-pointers: dry run prints SQL and file operations; exit 1 when verification fails, 2 on bad input', async () => {
  const table = await rawCopy('rec_cli');
  const out: string[] = [];
  const io = {
    out: (t: string) => out.push(t),
    err: (t: string) => out.push(t),
    cwd: fx.storesDir,
    env: { DJ_HOST: `${testServer.host}:${testServer.port}`, DJ_USER: testServer.user, DJ_PASS: testServer.password },
  };
  const args = (attribute: string, store: string, ...more: string[]) => [
    'db',
    'migrate-pointers',
    '--schemas',
    ephys,
    '--table',
    table,
    '--attribute',
    attribute,
    '--source-store',
    store,
    '--stores',
    fx.storesFile,
    ...more,
  ];
  const pristine = await snapshot(table);
  assert.equal(await main(args('settings_file', 'attachments', '--dry-run'), io), 0, out.join('\n'));
  const text = out.join('\n');
  assert.match(text, /dry run — 5 rows, 5 stored objects; nothing was changed/);
  assert.match(
    text,
    /ALTER TABLE `[^`]+`\.`rec_cli` ADD COLUMN `_dj2_settings_file` JSON NULL COMMENT ':<attach@attachments>:' AFTER `settings_file`;/,
  );
  assert.match(text, /UPDATE `[^`]+`\.`rec_cli` AS x JOIN \(SELECT X'[0-9a-f]{32}' AS ptr, '\{\\"hash\\":/);
  assert.match(
    text,
    /DROP FOREIGN KEY `rec_cli_ibfk_4`, DROP COLUMN `settings_file`, CHANGE COLUMN `_dj2_settings_file` `settings_file` JSON NULL/,
  );
  assert.equal((text.match(/^ {2}rewrite attachments:/gm) ?? []).length, 5, 'five attachment rewrites are listed');
  assert.equal(await snapshot(table), pristine);

  out.length = 0;
  const store = fx.storesConfig['external-raw'];
  const [{ lfp }] = await fx.db.query<{ lfp: Buffer }>(
    `SELECT lfp FROM ${qt(ephys, table)} WHERE lfp IS NOT NULL LIMIT 1`,
  );
  const file = filePath(store, path014(store, ephys, lfp.toString('hex')));
  const saved = fs.readFileSync(file);
  fs.rmSync(file);
  try {
    assert.equal(await main(args('lfp', 'external-raw'), io), 1);
  } finally {
    fs.writeFileSync(file, saved);
  }
  assert.match(out.join('\n'), /not migrated: .*missing[\s\S]*The table is unchanged/);
  assert.equal(await snapshot(table), pristine);

  assert.equal(await main(args('lfp', 'external-raw', '--relocate', '--json'), io), 0);
  assert.equal(JSON.parse(out[out.length - 1]).status, 'migrated');
  assert.equal(await main(args('wiring', 'raw'), io), 2);
  assert.equal(await main(['db', 'migrate-pointers', '--schemas', ephys, '--table', table], io), 2);
});

test('the ~lineage row a 2.x rebuild derived from the ~external key is removed with the swap; other rows stay', async () => {
  const table = await rawCopy('rec_lin');
  await fx.db.execute(
    `CREATE TABLE ${qt(ephys, '~lineage')} (table_name varchar(64) NOT NULL, attribute_name varchar(64) NOT NULL, lineage varchar(255) NOT NULL, PRIMARY KEY (table_name, attribute_name))`,
  );
  try {
    await fx.db.execute(`INSERT INTO ${qt(ephys, '~lineage')} VALUES (?, 'signal', ?), (?, 'recording_id', ?)`, [
      table,
      `${ephys}.~external_raw.hash`,
      table,
      `${ephys}.${table}.recording_id`,
    ]);
    const dry = await migratePointers(fx.db, opts(table, 'signal', 'raw', { dryRun: true }));
    assert.match(
      dry.sql[dry.sql.length - 1],
      /^DELETE FROM `[^`]+`\.`~lineage` WHERE table_name = 'rec_lin' AND attribute_name = 'signal'/,
    );
    const report = await migratePointers(fx.db, opts(table, 'signal', 'raw'));
    assert.ok(report.notes.some((n) => /removed the ~lineage row/.test(n)));
    const rows = await fx.db.query<{ attribute_name: string }>(
      `SELECT attribute_name FROM ${qt(ephys, '~lineage')} WHERE table_name = ?`,
      [table],
    );
    assert.deepEqual(
      rows.map((r) => r.attribute_name),
      ['recording_id'],
    );
  } finally {
    await fx.db.execute(`DROP TABLE ${qt(ephys, '~lineage')}`);
  }
});

test('an adapter over an external store (:<name>: on binary(16) with a key to ~external_*) migrates once its kind is given', async () => {
  const table = await rawCopy('rec_adapter');
  await fx.db.execute(
    `ALTER TABLE ${qt(ephys, table)} MODIFY \`lfp\` binary(16) DEFAULT NULL COMMENT ':<trace>:downsampled trace'`,
  );
  await assert.rejects(
    migratePointers(fx.db, opts(table, 'lfp', 'external-raw')),
    /adapter <trace> over store external-raw; pass --kind/,
  );
  const report = await migratePointers(fx.db, opts(table, 'lfp', 'external-raw', { adapterKind: 'blob' }));
  assert.equal(report.status, 'migrated');
  assert.ok(report.notes.some((n) => /Codec named "trace"/.test(n)));
  assert.match(
    await showCreate(table),
    /`lfp` longtext [^\n]*DEFAULT NULL COMMENT ':<trace@external-raw>:downsampled trace'/,
  );
  const rows = await fx.db.query<{ lfp: string | null }>(`SELECT lfp FROM ${qt(ephys, table)} WHERE lfp IS NOT NULL`);
  assert.equal(rows.length, 4);
  for (const r of rows) assert.match(JSON.parse(r.lfp as string).hash, /^[a-z2-7]{26}$/);
  // db verify follows a custom codec's JSON to its files too
  const verdict = async () =>
    (await verifySchemas(fx.db, [ephys], { stores: fx.storesConfig })).tables.find((v) => v.table === table)!;
  assert.equal((await verdict()).checkedValues, 4);
  assert.ok(!(await verdict()).reasons.some((r) => r.startsWith('lfp:')));
  const first = JSON.parse(rows[0].lfp as string);
  const file = filePath(fx.storesConfig[first.store], first.path);
  const saved = fs.readFileSync(file);
  fs.writeFileSync(file, Buffer.concat([saved, Buffer.from('x')]));
  try {
    assert.ok((await verdict()).reasons.some((r) => /^lfp: file content does not match the JSON hash/.test(r)));
  } finally {
    fs.writeFileSync(file, saved);
  }
});

// db verify against the pipeline 2.x itself wrote (dj2 fixture): it passes as loaded, and fails with the
// right reason, on the right table, for each planted defect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadFixture, testServer, type LoadedFixture } from './harness';
import { verifySchemas, checkDeclarations, type VerifyReport, type TableVerdict } from '../../client/src/db/verify';
import { decodeStorage } from '../../client/src/db/introspect';
import { splitLabel } from '../../common/src/djtypes';
import type { Column, Table } from '../../client/src/db/model';
import { main } from '../../cli/src/main';
import { filePath, fileStore, parseStores } from '../../client/src/db/stores';
import { freePort } from '../../client/src/db/stores/s3Bench';
import { q, qt } from '../../client/src/db/sql';

async function withDj2(fn: (fx: LoadedFixture, ephys: string) => Promise<void>): Promise<void> {
  const fx = await loadFixture('dj2');
  try {
    await fn(fx, fx.schemas[1]);
  } finally {
    await fx.cleanup();
  }
}

const verdict = (r: VerifyReport, schema: string, table: string): TableVerdict => {
  const v = r.tables.find((t) => t.schema === schema && t.table === table);
  assert.ok(v, `a verdict for ${schema}.${table}`);
  return v;
};

/** Exactly one check fails, and its reasons match. */
function failsOnlyWith(r: VerifyReport, schema: string, table: string, reason: RegExp): void {
  assert.equal(r.ok, false);
  const failed = r.tables.filter((t) => t.status === 'fail');
  assert.deepEqual(
    failed.map((t) => `${t.schema}.${t.table}`),
    [`${schema}.${table}`],
    JSON.stringify(failed, null, 1),
  );
  assert.equal(failed[0].reasons.length, 1, failed[0].reasons.join('\n'));
  assert.match(failed[0].reasons[0], reason);
}

test('the pipeline 2.x wrote passes: labels, blobs, every in-store file and hash, complete ~lineage', async () => {
  await withDj2(async (fx, ephys) => {
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    assert.equal(
      r.ok,
      true,
      JSON.stringify(
        r.tables.filter((t) => t.status === 'fail'),
        null,
        1,
      ),
    );
    assert.equal(verdict(r, ephys, 'recording').checkedValues, 6 + 4 + 5 + 5, 'every in-store value was checked');
    for (const s of fx.schemas) assert.equal(verdict(r, s, '~lineage').status, 'pass');
    assert.ok(
      verdict(r, ephys, 'recording').notes.some((n) => /graph/.test(n)),
      'the custom codec <graph> is pointed out',
    );
    const sampled = await verifySchemas(fx.db, [ephys], { stores: fx.storesConfig, sample: 2 });
    assert.equal(verdict(sampled, ephys, 'recording').checkedValues, 2 * 4);
  });
});

test('fails on an unlabelled serialized blob', async () => {
  await withDj2(async (fx, ephys) => {
    await fx.db.execute(`ALTER TABLE ${qt(ephys, '_neuron')} MODIFY \`spike_times\` longblob NOT NULL COMMENT ''`);
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    failsOnlyWith(
      r,
      ephys,
      '_neuron',
      /^spike_times: unlabelled longblob holding serialized DataJoint blobs \(18 of the 18/,
    );
  });
});

test('fails on a :uint32: label', async () => {
  await withDj2(async (fx) => {
    const lab = fx.schemas[0];
    await fx.db.execute(
      `ALTER TABLE ${qt(lab, 'user')} MODIFY \`active\` tinyint NOT NULL DEFAULT 1 COMMENT ':uint32:'`,
    );
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    failsOnlyWith(r, lab, 'user', /^active: :uint32: — .*not a 2\.x core type/);
  });
});

test('fails on a wrong hash', async () => {
  await withDj2(async (fx, ephys) => {
    await fx.db.execute(
      `UPDATE ${qt(ephys, 'recording')} SET \`lfp\` = JSON_SET(\`lfp\`, '$.hash', ?) WHERE subject_id = 100 AND session_idx = 0`,
      ['a'.repeat(26)],
    );
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    failsOnlyWith(
      r,
      ephys,
      'recording',
      /^lfp: file content does not match the JSON hash — 1 value, e\.g\. subject_id=100, session_date=2024-06-01, session_idx=0/,
    );
  });
});

test('fails on a missing file', async () => {
  await withDj2(async (fx, ephys) => {
    const [row] = await fx.db.query<{ p: string }>(
      `SELECT JSON_UNQUOTE(JSON_EXTRACT(settings_file, '$.path')) AS p FROM ${qt(ephys, 'recording')} WHERE settings_file IS NOT NULL LIMIT 1`,
    );
    fs.rmSync(filePath(fx.storesConfig.attachments, row.p));
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    failsOnlyWith(r, ephys, 'recording', /^settings_file: file missing — 1 value/);
  });
});

test('fails on a ~lineage short of one row', async () => {
  await withDj2(async (fx) => {
    const analysis = fx.schemas[2];
    await fx.db.execute(
      `DELETE FROM ${qt(analysis, '~lineage')} WHERE table_name = '__activity_stats__bin' AND attribute_name = 'bin_idx'`,
    );
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    failsOnlyWith(r, analysis, '~lineage', /^incomplete: 1 row missing \(__activity_stats__bin\.bin_idx\)/);
  });
});

test('fails on a leftover BINARY(16) pointer', async () => {
  await withDj2(async (fx, ephys) => {
    await fx.db.execute(
      `CREATE TABLE ${qt(ephys, '~external_raw')} (hash binary(16) NOT NULL, size bigint unsigned NOT NULL, PRIMARY KEY (hash))`,
    );
    await fx.db.execute(
      `ALTER TABLE ${qt(ephys, 'recording')} ADD COLUMN \`old_signal\` binary(16) DEFAULT NULL COMMENT ':blob@raw:' AFTER \`signal\`, ` +
        `ADD CONSTRAINT \`recording_ibfk_9\` FOREIGN KEY (\`old_signal\`) REFERENCES ${qt(ephys, '~external_raw')} (\`hash\`)`,
    );
    const r = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    assert.equal(r.ok, false);
    const v = verdict(r, ephys, 'recording');
    assert.equal(v.status, 'fail');
    assert.equal(r.tables.filter((t) => t.status === 'fail').length, 1);
    assert.equal(v.reasons.length, 1, v.reasons.join('\n'));
    assert.match(
      v.reasons[0],
      /^old_signal: :blob@raw: — a 0\.14\.6 BINARY\(16\) pointer is left \(foreign key recording_ibfk_9 to ~external_raw\)/,
    );
    // an unlabelled binary(16) with a key to ~external_* is a pointer too
    await fx.db.execute(
      `ALTER TABLE ${qt(ephys, 'recording')} MODIFY \`old_signal\` binary(16) DEFAULT NULL COMMENT ''`,
    );
    const bare = verdict(await verifySchemas(fx.db, [ephys], { stores: fx.storesConfig }), ephys, 'recording');
    assert.deepEqual(
      bare.reasons.map((x) => x.replace(/ —.*/, '')),
      ['old_signal: foreign key recording_ibfk_9 to ~external_raw'],
    );
  });
});

test('dj-migrate db verify: exit 0 when ready, 1 when not; the 0.14.6 pipeline is not ready, and says why', async () => {
  await withDj2(async (fx) => {
    const out: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      cwd: fx.storesDir,
      env: { DJ_HOST: `${testServer.host}:${testServer.port}`, DJ_USER: testServer.user, DJ_PASS: testServer.password },
    };
    assert.equal(
      await main(['db', 'verify', '--schemas', fx.schemas.join(','), '--stores', fx.storesFile], io),
      0,
      out.join('\n'),
    );
    assert.match(out.join('\n'), /ready for DataJoint 2\.x/);
  });
  const fx = await loadFixture('dj014');
  try {
    const out: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      cwd: fx.storesDir,
      env: { DJ_HOST: `${testServer.host}:${testServer.port}`, DJ_USER: testServer.user, DJ_PASS: testServer.password },
    };
    assert.equal(await main(['db', 'verify', '--schemas', fx.schemas[1], '--stores', fx.storesFile], io), 1);
    const text = out.join('\n');
    assert.match(text, /FAIL {2}\S+_ephys\.recording/);
    assert.match(text, /signal: :blob@raw: — a 0\.14\.6 BINARY\(16\) pointer is left/);
    assert.match(text, /spike_times: unlabelled longblob holding serialized DataJoint blobs/);
    assert.match(text, /thumbnail: :attach: — 0\.14\.6 label/);
    assert.equal(await main(['db', 'verify', '--schemas', 'no_such_schema_x', '--stores', fx.storesFile], io), 2);
  } finally {
    await fx.cleanup();
  }
});

test('declaration checks read both server spellings: MySQL 8 (int unsigned, native json) and MariaDB (int(11), longtext json)', () => {
  const col = (name: string, columnType: string, dataType: string, comment: string): Column => {
    const { label, rest } = splitLabel(comment);
    return {
      name,
      columnType,
      dataType,
      nullable: false,
      default: null,
      extra: '',
      charset: null,
      collation: null,
      comment: rest,
      storage: decodeStorage(dataType, label),
      label2x: label,
    };
  };
  const table = (columns: Column[]): Table => ({
    schema: 's',
    name: 't',
    tier: 'manual',
    comment: '',
    charset: 'utf8mb4',
    collation: 'utf8mb4_0900_ai_ci',
    columns,
    primaryKey: [columns[0].name],
    foreignKeys: [],
    indexes: [],
    rowEstimate: 0,
  });
  const stores = { raw: fileStore('raw', '/tmp/raw') };
  const ok = (columns: Column[]) => assert.deepEqual(checkDeclarations(table(columns), stores).reasons, []);
  const fails = (c: Column, reason: RegExp) => {
    const { reasons } = checkDeclarations(table([c]), stores);
    assert.equal(reasons.length, 1, reasons.join('\n'));
    assert.match(reasons[0], reason);
  };
  // MySQL 8.0.19+
  ok([
    col('a', 'int', 'int', ':int32:'),
    col('b', 'bigint', 'bigint', ':int64:x'),
    col('c', 'tinyint(1)', 'tinyint', ':bool:'),
    col('d', 'json', 'json', ':<blob@raw>:'),
    col('e', 'json', 'json', ':json:'),
    col('f', 'longblob', 'longblob', ':<blob>:'),
    col('g', 'binary(16)', 'binary', ':uuid:'),
    col('h', "enum('A','b')", 'enum', ":enum('A','b'):"),
  ]);
  assert.match(checkDeclarations(table([col('u', 'int unsigned', 'int', '')]), stores).notes[0], /native int unsigned/);
  fails(col('u', 'int unsigned', 'int', ':int32:'), /does not describe the column type int unsigned/);
  fails(
    col('p', 'binary(16)', 'binary', ':<blob@raw>:'),
    /in-store codecs need json \(a BINARY\(16\) pointer was relabelled/,
  );
  fails(col('q', 'json', 'json', ':<blob@elsewhere>:'), /store elsewhere is not in the store settings/);
  fails(col('i', 'int', 'int', ':Int32:'), /lower case/);
  // MariaDB 10.11
  ok([
    col('a', 'int(11)', 'int', ':int32:'),
    col('d', 'json', 'json', ':<attach@raw>:'),
    col('s', 'smallint(6)', 'smallint', ':int16:'),
  ]);
  fails(col('u', 'int(10) unsigned', 'int', ':uint32:'), /:uint32: — .*not a 2\.x core type/);
  fails(col('m', 'mediumint(9)', 'mediumint', ':int24:'), /:int24: — .*not a 2\.x core type/);
  fails(col('b', 'longblob', 'longblob', ':attach:'), /0\.14\.6 label/);
  fails(col('x', 'binary(16)', 'binary', ':filepath@raw:'), /BINARY\(16\) pointer is left/);
  fails(col('_dj2_x', 'json', 'json', ''), /interrupted migrate-pointers/);
});

test('a schema that is not DataJoint fails as a whole, with the evidence', async () => {
  await withDj2(async (fx) => {
    const other = `${fx.prefix}other`;
    await fx.db.execute(`CREATE DATABASE ${q(other)}`);
    await fx.db.execute(`CREATE TABLE ${qt(other, 'Orders')} (id int, note text)`);
    const r = await verifySchemas(fx.db, [other], { stores: fx.storesConfig });
    assert.equal(r.ok, false);
    const v = verdict(r, other, '*');
    assert.match(v.reasons[0], /^not a DataJoint schema: /);
  });
});

test('in-store values on an S3 store that cannot be reached: the JSON is checked, the files are reported as not checkable', async () => {
  const endpoint = `127.0.0.1:${await freePort()}`;
  await withDj2(async (fx, ephys) => {
    const stores = {
      ...fx.storesConfig,
      ...parseStores({
        raw: { protocol: 's3', endpoint, bucket: 'lab', location: 'raw', access_key: 'k', secret_key: 's' },
      }),
    };
    const r = await verifySchemas(fx.db, [ephys], { stores });
    const v = verdict(r, ephys, 'recording');
    assert.equal(v.reasons.length, 1, v.reasons.join('\n'));
    assert.match(
      v.reasons[0],
      /^signal: cannot check files: store "raw" \(s3 http:\/\/127\.0\.0\.1:\d+, bucket "lab"\): HeadBucket failed: cannot reach the endpoint .* — 6 values/,
    );
  });
});

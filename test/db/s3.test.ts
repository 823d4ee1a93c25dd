// S3 stores against a real S3-protocol server (s3rver on 127.0.0.1, started and stopped here): the dj014
// stores uploaded to a bucket, then copy / compare / verify (API and CLI), the 2.x objects where 2.x looks,
// resume after an interruption during attachment rewriting, server-side relocation, multipart uploads, and
// the errors a person meets (credentials, bucket, object, endpoint), each naming store, bucket and key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { copy } from '../../client/src/db/copy';
import type { Db } from '../../client/src/db/connection';
import { migrateInPlace } from '../../client/src/db/inplace';
import { compare } from '../../client/src/db/compare';
import { verifySchemas } from '../../client/src/db/verify';
import { canonicalize, unpackBlob } from '../../client/src/db/blob';
import { qt } from '../../client/src/db/sql';
import {
  copyObjectOnce,
  loadStores,
  objectStore,
  parseStores,
  readObject,
  StoreCredentials,
  type StoreMap,
  writeObjectOnce,
} from '../../client/src/db/stores';
import { convert014 } from '../../server/src/rules/configFiles';
import { endpointUrl, regionOf, S3ObjectStore, usesPathStyle } from '../../client/src/db/stores/s3';
import { fixturesDir } from '../helpers/paths';
import { copyScenario, rowCounts, type CopyScenario } from './copyScenario';
import { loadFixture } from './harness';
import { runCli } from './cliRun';
import {
  BUCKET,
  freePort,
  getObject,
  LOCATIONS,
  listKeys,
  S3_KEY,
  startS3,
  uploadStores,
  type LocalS3,
} from './s3server';

const values = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'dj014', 'values.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[]
>;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const tmpState = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djm-state-')), 'state.json');

let s3: LocalS3;
before(async () => {
  s3 = await startS3([BUCKET, 'other']);
});
after(async () => s3?.stop());

async function s3Scenario(): Promise<{ s: CopyScenario; stores: StoreMap; file: string }> {
  const s = await copyScenario();
  try {
    return { s, ...(await uploadStores(s3, s.source)) };
  } catch (e) {
    await s.cleanup();
    throw e;
  }
}

/** Every recording row of the 2.x target, read back through its JSON from the bucket, equals values.json. */
async function checkTargetObjects(s: CopyScenario, stores: StoreMap, opts: { relocated: boolean }): Promise<void> {
  await checkRecordingObjects(s.db, s.target.schemas[1], stores, opts);
}

/** Every recording row of a 2.x schema, read back through its JSON from the bucket, equals values.json. */
async function checkRecordingObjects(
  db: Db,
  ephys2: string,
  stores: StoreMap,
  opts: { relocated: boolean } = { relocated: false },
): Promise<void> {
  const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${qt(ephys2, 'recording')}`);
  assert.equal(rows.length, values.Recording.length);
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown> | null;
  for (const row of rows) {
    const want = values.Recording.find((v) =>
      ['subject_id', 'session_idx', 'recording_id'].every((k) => String(v[k]) === String(row[k])),
    ) as Record<string, unknown>;
    for (const col of ['signal', 'lfp']) {
      const json = parse(row[col]);
      if (!json) {
        assert.equal(want[col], null);
        continue;
      }
      const store = stores[json.store as string];
      if (opts.relocated) assert.match(json.path as string, new RegExp(`^_hash/${ephys2}/[a-z2-7]{26}$`));
      const bytes = await readObject(store, json.path as string);
      assert.deepEqual(canonicalize(unpackBlob(bytes)), want[col], `${col} of recording ${row.recording_id}`);
    }
    const att = parse(row.settings_file);
    if (att) {
      const expected = want.settings_file as { file: string; md5: string };
      const key = `${LOCATIONS.attachments}/_hash/${ephys2}/${att.hash}`;
      assert.equal(att.path, `_hash/${ephys2}/${att.hash}`);
      const object = await getObject(s3, key);
      const nul = object.indexOf(0);
      assert.equal(object.subarray(0, nul).toString(), expected.file, 'attachment object is name\\0contents');
      assert.equal(md5(object.subarray(nul + 1)).toString('hex'), expected.md5);
    }
    const fp = parse(row.raw_file);
    if (fp) {
      const expected = want.raw_file as { file: string; md5: string };
      const bytes = await readObject(stores.files, fp.path as string);
      assert.equal(path.basename(fp.path as string), expected.file);
      assert.equal(md5(bytes).toString('hex'), expected.md5, 'file path resolves in the bucket');
    }
  }
}

test('copy, compare and verify with every store on S3: blobs, attachments and file paths as 2.x reads them', async () => {
  const { s, stores } = await s3Scenario();
  try {
    const state = tmpState();
    let objects = 0;
    let objectBytes = 0;
    const report = await copy(s.db, {
      pairs: s.pairs,
      stores,
      statePath: state,
      onProgress: (e) => {
        objects = Math.max(objects, e.objects ?? 0);
        objectBytes = Math.max(objectBytes, e.objectBytes ?? 0);
      },
    });
    assert.equal(report.failed, false, JSON.stringify(report.tables.filter((t) => t.error)));
    assert.deepEqual(await rowCounts(s.db, s.target.schemas), await rowCounts(s.db, s.source.schemas));
    assert.ok(report.tables.reduce((n, t) => n + t.fileOps, 0) >= 5, 'attachments were rewritten');
    assert.ok(objects >= 5 && objectBytes > 0, `progress in objects and bytes (${objects}, ${objectBytes})`);
    await checkTargetObjects(s, stores, { relocated: false });
    const attachments = await listKeys(s3, `${LOCATIONS.attachments}/_hash/${s.target.schemas[1]}/`);
    assert.equal(attachments.length, new Set(values.Recording.map((r) => JSON.stringify(r.settings_file))).size - 1);

    const cmp = await compare(s.db, { pairs: s.pairs, stores, fileCheck: 'hash' });
    assert.equal(cmp.equal, true, JSON.stringify(cmp.notes));
    const v = await verifySchemas(s.db, s.target.schemas, { stores });
    assert.equal(v.ok, true, JSON.stringify(v.tables.filter((t) => t.status === 'fail')));
    assert.ok(v.tables.some((t) => t.checkedValues > 0));
    // A store verify cannot reach is reported, naming store and bucket, not thrown.
    const noBucket = { ...stores, attachments: { ...stores.attachments, bucket: 'no-such-bucket' } };
    const bad = await verifySchemas(s.db, s.target.schemas, { stores: noBucket });
    assert.equal(bad.ok, false);
    assert.match(
      bad.tables.flatMap((t) => t.reasons).join('\n'),
      /store "attachments" .*bucket "no-such-bucket".*bucket does not exist/,
    );

    // Credentials never reach a checkpoint, a report, JSON or util.inspect.
    for (const text of [
      fs.readFileSync(state, 'utf8'),
      JSON.stringify(report),
      JSON.stringify(stores),
      inspect(stores),
    ])
      assert.doesNotMatch(text, new RegExp(S3_KEY));
  } finally {
    await s.cleanup();
  }
});

test('an interruption during attachment rewriting resumes from the checkpoint and verifies', async () => {
  const { s, stores } = await s3Scenario();
  try {
    const state = tmpState();
    const stop = new AbortController();
    const first = await copy(s.db, {
      pairs: s.pairs,
      stores,
      statePath: state,
      chunk: { initialRows: 2, minRows: 1, maxRows: 2 },
      signal: stop.signal,
      onFileOp: (op) => /^rewrite attachments:/.test(op) && stop.abort(),
    });
    assert.equal(first.cancelled, true);
    const recording = `${s.target.schemas[1]}.recording`;
    const [{ n }] = await s.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${qt(s.target.schemas[1], 'recording')}`,
    );
    assert.ok(Number(n) < values.Recording.length, `${recording} was interrupted (${n} rows)`);
    const second = await copy(s.db, { pairs: s.pairs, stores, statePath: state });
    assert.equal(second.failed, false, JSON.stringify(second.tables.filter((t) => t.error)));
    assert.deepEqual(await rowCounts(s.db, s.target.schemas), await rowCounts(s.db, s.source.schemas));
    await checkTargetObjects(s, stores, { relocated: false });
    const v = await verifySchemas(s.db, s.target.schemas, { stores });
    assert.equal(v.ok, true, JSON.stringify(v.tables.filter((t) => t.status === 'fail')));
  } finally {
    await s.cleanup();
  }
});

test('--relocate copies blobs server-side (CopyObject) into the _hash/ layout; the dry run lists COPY/GET/PUT with keys', async () => {
  const { s, stores } = await s3Scenario();
  try {
    const ops: string[] = [];
    const dry = await copy(s.db, {
      pairs: s.pairs,
      stores,
      relocate: true,
      dryRun: true,
      onFileOp: (op) => ops.push(op),
    });
    assert.equal(dry.failed, false);
    const ephys2 = s.target.schemas[1];
    assert.ok(
      ops.some(
        (o) =>
          o.includes(`[COPY s3://${BUCKET}/lab/raw/${s.source.schemas[1]}/`) &&
          o.includes(`s3://${BUCKET}/lab/raw/_hash/${ephys2}/`),
      ),
      ops.join('\n'),
    );
    assert.ok(
      ops.some((o) =>
        /\[GET s3:\/\/djstores\/lab\/attachments\/.+; PUT s3:\/\/djstores\/lab\/attachments\/_hash\//.test(o),
      ),
    );
    assert.deepEqual(await listKeys(s3, `lab/raw/_hash/`), [], 'a dry run writes no object');

    const report = await copy(s.db, { pairs: s.pairs, stores, relocate: true });
    assert.equal(report.failed, false, JSON.stringify(report.tables.filter((t) => t.error)));
    assert.ok((await listKeys(s3, `lab/raw/_hash/${ephys2}/`)).length > 0);
    await checkTargetObjects(s, stores, { relocated: true });
    const cmp = await compare(s.db, { pairs: s.pairs, stores, fileCheck: 'hash' });
    assert.equal(cmp.equal, true, JSON.stringify(cmp.notes));
  } finally {
    await s.cleanup();
  }
});

test('multipart above the part size; a digest mismatch leaves no object (the upload is aborted)', async () => {
  const spec = (await uploadStoresless()).raw;
  const store = new S3ObjectStore(spec, { partSize: 5 * 1024 * 1024 });
  const sent: string[] = [];
  store.client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  const big = Buffer.alloc(12 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
  async function* chunks(b: Buffer) {
    for (let i = 0; i < b.length; i += 1024 * 1024) yield b.subarray(i, i + 1024 * 1024);
  }
  await assert.rejects(
    store.putOnce('big/bad', chunks(big), { md5: md5(Buffer.from('x')) }),
    /md5 of the copied object/,
  );
  assert.equal(await store.stat('big/bad'), null);
  assert.ok(
    sent.includes('AbortMultipartUploadCommand') && !sent.includes('CompleteMultipartUploadCommand'),
    sent.join(),
  );
  sent.length = 0;
  assert.equal(await store.putOnce('big/good', chunks(big), { md5: md5(big) }), big.length);
  assert.equal(sent.filter((c) => c === 'UploadPartCommand').length, 3, 'three parts of at most 5 MiB');
  assert.ok(sent.includes('CompleteMultipartUploadCommand'));
  assert.ok((await store.read('big/good')).equals(big));
});

/** Store settings for the bucket without uploading anything (for object-level tests). */
async function uploadStoresless(): Promise<StoreMap> {
  return parseStores({
    raw: {
      protocol: 's3',
      endpoint: s3.endpoint,
      bucket: BUCKET,
      location: 'scratch',
      access_key: S3_KEY,
      secret_key: S3_KEY,
    },
  });
}

test('errors name store, bucket and key: wrong credentials, missing bucket, missing object, unreachable endpoint; the chunk rolls back', async () => {
  const { s, stores } = await s3Scenario();
  try {
    const ephys2 = s.target.schemas[1];
    const only = { pairs: s.pairs };
    const count = async () =>
      Number((await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(ephys2, 'recording')}`))[0].n);
    const attempt = async (changed: StoreMap) => {
      const r = await copy(s.db, { ...only, stores: changed, statePath: tmpState() });
      assert.equal(r.failed, true);
      assert.equal(await count(), 0, 'the chunk rolled back');
      return r.tables.map((t) => t.error ?? '').join('\n');
    };
    const withAttachments = (patch: Partial<StoreMap[string]>) => ({
      ...stores,
      attachments: { ...stores.attachments, ...patch },
    });

    // s3rver checks the access key (not every signature), so a wrong key id stands for wrong credentials.
    const creds = await attempt(
      withAttachments({ credentials: new StoreCredentials('NOTAKEY', 'not-the-secret', 'test') }),
    );
    assert.match(
      creds,
      /store "attachments" \(s3 http:\/\/127\.0\.0\.1:\d+, bucket "djstores", key "lab\/attachments\/.+"\).*refused the credentials/,
    );
    assert.doesNotMatch(creds, /not-the-secret|NOTAKEY/);

    const bucket = await attempt(withAttachments({ bucket: 'no-such-bucket' }));
    assert.match(bucket, /store "attachments" .*bucket "no-such-bucket".*bucket does not exist/);

    const port = await freePort();
    const endpoint = await attempt(withAttachments({ endpoint: `127.0.0.1:${port}` }));
    assert.match(
      endpoint,
      new RegExp(
        `store "attachments" \\(s3 http://127\\.0\\.0\\.1:${port}, bucket "djstores", key "lab/attachments/[^"]+"\\).*cannot reach the endpoint`,
      ),
    );

    const keys = await listKeys(s3, `${LOCATIONS.attachments}/${s.source.schemas[1]}/`);
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[0] }));
    const missing = await attempt(stores);
    assert.ok(
      missing.includes(`store "attachments": object`) && missing.includes(`s3://${BUCKET}/${keys[0]}`),
      missing,
    );
    assert.ok(objectStore(stores.raw) instanceof S3ObjectStore);
  } finally {
    await s.cleanup();
  }
});

test('CLI: create-parallel, copy --stores, compare --stores (equal) and verify --stores pass with S3 stores', async () => {
  const src = await loadFixture('dj014');
  try {
    const { file, stores } = await uploadStores(s3, src);
    const schemas = src.schemas.join(',');
    const pre = await runCli(['db', 'preflight', '--schemas', schemas, '--stores', file, '--json']);
    const report = JSON.parse(pre.out) as { stores: { store: string; level: string; message: string }[] };
    assert.deepEqual(
      report.stores.map((x) => [x.store, x.level]).sort(),
      Object.keys(LOCATIONS)
        .map((n) => [n, 'ok'])
        .sort(),
      pre.out,
    );
    const badConf = path.join(path.dirname(file), 'bad_dj_local_conf.json');
    fs.writeFileSync(badConf, fs.readFileSync(file, 'utf8').replaceAll(`"bucket": "${BUCKET}"`, '"bucket": "missing"'));
    const bad = JSON.parse(
      (await runCli(['db', 'preflight', '--schemas', schemas, '--stores', badConf, '--json'])).out,
    ) as typeof report;
    assert.ok(bad.stores.every((x) => x.level === 'fail' && /bucket does not exist/.test(x.message)));
    const made = await runCli(['db', 'create-parallel', '--schemas', schemas]);
    assert.equal(made.code, 0, made.err + made.out);
    const dry = await runCli(['db', 'copy', '--schemas', schemas, '--stores', file, '--dry-run']);
    assert.equal(dry.code, 0, dry.err + dry.out);
    assert.match(
      dry.out,
      /-- file: rewrite attachments:.*\[GET s3:\/\/djstores\/lab\/attachments\/.*; PUT s3:\/\/djstores\/lab\/attachments\/_hash\//,
    );
    const copied = await runCli([
      'db',
      'copy',
      '--schemas',
      schemas,
      '--stores',
      file,
      '--state',
      path.join(src.storesDir, 'state.json'),
    ]);
    assert.equal(copied.code, 0, copied.err + copied.out);
    const cmp = await runCli(['db', 'compare', '--schemas', schemas, '--stores', file]);
    assert.equal(cmp.code, 0, cmp.out + cmp.err);
    const v2 = src.schemas.map((x) => `${x}_v2`);
    const ver = await runCli(['db', 'verify', '--schemas', v2.join(','), '--stores', file]);
    assert.equal(ver.code, 0, ver.out + ver.err);
    assert.match(ver.out, /ready for DataJoint 2\.x/);
    for (const out of [made, dry, copied, cmp, ver]) assert.doesNotMatch(out.out + out.err, new RegExp(S3_KEY));
    // Where 2.x looks: `<location>/<path>` in the bucket, path = `_hash/<schema>/<base32>` for attachments.
    const rows = await src.db.query<{ settings_file: unknown }>(
      `SELECT settings_file FROM ${qt(v2[1], 'recording')} WHERE settings_file IS NOT NULL`,
    );
    assert.ok(rows.length > 0);
    for (const r of rows) {
      const json = (typeof r.settings_file === 'string' ? JSON.parse(r.settings_file) : r.settings_file) as {
        path: string;
        hash: string;
      };
      const object = await getObject(s3, `${LOCATIONS.attachments}/${json.path}`);
      assert.equal(json.path, `_hash/${v2[1]}/${json.hash}`);
      assert.ok(object.includes(0));
    }
    assert.ok(
      await objectStore(stores.attachments).stat(
        `_hash/${v2[1]}/${(JSON.parse(String(rows[0].settings_file)) as { hash: string }).hash}`,
      ),
    );
  } finally {
    await src.cleanup();
  }
});

test('migrate-in-place (with its backup) on S3 stores: attachments rewritten into the bucket, pointers converted, verify passes', async () => {
  const fx = await loadFixture('dj014');
  try {
    const { stores } = await uploadStores(s3, fx);
    const [lab, ephys, analysis] = fx.schemas;
    for (const schema of [lab, ephys, analysis]) {
      const r = await migrateInPlace(fx.db, {
        schema,
        stores,
        backup: schema === ephys ? { suffix: '_bak' } : 'none',
        confirm: async () => true,
      });
      assert.equal(r.status, 'migrated', schema);
      assert.equal(r.verify?.ok, true, JSON.stringify(r.verify?.tables.filter((t) => t.status === 'fail')));
    }
    await checkRecordingObjects(fx.db, ephys, stores);
    const backup = await fx.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(`${ephys}_bak`, 'recording')}`);
    assert.equal(Number(backup[0].n), values.Recording.length, 'the backup holds the 0.14.6 rows');
  } finally {
    await fx.cleanup();
  }
});

test('the config migration writes 2.x S3 settings that reach the same objects the copy used (secure explicit, location trimmed)', async () => {
  const fx = await loadFixture('dj014');
  try {
    const { file, stores } = await uploadStores(s3, fx);
    const converted = convert014(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-conf2-'));
    fs.mkdirSync(path.join(dir, '.secrets'));
    for (const s of converted.secrets) fs.writeFileSync(path.join(dir, '.secrets', s.name), s.value);
    fs.writeFileSync(path.join(dir, 'datajoint.json'), JSON.stringify(converted.config));
    const written = (converted.config as { stores: Record<string, Record<string, unknown>> }).stores;
    assert.equal(written['external-raw'].location, 'lab/external-raw', 'no leading or trailing slash');
    assert.equal(written.raw.secure, false, 'secure stated explicitly');
    assert.equal(written.raw.secret_key, undefined, 'the secret key went to .secrets/');
    const v2 = loadStores(path.join(dir, 'datajoint.json'));
    for (const name of Object.keys(LOCATIONS)) {
      const [a, b] = [stores[name], v2[name]];
      assert.deepEqual(
        [b.endpoint, b.bucket, b.location, b.secure, b.credentials?.accessKeyId],
        [a.endpoint, a.bucket, a.location, a.secure, a.credentials?.accessKeyId],
        name,
      );
    }
    const [key] = await listKeys(s3, `${LOCATIONS.raw}/${fx.schemas[1]}/`);
    const rel = key.slice(LOCATIONS.raw.length + 1);
    assert.ok((await readObject(v2.raw, rel)).equals(await readObject(stores.raw, rel)));
  } finally {
    await fx.cleanup();
  }
});

test('endpoint, secure, addressing and region from the store settings; streamed copies between S3 and a file store', async () => {
  const spec = (o: Record<string, unknown>) =>
    parseStores({ s: { protocol: 's3', bucket: 'lab-data', location: 'x', ...o } }, { flavor: '0.14.6' }).s;
  assert.equal(endpointUrl(spec({ endpoint: 'minio.lab:9000' })), 'http://minio.lab:9000', '0.14.6: secure false');
  assert.equal(endpointUrl(spec({ endpoint: 'minio.lab:9000', secure: true })), 'https://minio.lab:9000');
  assert.equal(usesPathStyle(spec({ endpoint: 'minio.lab:9000' })), true, 'path-style off AWS');
  assert.equal(
    usesPathStyle(spec({ endpoint: 's3.eu-west-1.amazonaws.com', secure: true })),
    false,
    'virtual-hosted on AWS',
  );
  assert.equal(usesPathStyle(spec({ endpoint: 's3.amazonaws.com', addressing: 'path' })), true);
  assert.equal(regionOf(spec({ endpoint: 's3.eu-west-1.amazonaws.com' })), process.env.AWS_REGION ?? 'eu-west-1');
  assert.equal(regionOf(spec({ endpoint: 'minio.lab:9000', region: 'lab-1' })), 'lab-1');
  assert.throws(() => spec({ endpoint: 'e', access_key: 'only-one' }), /both access_key and secret_key/);

  // S3 → file and file → S3: different endpoints, so the bytes stream through (md5 checked), framed or not.
  const s3spec = (await uploadStoresless()).raw;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-s3file-'));
  try {
    const local = parseStores({ f: { protocol: 'file', location: dir } }).f;
    const body = Buffer.from('contents of a blob');
    assert.equal(await writeObjectOnce(s3spec, 'src/blob', body), 'written');
    const prefix = Buffer.from('name.txt\0');
    const framed = Buffer.concat([prefix, body]);
    assert.deepEqual(await copyObjectOnce(s3spec, 'src/blob', local, '_hash/s/a', { md5: md5(framed), prefix }), {
      result: 'written',
      size: framed.length,
    });
    assert.ok(fs.readFileSync(path.join(dir, '_hash/s/a')).equals(framed));
    assert.deepEqual(await copyObjectOnce(local, '_hash/s/a', s3spec, '_hash/s/b', { md5: md5(framed) }), {
      result: 'written',
      size: framed.length,
    });
    assert.ok((await getObject(s3, 'scratch/_hash/s/b')).equals(framed));
    assert.equal(
      (await copyObjectOnce(local, '_hash/s/a', s3spec, '_hash/s/b', { md5: md5(framed) })).result,
      'exists',
    );
    await assert.rejects(
      copyObjectOnce(local, '_hash/s/a', s3spec, '_hash/s/b', { md5: md5(body) }),
      /different content/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('5xx and throttling answers are retried with backoff; a lasting 5xx is reported with store, bucket and key', async () => {
  const seen: string[] = [];
  let failures = 2;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (failures-- > 0) {
      res.writeHead(failures % 2 ? 503 : 500, { 'content-type': 'application/xml' });
      res.end('<Error><Code>SlowDown</Code><Message>reduce your request rate</Message></Error>');
      return;
    }
    res.writeHead(200, { 'content-length': '5', etag: '"5d41402abc4b2a76b9719d911017c592"' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const spec = parseStores({
      s: {
        protocol: 's3',
        endpoint: `127.0.0.1:${port}`,
        bucket: 'b',
        location: 'p',
        access_key: 'k',
        secret_key: 's',
      },
    }).s;
    const st = await objectStore(spec).stat('x');
    assert.deepEqual(st, { size: 5, isDir: false, etag: '5d41402abc4b2a76b9719d911017c592' });
    assert.ok(seen.length >= 4, `two failed attempts, then HeadBucket and HeadObject: ${seen.join(', ')}`);
    failures = 100;
    const err = await new S3ObjectStore(spec, { maxAttempts: 2 }).stat('y').catch((e: Error) => e);
    assert.ok(
      err instanceof Error && /store "s" \(s3 http:\/\/127\.0\.0\.1:\d+, bucket "b", key "p\/y"\)/.test(err.message),
      String(err),
    );
  } finally {
    server.close();
  }
});

test('server-side copies: one conditional CopyObject when the md5 matches; a changed source is refused and leaves no target', async () => {
  const spec = (await uploadStoresless()).raw;
  const store = objectStore(spec) as S3ObjectStore;
  const sent: string[] = [];
  store.client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  const body = Buffer.from('the bytes of a 0.14.6 blob');
  assert.equal(await writeObjectOnce(spec, 'cp/src', body), 'written');
  sent.length = 0;
  const done = await copyObjectOnce(spec, 'cp/src', spec, 'cp/dst', { md5: md5(body), size: body.length });
  assert.deepEqual(done, { result: 'written', size: body.length });
  assert.deepEqual(sent, ['HeadObjectCommand', 'CopyObjectCommand'], 'no bytes through the client');
  assert.ok((await store.read('cp/dst')).equals(body));
  const other = Buffer.from('what the database recorded');
  await assert.rejects(
    copyObjectOnce(spec, 'cp/src', spec, 'cp/bad', { md5: md5(other), size: other.length }),
    /md5 of the source object is/,
  );
  assert.equal(await store.stat('cp/bad'), null);
});

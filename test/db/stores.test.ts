// Store settings of both versions, the two path layouts, the two hash spellings, and object writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { base32, base32Decode, base32Hash, isBase32Hash, md5, uuidHex } from '../../client/src/db/hash';
import { StoreAccessError } from '../../client/src/db/stores/objectStore';
import { freePort } from './s3server';
import {
  fileStore,
  hashPath2x,
  loadStores,
  parseStores,
  path014,
  readObject,
  subfold,
  writeObjectOnce,
  describeObject,
  filePath,
  StoreConfigError,
  StoreObjectMissing,
  copyObjectOnce,
  ObjectDigestMismatch,
} from '../../client/src/db/stores';

test('base32: RFC 4648 vectors, lower-case, no padding; 16-byte digests give 26 characters', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(base32(Buffer.from(plain)), encoded);
    assert.equal(base32Decode(encoded).toString(), plain);
  }
  // the dj2 fixture: base32 of the 0.14.6 uuid db1392f4… is the hash 2.x wrote for the same blob
  assert.equal(base32Hash(Buffer.from('DB1392F4B466331E5B058DC56C2313D2', 'hex')), '3mjzf5fumyzr4wyfrxcwyiyt2i');
  const h = base32Hash(md5(Buffer.from('x')));
  assert.equal(h.length, 26);
  assert.ok(isBase32Hash(h));
  assert.ok(!isBase32Hash(md5(Buffer.from('x')).toString('hex')), 'a hex digest is not a 2.x hash');
  assert.throws(() => base32Hash(Buffer.alloc(15)));
  assert.throws(() => base32Decode('not-base32!'));
  assert.equal(uuidHex(Buffer.from('DB1392F4B466331E5B058DC56C2313D2', 'hex')), 'db1392f4b466331e5b058dc56c2313d2');
});

test('0.14.6 paths follow each store’s own subfolding; 2.x paths its hash_prefix and subfolding', () => {
  const hex = 'DB1392F4B466331E5B058DC56C2313D2';
  assert.deepEqual(subfold('AbCdEf', [2, 3]), ['ab', 'cde']);
  assert.equal(path014(fileStore('raw', '/s'), 'lab', hex), 'lab/db/13/db1392f4b466331e5b058dc56c2313d2');
  assert.equal(
    path014(fileStore('raw', '/s', { subfolding014: [1, 1, 1] }), 'lab', hex),
    'lab/d/b/1/db1392f4b466331e5b058dc56c2313d2',
  );
  assert.equal(
    path014(fileStore('raw', '/s', { subfolding014: [] }), 'lab', hex, 'data.tar.gz'),
    'lab/db1392f4b466331e5b058dc56c2313d2.data.tar.gz',
  );
  assert.throws(() => path014(fileStore('raw', '/s'), 'lab', 'xyz'));
  const h = '3mjzf5fumyzr4wyfrxcwyiyt2i';
  assert.equal(hashPath2x(fileStore('raw', '/s'), 'lab_v2', h), `_hash/lab_v2/${h}`);
  assert.equal(
    hashPath2x(fileStore('raw', '/s', { subfolding2x: [2, 2], hashPrefix: 'objs' }), 'lab_v2', h),
    `objs/lab_v2/3m/jz/${h}`,
  );
});

function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

test('loadStores reads dj_local_conf.json (0.14.6), datajoint.json (2.x) and bare --stores maps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-stores-'));
  try {
    const conf = loadStores(
      writeJson(dir, 'dj_local_conf.json', {
        'database.host': 'db',
        stores: {
          raw: { protocol: 'file', location: 'data/raw' },
          flat: { protocol: 'file', location: '/abs/flat', subfolding: null },
          deep: { protocol: 'file', location: '/abs/deep', subfolding: [3], stage: 'stage' },
          cloud: {
            protocol: 's3',
            endpoint: 'minio:9000',
            bucket: 'b',
            location: '/lab/raw/',
            access_key: 'k',
            secret_key: 's',
          },
        },
      }),
    );
    assert.equal(conf.raw.location, path.join(dir, 'data/raw'), 'relative locations resolve against the file');
    assert.deepEqual([conf.raw.subfolding014, conf.raw.subfolding2x, conf.raw.hashPrefix], [[2, 2], null, '_hash']);
    assert.deepEqual(conf.flat.subfolding014, [], 'subfolding None means no folders');
    assert.deepEqual(conf.deep.subfolding014, [3]);
    assert.equal(conf.deep.stage, path.join(dir, 'stage'));
    assert.deepEqual([conf.cloud.location, conf.cloud.secure, conf.cloud.bucket], ['lab/raw', false, 'b']);
    assert.equal(describeObject(conf.cloud, 'lab/ab/cd/x'), 's3://b/lab/raw/lab/ab/cd/x');

    const v2 = loadStores(
      writeJson(dir, 'datajoint.json', {
        stores: {
          default: 'main',
          main: { protocol: 'file', location: '/data/main', subfolding: [2, 2], hash_prefix: 'h' },
          cloud: { protocol: 's3', endpoint: 'e', bucket: 'b', location: 'p' },
        },
      }),
    );
    assert.deepEqual(Object.keys(v2), ['main', 'cloud'], 'the string `default` entry is not a store');
    assert.deepEqual(
      [v2.main.subfolding2x, v2.main.subfolding014, v2.main.hashPrefix, v2.cloud.secure],
      [[2, 2], [2, 2], 'h', true],
    );

    const bare = loadStores(
      writeJson(dir, 'my-stores.json', {
        raw: { protocol: 'file', location: '/r', subfolding014: [1], subfolding2x: [2] },
      }),
    );
    assert.deepEqual([bare.raw.subfolding014, bare.raw.subfolding2x], [[1], [2]]);
    const detected = loadStores(
      writeJson(dir, 'other.json', {
        stores: { raw: { protocol: 'file', location: '/r', subfolding: [4], schema_prefix: '_s' } },
      }),
    );
    assert.deepEqual(
      [detected.raw.subfolding2x, detected.raw.subfolding014],
      [[4], [2, 2]],
      'a 2.x-only key marks the 2.x flavour',
    );

    assert.throws(() => loadStores(path.join(dir, 'missing.json')), StoreConfigError);
    assert.throws(
      () => loadStores(writeJson(dir, 'bad1.json', { stores: { raw: { protocol: 'gcs', location: 'x' } } })),
      /not supported/,
    );
    assert.throws(() => loadStores(writeJson(dir, 'bad2.json', { stores: { raw: { protocol: 'file' } } })), /location/);
    assert.throws(
      () => loadStores(writeJson(dir, 'bad3.json', { stores: { Raw: { protocol: 'file', location: '/x' } } })),
      /store names/,
    );
    assert.throws(
      () => loadStores(writeJson(dir, 'bad4.json', { stores: { s: { protocol: 's3', location: 'x' } } })),
      /endpoint/,
    );
    assert.throws(
      () =>
        loadStores(
          writeJson(dir, 'bad5.json', { stores: { s: { protocol: 'file', location: '/x', subfolding: [0] } } }),
        ),
      /positive integers/,
    );
    fs.writeFileSync(path.join(dir, 'broken.json'), '{');
    assert.throws(() => loadStores(path.join(dir, 'broken.json')), /not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('objects: written once (atomically, never overwritten), missing ones named, an unreachable S3 endpoint named', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-objects-'));
  try {
    const store = fileStore('raw', dir);
    assert.equal(await writeObjectOnce(store, '_hash/s/abc', Buffer.from('one')), 'written');
    assert.equal(await writeObjectOnce(store, '_hash/s/abc', Buffer.from('one')), 'exists');
    await assert.rejects(writeObjectOnce(store, '_hash/s/abc', Buffer.from('two')), /different content/);
    assert.equal((await readObject(store, '_hash/s/abc')).toString(), 'one');
    assert.deepEqual(fs.readdirSync(path.join(dir, '_hash/s')), ['abc'], 'no temporary files left');
    await assert.rejects(readObject(store, 'nope'), StoreObjectMissing);
    assert.throws(() => filePath(store, '../outside'), /leaves the store root/);
    const s3 = parseStores({
      s: {
        protocol: 's3',
        endpoint: `127.0.0.1:${await freePort()}`,
        bucket: 'b',
        location: 'p',
        access_key: 'k',
        secret_key: 's',
      },
    }).s;
    await assert.rejects(
      readObject(s3, 'x'),
      (e: Error) =>
        e instanceof StoreAccessError && e.problem === 'endpoint' && /bucket "b", key "p\/x"/.test(e.message),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('copyObjectOnce streams with an optional prefix, checks the md5 before the object appears, and never overwrites', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-copy-'));
  try {
    const a = fileStore('a', path.join(dir, 'a'));
    const b = fileStore('b', path.join(dir, 'b'));
    fs.mkdirSync(a.location, { recursive: true });
    const contents = Buffer.alloc(3 * 1024 * 1024 + 7, 7); // several read chunks
    fs.writeFileSync(path.join(a.location, 'src.bin'), contents);
    const prefix = Buffer.from('name.json\0');
    const framed = Buffer.concat([prefix, contents]);
    const bad = await copyObjectOnce(a, 'src.bin', b, 'x/bad', { md5: md5(Buffer.from('other')), prefix }).catch(
      (e) => e,
    );
    assert.ok(bad instanceof ObjectDigestMismatch);
    assert.deepEqual(fs.readdirSync(path.join(b.location, 'x')), [], 'nothing visible, no temporary file left');
    assert.deepEqual(await copyObjectOnce(a, 'src.bin', b, 'x/good', { md5: md5(framed), prefix }), {
      result: 'written',
      size: framed.length,
    });
    assert.ok(fs.readFileSync(path.join(b.location, 'x/good')).equals(framed));
    assert.deepEqual(await copyObjectOnce(a, 'src.bin', b, 'x/good', { md5: md5(framed), prefix }), {
      result: 'exists',
      size: framed.length,
    });
    await assert.rejects(copyObjectOnce(a, 'src.bin', b, 'x/good', { md5: md5(contents) }), /different content/);
    await assert.rejects(copyObjectOnce(a, 'missing', b, 'x/m', { md5: md5(contents) }), StoreObjectMissing);
    assert.deepEqual(fs.readdirSync(path.join(b.location, 'x')), ['good']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

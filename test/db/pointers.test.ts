// convertPointer on the real dj014 fixture (loaded into MariaDB, stores copied) against what DataJoint 2.x
// itself wrote for the same rows in the dj2 fixture: the same `hash` for every in-store value, and a file with
// that content at the JSON's `path`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadFixture, type LoadedFixture } from './harness';
import { readDump } from './fixtureDump';
import { fixturesDir } from '../helpers/paths';
import {
  convertPointer,
  fetchExternalRows,
  isoTimestamp,
  PointerError,
  type PointerKind,
} from '../../client/src/db/pointers';
import { base32Hash, md5 } from '../../client/src/db/hash';
import { fileStore, filePath, parseStores, StoreObjectMissing } from '../../client/src/db/stores';
import { StoreAccessError } from '../../client/src/db/stores/objectStore';
import { freePort } from './s3server';
import { qt } from '../../client/src/db/sql';

const COLUMNS: [string, PointerKind, string][] = [
  ['signal', 'blob', 'raw'],
  ['lfp', 'blob', 'external-raw'],
  ['settings_file', 'attach', 'attachments'],
  ['raw_file', 'filepath', 'files'],
];
const PK = ['subject_id', 'session_date', 'session_idx', 'recording_id'];

let fx: LoadedFixture;
let ephys: string;
let recording: Record<string, unknown>[];
/** dj2's JSON per row key and column, and dj2's store folder. */
const dj2 = new Map<string, Record<string, Record<string, unknown> | null>>();
const dj2Stores = path.join(fixturesDir, 'dj2', 'stores');

const keyOf = (r: Record<string, unknown>) => PK.map((c) => String(r[c])).join('|');

before(async () => {
  fx = await loadFixture('dj014');
  ephys = fx.schemas[1];
  recording = await fx.db.query(`SELECT * FROM ${qt(ephys, 'recording')}`);
  const t = readDump(path.join(fixturesDir, 'dj2', 'pipeline.sql')).find(
    (d) => d.schema === 'djfix2_ephys' && d.name === 'recording',
  )!;
  for (const row of t.rows) {
    const rec: Record<string, unknown> = Object.fromEntries(t.columns.map((c, i) => [c, row[i]]));
    dj2.set(
      keyOf(rec),
      Object.fromEntries(COLUMNS.map(([c]) => [c, rec[c] === null ? null : JSON.parse(rec[c] as string)])),
    );
  }
});
after(async () => fx?.cleanup());

async function convertAll(opts: {
  relocate: boolean;
  destStores?: Record<string, ReturnType<typeof fileStore>>;
  dryRun?: boolean;
}) {
  const out: { key: string; column: string; json: Record<string, unknown>; fileOps: string[]; shares: boolean }[] = [];
  for (const [column, kind, store] of COLUMNS) {
    const hashes = recording.map((r) => r[column]).filter((h): h is Buffer => Buffer.isBuffer(h));
    const ext = await fetchExternalRows(fx.db, ephys, store, hashes);
    assert.equal(
      ext.size,
      new Set(hashes.map((h) => h.toString('hex'))).size,
      `every ${column} pointer has its ~external_${store} row`,
    );
    for (const r of recording) {
      if (r[column] === null) continue;
      const row = ext.get((r[column] as Buffer).toString('hex'))!;
      const c = await convertPointer(kind, row, {
        sourceSchema: ephys,
        targetSchema: ephys,
        store: fx.storesConfig[store],
        destStore: opts.destStores?.[store],
        relocate: opts.relocate,
        dryRun: opts.dryRun ?? false,
        verify: true,
      });
      out.push({ key: keyOf(r), column, json: c.json, fileOps: c.fileOps, shares: c.sharesSourceFile });
    }
  }
  return out;
}

test('pointer-only: every in-store value gets the hash 2.x wrote for the same row, and its file has that content', async () => {
  const converted = await convertAll({ relocate: false });
  assert.equal(converted.length, 6 + 4 + 5 + 5);
  for (const { key, column, json, shares } of converted) {
    const want = dj2.get(key)![column]!;
    assert.ok(want, `dj2 has ${column} for ${key}`);
    const kind = COLUMNS.find(([c]) => c === column)![1];
    const store = fx.storesConfig[json.store as string];
    assert.equal(json.store, want.store);
    assert.equal(json.size, want.size, `${column} size`);
    const bytes = fs.readFileSync(filePath(store, json.path as string));
    if (kind === 'filepath') {
      assert.deepEqual(Object.keys(json), ['path', 'store', 'size', 'is_dir', 'timestamp', 'hash']);
      assert.equal(json.path, want.path);
      assert.equal(json.is_dir, false);
      assert.match(json.timestamp as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
      assert.equal(json.hash, base32Hash(md5(bytes)));
      assert.ok(bytes.equals(fs.readFileSync(path.join(dj2Stores, 'files', want.path as string))));
      assert.equal(shares, true);
      continue;
    }
    assert.deepEqual(Object.keys(json), ['hash', 'path', 'schema', 'store', 'size']);
    assert.equal(json.hash, want.hash, `${column} hash for ${key}`);
    assert.equal(json.schema, ephys);
    assert.equal(base32Hash(md5(bytes)), json.hash, 'the file at path hashes to hash');
    assert.ok(
      bytes.equals(fs.readFileSync(path.join(dj2Stores, json.store as string, want.path as string))),
      'same bytes 2.x stored',
    );
    if (kind === 'blob') {
      assert.match(
        json.path as string,
        new RegExp(`^${ephys}/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}$`),
        'the 0.14.6 file, 0.14.6 subfolding',
      );
      assert.equal(shares, true);
    } else {
      assert.equal(json.path, `_hash/${ephys}/${json.hash}`, 'attachments are rewritten into _hash/');
      assert.equal(shares, false);
    }
  }
});

test('relocate: blobs are copied into the 2.x layout of the destination store (with its subfolding), md5 checked', async () => {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'djm-relocate-'));
  try {
    const dest = {
      raw: fileStore('raw2', path.join(root, 'raw2'), { subfolding2x: [2, 2] }),
      'external-raw': fileStore('xr2', path.join(root, 'xr2')),
    };
    const dry = await convertAll({ relocate: true, destStores: dest, dryRun: true });
    assert.equal(fs.existsSync(path.join(root, 'raw2')), false, 'a dry run writes nothing');
    const converted = await convertAll({ relocate: true, destStores: dest });
    assert.deepEqual(
      dry.map((d) => d.json),
      converted.map((c) => c.json),
      'the dry run predicts the JSON exactly',
    );
    for (const { key, column, json, fileOps } of converted.filter((c) => c.column === 'signal' || c.column === 'lfp')) {
      const want = dj2.get(key)![column]!;
      assert.equal(json.hash, want.hash);
      const h = json.hash as string;
      assert.equal(
        json.path,
        column === 'signal' ? `_hash/${ephys}/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}` : `_hash/${ephys}/${h}`,
      );
      assert.equal(json.store, column === 'signal' ? 'raw2' : 'xr2');
      const bytes = fs.readFileSync(
        filePath(column === 'signal' ? dest.raw : dest['external-raw'], json.path as string),
      );
      assert.ok(
        bytes.equals(
          fs.readFileSync(path.join(dj2Stores, column === 'signal' ? 'raw' : 'external-raw', want.path as string)),
        ),
      );
      assert.equal(fileOps.length, 1);
    }
    // the shared blob (two rows, one object) was written once; the second row found it in place
    const signalOps = converted.filter((c) => c.column === 'signal').flatMap((c) => c.fileOps);
    assert.equal(signalOps.filter((o) => o.endsWith('already present with the same bytes')).length, 1);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
});

test('a changed or missing file is caught, not converted', async () => {
  const signal = recording[0].signal as Buffer;
  const [row] = (await fetchExternalRows(fx.db, ephys, 'raw', [signal])).values();
  const store = fx.storesConfig.raw;
  const file = filePath(
    store,
    `${ephys}/${signal.toString('hex').slice(0, 2)}/${signal.toString('hex').slice(2, 4)}/${signal.toString('hex')}`,
  );
  const original = fs.readFileSync(file);
  const ctx = { sourceSchema: ephys, targetSchema: ephys, store, relocate: false, dryRun: false, verify: true };
  try {
    const changed = Buffer.from(original);
    changed[changed.length - 1] ^= 1;
    fs.writeFileSync(file, changed);
    await assert.rejects(convertPointer('blob', row, ctx), PointerError);
    fs.rmSync(file);
    await assert.rejects(convertPointer('blob', row, ctx), StoreObjectMissing);
    // without verification, a pointer-only blob needs no file at all (as on S3)
    const c = await convertPointer('blob', row, { ...ctx, verify: false });
    assert.equal(c.json.hash, base32Hash(signal));
  } finally {
    fs.writeFileSync(file, original);
  }
});

test('S3 stores: pointer-only blobs and file paths convert with no object request (the endpoint is down); object work names the unreachable endpoint', async () => {
  const endpoint = `127.0.0.1:${await freePort()}`;
  const s3 = parseStores({
    stores: {
      raw: {
        protocol: 's3',
        endpoint,
        bucket: 'lab',
        location: '/dj/raw',
        access_key: 'k',
        secret_key: 's',
      },
      attachments: {
        protocol: 's3',
        endpoint,
        bucket: 'lab',
        location: 'dj/att',
        access_key: 'k',
        secret_key: 's',
      },
      files: {
        protocol: 's3',
        endpoint,
        bucket: 'lab',
        location: 'dj/files',
        access_key: 'k',
        secret_key: 's',
      },
    },
  });
  assert.equal(s3.raw.location, 'dj/raw');
  assert.equal(s3.raw.secure, false, '0.14.6 default');
  const r = recording[0];
  const ctx = (store: string) => ({
    sourceSchema: ephys,
    targetSchema: ephys,
    store: s3[store],
    relocate: false,
    dryRun: false,
  });
  const [blobRow] = (await fetchExternalRows(fx.db, ephys, 'raw', [r.signal as Buffer])).values();
  assert.equal((await convertPointer('blob', blobRow, ctx('raw'))).json.hash, dj2.get(keyOf(r))!.signal!.hash);
  const [fileRow] = (await fetchExternalRows(fx.db, ephys, 'files', [r.raw_file as Buffer])).values();
  assert.equal((await convertPointer('filepath', fileRow, ctx('files'))).json.path, 'raw/sub100/rec_0.bin');
  const unreachable = (store: string) => (e: Error) =>
    e instanceof StoreAccessError &&
    e.problem === 'endpoint' &&
    e.message.includes(`store "${store}" (s3 http://${endpoint}, bucket "lab", key "dj/`);
  await assert.rejects(convertPointer('filepath', fileRow, { ...ctx('files'), verify: true }), unreachable('files'));
  await assert.rejects(convertPointer('blob', blobRow, { ...ctx('raw'), relocate: true }), unreachable('raw'));
  const [attRow] = (await fetchExternalRows(fx.db, ephys, 'attachments', [r.settings_file as Buffer])).values();
  await assert.rejects(convertPointer('attach', attRow, ctx('attachments')), unreachable('attachments'));
});

test('a blob carried over from 0.11 takes its path from filepath and its hash from contents_hash', async () => {
  const store = fx.storesConfig.raw;
  const legacy = path.join(ephys, 'A'.repeat(43));
  const bytes = Buffer.from('mYm\0legacy bytes');
  fs.mkdirSync(path.dirname(filePath(store, legacy)), { recursive: true });
  fs.writeFileSync(filePath(store, legacy), bytes);
  const row = {
    hash: md5(Buffer.from(legacy)),
    size: bytes.length,
    attachment_name: null,
    filepath: legacy,
    contents_hash: md5(bytes),
    timestamp: '2020-01-02 03:04:05',
  };
  const ctx = { sourceSchema: ephys, targetSchema: 'other_v2', store, relocate: false, dryRun: false, verify: true };
  const c = await convertPointer('blob', row, ctx);
  assert.deepEqual(c.json, {
    hash: base32Hash(md5(bytes)),
    path: legacy,
    schema: 'other_v2',
    store: 'raw',
    size: bytes.length,
  });
  const noHash = await convertPointer('blob', { ...row, contents_hash: null }, ctx);
  assert.equal(noHash.json.hash, c.json.hash, 'md5 computed from the file when contents_hash is empty');
});

test('timestamps become ISO-8601 UTC as 2.x writes them', () => {
  assert.equal(isoTimestamp('2026-11-26 06:09:12'), '2026-11-26T06:09:12+00:00');
  assert.equal(isoTimestamp('2026-11-26 06:09:12.5'), '2026-11-26T06:09:12.500000+00:00');
  assert.throws(() => isoTimestamp('yesterday'), PointerError);
});

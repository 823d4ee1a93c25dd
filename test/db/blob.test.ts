// The blob reader against the real 0.14.6 library's output: every blob column of every row of the dj014
// fixture (in-table blobs, the adapted <graph> column and the external blob files in stores/) must decode
// to the value values.json records. Plus hand-made blobs for the type codes the fixture does not use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { fixturesDir } from '../helpers/paths';
import { readDump, type DumpTable } from './fixtureDump';
import {
  unpackBlob,
  canonicalize,
  describeBlob,
  isSerializedBlob,
  BlobFormatError,
  type Canonical,
  type BlobValue,
} from '../../client/src/db/blob';
import { fileStore, path014 } from '../../client/src/db/stores';

const dj014 = path.join(fixturesDir, 'dj014');
const values = JSON.parse(fs.readFileSync(path.join(dj014, 'values.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[]
>;
const dump = readDump(path.join(dj014, 'pipeline.sql'));

function table(schema: string, name: string): DumpTable {
  const t = dump.find((d) => d.schema === schema && d.name === name);
  assert.ok(t, `${schema}.${name} in the dump`);
  return t;
}

function primaryKey(t: DumpTable): string[] {
  const m = /PRIMARY KEY \(([^)]+)\)/.exec(t.createSql);
  return m![1].split(',').map((s) => s.trim().replace(/`/g, ''));
}

/** Rows of values.json for `cls`, found by the dump row's primary key. */
function expectedRow(cls: string, t: DumpTable, row: (string | Buffer | null)[]): Record<string, unknown> {
  const pk = primaryKey(t);
  const key = pk.map((c) => String(row[t.columns.indexOf(c)]));
  const found = values[cls].filter((v) => pk.every((c, i) => String(v[c]) === key[i]));
  assert.equal(found.length, 1, `${cls} row ${key.join(',')} in values.json`);
  return found[0];
}

const decode = (b: Buffer | string | null): Canonical => {
  assert.ok(Buffer.isBuffer(b));
  return canonicalize(unpackBlob(b));
};

const cases: { cls: string; schema: string; table: string; columns: string[] }[] = [
  { cls: 'Neuron', schema: 'djfix_ephys', table: '_neuron', columns: ['spike_times', 'waveform'] },
  { cls: 'ActivityParams', schema: 'djfix_analysis', table: '#activity_params', columns: ['options'] },
  { cls: 'ActivityStats', schema: 'djfix_analysis', table: '__activity_stats', columns: ['rate_hist', 'summary'] },
];

for (const c of cases) {
  test(`in-table blobs of ${c.cls} equal values.json`, () => {
    const t = table(c.schema, c.table);
    assert.equal(t.rows.length, values[c.cls].length);
    let checked = 0;
    for (const row of t.rows) {
      const want = expectedRow(c.cls, t, row);
      for (const col of c.columns) {
        assert.deepEqual(decode(row[t.columns.indexOf(col)]), want[col], `${c.cls}.${col}`);
        checked++;
      }
    }
    assert.equal(checked, t.rows.length * c.columns.length);
  });
}

test('the adapted <graph> column holds the sorted edge list values.json records', () => {
  const t = table('djfix_ephys', 'recording');
  assert.equal(t.rows.length, 6);
  for (const row of t.rows) {
    const edges = decode(row[t.columns.indexOf('wiring')]) as number[][];
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(edges, expectedRow('Recording', t, row).wiring);
  }
});

test('external blob files (blob@raw, blob@external-raw) decode to values.json, found by the 0.14.6 path', () => {
  const t = table('djfix_ephys', 'recording');
  let files = 0;
  for (const [col, store] of [
    ['signal', 'raw'],
    ['lfp', 'external-raw'],
  ] as const) {
    const spec = fileStore(store, path.join(dj014, 'stores', store));
    for (const row of t.rows) {
      const pointer = row[t.columns.indexOf(col)];
      const want = expectedRow('Recording', t, row)[col];
      if (pointer === null) {
        assert.equal(want, null);
        continue;
      }
      assert.ok(Buffer.isBuffer(pointer));
      const bytes = fs.readFileSync(path.join(spec.location, path014(spec, 'djfix_ephys', pointer.toString('hex'))));
      assert.ok(isSerializedBlob(bytes));
      assert.deepEqual(canonicalize(unpackBlob(bytes)), want, `Recording.${col}`);
      files++;
    }
  }
  assert.equal(files, 10);
});

test('~jobs keys and error stacks decode (dj0 dicts and strings)', () => {
  const jobs = table('djfix_analysis', '~jobs');
  assert.ok(jobs.rows.length > 0);
  for (const row of jobs.rows) {
    const key = decode(row[jobs.columns.indexOf('key')]) as Record<string, unknown>;
    assert.ok('subject_id' in key);
    const stack = row[jobs.columns.indexOf('error_stack')];
    if (stack) assert.match(decode(stack) as string, /deliberate failure|Traceback/);
  }
});

// ---- hand-made blobs for type codes outside the fixture (byte layouts from storage-formats.md A4) ----

const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const dj0 = (...parts: Buffer[]) => Buffer.concat([Buffer.from('dj0\0', 'latin1'), ...parts]);
const item = (body: Buffer) => Buffer.concat([u64(body.length), body]);
const str = (s: string) => Buffer.concat([Buffer.from([5]), u64(Buffer.byteLength(s)), Buffer.from(s)]);
const int = (hex: string) => {
  const b = Buffer.from(hex, 'hex');
  const n = Buffer.alloc(2);
  n.writeUInt16LE(b.length);
  return Buffer.concat([Buffer.from([0x0a]), n, b]);
};

test('spec examples: scalars, strings, dict, uuid, datetime, date', () => {
  const cases: [string, Canonical][] = [
    ['646a30000d0000000000000840', 3],
    ['646a30000a010005', 5],
    ['646a30000a02000001', 256],
    ['646a3000050200000000000000' + '6869', 'hi'],
    [
      '646a3000040100000000000000' +
        '0a00000000000000' +
        '050100000000000000' +
        '61' +
        '0400000000000000' +
        '0a0100' +
        '01',
      { a: 1 },
    ],
    ['646a300075' + '12345678123456781234567812345678', '12345678-1234-5678-1234-567812345678'],
    ['646a300074' + 'e6d63401' + '467b471407000000', '2024-01-02T03:04:05.000006'],
    ['646a300074' + 'e6d63401' + 'ffffffffffffffff', '2024-01-02'],
    [
      '6d596d0041' +
        '0100000000000000' +
        '0300000000000000' +
        '0e000000' +
        '00000000' +
        '0100000000000000' +
        '0200000000000000' +
        '0300000000000000',
      { dtype: 'int64', shape: [3], data: [1, 2, 3] },
    ],
    [
      '646a300041' + '0000000000000000' + '03000100' + '00000000' + '0c4d000000000000',
      { dtype: 'datetime64[D]', shape: [], data: [19724] },
    ],
  ];
  for (const [hex, want] of cases) assert.deepEqual(canonicalize(unpackBlob(Buffer.from(hex, 'hex'))), want, hex);
});

test('variable-length ints: negative, and beyond 2^53 as bigint', () => {
  assert.equal(unpackBlob(dj0(int('ff'))), -1);
  assert.equal(unpackBlob(dj0(int('00ff'))), -256);
  assert.equal(unpackBlob(dj0(int('000000000000000001'))), 2n ** 64n);
  assert.equal(unpackBlob(dj0(int('0000000000000080'))), -(2n ** 63n));
  assert.equal(unpackBlob(dj0(int('ffffffffffff1f00'))), 2 ** 53 - 1);
});

test('None, bool, float, complex, decimal, bytes, tuple, list, set, time', () => {
  const bytes = Buffer.from('\x00\x01binary', 'latin1');
  const blob = dj0(
    Buffer.from([0x02]),
    u64(9),
    item(Buffer.from([0xff])),
    item(Buffer.from([0x0b, 1])),
    item(Buffer.concat([Buffer.from([0x0d]), Buffer.from(new Float64Array([0.1 + 0.2]).buffer)])),
    item(Buffer.concat([Buffer.from([0x0c]), Buffer.from(new Float64Array([1.5, -2]).buffer)])),
    item(Buffer.concat([Buffer.from('d'), u64(6), Buffer.from('-12.50')])),
    item(Buffer.concat([Buffer.from([6]), u64(bytes.length), bytes])),
    item(Buffer.concat([Buffer.from([1]), u64(2), item(str('x')), item(int('07'))])),
    item(Buffer.concat([Buffer.from([3]), u64(2), item(str('b')), item(str('a'))])),
    item(Buffer.concat([Buffer.from('t'), Buffer.from('ffffffff', 'hex'), u64(93015_000123n)])),
  );
  const v = unpackBlob(blob) as BlobValue[];
  assert.deepEqual(v.slice(0, 3), [null, true, 0.30000000000000004]);
  assert.deepEqual(canonicalize(v), [
    null,
    true,
    0.3,
    [1.5, -2],
    '-12.50',
    { bytes_md5: createHash('md5').update(bytes).digest('hex') },
    ['x', 7],
    ['a', 'b'],
    '09:30:15.000123',
  ]);
});

test('arrays: column-major data, complex, bool, char, object (unicode) arrays', () => {
  // 2×3 float32 in Fortran order: [[1,2,3],[4,5,6]] → 1,4,2,5,3,6
  const f32 = Buffer.from(new Float32Array([1, 4, 2, 5, 3, 6]).buffer);
  const a = canonicalize(
    unpackBlob(Buffer.concat([Buffer.from('mYm\0A', 'latin1'), u64(2), u64(2), u64(3), u32(7), u32(0), f32])),
  );
  assert.deepEqual(a, { dtype: 'float32', shape: [2, 3], data: [1, 4, 2, 5, 3, 6] });
  const cplx = Buffer.concat([
    Buffer.from('mYm\0A', 'latin1'),
    u64(1),
    u64(2),
    u32(6),
    u32(1),
    Buffer.from(new Float64Array([1, 2, -1, 0.5]).buffer),
  ]);
  assert.deepEqual(canonicalize(unpackBlob(cplx)), {
    dtype: 'complex128',
    shape: [2],
    data: [
      [1, -1],
      [2, 0.5],
    ],
  });
  const bool = Buffer.concat([Buffer.from('mYm\0A', 'latin1'), u64(1), u64(3), u32(3), u32(0), Buffer.from([1, 0, 1])]);
  assert.deepEqual(canonicalize(unpackBlob(bool)), { dtype: 'bool', shape: [3], data: [true, false, true] });
  const chars = Buffer.concat([
    Buffer.from('mYm\0A', 'latin1'),
    u64(2),
    u64(1),
    u64(3),
    u32(4),
    u32(0),
    Buffer.from([0x61, 0, 0x62, 0, 0x63, 0]),
  ]);
  assert.deepEqual(canonicalize(unpackBlob(chars)), { dtype: 'char', shape: [1], data: ['abc'] });
  const uni = dj0(Buffer.from('A'), u64(1), u64(2), u32(5), u32(0), item(str('ab')), item(str('c')));
  assert.deepEqual(canonicalize(unpackBlob(uni)), { dtype: 'object', shape: [2], data: ['ab', 'c'] });
});

test('MATLAB struct and cell arrays, numpy record arrays', () => {
  const scalar = (x: number) =>
    Buffer.concat([
      Buffer.from('A'),
      u64(2),
      u64(1),
      u64(1),
      u32(6),
      u32(0),
      Buffer.from(new Float64Array([x]).buffer),
    ]);
  const struct = Buffer.concat([
    Buffer.from('mYm\0S', 'latin1'),
    u64(2),
    u64(1),
    u64(2),
    u32(2),
    Buffer.from('a\0b\0'),
    item(scalar(1)),
    item(scalar(2)),
    item(scalar(3)),
    item(scalar(4)),
  ]);
  const s = canonicalize(unpackBlob(struct));
  assert.deepEqual(s, {
    dtype: 'struct',
    shape: [1, 2],
    data: [
      { a: { dtype: 'float64', shape: [1, 1], data: [1] }, b: { dtype: 'float64', shape: [1, 1], data: [2] } },
      { a: { dtype: 'float64', shape: [1, 1], data: [3] }, b: { dtype: 'float64', shape: [1, 1], data: [4] } },
    ],
  });
  const cell = Buffer.concat([
    Buffer.from('mYm\0C', 'latin1'),
    u64(2),
    u64(1),
    u64(2),
    item(scalar(7)),
    item(scalar(8)),
  ]);
  assert.deepEqual(canonicalize(unpackBlob(cell)), {
    dtype: 'cell',
    shape: [1, 2],
    data: [
      { dtype: 'float64', shape: [1, 1], data: [7] },
      { dtype: 'float64', shape: [1, 1], data: [8] },
    ],
  });
  const rec = dj0(
    Buffer.from('F'),
    u32(2),
    Buffer.from('x\0y\0'),
    Buffer.concat([Buffer.from('A'), u64(1), u64(2), u32(12), u32(0), u32(1), u32(2)]),
    Buffer.concat([Buffer.from('A'), u64(1), u64(2), u32(6), u32(0), Buffer.from(new Float64Array([0.5, 1.5]).buffer)]),
  );
  assert.deepEqual(canonicalize(unpackBlob(rec)), {
    dtype: 'record',
    fields: {
      x: { dtype: 'int32', shape: [2], data: [1, 2] },
      y: { dtype: 'float64', shape: [2], data: [0.5, 1.5] },
    },
  });
});

test('ZL123 wrapper: inflates, checks the declared length; corrupt blobs are errors', () => {
  const body = Buffer.concat([Buffer.from('mYm\0A', 'latin1'), u64(1), u64(200), u32(6), u32(0), Buffer.alloc(1600)]);
  const z = Buffer.concat([Buffer.from('ZL123\0', 'latin1'), u64(body.length), deflateSync(body)]);
  assert.ok(isSerializedBlob(z));
  const v = canonicalize(unpackBlob(z)) as { data: number[] };
  assert.equal(v.data.length, 200);
  const lying = Buffer.concat([Buffer.from('ZL123\0', 'latin1'), u64(body.length + 1), deflateSync(body)]);
  assert.throws(() => unpackBlob(lying), BlobFormatError);
  assert.throws(() => unpackBlob(body.subarray(0, body.length - 1)), BlobFormatError);
  assert.throws(() => unpackBlob(Buffer.concat([body, Buffer.from([0])])), /length check/);
  assert.throws(() => unpackBlob(Buffer.from('name\0contents')), /not a DataJoint blob/);
  assert.throws(() => unpackBlob(dj0(Buffer.from('P'))), /sparse/);
  assert.equal(isSerializedBlob(Buffer.from('thumb_0.png\0\x89PNG', 'latin1')), false);
  assert.throws(
    () => unpackBlob(dj0(Buffer.from([2]), u64(2n ** 40n))),
    /truncated/,
    'an absurd count fails at the first short read',
  );
  assert.throws(() => unpackBlob(dj0(Buffer.from('A'), u64(1), u64(2n ** 40n), u32(6), u32(0))), /truncated/);
});

test('one-line previews of decoded values', () => {
  const t = table('djfix_analysis', '__activity_stats');
  const summary = unpackBlob(t.rows[0][t.columns.indexOf('summary')] as Buffer);
  assert.equal(describeBlob(summary), 'dict {n, label, shape, nested}');
  const neuron = table('djfix_ephys', '_neuron');
  assert.equal(
    describeBlob(unpackBlob(neuron.rows[0][neuron.columns.indexOf('waveform')] as Buffer)),
    'float32 array 30',
  );
  assert.equal(describeBlob(unpackBlob(Buffer.from('646a30000d0000000000000840', 'hex'))), '3');
  assert.equal(
    describeBlob(unpackBlob(Buffer.from('646a300074e6d63401467b471407000000', 'hex'))),
    'datetime 2024-01-02T03:04:05.000006',
  );
  assert.equal(describeBlob(unpackBlob(dj0(str('x'.repeat(100)))), 30).length, 30);
});

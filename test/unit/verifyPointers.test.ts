// verify's in-store value checks (verifyPointers.ts) check the distinct objects of a batch of rows several at a
// time and read a small object once for its hash and its decoding; the verdicts must be exactly the serial
// ones: every bad row counted once, the examples in row order, shared objects across batches, large objects
// (streamed hash) included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { checkPointerValues } from '../../client/src/db/verifyPointers';
import type { TableVerdict } from '../../client/src/db/verify';
import { fileStore } from '../../client/src/db/stores';
import { base32Hash } from '../../client/src/db/hash';

const md5 = (b: Buffer) => base32Hash(createHash('md5').update(b).digest());

test('batched object checks: exact counts, examples in row order, large objects, shared objects', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-verify-ptr-'));
  try {
    const store = fileStore('raw', dir);
    const put = (rel: string, data: Buffer) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), data);
    };
    const json = (rel: string, hash: string) => JSON.stringify({ path: rel, store: 'raw', hash });
    // 400 good attachments, shared by rows 0..999 (row r → object r % 400: each object in several batches).
    const good: string[] = [];
    for (let i = 0; i < 400; i++) {
      const data = Buffer.from(`f${i}.bin\0data ${i}`);
      put(`obj/${i}`, data);
      good.push(json(`obj/${i}`, md5(data)));
    }
    const big = Buffer.concat([Buffer.from('big.bin\0'), Buffer.alloc(5 * 2 ** 20, 7)]);
    put('big/ok', big);
    put('big/bad', big);
    put('nonul', Buffer.from('no name here'));
    put('wronghash', Buffer.from('w.bin\0x'));
    const value = (r: number): string => {
      if (r === 50) return 'not json';
      if (r === 300 || r === 777) return json('gone/x', md5(Buffer.from('x')));
      if (r === 600 || r === 601) return json('wronghash', md5(Buffer.from('other')));
      if (r === 700) return json('nonul', md5(Buffer.from('no name here')));
      if (r === 800 || r === 850) return json('big/ok', md5(big));
      if (r === 900) return json('big/bad', md5(Buffer.from('not big')));
      return good[r % 400];
    };
    async function* rows() {
      for (let r = 0; r < 1000; r++) yield { key: `r=${r}`, value: value(r) };
    }
    const v: TableVerdict = { schema: 's', table: 't', status: 'pass', reasons: [], notes: [], checkedValues: 0 };
    await checkPointerValues(
      rows(),
      { table: 's.t', column: 'a', codec: 'attach', labelStore: 'raw', total: 1000 },
      v,
      { stores: { raw: store } },
    );
    assert.equal(v.checkedValues, 1000);
    const reasons = v.reasons.map((x) => x.replace(/ \([^()]*\)/g, ''));
    assert.deepEqual(reasons.sort(), [
      'a: file content does not match the JSON hash — 3 values, e.g. r=600; r=601; r=900',
      'a: file missing — 2 values, e.g. r=300; r=777',
      'a: stored <attach> does not decode: no file name: an attachment is name + NUL + contents — 1 value, e.g. r=700',
      'a: value is not JSON — 1 value, e.g. r=50',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

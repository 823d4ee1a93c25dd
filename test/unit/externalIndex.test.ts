// ExternalIndex (client/src/db/externalIndex.ts): compare's in-node copy of a `~external_<store>` table must give
// every pointer the tag the SQL join would (digest in hex, then 1 when no row has the hash, else 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ExternalIndex } from '../../client/src/db/externalIndex';

const hex = (s: string) => createHash('md5').update(s).digest('hex').toUpperCase();

test('held hashes keep their tag, others are marked dangling, through many growths', () => {
  const index = new ExternalIndex(16);
  const held = Array.from({ length: 5000 }, (_, i) => hex(`held${i}`));
  for (const h of held) index.add(h);
  for (const h of held.slice(0, 100)) index.add(h); // adding again changes nothing
  assert.equal(index.size, 5000);
  for (const h of held) {
    const tag = `${h}0`;
    assert.equal(index.tagOf(tag), tag);
    assert.equal(index.tagOf(`${h.toLowerCase()}0`), `${h.toLowerCase()}0`, 'lower-case hex reads the same');
  }
  for (let i = 0; i < 5000; i++) {
    const h = hex(`absent${i}`);
    assert.equal(index.tagOf(`${h}0`), `${h}1`);
  }
});

test('hashes sharing their first words, and the all-zero hash, are told apart', () => {
  const index = new ExternalIndex(16);
  const base = 'ABCDEF0123456789ABCDEF01';
  for (let i = 0; i < 40; i += 2) index.add(base + i.toString(16).toUpperCase().padStart(8, '0'));
  for (let i = 0; i < 40; i++) {
    const h = base + i.toString(16).toUpperCase().padStart(8, '0');
    assert.equal(index.tagOf(`${h}0`), `${h}${i % 2 === 0 ? 0 : 1}`, h);
  }
  const zero = '0'.repeat(32);
  assert.equal(index.tagOf(`${zero}0`), `${zero}1`);
  index.add(zero);
  assert.equal(index.tagOf(`${zero}0`), `${zero}0`);
  assert.equal(index.size, 21);
});

test('hashes in order fill the table in order; hashes not uniform in their leading bits are still found', () => {
  // MD5 digests in order (as load reads them, into a table sized for them), with sizes, then a listing of most of
  // them in order.
  const md5s = Array.from({ length: 20_000 }, (_, i) => createHash('md5').update(`o${i}`).digest()).sort(
    Buffer.compare,
  );
  const index = new ExternalIndex(Math.ceil(md5s.length * 1.4));
  md5s.forEach((h, i) => index.add(h.toString('hex'), i));
  index.add('0'.repeat(32), 5);
  index.markPresent(Buffer.concat(md5s.filter((_, i) => i % 10 !== 3)));
  assert.equal(index.size, md5s.length + 1);
  const mixed = (x: ExternalIndex) => (x as unknown as { mixed: boolean }).mixed;
  assert.equal(mixed(index), false, 'MD5 digests keep the leading-bits slots');
  // In order into a table far too small (a stale estimate): the first hashes crowd its first slots as it grows.
  const grown = new ExternalIndex(16);
  md5s.forEach((h, i) => grown.add(h.toString('hex'), i));
  md5s.forEach((h, i) => {
    assert.equal(grown.tagOf(`${h.toString('hex')}0`), `${h.toString('hex')}0`);
    assert.equal(grown.sizeAt(grown.lastAt), i);
  });
  md5s.forEach((h, i) => {
    const tag = `${h.toString('hex')}0`;
    assert.equal(index.tagOf(tag), tag);
    assert.equal(index.sizeAt(index.lastAt), i);
    assert.equal(index.presentAt(index.lastAt), i % 10 !== 3, `present ${i}`);
  });
  // 5,000 hashes sharing their first 96 bits (one leading-bits slot for all: probes run long, the slots are mixed).
  const shared = new ExternalIndex(16);
  const same = (i: number) => `ABCDEF0123456789ABCDEF01${i.toString(16).toUpperCase().padStart(8, '0')}`;
  for (let i = 0; i < 10_000; i += 2) shared.add(same(i), i);
  shared.add('0'.repeat(32), 7);
  assert.equal(shared.size, 5001);
  assert.equal(mixed(shared), true);
  for (let i = 0; i < 10_000; i++) {
    assert.equal(shared.tagOf(`${same(i)}0`), `${same(i)}${i % 2 === 0 ? 0 : 1}`);
    if (i % 2 === 0) assert.equal(shared.sizeAt(shared.lastAt), i);
  }
  assert.equal(shared.tagOf(`${'0'.repeat(32)}0`), `${'0'.repeat(32)}0`);
  assert.equal(shared.sizeAt(shared.lastAt), 7);
});

test('a 0.11 carry-over is tagged with its contents hash', () => {
  const index = new ExternalIndex();
  const pointer = hex('path/to/file');
  const contents = hex('the bytes');
  index.carry(pointer, contents);
  assert.equal(index.tagOf(`${pointer}0`), `${contents}0`);
  assert.equal(index.tagOf(`${pointer.toLowerCase()}0`), `${contents}0`);
});

test('what is not a 32-digit hex tag is left as it is', () => {
  const index = new ExternalIndex();
  for (const odd of ['', 'abc0', `${'G'.repeat(32)}0`, `${'ı'.repeat(32)}0`, `${hex('x')}00`])
    assert.equal(index.tagOf(odd), odd);
  assert.throws(() => index.add('xyz'), /not a 16-byte hash/);
});

test('load reads the table in key-ordered batches, asking for the next while indexing the last', async () => {
  // A `~external` table of 45,000 rows (three batches of at most 20,000), served in hash order as the server would.
  const rows = Array.from({ length: 45_000 }, (_, i) => ({
    h: createHash('md5').update(`obj${i}`).digest(),
    z: String(i + 1),
    c: i === 7 ? hex('contents7') : null,
  })).sort((a, b) => Buffer.compare(a.h, b.h));
  const asked: (Buffer | null)[] = [];
  // How many batches had been asked for each time row 100 (in the first batch) was read: first by the indexing of
  // the first batch (the fake server reads no hash for it), then by the fake server for the later batches.
  const seen: number[] = [];
  const watched = rows[100];
  const h100 = watched.h;
  Object.defineProperty(watched, 'h', {
    get: () => {
      seen.push(asked.length);
      return h100;
    },
  });
  let inFlight = 0;
  let mostInFlight = 0;
  const db = {
    query: async (sql: string, params: unknown[] = []) => {
      if (/information_schema/.test(sql)) return [{ n: String(rows.length) }];
      const after = (params[0] as Buffer | undefined) ?? null;
      asked.push(after);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const limit = Number(/LIMIT (\d+)/.exec(sql)![1]);
      return rows.filter((r) => !after || Buffer.compare(r.h, after) > 0).slice(0, limit);
    },
  } as unknown as Parameters<typeof ExternalIndex.load>[0];
  const index = await ExternalIndex.load(db, 'lab', 'raw');
  assert.ok(index);
  assert.equal(index.size, rows.length);
  assert.equal(asked.length, 3);
  assert.equal(asked[0], null);
  assert.ok(asked[1]!.equals(rows[19_999].h) && asked[2]!.equals(rows[39_999].h), 'each batch after the last hash');
  assert.equal(mostInFlight, 1, 'one batch asked for at a time');
  assert.equal(seen[0], 2, 'the second batch was asked for before the first was indexed');
  for (const [i, r] of rows.entries()) {
    const tag = `${r.h.toString('hex').toUpperCase()}0`;
    const carried = createHash('md5').update('obj7').digest().equals(r.h);
    assert.equal(index.tagOf(tag), carried ? `${hex('contents7')}0` : tag, `row ${i}`);
    assert.equal(index.sizeAt(index.lastAt), Number(r.z));
  }
  // More rows than allowed: given up (the caller joins instead).
  assert.equal(await ExternalIndex.load(db, 'lab', 'raw', 30_000, 25_000), null);
});

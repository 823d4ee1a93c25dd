// The blob reader on values as the engine reads them: dj014 loaded into MariaDB, blob columns found by
// introspection (in-table blobs, the <graph> adapter's longblob, blob@ pointers resolved to their files in the
// copied stores), every row compared with values.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadFixture, type LoadedFixture } from './harness';
import { fixturesDir } from '../helpers/paths';
import { introspect } from '../../client/src/db/introspect';
import { canonicalize, unpackBlob, type Canonical } from '../../client/src/db/blob';
import { path014, readObject } from '../../client/src/db/stores';
import { qt } from '../../client/src/db/sql';

const values = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'dj014', 'values.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[]
>;
let fx: LoadedFixture;
before(async () => (fx = await loadFixture('dj014')));
after(async () => fx?.cleanup());

/** `__activity_stats__bin` → `Bin`, `#species` → `Species`: the class names values.json uses. */
function className(table: string): string {
  const last = table
    .replace(/^[#_]+/, '')
    .split('__')
    .pop() as string;
  return last
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

test('every blob column of every row, read through the engine, equals values.json', async () => {
  const schemas = await introspect(fx.db, fx.schemas);
  const checked = new Set<string>();
  let count = 0;
  for (const t of schemas.flatMap((s) => s.tables)) {
    const blobColumns = t.columns.filter(
      (c) =>
        c.storage.form === 'blob' ||
        (c.storage.form === 'adapted' && c.storage.store === undefined) ||
        (c.storage.form === 'pointer014' && c.storage.kind === 'blob'),
    );
    if (!blobColumns.length) continue;
    const expected = values[className(t.name)];
    assert.ok(expected, `values.json has ${className(t.name)}`);
    const rows = await fx.db.query(`SELECT * FROM ${qt(t.schema, t.name)}`);
    assert.equal(rows.length, expected.length);
    for (const row of rows) {
      const want = expected.filter((v) => t.primaryKey.every((k) => String(v[k]) === String(row[k])));
      assert.equal(want.length, 1, `${t.name} row in values.json`);
      for (const c of blobColumns) {
        let bytes = row[c.name] as Buffer | null;
        if (bytes !== null && c.storage.form === 'pointer014') {
          const store = fx.storesConfig[c.storage.store];
          bytes = await readObject(store, path014(store, t.schema, bytes.toString('hex')));
        }
        let got: Canonical = bytes === null ? null : canonicalize(unpackBlob(bytes));
        if (c.storage.form === 'adapted') got = (got as number[][]).sort((a, b) => a[0] - b[0] || a[1] - b[1]); // the graph as its sorted edge list
        assert.deepEqual(got, want[0][c.name], `${t.name}.${c.name}`);
        checked.add(`${t.name}.${c.name}`);
        count++;
      }
    }
  }
  assert.deepEqual([...checked].sort(), [
    '#activity_params.options',
    '__activity_stats.rate_hist',
    '__activity_stats.summary',
    '_neuron.spike_times',
    '_neuron.waveform',
    'recording.lfp',
    'recording.signal',
    'recording.wiring',
  ]);
  assert.equal(count, 2 + 36 * 2 + 18 * 2 + 6 * 3);
});

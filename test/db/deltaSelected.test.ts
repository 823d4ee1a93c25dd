// A swap's delta copy selects a few keys (deltaSync.ts → copy with a key-set filter). Whether those rows are
// already in the target must be judged by those keys alone: the key range around them holds the rest of the
// table, and counting it (as the unfiltered copy does) both read the whole table during the freeze and took
// "the range is full" for "the selected rows are present", so an attachment of a re-inserted row was not
// written to the 2.x store (its object conversion ran as a dry run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copiedPipeline } from './swapSetup';
import { applyDelta } from '../../client/src/db/cutover/deltaSync';
import { keySetSpan } from '../../client/src/db/chunks';
import { qt } from '../../client/src/db/sql';
import { statObject, removeObject } from '../../client/src/db/stores';
import { compare } from '../../client/src/db/compare';

test('delta copy of selected keys: a row missing from the target comes back with its attachment file', async () => {
  const { fx, v2 } = await copiedPipeline();
  try {
    const [, ephys] = fx.schemas;
    const pairs = fx.schemas.map((s, i) => ({ source: s, target: v2[i] }));
    const key = ['101', '2024-06-01', '0', '1'];
    const where = 'subject_id = ? AND session_date = ? AND session_idx = ? AND recording_id = ?';
    const [row] = await fx.db.query<{ j: string }>(
      `SELECT settings_file AS j FROM ${qt(v2[1], 'recording')} WHERE ${where}`,
      key,
    );
    const ref = JSON.parse(row.j) as { path: string; store?: string };
    const store = fx.storesConfig[ref.store ?? 'attachments'];
    const sharing = await fx.db.query(
      `SELECT 1 FROM ${qt(v2[1], 'recording')} WHERE JSON_VALUE(settings_file, '$.path') = ?`,
      [ref.path],
    );
    assert.equal(sharing.length, 1, 'the attachment is this row’s alone');
    // The row and its 2.x file gone from the parallel side (children kept: the re-inserted row is their parent).
    await fx.db.withConnection(async (c) => {
      await c.execute('SET SESSION foreign_key_checks = 0');
      try {
        await c.execute(`DELETE FROM ${qt(v2[1], 'recording')} WHERE ${where}`, key);
      } finally {
        await c.execute('SET SESSION foreign_key_checks = 1');
      }
    });
    await removeObject(store, ref.path);
    assert.equal(await statObject(store, ref.path), null);

    const d = await applyDelta(fx.db, {
      pairs,
      stores: fx.storesConfig,
      spans: new Map([[`${ephys}.recording`, [keySetSpan([key])]]]),
    });
    assert.equal(d.inserted, 1);
    assert.ok(await statObject(store, ref.path), 'the attachment file was written again');
    const cmp = await compare(fx.db, { pairs, stores: fx.storesConfig, tables: [`${ephys}.recording`] });
    assert.equal(cmp.equal, true);
  } finally {
    await fx.cleanup();
  }
});

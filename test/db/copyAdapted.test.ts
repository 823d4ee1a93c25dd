// An AttributeAdapter over blob@store (0.14.6 writes `:<name>:` on a binary(16) pointer with a key to
// `~external_<store>`, storage-formats.md "Labels", and keeps the adapter's put() output in the store as blob@store
// does). The fixture has no such column, so the test makes one in its scratch copy of dj014: ephys.recording.lfp
// (blob@external-raw) relabelled `:<trace>:`. create-parallel declares `:<trace@external-raw>:` JSON; copy converts the
// pointers like blob@external-raw; compare and verify agree, and a wrong hash is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from './harness';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import { compare } from '../../client/src/db/compare';
import { verifySchemas } from '../../client/src/db/verify';
import { introspect } from '../../client/src/db/introspect';
import { base32Hash } from '../../client/src/db/hash';
import { qt } from '../../client/src/db/sql';

test('adapted in-store columns (<adapter> over blob@store) are copied, compared and verified', async () => {
  const f = await loadFixture('dj014');
  try {
    const ephys = f.schemas[1];
    await f.db.execute(
      `ALTER TABLE ${qt(ephys, 'recording')} MODIFY \`lfp\` binary(16) DEFAULT NULL COMMENT ':<trace>:downsampled trace'`,
    );
    const [src] = await introspect(f.db, [ephys]);
    assert.deepEqual(src.tables.find((t) => t.name === 'recording')!.columns.find((c) => c.name === 'lfp')!.storage, {
      form: 'adapted',
      name: 'trace',
      store: 'external-raw',
    });
    await createParallel(f.db, { schemas: f.schemas, suffix: '_v2', unsigned: 'widen' });
    const pairs = f.schemas.map((s) => ({ source: s, target: `${s}_v2` }));
    const target = `${ephys}_v2`;

    const report = await copy(f.db, { pairs, stores: f.storesConfig });
    assert.equal(report.failed, false, JSON.stringify(report.notes));
    const rec = report.tables.find((t) => t.source === `${ephys}.recording`)!;
    assert.equal(rec.mode, 'converted');
    assert.ok(rec.rowsInserted > 0);

    const rows = await f.db.query<{ lfp: Buffer | null; json: string | null }>(
      `SELECT s.lfp, x.lfp AS json FROM ${qt(ephys, 'recording')} AS s JOIN ${qt(target, 'recording')} AS x USING (subject_id, session_date, session_idx, recording_id)`,
    );
    assert.equal(rows.length, rec.rowsInserted);
    const withValue = rows.filter((r) => r.lfp !== null);
    assert.ok(withValue.length >= 2);
    for (const r of withValue) {
      const json = JSON.parse(String(r.json));
      assert.equal(json.hash, base32Hash(r.lfp!));
      assert.equal(json.store, 'external-raw');
    }

    const cmp = await compare(f.db, { pairs, stores: f.storesConfig, fileCheck: 'hash' });
    assert.equal(cmp.equal, true, JSON.stringify(cmp.tables.flatMap((t) => t.differences)));
    const verdict = (await verifySchemas(f.db, [target], { stores: f.storesConfig })).tables.find(
      (v) => v.table === 'recording',
    )!;
    assert.equal(verdict.status, 'pass', verdict.reasons.join('; '));
    assert.ok(verdict.checkedValues >= withValue.length);

    // A copied value pointing at another object is a difference compare reports in that column.
    const other = withValue[1].json!;
    await f.db.execute(`UPDATE ${qt(target, 'recording')} SET lfp = ? WHERE lfp = ?`, [other, withValue[0].json]);
    const after = await compare(f.db, { pairs, tables: ['recording'], stores: f.storesConfig });
    assert.equal(after.equal, false);
    const diffs = after.tables.flatMap((t) => t.differences);
    assert.ok(diffs.length > 0 && diffs.every((d) => d.column === 'lfp'), JSON.stringify(diffs));
  } finally {
    await f.cleanup();
  }
});

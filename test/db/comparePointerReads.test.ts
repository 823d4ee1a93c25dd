// Compare's pointer path (comparePointerSql.ts) on a table shaped like the benchmark's: production and test are
// read apart in key order and matched by position, pairs spelled as the copy spells them are confirmed quickly
// with their files stat'ed on a worker thread, and passed pairs are remembered across chunks. Every planted
// difference must still be found by key: a wrong hash, a wrong store, a missing file and a file of the wrong
// size (on objects rows in several chunks share: what a chunk remembered before its files failed is forgotten),
// and a row missing from test or extra in test in the middle of a chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { compare } from '../../client/src/db/compare';
import { filePath, path014 } from '../../client/src/db/stores';
import { qt } from '../../client/src/db/sql';
import { copiedToV2, recordingCompare, withRecording, storeBlob, uint8Blob } from '../helpers/storedBlobs';

const ROWS = 40;
/** Row r points at object r % 4 when r is even (shared across chunks), else at its own. */
const objectOf = (r: number) => (r % 2 === 0 ? `shared${r % 4}` : `own${r}`);

test('the pointer reads find each planted difference by key, also on objects shared across chunks', async () => {
  const sql: string[] = [];
  // Whether a compare joined `~external_raw` in its chunk reads, or read the table once (externalIndex.ts).
  const joins = () => sql.filter((s) => /LEFT JOIN .*~external_raw/.test(s)).length;
  const loads = () => sql.filter((s) => /FROM `[^`]+`\.`~external_raw` ORDER BY `hash`/.test(s)).length;
  await withRecording(
    { columns: ['`rate` double NOT NULL'], log: (s) => sql.push(s) },
    async ({ db, src, dst, store }) => {
      const digests = new Map<string, Buffer>();
      for (let r = 0; r < ROWS; r++) {
        const name = objectOf(r);
        if (!digests.has(name)) {
          const blob = uint8Blob(Buffer.from(name));
          const digest = storeBlob(store, src, blob);
          digests.set(name, digest);
          await db.execute(`INSERT INTO ${qt(src, '~external_raw')} (hash, size) VALUES (?, ?)`, [digest, blob.length]);
        }
        await db.execute(`INSERT INTO ${qt(src, 'recording')} VALUES (?, ?, ?)`, [r, r / 4, digests.get(name)]);
      }
      await copiedToV2(db, src, 'recording', store);
      const opts = recordingCompare(
        { src, dst, store },
        // sizes too: the planted file of another size is `exists`'s finding
        { chunk: { initialRows: 6, maxRows: 6 }, fileCheck: 'exists' },
      );
      sql.length = 0;
      const clean = (await compare(db, opts)).tables[0];
      assert.equal(joins(), 0, 'no chunk joined ~external_raw');
      assert.equal(loads(), 1, '~external_raw read once');
      assert.equal(clean.matched, ROWS);
      assert.equal(clean.differing, 0);
      assert.equal(clean.chunksByPointerJoin, clean.chunks, 'every chunk settled by the pointer reads');
      assert.ok(clean.chunks >= 6);

      const fileOf = (name: string) => filePath(store, path014(store, src, digests.get(name)!.toString('hex')));
      const at = (r: number) => `rec_id = ${r}`;
      // shared0 (rows 0, 4, 8, …) loses its file, shared2 (rows 2, 6, 10, …) grows by a byte
      fs.rmSync(fileOf('shared0'));
      fs.appendFileSync(fileOf('shared2'), Buffer.from([0]));
      await db.execute(
        `UPDATE ${qt(dst, 'recording')} SET \`signal\` = JSON_SET(\`signal\`, '$.hash', ?) WHERE ${at(13)}`,
        ['a'.repeat(26)],
      );
      await db.execute(
        `UPDATE ${qt(dst, 'recording')} SET \`signal\` = JSON_SET(\`signal\`, '$.store', 'other') WHERE ${at(21)}`,
      );
      // a plain column (the row texts, read as ASCII: keys and numbers only)
      await db.execute(`UPDATE ${qt(dst, 'recording')} SET rate = rate + 1 WHERE ${at(17)}`);
      await db.execute(`DELETE FROM ${qt(dst, 'recording')} WHERE ${at(27)}`);
      await db.execute(
        `INSERT INTO ${qt(dst, 'recording')} SELECT 1000 + rec_id, rate, \`signal\` FROM ${qt(dst, 'recording')} WHERE ${at(29)}`,
      );
      const report = (await compare(db, { ...opts, maxDifferences: 100 })).tables[0];
      const reasons = new Map(report.differences.map((d) => [Number(d.key.rec_id), d.reason]));
      for (let r = 0; r < ROWS; r += 4) assert.match(String(reasons.get(r)), /file missing/, `row ${r}`);
      for (let r = 2; r < ROWS; r += 4) assert.match(String(reasons.get(r)), /bytes, expected/, `row ${r}`);
      assert.match(String(reasons.get(13)), /content hash differs/);
      assert.match(String(reasons.get(21)), /store differs/);
      assert.match(String(reasons.get(17)), /differs by more than/);
      assert.equal(report.differing, ROWS / 2 + 3);
      assert.deepEqual(report.missingKeys, [{ rec_id: 27 }]);
      assert.deepEqual(
        report.extraKeys.map((k) => Number(k.rec_id)),
        [1029],
      );
      assert.equal(report.matched, ROWS - (ROWS / 2 + 3) - 1);
      // Chunks that end exactly at production's last row (40 = 8 × 5): the row only in test after it is still seen.
      const exact = (await compare(db, { ...opts, chunk: { initialRows: 5, maxRows: 5 }, maxDifferences: 100 }))
        .tables[0];
      assert.deepEqual(
        exact.extraKeys.map((k) => Number(k.rec_id)),
        [1029],
      );
      assert.deepEqual(exact.missingKeys, [{ rec_id: 27 }]);
      assert.equal(exact.differing, report.differing);

      // Only shared0 broken: a chunk whose own files all confirm but which skipped shared0 (remembered by the
      // chunk before it, whose stats were still running) is compared again when that earlier chunk fails.
      fs.truncateSync(fileOf('shared2'), fs.statSync(fileOf('shared2')).size - 1);
      const again = (await compare(db, { ...opts, maxDifferences: 100 })).tables[0];
      const missing = again.differences.filter((d) => /file missing/.test(d.reason)).map((d) => Number(d.key.rec_id));
      assert.deepEqual(
        missing.sort((a, b) => a - b),
        Array.from({ length: ROWS / 4 }, (_, k) => 4 * k),
      );
      assert.equal(again.differing, ROWS / 4 + 3);

      // A production pointer whose ~external row is gone (dangling) differs from the copy that still points at it.
      await db.execute(
        `SET STATEMENT foreign_key_checks = 0 FOR DELETE FROM ${qt(src, '~external_raw')} WHERE hash = ?`,
        [digests.get('own31')],
      );
      sql.length = 0;
      const dangling = (await compare(db, { ...opts, maxDifferences: 100 })).tables[0];
      assert.equal(loads(), 1);
      assert.ok(joins() > 0, 'the chunk holding the dangling pointer is compared row by row, with the join');
      assert.ok(
        dangling.differences.some((d) => Number(d.key.rec_id) === 31),
        JSON.stringify(dangling.differences),
      );
      assert.equal(dangling.differing, ROWS / 4 + 4);

      // The same compare of one key range (a cut-over's delta) joins instead of reading the whole ~external table.
      sql.length = 0;
      const ranged = (
        await compare(db, {
          ...opts,
          maxDifferences: 100,
          ranges: new Map([[`${src}.recording`, [{ lower: [29], upper: [33] }]]]),
        })
      ).tables[0];
      assert.equal(loads(), 0);
      assert.ok(joins() > 0);
      assert.deepEqual(
        ranged.differences.map((d) => Number(d.key.rec_id)).sort((a, b) => a - b),
        [31, 32], // the dangling pointer and a row of shared0, whose file is still missing
      );
    },
  );
});

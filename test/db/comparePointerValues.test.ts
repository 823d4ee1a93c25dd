// Compare's pointer reads with row texts read by value (pointerRowTexts.ts): a pointer table whose other columns are
// numbers, some floating-point, is read over the binary protocol, its parts compared one by one. Each planted
// difference in those columns must keep its chunk from being settled by the pointer reads (and be reported by key
// where it is one): a FLOAT past the 6 digits MariaDB prints, a NULL against 0, a DOUBLE, an integer; -0 against 0
// is no difference, as in the row text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../client/src/db/compare';
import { qt } from '../../client/src/db/sql';
import { copiedToV2, recordingCompare, withRecording, storeBlob, uint8Blob } from '../helpers/storedBlobs';

const ROWS = 24;

test('pointer reads by value: floating-point, NULL and integer differences keep their chunk from agreeing', async () => {
  const sql: string[] = [];
  await withRecording(
    { columns: ['`gain` float NULL', '`rate` double NOT NULL', '`n` bigint NOT NULL'], log: (s) => sql.push(s) },
    async ({ db, src, dst, store }) => {
      for (let r = 0; r < ROWS; r++) {
        const blob = uint8Blob(Buffer.from(`own${r}`));
        const digest = storeBlob(store, src, blob);
        await db.execute(`INSERT INTO ${qt(src, '~external_raw')} (hash, size) VALUES (?, ?)`, [digest, blob.length]);
        await db.execute(`INSERT INTO ${qt(src, 'recording')} VALUES (?, ?, ?, ?, ?)`, [
          r,
          r % 5 === 0 ? null : r === 7 ? 0 : 1.2345678 + r,
          r === 11 ? 0 : r / 3,
          2 ** 40 + r,
          digest,
        ]);
      }
      await copiedToV2(db, src, 'recording', store);
      const opts = recordingCompare(
        { src, dst, store },
        { chunk: { initialRows: 4, maxRows: 4 }, tolerance: 0, maxDifferences: 100 },
      );
      sql.length = 0;
      const clean = (await compare(db, opts)).tables[0];
      assert.equal(clean.matched, ROWS);
      assert.equal(clean.rowsProduction, ROWS, 'counted by the walk where no COUNT(*) ran');
      assert.equal(clean.chunksByPointerJoin, clean.chunks, 'every chunk settled by the pointer reads');
      assert.ok(
        sql.some((s) => /CAST\(s\.`n` AS CHAR\)/.test(s) && /\(s\.`gain` \+ 0e0\)/.test(s)),
        'production read by value',
      );
      assert.ok(!sql.some((s) => /CONCAT_WS/.test(s)), 'no row text built');

      const at = (r: number) => `rec_id = ${r}`;
      // FLOAT one unit in the last place up: MariaDB prints FLOAT with 6 digits, which would hide it.
      await db.execute(
        `UPDATE ${qt(dst, 'recording')} SET gain = (SELECT gain FROM ${qt(src, 'recording')} WHERE ${at(2)}) * (1 + 1.2e-7) WHERE ${at(2)}`,
      );
      await db.execute(`UPDATE ${qt(dst, 'recording')} SET gain = 0 WHERE ${at(5)}`); // NULL in production
      await db.execute(`UPDATE ${qt(dst, 'recording')} SET gain = NULL WHERE ${at(7)}`); // 0 in production
      await db.execute(`UPDATE ${qt(dst, 'recording')} SET rate = -rate WHERE ${at(11)}`); // -0 against 0: the same
      await db.execute(`UPDATE ${qt(dst, 'recording')} SET rate = rate + 1e-9 WHERE ${at(14)}`);
      await db.execute(`UPDATE ${qt(dst, 'recording')} SET n = n + 1 WHERE ${at(21)}`);
      const [{ g }] = await db.query<{ g: number }>(
        `SELECT (x.gain + 0e0) - (s.gain + 0e0) AS g FROM ${qt(src, 'recording')} s JOIN ${qt(dst, 'recording')} x USING (rec_id) WHERE s.${at(2)}`,
      );
      assert.notEqual(Number(g), 0, 'the planted FLOAT differs');
      const report = (await compare(db, opts)).tables[0];
      const keys = report.differences.map((d) => `${Number(d.key.rec_id)}:${d.column}`).sort();
      assert.deepEqual(keys, ['14:rate', '21:n', '2:gain', '5:gain', '7:gain']);
      assert.equal(report.differing, 5);
      assert.equal(report.matched, ROWS - 5);
      // Chunks of 4: rows 0–3, 4–7, 12–15 and 20–23 hold a difference; 8–11 (the -0), 16–19 (and the empty chunk
      // after the last row) agree by the reads.
      assert.equal(report.chunks, clean.chunks);
      assert.equal(report.chunksByPointerJoin, clean.chunks - 4);
    },
  );
});

test('a chunk of thousands of pointer rows, checked in turns of the event loop, still finds a difference past the turns', async () => {
  await withRecording({}, async ({ db, src, dst, store }) => {
    const digests: Buffer[] = [];
    for (let k = 0; k < 3; k++) {
      const blob = uint8Blob(Buffer.from(`shared${k}`));
      digests.push(storeBlob(store, src, blob));
      await db.execute(`INSERT INTO ${qt(src, '~external_raw')} (hash, size) VALUES (?, ?)`, [digests[k], blob.length]);
    }
    const rows = 3000;
    await db.execute(
      `INSERT INTO ${qt(src, 'recording')} SELECT seq, ELT(1 + seq % 3, ?, ?, ?) FROM ${qt(src, `seq_0_to_${rows - 1}`)}`,
      digests,
    );
    await copiedToV2(db, src, 'recording', store);
    const opts = recordingCompare({ src, dst, store });
    const clean = (await compare(db, opts)).tables[0];
    assert.equal(clean.matched, rows);
    assert.equal(clean.chunksByPointerJoin, clean.chunks);
    // Row 2,900 (after the checks' turns at rows 1,023 and 2,047 of the one chunk) points at another object.
    await db.execute(
      `UPDATE ${qt(dst, 'recording')} SET \`signal\` = (SELECT \`signal\` FROM (SELECT \`signal\` FROM ${qt(dst, 'recording')} WHERE rec_id = 1) AS o) WHERE rec_id = 2900`,
    );
    const report = (await compare(db, opts)).tables[0];
    assert.deepEqual(
      report.differences.map((d) => [Number(d.key.rec_id), d.column]),
      [[2900, 'signal']],
    );
    assert.equal(report.matched, rows - 1);
  });
});

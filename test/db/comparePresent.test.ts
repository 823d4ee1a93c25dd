// fileCheck=present (compare's default with stores) on a table that points at most of its store: the store's
// folder is listed once on the stat worker instead of a stat per object (comparePointerSql.ts listStores), and
// the objects it vouches for are counted (filesListed). A missing file and a dangling link are still found by key;
// a file of another size is `exists`'s finding, not `present`'s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compare } from '../../client/src/db/compare';
import { filePath, path014 } from '../../client/src/db/stores';
import { qt } from '../../client/src/db/sql';
import { ExternalIndex } from '../../client/src/db/externalIndex';
import { copiedToV2, recordingCompare, withRecording, storeBlob, uint8Blob } from '../helpers/storedBlobs';

/** More objects than compare lists a store for (LIST_AT_LEAST, 4,096), one per row. */
const ROWS = 4200;

test('present lists the store once, and still finds a missing file and a dangling link by key', async () => {
  await withRecording({}, async ({ db, src, dst, store, root }) => {
    const digests: Buffer[] = [];
    for (let at = 0; at < ROWS; at += 500) {
      const ext: unknown[] = [];
      const rows: unknown[] = [];
      for (let r = at; r < Math.min(ROWS, at + 500); r++) {
        const blob = uint8Blob(Buffer.from(`object ${r}`));
        const digest = storeBlob(store, src, blob);
        digests.push(digest);
        ext.push(digest, blob.length);
        rows.push(r, digest);
      }
      const n = rows.length / 2;
      await db.execute(
        `INSERT INTO ${qt(src, '~external_raw')} (hash, size) VALUES ${Array(n).fill('(?, ?)').join(', ')}`,
        ext,
      );
      await db.execute(`INSERT INTO ${qt(src, 'recording')} VALUES ${Array(n).fill('(?, ?)').join(', ')}`, rows);
    }
    await copiedToV2(db, src, 'recording', store);
    const opts = recordingCompare(
      { src, dst, store },
      { chunk: { initialRows: 500, maxRows: 500 }, maxDifferences: 100 },
    );

    const clean = (await compare(db, opts)).tables[0];
    assert.equal(clean.matched, ROWS);
    assert.equal(clean.differing, 0);
    assert.equal(clean.chunksByPointerJoin, clean.chunks);
    assert.equal(clean.filesListed, ROWS, 'every object vouched for by the listing');
    // The listing starts from the server's estimate of ~external's rows; a stale one (MySQL 8 caches it) leaves
    // the decision to the index's own count.
    const estimate = ExternalIndex.estimate;
    ExternalIndex.estimate = async () => 0;
    try {
      assert.equal((await compare(db, opts)).tables[0].filesListed, ROWS, 'listed after a stale estimate');
    } finally {
      ExternalIndex.estimate = estimate;
    }

    const fileOf = (r: number) => filePath(store, path014(store, src, digests[r].toString('hex')));
    fs.rmSync(fileOf(7));
    fs.appendFileSync(fileOf(100), Buffer.from([0]));
    fs.rmSync(fileOf(3000));
    fs.symlinkSync(path.join(root, 'nowhere'), fileOf(3000));
    const reasons = (r: { differences: { key: Record<string, unknown>; reason: string }[] }) =>
      new Map(r.differences.map((d) => [Number(d.key.rec_id), d.reason]));

    const present = (await compare(db, opts)).tables[0];
    assert.equal(present.differing, 2, JSON.stringify(present.differences));
    assert.match(String(reasons(present).get(7)), /file missing/);
    assert.match(String(reasons(present).get(3000)), /file missing/);
    assert.equal(present.matched, ROWS - 2, 'the longer file is present');
    assert.ok((present.filesListed ?? 0) > ROWS / 2, 'chunks without a broken file were settled by the listing');

    const exists = (await compare(db, { ...opts, fileCheck: 'exists' as const })).tables[0];
    assert.equal(exists.differing, 3);
    assert.match(String(reasons(exists).get(100)), /bytes, expected/);
    assert.equal(exists.filesListed, 0, 'exists stats every file');

    // A compare of a few key ranges (a cut-over's delta) joins ~external and stats its files: no listing. A JSON
    // whose size is not its ~external row's is found there as in a whole-table compare.
    await db.execute(
      `UPDATE ${qt(dst, 'recording')} SET \`signal\` = JSON_SET(\`signal\`, '$.size', JSON_EXTRACT(\`signal\`, '$.size') + 1) WHERE rec_id IN (2995, 4100)`,
    );
    const ranged = (
      await compare(db, { ...opts, ranges: new Map([[`${src}.recording`, [{ lower: [2990], upper: [3010] }]]]) })
    ).tables[0];
    assert.deepEqual(
      ranged.differences.map((d) => [Number(d.key.rec_id), d.reason.replace(/[:\d].*/, '')]),
      [
        [2995, 'size differs'],
        [3000, 'file missing'],
      ],
    );
    assert.equal(ranged.filesListed, 0);
    const whole = (await compare(db, opts)).tables[0];
    assert.match(String(reasons(whole).get(4100)), /^size differs: ~external_raw records \d+ bytes, test has \d+$/);
    assert.equal(whole.differing, 4);

    // Without the schema's folder at all, every file is missing (the listing fails; the stats say so by key).
    fs.renameSync(path.join(root, src), path.join(root, `${src}.moved`));
    const gone = (await compare(db, opts)).tables[0];
    assert.equal(gone.differing, ROWS);
    assert.equal(gone.filesListed, 0);
  });
});

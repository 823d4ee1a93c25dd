// The cut-over's binary-log path, on a MariaDB of its own started with --log-bin (binlogServer.ts): in ROW
// format the log names exactly the tables written since the pre-freeze pass, so the freeze re-reads only
// those (and their changed chunks) even where UPDATE_TIME would say nothing; in MIXED format the log names
// no tables and UPDATE_TIME decides.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startBinlogServer, type BinlogServer } from './binlogServer';
import { binlogTablesSince, classify, snapshotIndicators } from '../../client/src/db/cutover/changeIndicators';
import { type CutoverContext, freezePass, preFreezePass } from '../../client/src/db/cutover/freeze';
import { q, qt } from '../../client/src/db/sql';

let server: BinlogServer;
const record = 'rec';
const live = 'live';

async function tables(schema: string): Promise<void> {
  const db = server.db;
  await db.execute(`CREATE DATABASE ${q(schema)}`);
  for (const t of ['a', 'b'])
    await db.execute(
      `CREATE TABLE ${qt(schema, t)} (id int NOT NULL PRIMARY KEY, v varchar(20) NOT NULL) ENGINE=InnoDB`,
    );
  await db.execute(
    `INSERT INTO ${qt(schema, 'a')} (id, v) SELECT seq, CONCAT('a', seq) FROM ${qt(schema, 'seq_1_to_25000')}`,
  );
  await db.execute(`INSERT INTO ${qt(schema, 'b')} (id, v) VALUES (1, 'b1'), (2, 'b2')`);
}

function unswapCtx(): CutoverContext {
  return {
    direction: 'unswap',
    pairs: [{ source: record, target: live }],
    live: [live],
    stores: {},
    progress: () => undefined,
  };
}

describe('cut-over freeze with a binary log', () => {
  before(async () => {
    server = await startBinlogServer('ROW');
    await tables(record);
    await tables(live);
  });
  after(async () => server?.stop());

  it('ROW format: the binary log names exactly the tables written; the freeze re-reads only their changed chunks', async () => {
    const db = server.db;
    const watched = [
      { schema: live, name: 'a', rowEstimate: 25000 },
      { schema: live, name: 'b', rowEstimate: 2 },
    ];
    const s1 = await snapshotIndicators(db, watched);
    assert.equal(s1.binlog?.format, 'ROW');
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'changed' WHERE id = 24000`);
    await db.execute(`INSERT INTO ${qt(record, 'b')} (id, v) VALUES (9, 'not watched')`);
    const s2 = await snapshotIndicators(db, watched);
    const logged = await binlogTablesSince(db, s1.binlog!, s2.binlog!);
    assert.equal(logged.complete, true, logged.why);
    assert.deepEqual([...logged.tables].sort(), [`${live}.a`, `${record}.b`]);
    assert.deepEqual(
      classify([`${live}.a`, `${live}.b`], s1, s2, logged).map((v) => [v.table, v.state, (v as { by?: string }).by]),
      [
        [`${live}.a`, 'moved', 'binary log'],
        [`${live}.b`, 'quiet', 'binary log'],
      ],
    );
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'a24000' WHERE id = 24000`);
    await db.execute(`DELETE FROM ${qt(record, 'b')} WHERE id = 9`);

    // The whole freeze, unswap direction (nothing is copied): record → live compared, live watched.
    const ctx: CutoverContext = {
      direction: 'unswap',
      pairs: [{ source: record, target: live }],
      live: [live],
      stores: {},
      progress: () => undefined,
    };
    const pre = await preFreezePass(db, ctx, { renameMs: 0 });
    assert.equal(pre.compare.equal, true, JSON.stringify(pre.compare));
    assert.match(pre.report.detection, /binary log/);
    assert.equal(pre.report.chunks.total, 3 + 1, 'a is three chunks of 10000 keys, b one');
    // planted after the pass: a key change in a's last chunk, nothing in b
    await db.execute(`UPDATE ${qt(live, 'a')} SET id = 30000 WHERE id = 25000`);
    const out = await freezePass(db, ctx, pre);
    assert.deepEqual(pre.report.moved, [`${live}.a`]);
    assert.deepEqual(pre.report.forced, []);
    // the row events name both keys of the key change: no chunk is re-read
    assert.deepEqual(pre.report.byKey, [{ table: `${live}.a`, keys: 2 }]);
    assert.deepEqual(pre.report.byChunks, []);
    assert.deepEqual(pre.report.chunks, { total: 4, reread: 0, changed: 0 });
    assert.equal(out.compare?.equal, false);
    const t = out.compare!.tables[0];
    assert.deepEqual([t.onlyInProduction, t.onlyInTest, t.chunks], [1, 1, 1]);
    await db.execute(`UPDATE ${qt(live, 'a')} SET id = 25000 WHERE id = 30000`);
  });

  it('ROW format: an insert, an update, a delete and a key change after the pre-freeze pass are caught key by key', async () => {
    const db = server.db;
    const ctx = unswapCtx();
    const pre = await preFreezePass(db, ctx, { renameMs: 0 });
    assert.equal(pre.compare.equal, true, JSON.stringify(pre.compare));
    await db.execute(`INSERT INTO ${qt(live, 'a')} (id, v) VALUES (26000, 'new')`);
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'changed' WHERE id = 5`);
    await db.execute(`DELETE FROM ${qt(live, 'a')} WHERE id = 15000`);
    await db.execute(`UPDATE ${qt(live, 'a')} SET id = 27000 WHERE id = 20000`);
    const out = await freezePass(db, ctx, pre);
    assert.deepEqual(pre.report.byKey, [{ table: `${live}.a`, keys: 5 }]);
    assert.deepEqual(pre.report.byChunks, []);
    assert.match(pre.report.rowReader ?? '', /binlog/);
    assert.equal(pre.report.chunks.reread, 0);
    const t = out.compare!.tables[0];
    // record → live: the insert and the new key only in live, the deleted and the old key only in record
    assert.deepEqual([t.differing, t.onlyInProduction, t.onlyInTest], [1, 2, 2]);
    assert.deepEqual(
      t.differences.map((d) => d.key),
      [{ id: 5 }],
    );
    await db.execute(`DELETE FROM ${qt(live, 'a')} WHERE id IN (26000, 27000)`);
    await db.execute(`INSERT INTO ${qt(live, 'a')} (id, v) VALUES (15000, 'a15000'), (20000, 'a20000')`);
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'a5' WHERE id = 5`);
  });

  it('ROW format: the freeze reads the log from the end of the pre-freeze pass; keys written during the pass still count', async () => {
    const db = server.db;
    let during: Promise<unknown> | undefined;
    const ctx: CutoverContext = {
      ...unswapCtx(),
      progress: (step) => {
        // after the checksums, while the compare runs: a write the pass itself must account for
        if (step === 'compare' && !during) during = db.execute(`UPDATE ${qt(live, 'a')} SET v = 'during' WHERE id = 7`);
      },
    };
    const pre = await preFreezePass(db, ctx, { renameMs: 0 });
    await during;
    assert.deepEqual(pre.passRows?.keys.get(`${live}.a`), [['7']], 'written before the end of the pass');
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'after' WHERE id = 9`);
    const out = await freezePass(db, ctx, pre);
    assert.deepEqual(pre.report.byKey, [{ table: `${live}.a`, keys: 2 }]);
    // (the chunk marked during the pass overlaps the keys: a difference may be listed twice)
    const keys = new Set(out.compare!.tables[0].differences.map((d) => d.key.id));
    assert.deepEqual([...keys].sort(), [7, 9]);
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = CONCAT('a', id) WHERE id IN (7, 9)`);
  });

  it('ROW format: a statement event (DDL) in the range falls back to chunk checksums, by name', async () => {
    const db = server.db;
    const ctx = unswapCtx();
    const pre = await preFreezePass(db, ctx, { renameMs: 0 });
    assert.equal(pre.compare.equal, true, JSON.stringify(pre.compare));
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'late' WHERE id = 12345`);
    await db.execute(`CREATE TABLE ${qt(record, 'junk')} (id int PRIMARY KEY)`);
    const out = await freezePass(db, ctx, pre);
    await db.execute(`DROP TABLE ${qt(record, 'junk')}`);
    assert.deepEqual(pre.report.byKey, []);
    assert.deepEqual(
      pre.report.byChunks?.map((x) => x.table),
      [`${live}.a`],
    );
    assert.match(pre.report.byChunks![0].why, /statement .*CREATE TABLE/i);
    assert.deepEqual(pre.report.chunks, { total: 4, reread: 3, changed: 1 });
    const t = out.compare!.tables[0];
    assert.deepEqual(
      t.differences.map((d) => d.key),
      [{ id: 12345 }],
    );
    await db.execute(`UPDATE ${qt(live, 'a')} SET v = 'a12345' WHERE id = 12345`);
  });

  it('MIXED format: the log names no tables, so UPDATE_TIME decides', async () => {
    const db = server.db;
    await db.execute("SET GLOBAL binlog_format = 'MIXED'");
    try {
      const watched = [
        { schema: live, name: 'a', rowEstimate: 25000 },
        { schema: live, name: 'b', rowEstimate: 2 },
      ];
      const s1 = await snapshotIndicators(db, watched);
      // UPDATE_TIME has one-second resolution: wait for the next second so "moved" cannot be a leftover
      await new Promise((r) => setTimeout(r, 1100));
      const s1b = { ...s1, at: s1.at + 1 };
      await db.execute(`UPDATE ${qt(live, 'b')} SET v = 'mixed' WHERE id = 1`);
      const s2 = await snapshotIndicators(db, watched);
      const logged = await binlogTablesSince(db, s1.binlog!, s2.binlog!);
      assert.equal(logged.complete, false);
      assert.match(logged.why ?? '', /MIXED/);
      assert.deepEqual(
        classify([`${live}.a`, `${live}.b`], s1b, s2, logged).map((v) => [v.table, v.state]),
        [
          [`${live}.a`, 'quiet'],
          [`${live}.b`, 'moved'],
        ],
      );
    } finally {
      await db.execute("SET GLOBAL binlog_format = 'ROW'");
    }
  });
});

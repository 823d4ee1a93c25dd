// A first copy of a table whose pointer columns are all pointer-only runs its chunks on two sessions
// (copyLanes.ts). Its result must be the one-session result byte for byte; a cancel must leave a checkpoint
// below which every row is committed, and the resumed copy must insert exactly the rest; missing files are
// counted once whichever session read their rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../client/src/db/connection';
import { copy, type CopyOptions } from '../../client/src/db/copy';
import { createParallel } from '../../client/src/db/parallel';
import { setUp, writeObjects } from '../../client/src/db/bench';
import { dropSchemas } from '../../client/src/db/benchFreeze';
import { fileStore, filePath, path014 } from '../../client/src/db/stores';
import { loadCopyState } from '../../client/src/db/state';
import { uuidHex } from '../../client/src/db/hash';
import { qt } from '../../client/src/db/sql';
import { testServer, uniquePrefix } from './harness';
import { walkInLanes } from '../../client/src/db/copyLanes';
import { onlyPointerChecks } from '../../client/src/db/copyChecks';

const SIDE = 8; // 512 rows, in chunks of 40: 13 chunks

async function scenario() {
  const db = await openDb(testServer);
  const src = `${uniquePrefix()}lanes`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-lanes-'));
  const store = fileStore('raw', dir);
  await setUp(db, { src, base: `${src}_base`, gen: `${src}_gen`, side: SIDE });
  await writeObjects(db, src, `${src}_gen`, store);
  await createParallel(db, { schemas: [src], suffix: '_v2', unsigned: 'widen' });
  // Sessions opened by the copy: the table's own, and a second one when it walks in two lanes.
  let sessions = 0;
  const counted: Db = {
    ...db,
    withConnection: (fn) => {
      sessions++;
      return db.withConnection(fn);
    },
  };
  const rows = async () =>
    (
      await db.query<{ rec_id: string; signal: string }>(
        `SELECT rec_id, \`signal\` FROM ${qt(`${src}_v2`, 'recording')} ORDER BY rec_id`,
      )
    ).map((r) => `${r.rec_id} ${r.signal}`);
  const opts = (more: Partial<CopyOptions> = {}): CopyOptions => ({
    pairs: [{ source: src, target: `${src}_v2` }],
    tables: ['recording'],
    stores: { raw: store },
    chunk: { initialRows: 40, maxRows: 40 },
    ...more,
  });
  return {
    db,
    counted,
    src,
    store,
    rows,
    opts,
    sessions: () => sessions,
    resetSessions: () => (sessions = 0),
    truncate: () => db.execute(`TRUNCATE TABLE ${qt(`${src}_v2`, 'recording')}`),
    async cleanup() {
      await dropSchemas(db, [`${src}_v2`, `${src}_base`, `${src}_gen`, src]);
      fs.rmSync(dir, { recursive: true, force: true });
      await db.close();
    },
  };
}

test('two sessions copy what one session copies, byte for byte, and count a missing file once', async () => {
  const s = await scenario();
  try {
    const [gone] = await s.db.query<{ hash: Buffer }>(
      `SELECT \`signal\` AS hash FROM ${qt(s.src, 'recording')} WHERE rec_id = 7`,
    );
    fs.rmSync(filePath(s.store, path014(s.store, s.src, uuidHex(gone.hash))));
    // --jobs 3: one session per table.
    const one = await copy(s.counted, s.opts({ jobs: 3 }));
    assert.equal(s.sessions(), 1);
    assert.equal(one.tables[0].status, 'done', JSON.stringify(one.tables[0]));
    const expected = await s.rows();
    assert.equal(expected.length, SIDE ** 3);
    await s.truncate();
    s.resetSessions();
    const two = await copy(s.counted, s.opts());
    assert.equal(s.sessions(), 2, 'the walk took a second session');
    const t = two.tables[0];
    assert.equal(t.status, 'done', JSON.stringify(t));
    assert.equal(t.rowsInserted, SIDE ** 3);
    assert.equal(t.chunks, Math.ceil(SIDE ** 3 / 40));
    assert.deepEqual(await s.rows(), expected);
    assert.equal(t.missingFiles, 1, 'the missing file counted once');
    assert.equal(one.tables[0].missingFiles, 1);
  } finally {
    await s.cleanup();
  }
});

test('a two-session copy cancelled mid-walk leaves every row up to its checkpoint committed, and resumes exactly', async () => {
  const s = await scenario();
  try {
    const statePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djm-lanes-state-')), 'state.json');
    const controller = new AbortController();
    const first = await copy(
      s.counted,
      s.opts({
        statePath,
        signal: controller.signal,
        onProgress: (e) => e.chunks === 4 && controller.abort(),
      }),
    );
    assert.equal(s.sessions(), 2);
    assert.equal(first.cancelled, true);
    const cp = Object.values(loadCopyState(statePath)!.tables)[0];
    assert.equal(cp.status, 'cancelled');
    const upTo = Number(cp.lastKey![0]);
    const [{ n: below }] = await s.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${qt(`${s.src}_v2`, 'recording')} WHERE rec_id <= ?`,
      [upTo],
    );
    assert.equal(Number(below), upTo + 1, 'every row up to the checkpoint is in the target');
    const inserted = first.tables[0].rowsInserted;
    const [{ n: held }] = await s.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${qt(`${s.src}_v2`, 'recording')}`,
    );
    assert.equal(Number(held), inserted, 'the target holds exactly the committed rows');

    const second = await copy(s.db, s.opts({ statePath }));
    const t = second.tables[0];
    assert.equal(t.status, 'done', JSON.stringify(t));
    assert.equal(inserted + t.rowsInserted, SIDE ** 3, 'the resumed copy inserts exactly the missing rows');
    assert.equal(t.conflictCount, 0);
    const resumedRows = await s.rows();
    await s.truncate();
    await copy(s.db, s.opts({ jobs: 3 }));
    assert.deepEqual(resumedRows, await s.rows(), 'the same rows as one uninterrupted session');
    fs.rmSync(path.dirname(statePath), { recursive: true, force: true });
  } finally {
    await s.cleanup();
  }
});

test('lanes report chunks in key order, and a failed chunk keeps the checkpoint before it', async () => {
  // Chunk k covers keys ((k-1)*10, k*10]. One chunk waits until chunk 5 has been copied on the other lane, so
  // chunks finish out of key order (no timers: the order is the same on a loaded machine).
  const walk = (slow: number, fail: boolean, order: number[], reported: number[]) => {
    let fifthCopied: () => void = () => undefined;
    const fifth = new Promise<void>((r) => (fifthCopied = r));
    return walkInLanes<string, { k: number }>(['a', 'b'], null, {
      bound: async (_lane, last) => {
        const k = last ? Number(last[0]) / 10 + 1 : 1;
        return k > 6 ? null : { k, upper: k === 6 ? null : [k * 10] };
      },
      copy: async (_lane, _last, b) => {
        if (b.k === slow) await fifth;
        await new Promise((r) => setImmediate(r));
        if (b.k === slow && fail) throw new Error(`chunk ${slow} failed`);
        order.push(b.k);
        if (b.k === 5) fifthCopied();
        return 10;
      },
      done: (_rows, upper) => reported.push(upper ? Number(upper[0]) : -1),
      check: () => undefined,
    });
  };
  const order: number[] = [];
  const reported: number[] = [];
  await walk(2, false, order, reported);
  assert.deepEqual(order.slice(0, 4), [1, 3, 4, 5], 'chunk 2 finished after chunks 3 to 5');
  assert.deepEqual(reported, [10, 20, 30, 40, 50, -1]);

  const kept: number[] = [];
  await assert.rejects(walk(3, true, [], kept), /chunk 3 failed/);
  assert.deepEqual(kept, [10, 20], 'nothing past the failed chunk is reported');
});

test('the chunk INSERT skips only checks that validate pointer JSON: a user CHECK on the target still refuses a row', async () => {
  const s = await scenario();
  try {
    const target = { schema: `${s.src}_v2`, name: 'recording' };
    const session = { read: <T>(sql: string, params: unknown[]) => s.db.query<T>(sql, params) };
    assert.equal(await onlyPointerChecks(session, target, ['signal']), true, 'json_valid(`signal`) only');
    assert.equal(await onlyPointerChecks(session, target, ['other']), false, 'json_valid of a verbatim column');
    await s.db.execute(
      `ALTER TABLE ${qt(target.schema, target.name)} ADD CONSTRAINT slow CHECK (sampling_rate < 1000)`,
    );
    assert.equal(await onlyPointerChecks(session, target, ['signal']), false);
    const report = await copy(s.db, s.opts());
    const t = report.tables[0];
    assert.equal(t.status, 'failed');
    assert.match(t.error ?? '', /slow/);
    assert.equal(t.rowsInserted, 0);
  } finally {
    await s.cleanup();
  }
});

test('a cancel between a chunk INSERT and its COMMIT counts none of its rows, on one session as on two', async () => {
  const s = await scenario();
  try {
    for (const jobs of [3, 2]) {
      await s.truncate();
      // The copy is cancelled the moment its third chunk INSERT returns, before that chunk commits.
      const controller = new AbortController();
      let inserts = 0;
      const cancelling: Db = {
        ...s.db,
        withConnection: (fn) =>
          s.db.withConnection((c) =>
            fn({
              ...c,
              threadId: c.threadId,
              execute: async (sql, params) => {
                const r = await c.execute(sql, params);
                if (/^(SET STATEMENT .* FOR )?INSERT INTO/.test(sql) && ++inserts === 3) controller.abort();
                return r;
              },
            }),
          ),
      };
      const first = await copy(cancelling, s.opts({ jobs, signal: controller.signal }));
      assert.equal(first.cancelled, true, `jobs ${jobs}`);
      const [{ n: held }] = await s.db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${qt(`${s.src}_v2`, 'recording')}`,
      );
      assert.equal(Number(held), first.tables[0].rowsInserted, `jobs ${jobs}: only committed rows are counted`);
      assert.ok(first.tables[0].rowsInserted < 3 * 40, `jobs ${jobs}: the third chunk is not counted`);
    }
  } finally {
    await s.cleanup();
  }
});

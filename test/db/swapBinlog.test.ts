// db swap on a server that writes a ROW binary log (binlogServer.ts): writes planted after the pre-freeze pass —
// an insert, an update, a delete, key changes (one cascading to another schema's table) and a changed in-store
// pointer — are re-checked key by key from the row events; the cascaded child, which the log does not show, is
// re-checked chunk by chunk and named; the swapped tables equal the old ones.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadedFixture } from './harness';
import { compare } from '../../client/src/db/compare';
import { summariseCompare, swapSchemas } from '../../client/src/db/swap';
import { qt } from '../../client/src/db/sql';
import { copiedPipeline, plantWritesAfterPass, swapOptions } from './swapSetup';
import { startBinlogServer, type BinlogServer } from './binlogServer';

let server: BinlogServer;
let fx: LoadedFixture;
let old: string[];

describe('db swap with a ROW binary log: the freeze re-checks the keys the row events name', () => {
  before(async () => {
    server = await startBinlogServer('ROW');
    ({ fx, old } = await copiedPipeline({ host: '127.0.0.1', port: server.port, user: 'root', password: '' }));
  });
  after(async () => {
    await fx?.cleanup();
    await server?.stop();
  });

  it('insert, update, delete and key changes planted after the pre-freeze pass are caught by key', async () => {
    const [lab, ephys] = fx.schemas;
    const r = await swapSchemas(
      fx.db,
      swapOptions(fx, {
        confirm: async () => {
          await plantWritesAfterPass(fx.db, lab, ephys);
          return true;
        },
      }),
    );
    assert.equal(r.status, 'swapped', r.refusals.join('\n'));
    const f = r.freeze!;
    assert.match(f.detection, /ROW binary log/);
    const byKey = new Map((f.byKey ?? []).map((k) => [k.table, k.keys]));
    // user: planted, alice and alicia; subject: 101; session__note: the deleted note and both keys of the change
    assert.equal(byKey.get(`${lab}.user`), 3, JSON.stringify(f.byKey));
    assert.equal(byKey.get(`${lab}.subject`), 1);
    assert.equal(byKey.get(`${ephys}.session__note`), 3);
    assert.equal(byKey.get(`${ephys}.recording`), 1);
    // alice's sessions changed by ON UPDATE CASCADE, which the binary log does not show
    const chunked = new Map((f.byChunks ?? []).map((k) => [k.table, k.why]));
    assert.match(chunked.get(`${ephys}.session`) ?? '', /CASCADE from .*user/, JSON.stringify(f.byChunks));
    // only there: the cascade changed a non-key column of session, which reaches none of its children
    assert.deepEqual([...chunked.keys()], [`${ephys}.session`]);
    assert.ok(!byKey.has(`${ephys}.session`));
    const [{ n: sessions }] = await fx.db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${qt(old[1], 'session')} WHERE experimenter = 'alicia'`,
    );
    assert.ok(Number(sessions) >= 1);
    assert.deepEqual(f.delta, { inserted: 3, updated: 1 + Number(sessions), deleted: 3, rewritten: 1 });
    assert.match(r.notes.join('\n'), /re-checked key by key from the binary log's row events/);
    const c = await compare(fx.db, {
      pairs: old.map((s, i) => ({ source: s, target: fx.schemas[i] })),
      stores: fx.storesConfig,
    });
    assert.equal(c.equal, true, summariseCompare(c).join('\n'));
  });
});

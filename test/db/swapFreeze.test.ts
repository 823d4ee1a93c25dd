// The two phases of db swap / unswap: everything verified before the freeze question, only the delta during
// the freeze. Writes are planted in the confirm callback (after the pre-freeze pass, before the freeze), so
// each kind of change — insert, update, delete, key change — must be caught while production is frozen.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadedFixture } from './harness';
import { compare } from '../../client/src/db/compare';
import { summariseCompare, swapSchemas, unswapSchemas, type SwapOptions } from '../../client/src/db/swap';
import { qt } from '../../client/src/db/sql';
import { copiedPipeline, plantWritesAfterPass, swapOptions } from './swapSetup';
import { classify, type IndicatorSnapshot, tableMapName } from '../../client/src/db/cutover/changeIndicators';

let fx: LoadedFixture;
let v2: string[];
let old: string[];

function options(extra: Partial<SwapOptions> = {}): SwapOptions {
  return swapOptions(fx, extra);
}

describe('db swap / unswap: verify before the freeze, re-check only the delta during it', () => {
  before(async () => {
    ({ fx, v2, old } = await copiedPipeline());
  });
  after(async () => fx?.cleanup());

  it('rows changed in production since the copy are brought level before the question; a row only in the parallel table is removed', async () => {
    const [lab] = fx.schemas;
    await fx.db.execute(`INSERT INTO ${qt(v2[0], 'user')} (username, full_name) VALUES ('ghost', 'Only In Test')`);
    await fx.db.execute(`UPDATE ${qt(lab, 'user')} SET full_name = 'Bob (changed)' WHERE username = 'bob'`);
    let asked = '';
    const r = await swapSchemas(fx.db, options({ confirm: async (q) => ((asked = q.question), false) }));
    assert.equal(r.status, 'refused');
    assert.match(r.refusals.join('\n'), /not confirmed/);
    assert.match(asked, /Expected freeze: about \d+ s/);
    assert.equal(r.compare?.equal, true, summariseCompare(r.compare!).join('\n'));
    assert.deepEqual(r.freeze?.prefreezeDelta, { inserted: 0, updated: 1, deleted: 1, rewritten: 0 });
    const [bob] = await fx.db.query<{ full_name: string }>(
      `SELECT full_name FROM ${qt(v2[0], 'user')} WHERE username = 'bob'`,
    );
    assert.equal(bob.full_name, 'Bob (changed)');
    assert.equal((await fx.db.query(`SELECT 1 FROM ${qt(v2[0], 'user')} WHERE username = 'ghost'`)).length, 0);
    await fx.db.execute(`UPDATE ${qt(lab, 'user')} SET full_name = 'Bob B' WHERE username = 'bob'`);
  });

  it('an insert, an update, a delete and key changes planted after the pre-freeze pass are caught during the freeze; unswap round-trips', async () => {
    const [lab, ephys] = fx.schemas;
    const planted: string[] = [];
    // UPDATE_TIME has one-second resolution and a table written in the second the pre-freeze pass starts counts
    // as moved (conservatively): let the second of the fixture's last writes pass, so "quiet" means quiet.
    await new Promise((r) => setTimeout(r, 1100));
    const r = await swapSchemas(
      fx.db,
      options({
        confirm: async () => {
          // The pre-freeze pass is done (compare, verify): writes that land now must be caught during the freeze.
          await plantWritesAfterPass(fx.db, lab, ephys);
          planted.push('done');
          return true;
        },
      }),
    );
    assert.equal(r.status, 'swapped', r.refusals.join('\n'));
    assert.deepEqual(planted, ['done']);
    const f = r.freeze!;
    for (const t of [
      `${lab}.user`,
      `${lab}.subject`,
      `${ephys}.session__note`,
      `${ephys}.session`,
      `${ephys}.recording`,
    ])
      assert.ok(f.moved.includes(t) || f.forced.some((x) => x.table === t), `${t} re-read: ${JSON.stringify(f.moved)}`);
    assert.ok(!f.moved.some((t) => t.startsWith(fx.schemas[2])), `quiet tables are not re-read: ${f.moved.join(', ')}`);
    // inserted: planted, alicia, note_idx 7; updated: subject 101 and every session alice ran (cascaded);
    // deleted: the note, note_idx 1, alice
    const [{ n: sessions }] = await fx.db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${qt(old[1], 'session')} WHERE experimenter = 'alicia'`,
    );
    assert.ok(Number(sessions) >= 1);
    assert.deepEqual(f.delta, { inserted: 3, updated: 1 + Number(sessions), deleted: 3, rewritten: 1 });
    assert.ok(f.actual && f.actualMs !== undefined && f.actualMs >= f.actual.deltaCopyMs);
    assert.match(
      r.notes.join('\n'),
      /frozen for [\d.]+ s \(detect [\d.]+ s, delta copy [\d.]+ s, delta compare [\d.]+ s, rename [\d.]+ s\)/,
    );
    assert.match(r.notes.join('\n'), /expected freeze [\d.]+ s/);
    const c = await compare(fx.db, {
      pairs: old.map((s, i) => ({ source: s, target: fx.schemas[i] })),
      stores: fx.storesConfig,
    });
    assert.equal(c.equal, true, summariseCompare(c).join('\n'));
    const [session] = await fx.db.query<{ experimenter: string }>(
      `SELECT experimenter FROM ${qt(ephys, 'session')} WHERE subject_id = 100 AND session_date = '2024-06-01'`,
    );
    assert.equal(session.experimenter, 'alicia');

    // Unswap: a row written to the live 2.x tables during its freeze is caught too (and refused).
    const refused = await unswapSchemas(
      fx.db,
      options({
        confirm: async () => {
          await fx.db.execute(`INSERT INTO ${qt(lab, 'user')} (username, full_name, active) VALUES ('late2x', 'L', 1)`);
          return true;
        },
      }),
    );
    assert.equal(refused.status, 'refused');
    assert.match(refused.refusals.join('\n'), new RegExp(`rows written since the swap[\\s\\S]*1 only in ${lab}\\n`));
    assert.ok(refused.freeze?.moved.includes(`${lab}.user`));
    await fx.db.execute(`DELETE FROM ${qt(lab, 'user')} WHERE username = 'late2x'`);
    const back = await unswapSchemas(fx.db, options());
    assert.equal(back.status, 'swapped', back.refusals.join('\n'));
    const level = await compare(fx.db, {
      pairs: fx.schemas.map((s, i) => ({ source: s, target: v2[i] })),
      stores: fx.storesConfig,
    });
    assert.equal(level.equal, true, summariseCompare(level).join('\n'));
  });
});

function snap(at: number, updateTime: [string, number | null][], checksum: [string, string][] = []): IndicatorSnapshot {
  return { at, startedAt: 1000, binlog: null, updateTime: new Map(updateTime), checksum: new Map(checksum) };
}

test('classify: UPDATE_TIME at or after the second the pass began moves a table; NULL forces a named re-check', () => {
  const before = snap(2000, [], [['s.small', '42']]);
  const after = snap(
    2005,
    [
      ['s.same_second', 2000],
      ['s.earlier', 1999],
      ['s.null', null],
      ['s.small', null],
    ],
    [['s.small', '42']],
  );
  const v = classify(['s.same_second', 's.earlier', 's.null', 's.small'], before, after, null);
  assert.deepEqual(
    v.map((x) => [x.table, x.state]),
    [
      ['s.same_second', 'moved'],
      ['s.earlier', 'quiet'],
      ['s.null', 'unknown'],
      ['s.small', 'quiet'],
    ],
  );
  assert.match((v[2] as { why: string }).why, /UPDATE_TIME is NULL.*no binary log/);
  const restarted = { ...after, startedAt: 1900 };
  assert.equal(classify(['s.earlier'], before, restarted, null)[0].state, 'unknown');
  const binlog = { complete: true, tables: new Set(['s.null']), anything: true };
  assert.deepEqual(
    classify(['s.null', 's.same_second'], before, after, binlog).map((x) => x.state),
    ['moved', 'quiet'],
  );
  const mixed = { complete: false, tables: new Set<string>(), anything: true, why: 'binlog_format is MIXED, not ROW' };
  assert.match((classify(['s.null'], before, after, mixed)[0] as { why: string }).why, /MIXED/);
});

test('Table_map events name their table on MariaDB and MySQL 8', () => {
  assert.equal(tableMapName('Table_map', 'table_id: 33 (t1_lab.user)'), 't1_lab.user');
  assert.equal(tableMapName('Table_map', 'table_id: 92 (db.#species)'), 'db.#species');
  assert.equal(tableMapName('Write_rows_v1', 'table_id: 33 flags: STMT_END_F'), null);
});

// db copy and db compare with --jobs: tables run at once on separate sessions, a table starts only after the
// tables it references are copied, and the result (and a cancel-and-resume) is the same as one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copy, type CopyProgress } from '../../client/src/db/copy';
import { compare } from '../../client/src/db/compare';
import { loadCopyState } from '../../client/src/db/state';
import { introspect } from '../../client/src/db/introspect';
import { tableKey } from '../../client/src/db/model';
import { copyScenario, emptyUserTables, rowCounts } from './copyScenario';

const tmpState = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djm-jobs-')), 'state.json');

test('--jobs 3 copies what --jobs 1 copies, parents first, and resumes after a cancel', async () => {
  const s = await copyScenario();
  try {
    const small = { initialRows: 1, maxRows: 1 };
    const one = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, jobs: 1, chunk: small });
    assert.equal(one.failed, false);
    const countsOne = await rowCounts(s.db, s.target.schemas);
    const compareOne = await compare(s.db, { pairs: s.pairs, stores: s.source.storesConfig, jobs: 1 });
    assert.equal(compareOne.equal, true);
    await emptyUserTables(s.db, s.target.schemas);

    // Three at once, cancelled once a few tables are under way; then resumed with three at once.
    const statePath = tmpState();
    const controller = new AbortController();
    const events: CopyProgress[] = [];
    const runOne: CopyProgress[] = [];
    const runTwo: CopyProgress[] = [];
    const first = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      jobs: 3,
      chunk: small,
      statePath,
      signal: controller.signal,
      onProgress: (e) => {
        runOne.push(e);
        events.push(e);
        if (new Set(events.map((x) => x.table)).size >= 5) controller.abort();
      },
    });
    assert.equal(first.cancelled, true);
    assert.ok(
      first.tables.some((t) => t.status === 'cancelled'),
      'a running table was stopped',
    );
    const state = loadCopyState(statePath)!;
    assert.ok(Object.values(state.tables).some((t) => t.status === 'cancelled'));

    const second = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      jobs: 3,
      chunk: small,
      statePath,
      onProgress: (e) => {
        runTwo.push(e);
        events.push(e);
      },
    });
    assert.equal(second.failed, false);
    assert.equal(second.cancelled, false);
    assert.ok(second.tables.some((t) => t.finishedEarlier));
    assert.deepEqual(await rowCounts(s.db, s.target.schemas), countsOne);
    const inserted = (r: typeof first) => r.tables.reduce((n, t) => n + t.rowsInserted, 0);
    assert.equal(inserted(first) + inserted(second), inserted(one), 'each row inserted exactly once');

    // Tables ran at once: some table's progress falls between two progress events of another.
    const interleaved = events.some((e, i) =>
      events
        .slice(i + 1)
        .some((later, j) => later.table === e.table && events.slice(i + 1, i + 1 + j).some((m) => m.table !== e.table)),
    );
    assert.ok(interleaved, 'tables were copied at once');
    // In each run, a table's first progress comes after the last progress of every table it references.
    const sources = await introspect(s.db, s.source.schemas);
    for (const run of [runOne, runTwo]) {
      const firstOf = (t: string) => run.findIndex((e) => e.table === t);
      const lastOf = (t: string) => run.map((e) => e.table).lastIndexOf(t);
      for (const t of sources.flatMap((x) => x.tables)) {
        if (firstOf(tableKey(t)) < 0) continue;
        for (const fk of t.foreignKeys) {
          const parent = `${fk.refSchema}.${fk.refTable}`;
          if (fk.refTable.startsWith('~') || parent === tableKey(t)) continue;
          assert.ok(lastOf(parent) < firstOf(tableKey(t)), `${parent} was still copying after ${tableKey(t)} started`);
        }
      }
    }

    const compareThree = await compare(s.db, { pairs: s.pairs, stores: s.source.storesConfig, jobs: 3 });
    assert.equal(compareThree.equal, true);
    const summary = (r: typeof compareOne) => r.tables.map((t) => [t.production, t.rowsProduction, t.matched]);
    assert.deepEqual(summary(compareThree), summary(compareOne), 'same tables, same order, same counts');
  } finally {
    await s.cleanup();
  }
});

// db compare against the real server: a faithful copy compares equal; one planted defect per column kind
// is reported with exactly its key and column; missing and extra rows are reported with their keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { copy } from '../../client/src/db/copy';
import { compare, type Difference } from '../../client/src/db/compare';
import { compareJsonText, normalizeDecimal } from '../../client/src/db/compareValues';
import { qt } from '../../client/src/db/sql';
import { copyScenario } from './copyScenario';
import { dropPrefixed, testServer, uniquePrefix } from './harness';
import { openDb } from '../../client/src/db/connection';
import { q } from '../../client/src/db/sql';

test('compare reports exactly the planted defects, one per column kind, and missing and extra rows', async () => {
  const s = await copyScenario();
  try {
    const copied = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    assert.equal(copied.failed, false);
    const clean = await compare(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    assert.equal(clean.equal, true);
    assert.ok(
      clean.tables.filter((t) => t.chunksByChecksum > 0).length >= 5,
      'tables stored alike are settled by chunk checksums',
    );

    const [lab2, ephys2, analysis2] = s.target.schemas;
    const run = (sql: string) => s.db.execute(sql);
    await run(`UPDATE ${qt(lab2, 'subject')} SET litter = litter + 1 WHERE subject_id = 101`);
    await run(`UPDATE ${qt(lab2, 'subject')} SET weight = 22.26 WHERE subject_id = 102`);
    await run(`UPDATE ${qt(lab2, 'user')} SET full_name = 'Bob C' WHERE username = 'bob'`);
    await run(`UPDATE ${qt(ephys2, 'session')} SET temperature = 36.7 WHERE subject_id = 100 AND session_idx = 0`);
    await run(
      `UPDATE ${qt(ephys2, 'session')} SET metadata = JSON_SET(metadata, '$.rig', 'B') WHERE subject_id = 101 AND session_idx = 0`,
    );
    // 2.x on MariaDB double-encodes a str given for a json column: a JSON string holding the JSON text.
    await run(
      `UPDATE ${qt(ephys2, 'session')} SET metadata = JSON_QUOTE(metadata) WHERE subject_id = 102 AND session_idx = 0`,
    );
    await run(
      `UPDATE ${qt(ephys2, '_neuron')} SET spike_times = INSERT(spike_times, 41, 1, IF(SUBSTRING(spike_times, 41, 1) = X'00', X'01', X'00')) ` +
        `WHERE subject_id = 101 AND session_idx = 0 AND neuron_id = 1`,
    );
    // Within tolerance: a float nudged by one unit in the last place is not a difference.
    await run(
      `UPDATE ${qt(ephys2, '_neuron')} SET firing_rate = 2.0000002 WHERE subject_id = 100 AND session_idx = 0 AND neuron_id = 0`,
    );
    await run(
      `UPDATE ${qt(ephys2, 'recording')} SET \`signal\` = JSON_SET(\`signal\`, '$.hash', 'aaaaaaaaaaaaaaaaaaaaaaaaaa') WHERE subject_id = 101 AND session_idx = 0`,
    );
    await run(
      `UPDATE ${qt(ephys2, 'recording')} SET raw_file = JSON_SET(raw_file, '$.path', 'raw/sub100/rec_9.bin') WHERE subject_id = 100 AND session_idx = 1`,
    );
    const [{ settings }] = await s.db.query<{ settings: string }>(
      `SELECT settings_file AS settings FROM ${qt(ephys2, 'recording')} WHERE subject_id = 102 AND session_idx = 0`,
    );
    const attachment = JSON.parse(settings) as { path: string; store: string };
    fs.rmSync(path.join(s.source.storesConfig[attachment.store].location, attachment.path));
    await run(`DELETE FROM ${qt(ephys2, 'session__note')} WHERE subject_id = 100 AND session_idx = 0 AND note_idx = 1`);
    await run(`INSERT INTO ${qt(lab2, '#species')} (species, latin_name) VALUES ('hamster', 'Mesocricetus auratus')`);

    const report = await compare(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    assert.equal(report.equal, false);
    const found = report.tables.flatMap((t) => t.differences.map((d) => ({ table: t.test.split('.')[1], ...d })));
    const summary = (d: Difference & { table: string }) => `${d.table} ${JSON.stringify(d.key)} ${d.column}`;
    assert.deepEqual(
      found.map(summary).sort(),
      [
        `_neuron {"subject_id":101,"session_date":"2024-06-01","session_idx":0,"recording_id":1,"neuron_id":1} spike_times`,
        `recording {"subject_id":100,"session_date":"2024-06-02","session_idx":1,"recording_id":1} raw_file`,
        `recording {"subject_id":101,"session_date":"2024-06-01","session_idx":0,"recording_id":1} signal`,
        `recording {"subject_id":102,"session_date":"2024-06-01","session_idx":0,"recording_id":1} settings_file`,
        `session {"subject_id":100,"session_date":"2024-06-01","session_idx":0} temperature`,
        `session {"subject_id":101,"session_date":"2024-06-01","session_idx":0} metadata`,
        `session {"subject_id":102,"session_date":"2024-06-01","session_idx":0} metadata`,
        `subject {"subject_id":101} litter`,
        `subject {"subject_id":102} weight`,
        `user {"username":"bob"} full_name`,
      ].sort(),
    );
    const reason = (table: string, column: string, subject?: number) =>
      found.find(
        (d) => d.table === table && d.column === column && (subject === undefined || d.key.subject_id === subject),
      )!.reason;
    assert.match(reason('recording', 'settings_file'), /file missing/);
    assert.match(reason('recording', 'raw_file'), /path differs/);
    assert.match(reason('recording', 'signal'), /content hash differs/);
    assert.match(reason('session', 'metadata', 102), /double-encoded/);
    assert.match(reason('session', 'metadata', 101), /JSON value differs/);
    assert.match(reason('session', 'temperature'), /more than 0.000001/);

    const byTable = new Map(report.tables.map((t) => [t.test.split('.')[1], t]));
    assert.equal(byTable.get('session__note')!.onlyInProduction, 1);
    assert.deepEqual(byTable.get('session__note')!.missingKeys, [
      { subject_id: 100, session_date: '2024-06-01', session_idx: 0, note_idx: 1 },
    ]);
    assert.equal(byTable.get('#species')!.onlyInTest, 1);
    assert.deepEqual(byTable.get('#species')!.extraKeys, [{ species: 'hamster' }]);
    assert.equal(byTable.get('_neuron')!.differing, 1, 'the nudged float is within tolerance');
    assert.equal(byTable.get('session')!.differing, 3);
    assert.equal(byTable.get('session')!.matched, 3);
    assert.equal(byTable.get('__activity_stats__bin')!.differing, 0);
    assert.equal(analysis2.length > 0, true);

    // A tolerance of zero makes the nudged float a difference too.
    const strict = await compare(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      tolerance: 0,
      tables: ['_neuron'],
    });
    assert.equal(strict.tables[0].differing, 2);
  } finally {
    await s.cleanup();
  }
});

test('compare walks chunks: a small chunk size gives the same verdict and counts', async () => {
  const s = await copyScenario();
  try {
    await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    const [lab2] = s.target.schemas;
    await s.db.execute(`DELETE FROM ${qt(lab2, 'subject')} WHERE subject_id = 103`);
    const report = await compare(s.db, {
      pairs: s.pairs.slice(0, 1),
      chunk: { initialRows: 1, maxRows: 1 },
      tables: ['subject'],
    });
    const subject = report.tables[0];
    assert.equal(subject.chunks >= 4, true);
    assert.equal(subject.matched, 3);
    assert.equal(subject.onlyInProduction, 1);
    assert.deepEqual(subject.missingKeys, [{ subject_id: 103 }]);
  } finally {
    await s.cleanup();
  }
});

test('decimal and JSON comparison by meaning', () => {
  assert.equal(normalizeDecimal('021.250'), '21.25');
  assert.equal(normalizeDecimal('-0.00'), '0');
  assert.equal(normalizeDecimal('5'), normalizeDecimal('5.000'));
  assert.notEqual(normalizeDecimal('5.01'), normalizeDecimal('5.1'));
  assert.equal(compareJsonText('{"a": 1, "b": [1, 2]}', '{"b":[1,2],"a":1.0}'), null);
  assert.match(compareJsonText('{"a": 1}', '"{\\"a\\": 1}"') ?? '', /double-encoded JSON in test/);
  assert.match(compareJsonText('[1, 2]', '[2, 1]') ?? '', /differs/);
});

test("string keys under different collations: test-side key ranges follow production's order, so every row is compared exactly once", async () => {
  const prefix = uniquePrefix();
  const db = await openDb(testServer);
  try {
    const prod = prefix + 'prod';
    const test2 = prefix + 'test';
    for (const [schema, collation] of [
      [prod, 'utf8mb4_bin'],
      [test2, 'utf8mb4_general_ci'],
    ]) {
      await db.execute(`CREATE DATABASE ${q(schema)}`);
      await db.execute(
        `CREATE TABLE ${qt(schema, 'item')} (k varchar(8) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL, v double NOT NULL, PRIMARY KEY (k)) ENGINE=InnoDB`,
      );
    }
    await db.execute(`INSERT INTO ${qt(prod, 'item')} VALUES ('B', 1), ('a', 2), ('c', 3), ('D', 4)`);
    await db.execute(`INSERT INTO ${qt(test2, 'item')} VALUES ('B', 1), ('a', 2.5), ('c', 3), ('D', 4)`);
    // utf8mb4_bin orders B, D, a, c; utf8mb4_general_ci orders a, B, c, D.
    const report = await compare(db, {
      pairs: [{ source: prod, target: test2 }],
      chunk: { initialRows: 1, maxRows: 1 },
    });
    const t = report.tables[0];
    assert.equal(t.onlyInProduction, 0);
    assert.equal(t.onlyInTest, 0);
    assert.equal(t.matched, 3);
    assert.equal(t.differing, 1);
    assert.deepEqual(
      t.differences.map((d) => [d.key, d.column]),
      [[{ k: 'a' }, 'v']],
    );
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});

test('in-store pointers are settled by the two range reads, and a planted pointer difference is still found by key', async () => {
  const s = await copyScenario();
  try {
    await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    const ephys2 = s.target.schemas[1];
    // One row per chunk: every chunk's pointers (signal, lfp, settings_file) go through the join.
    const opts = {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      tables: ['recording'],
      chunk: { initialRows: 1, maxRows: 1 },
      // sizes too: the planted file of another size is `exists`'s finding
      fileCheck: 'exists' as const,
    };
    const clean = (await compare(s.db, opts)).tables[0];
    assert.equal(clean.differing, 0);
    assert.ok(clean.rowsProduction >= 3);
    assert.equal(clean.chunksByPointerJoin, clean.chunks, 'every chunk settled by the join');

    const keyCols = 'subject_id, session_date, session_idx, recording_id';
    const rows = await s.db.query<Record<string, unknown>>(
      `SELECT ${keyCols} FROM ${qt(ephys2, 'recording')} WHERE lfp IS NOT NULL ORDER BY ${keyCols} LIMIT 2`,
    );
    assert.equal(rows.length, 2);
    const where = (r: Record<string, unknown>) =>
      `subject_id = ${Number(r.subject_id)} AND session_date = '${String(r.session_date)}' AND session_idx = ${Number(r.session_idx)} AND recording_id = ${Number(r.recording_id)}`;
    await s.db.execute(
      `UPDATE ${qt(ephys2, 'recording')} SET lfp = JSON_SET(lfp, '$.hash', 'aaaaaaaaaaaaaaaaaaaaaaaaaa') WHERE ${where(rows[0])}`,
    );
    await s.db.execute(
      `UPDATE ${qt(ephys2, 'recording')} SET \`signal\` = JSON_SET(\`signal\`, '$.store', 'elsewhere') WHERE ${where(rows[1])}`,
    );
    const planted = (await compare(s.db, opts)).tables[0];
    assert.equal(planted.differing, 2);
    assert.equal(planted.matched, clean.matched - 2);
    assert.equal(
      planted.chunksByPointerJoin,
      planted.chunks - 2,
      'only the two planted chunks were compared row by row',
    );
    const found = planted.differences.map((d) => [d.key.subject_id, d.key.recording_id, d.column, d.reason]);
    assert.deepEqual(
      found.map((f) => f.slice(0, 3)),
      [
        [Number(rows[0].subject_id), Number(rows[0].recording_id), 'lfp'],
        [Number(rows[1].subject_id), Number(rows[1].recording_id), 'signal'],
      ],
    );
    assert.match(String(found[0][3]), /content hash differs/);
    assert.match(String(found[1][3]), /store differs/);

    // The same join settles the other columns row by row (the bytes the checksum covers) and the files: a
    // changed non-pointer column, a deleted file and a file of the wrong size are each found by key.
    const all = await s.db.query<Record<string, unknown>>(
      `SELECT ${keyCols}, \`signal\` AS sig FROM ${qt(ephys2, 'recording')} ORDER BY ${keyCols}`,
    );
    const untouched = all.filter((r) => !rows.some((x) => where(x) === where(r)));
    assert.ok(untouched.length >= 3, 'three more rows to plant in');
    const [rate, gone, resized] = untouched;
    const fileOf = (r: Record<string, unknown>) => {
      const json = JSON.parse(String(r.sig)) as { path: string; store: string };
      return path.join(s.source.storesConfig[json.store].location, json.path);
    };
    await s.db.execute(`UPDATE ${qt(ephys2, 'recording')} SET sampling_rate = sampling_rate + 1 WHERE ${where(rate)}`);
    fs.rmSync(fileOf(gone));
    fs.appendFileSync(fileOf(resized), Buffer.from([0]));
    // Rows pointing at the same object as a planted file differ too.
    const sharing = (r: Record<string, unknown>) => all.filter((x) => x.sig === r.sig).map(where);
    const expected = new Set([...rows.map(where), where(rate), ...sharing(gone), ...sharing(resized)]);
    const again = (await compare(s.db, opts)).tables[0];
    assert.equal(again.differing, expected.size);
    const reasonAt = (r: Record<string, unknown>, column: string) =>
      again.differences.find(
        (d) =>
          d.column === column &&
          d.key.subject_id === Number(r.subject_id) &&
          d.key.recording_id === Number(r.recording_id) &&
          d.key.session_idx === Number(r.session_idx) &&
          d.key.session_date === String(r.session_date),
      )?.reason;
    assert.match(String(reasonAt(rate, 'sampling_rate')), /differs/);
    assert.match(String(reasonAt(gone, 'signal')), /file missing/);
    assert.match(String(reasonAt(resized, 'signal')), /bytes, expected/);
    assert.equal(reasonAt(rate, 'signal'), undefined, 'the row whose rate changed has its pointer right');
  } finally {
    await s.cleanup();
  }
});

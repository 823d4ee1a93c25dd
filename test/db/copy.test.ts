// db copy against the real server: the dj014 pipeline into empty 2.x tables declared by 2.x itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copy, planCopy, runCopy, type CopyProgress } from '../../client/src/db/copy';
import { compare } from '../../client/src/db/compare';
import { loadCopyState } from '../../client/src/db/state';
import { qt } from '../../client/src/db/sql';
import { restrictionPlan } from '../../client/src/db/plan';
import { introspect } from '../../client/src/db/introspect';
import type { Predicate } from '../../client/src/db/chunks';
import { readDump } from './fixtureDump';
import { fixturesDir } from '../helpers/paths';
import { copyScenario, rowCounts } from './copyScenario';
import mysql from 'mysql2/promise';
import { loadFixture, testServer } from './harness';
import { runCli } from './cliRun';
import { DATAJOINT_SQL_MODE } from '../../client/src/db/connection';
import { q } from '../../client/src/db/sql';

const tmpState = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djm-state-')), 'state.json');

test("copies the whole dj014 pipeline; compare finds no difference; JSON hashes equal 2.x's own; a re-run copies nothing", async () => {
  const s = await copyScenario();
  try {
    const report = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, statePath: tmpState() });
    assert.equal(report.failed, false, JSON.stringify(report.tables.filter((t) => t.error)));
    assert.equal(report.cancelled, false);
    const src = await rowCounts(s.db, s.source.schemas);
    const dst = await rowCounts(s.db, s.target.schemas);
    assert.deepEqual(dst, src);
    for (const t of report.tables) {
      assert.equal(
        t.rowsInserted,
        src.get(`${s.source.schemas.indexOf(t.source.split('.')[0])}:${t.source.split('.')[1]}`),
        t.source,
      );
      assert.equal(t.conflictCount, 0);
    }
    assert.equal(report.tables.find((t) => t.source.endsWith('.recording'))?.mode, 'converted');
    assert.equal(report.tables.find((t) => t.source.endsWith('._neuron'))?.mode, 'server-side');
    assert.ok(
      report.notes.some((n) => /share/.test(n) && /--relocate/.test(n)),
      'pointer-only copy warns about shared store files',
    );
    assert.ok(
      report.notes.some((n) => /^Attachments in store\(s\) attachments are rewritten .*pointer-only/.test(n)),
      'says why attachments are rewritten',
    );

    const cmp = await compare(s.db, { pairs: s.pairs, stores: s.source.storesConfig, fileCheck: 'hash' });
    assert.deepEqual(
      cmp.tables.filter((t) => t.differing || t.onlyInProduction || t.onlyInTest),
      [],
    );
    assert.equal(cmp.equal, true, JSON.stringify(cmp.notes));
    assert.ok(cmp.tables.every((t) => t.matched === t.rowsProduction));

    // Timestamps are the same instants.
    const [lab, , analysis] = s.source.schemas;
    const [lab2, , analysis2] = s.target.schemas;
    for (const [a, b, table, col] of [
      [lab, lab2, 'subject', 'registered'],
      [analysis, analysis2, '__activity_stats', 'computed_at'],
    ] as const) {
      const [{ n }] = await s.db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${qt(a, table)} AS x JOIN ${qt(b, table)} AS y USING (subject_id${table === 'subject' ? '' : ', session_date, session_idx, recording_id, neuron_id, params_id'}) ` +
          `WHERE UNIX_TIMESTAMP(x.${col}) = UNIX_TIMESTAMP(y.${col})`,
      );
      const [{ m }] = await s.db.query<{ m: string }>(`SELECT COUNT(*) AS m FROM ${qt(a, table)}`);
      assert.equal(Number(n), Number(m), `${table}.${col}`);
    }

    // Every in-store JSON has the hash 2.x itself wrote for the same row, and its file has that content.
    const dj2 = readDump(path.join(fixturesDir, 'dj2', 'pipeline.sql')).find(
      (t) => t.name === 'recording' && t.schema.endsWith('_ephys'),
    )!;
    const keyOf = (r: unknown[]) => [String(r[0]), String(r[1]), String(r[2]), String(r[3])].join('|');
    const ref = new Map(dj2.rows.map((r) => [keyOf(r), r]));
    const rows = await s.db.query<Record<string, unknown>>(
      `SELECT subject_id, session_date, session_idx, recording_id, \`signal\`, lfp, settings_file, raw_file FROM ${qt(s.target.schemas[1], 'recording')}`,
    );
    assert.equal(rows.length, ref.size);
    let checked = 0;
    for (const r of rows) {
      const want = ref.get(keyOf([r.subject_id, r.session_date, r.session_idx, r.recording_id]));
      assert.ok(want, 'row exists in dj2');
      for (const col of ['signal', 'lfp', 'settings_file', 'raw_file']) {
        const idx = dj2.columns.indexOf(col);
        const mine = r[col] === null ? null : JSON.parse(String(r[col]));
        const theirs: { hash?: string; path: string; size: number; store: string } | null =
          want[idx] === null ? null : JSON.parse(String(want[idx]));
        if (theirs === null) {
          assert.equal(mine, null, col);
          continue;
        }
        if (col === 'raw_file') {
          assert.equal(mine.path, theirs.path);
          assert.equal(mine.size, theirs.size);
        } else {
          assert.equal(mine.hash, theirs.hash, col);
          assert.equal(mine.size, theirs.size, col);
          const store = s.source.storesConfig[mine.store];
          const bytes = fs.readFileSync(path.join(store.location, mine.path));
          const fixtureBytes = fs.readFileSync(path.join(fixturesDir, 'dj2', 'stores', theirs.store, theirs.path));
          assert.ok(bytes.equals(fixtureBytes), `${col}: the file has the bytes 2.x stored`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 15, `checked ${checked} in-store values`);

    // A re-run inserts nothing and finds every row already present.
    const again = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, statePath: tmpState() });
    assert.equal(again.failed, false);
    for (const t of again.tables) {
      assert.equal(t.rowsInserted, 0, t.source);
      assert.equal(t.rowsAlreadyPresent, t.total, t.source);
      assert.equal(t.conflictCount, 0, t.source);
    }
  } finally {
    await s.cleanup();
  }
});

test('a copy cancelled after some chunks resumes from its checkpoint and inserts exactly the missing rows', async () => {
  const s = await copyScenario();
  try {
    const statePath = tmpState();
    const controller = new AbortController();
    const seen: CopyProgress[] = [];
    const first = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      statePath,
      signal: controller.signal,
      chunk: { initialRows: 2, maxRows: 2 },
      onProgress: (e) => {
        seen.push(e);
        if (e.table.endsWith('._neuron') && e.chunks === 3) controller.abort();
      },
    });
    assert.equal(first.cancelled, true);
    const neuron = first.tables.find((t) => t.source.endsWith('._neuron'))!;
    assert.equal(neuron.status, 'cancelled');
    assert.equal(neuron.rowsInserted, 6, 'three committed chunks of two rows');
    assert.ok(
      first.tables.some((t) => t.status === 'skipped'),
      'later tables are not started',
    );
    const afterFirst = await rowCounts(s.db, s.target.schemas);
    const insertedFirst = first.tables.reduce((n, t) => n + t.rowsInserted, 0);
    assert.equal(
      [...afterFirst.values()].reduce((a, b) => a + b, 0),
      insertedFirst,
      'the target holds exactly the committed rows',
    );
    const state = loadCopyState(statePath)!;
    const cp = Object.values(state.tables).find((t) => t.source.endsWith('._neuron'))!;
    assert.equal(cp.status, 'cancelled');
    assert.ok(cp.lastKey && cp.lastKey.length === 5, 'the checkpoint holds the last committed key');
    assert.ok(seen.every((e) => e.total > 0 && e.rows <= e.total));

    const resumedProgress: CopyProgress[] = [];
    const second = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      statePath,
      chunk: { initialRows: 2, maxRows: 2 },
      onProgress: (e) => e.table.endsWith('._neuron') && resumedProgress.push(e),
    });
    assert.equal(resumedProgress[0].rows, 6 + 2, 'progress counts the rows done before the cancel');
    assert.equal(resumedProgress.at(-1)!.rows, resumedProgress.at(-1)!.total);
    assert.equal(second.failed, false);
    assert.equal(second.cancelled, false);
    const total = [...(await rowCounts(s.db, s.source.schemas)).values()].reduce((a, b) => a + b, 0);
    const insertedSecond = second.tables.reduce((n, t) => n + t.rowsInserted, 0);
    assert.equal(insertedSecond, total - insertedFirst, 'the re-run inserts exactly the missing rows');
    assert.ok(
      second.tables.filter((t) => t.finishedEarlier).length >= 4,
      'tables finished before the cancel are not walked again',
    );
    assert.ok(second.tables.every((t) => !t.finishedEarlier || (t.rowsInserted === 0 && t.rowsAlreadyPresent === 0)));
    const resumed = second.tables.find((t) => t.source.endsWith('._neuron'))!;
    assert.equal(
      resumed.rowsAlreadyPresent,
      0,
      'the cancelled table resumed after its checkpoint instead of re-walking',
    );
    assert.equal(resumed.rowsInserted + 6, resumed.total);
    assert.deepEqual(await rowCounts(s.db, s.target.schemas), await rowCounts(s.db, s.source.schemas));
    assert.equal((await compare(s.db, { pairs: s.pairs })).equal, true);
    // The job is complete: the next run walks every table again and finds nothing to copy.
    const third = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, statePath });
    assert.ok(
      third.tables.every((t) => !t.finishedEarlier && t.rowsInserted === 0 && t.rowsAlreadyPresent === t.total),
    );
  } finally {
    await s.cleanup();
  }
});

test('cancelling kills the running statement from another session and rolls its chunk back', async () => {
  const s = await copyScenario();
  const rows = 50_000;
  // Another session inserts the table's last key into the target and keeps its transaction open: the
  // copy's one INSERT … SELECT writes every other row of the chunk, then waits for that key's lock. The
  // abort comes when the server shows the copy's statement waiting (an event, not a timer), so it is
  // certainly running when it is killed, however fast or slow the machine is.
  const blocker = await mysql.createConnection({ ...testServer });
  try {
    const [lab] = s.source.schemas;
    const [lab2] = s.target.schemas;
    for (const schema of [lab, lab2]) {
      await s.db.execute(
        `CREATE TABLE ${qt(schema, 'big')} (id int NOT NULL, pad varchar(200) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB`,
      );
    }
    await s.db.withConnection(async (c) => {
      await c.execute(
        s.db.flavor === 'mariadb'
          ? 'SET SESSION max_recursive_iterations = 1000000'
          : 'SET SESSION cte_max_recursion_depth = 1000000',
      );
      await c.execute(
        `INSERT INTO ${qt(lab, 'big')} WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < ${rows}) SELECT n, REPEAT('x', 200) FROM r`,
      );
    });
    await blocker.query('START TRANSACTION');
    await blocker.query(`INSERT INTO ${qt(lab2, 'big')} VALUES (?, 'held by another session')`, [rows]);
    const [[{ id: blockerId }]] = await blocker.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id');

    const controller = new AbortController();
    const waiting = (async () => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        // The copy's INSERT … SELECT is running on the server once the process list shows it. It cannot finish
        // while the blocker holds its key: on MariaDB 10.6+ an insert into an empty table waits for a table lock
        // (not listed as an InnoDB row-lock wait), on MySQL 8 for the row lock; either way it is still running.
        const found = await s.db.query(
          "SELECT 1 FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID NOT IN (?, CONNECTION_ID()) AND INFO LIKE 'INSERT INTO%big%'",
          [blockerId],
        );
        if (found.length) return controller.abort();
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the copy never reached the held key');
    })();
    const started = Date.now();
    const report = await copy(s.db, {
      pairs: [s.pairs[0]],
      tables: ['big'],
      signal: controller.signal,
      chunk: { initialRows: rows, maxRows: rows, maxBytes: 1e9 },
    });
    await waiting;
    const big = report.tables.find((t) => t.source.endsWith('.big'))!;
    assert.equal(big.status, 'cancelled', JSON.stringify(big));
    assert.equal(big.interrupted, true, 'the running INSERT … SELECT was killed on the server');
    assert.equal(big.chunks, 0);
    assert.ok(Date.now() - started < 30_000, 'the kill ended the wait (not the lock wait timeout)');
    await blocker.query('ROLLBACK');
    const [{ n }] = await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(lab2, 'big')}`);
    assert.equal(Number(n), 0, `the killed chunk's ${rows - 1} written rows were rolled back`);
  } finally {
    await blocker.end().catch(() => undefined);
    await s.cleanup();
  }
});

test('a row present with different content is reported and never overwritten', async () => {
  const s = await copyScenario();
  try {
    const [lab2, ephys2] = s.target.schemas;
    await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    await s.db.execute(`UPDATE ${qt(lab2, 'subject')} SET notes = 'changed in test' WHERE subject_id = 102`);
    await s.db.execute(
      `UPDATE ${qt(ephys2, 'recording')} SET lfp = JSON_SET(lfp, '$.hash', 'aaaaaaaaaaaaaaaaaaaaaaaaaa') WHERE subject_id = 100 AND session_idx = 0`,
    );
    const again = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    const subject = again.tables.find((t) => t.source.endsWith('.subject'))!;
    assert.equal(subject.conflictCount, 1);
    assert.deepEqual(subject.conflicts, [{ key: { subject_id: 102 }, columns: ['notes'] }]);
    const recording = again.tables.find((t) => t.source.endsWith('.recording'))!;
    assert.equal(recording.conflictCount, 1);
    assert.deepEqual(recording.conflicts[0].columns, ['lfp']);
    assert.equal(recording.conflicts[0].key.subject_id, 100);
    assert.equal(recording.rowsInserted, 0);
    const [{ notes }] = await s.db.query<{ notes: string }>(
      `SELECT notes FROM ${qt(lab2, 'subject')} WHERE subject_id = 102`,
    );
    assert.equal(notes, 'changed in test', 'never overwritten');
  } finally {
    await s.cleanup();
  }
});

test('a restricted copy takes the rows, their descendants and the ancestors they need', async () => {
  const s = await copyScenario();
  try {
    const schemas = await introspect(s.db, s.source.schemas);
    const plan = restrictionPlan(schemas, { table: 'session', where: 'subject_id = 101 AND session_idx = 0' });
    const filters = new Map<string, Predicate>(
      plan.tables.map((t) => [`${t.table.schema}.${t.table.name}`, { sql: t.condition('s'), params: [] }]),
    );
    const report = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      filters,
      selection: 'session: subject_id = 101 AND session_idx = 0',
    });
    assert.equal(report.failed, false, JSON.stringify(report.tables.filter((t) => t.error)));
    const [lab2, ephys2, analysis2] = s.target.schemas;
    const count = async (schema: string, table: string) =>
      Number((await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(schema, table)}`))[0].n);
    assert.equal(await count(ephys2, 'session'), 1);
    assert.equal(await count(lab2, 'subject'), 1, 'the ancestor subject');
    assert.equal(await count(lab2, '#species'), 1, 'only the species it references');
    assert.equal(await count(lab2, 'user'), 1, 'the experimenter it references');
    assert.equal(await count(ephys2, 'recording'), 1);
    assert.equal(await count(ephys2, '_neuron'), 3);
    assert.equal(await count(analysis2, '__activity_stats'), 6);
    assert.equal(await count(analysis2, '#activity_params'), 2);
  } finally {
    await s.cleanup();
  }
});

test('bad input is refused before anything is written', async () => {
  const s = await copyScenario();
  try {
    // Foreign keys into a schema outside the selection.
    await assert.rejects(
      copy(s.db, { pairs: [s.pairs[1]], stores: s.source.storesConfig }),
      /outside the selected schemas/,
    );
    // Pointer columns need store settings.
    await assert.rejects(copy(s.db, { pairs: s.pairs }), /not configured; pass --stores/);
    // A target that does not exist.
    await assert.rejects(
      copy(s.db, { pairs: [{ source: s.source.schemas[0], target: s.target.prefix + 'nothere' }] }),
      /create-parallel/,
    );
    assert.deepEqual(
      [...(await rowCounts(s.db, s.target.schemas)).values()].filter((n) => n > 0),
      [],
    );
  } finally {
    await s.cleanup();
  }
});

test('a missing attachment file fails its chunk and leaves that table empty', async () => {
  const s = await copyScenario();
  try {
    const [, ephys] = s.source.schemas;
    const [, ephys2] = s.target.schemas;
    fs.rmSync(path.join(s.source.storesConfig.attachments.location, ephys), { recursive: true });
    const report = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    const recording = report.tables.find((t) => t.source.endsWith('.recording'))!;
    assert.equal(recording.status, 'failed');
    assert.match(recording.error ?? '', /settings_\d\.json is missing/);
    assert.ok(report.tables.filter((t) => t.status === 'skipped').length > 0, 'dependent tables are not attempted');
    const [{ n }] = await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(ephys2, 'recording')}`);
    assert.equal(Number(n), 0);
  } finally {
    await s.cleanup();
  }
});

test('a dangling pointer is an error, never a NULL', async () => {
  const s = await copyScenario();
  try {
    const [, ephys] = s.source.schemas;
    const [, ephys2] = s.target.schemas;
    await s.db.withConnection(async (c) => {
      await c.execute('SET SESSION FOREIGN_KEY_CHECKS = 0');
      await c.execute(`DELETE FROM ${qt(ephys, '~external_raw')} ORDER BY hash LIMIT 1`);
    });
    const plan = await planCopy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      tables: ['#species', 'user', 'subject', 'session', 'recording'],
    });
    assert.deepEqual(plan.tables.map((t) => t.source.name).sort(), [
      '#species',
      'recording',
      'session',
      'subject',
      'user',
    ]);
    const report = await runCopy(s.db, plan, { pairs: s.pairs, stores: s.source.storesConfig });
    const recording = report.tables.find((t) => t.source.endsWith('.recording'))!;
    assert.equal(recording.status, 'failed');
    assert.match(
      recording.error ?? '',
      /dangling pointer: .* column signal holds [0-9a-f]{32}, which has no row in ~external_raw/,
    );
    const [{ n }] = await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(ephys2, 'recording')}`);
    assert.equal(Number(n), 0);
  } finally {
    await s.cleanup();
  }
});

test('CLI: create-parallel, a SELECT-only dry run whose SQL reproduces the real copy, compare, exit codes', async () => {
  const src = await loadFixture('dj014');
  const user = `${src.prefix}ro`;
  const admin = await mysql.createConnection({ ...testServer });
  try {
    const schemas = src.schemas.join(',');
    const stores = ['--stores', src.storesFile];
    for (const suffix of ['_v2', '_v3']) {
      const made = await runCli(['db', 'create-parallel', '--schemas', schemas, '--suffix', suffix]);
      assert.equal(made.code, 0, made.err + made.out);
    }
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw-ro']);
    for (const s of src.schemas)
      for (const x of [s, s + '_v2']) await admin.query(`GRANT SELECT ON ${q(x)}.* TO ?@?`, [user, '%']);

    // A dry run as a user who may only read: it prints the statements and writes nothing.
    const dry = await runCli(['db', 'copy', '--schemas', schemas, '--suffix', '_v2', ...stores, '--dry-run'], {
      user,
      password: 'pw-ro',
    });
    assert.equal(dry.code, 0, dry.err + dry.out);
    assert.match(dry.out, /INSERT INTO `[^`]+_lab_v2`\.`subject`/);
    assert.match(dry.out, /-- file: rewrite attachments:/);
    assert.doesNotMatch(dry.out + dry.err, /pw-ro/);
    const v2 = src.schemas.map((s) => s + '_v2');
    assert.deepEqual(
      [...(await rowCounts(src.db, v2)).values()].filter((n) => n > 0),
      [],
      'a dry run writes nothing',
    );

    // The real run into _v3.
    const real = await runCli([
      'db',
      'copy',
      '--schemas',
      schemas,
      '--suffix',
      '_v3',
      ...stores,
      '--state',
      path.join(src.storesDir, 'state.json'),
    ]);
    assert.equal(real.code, 0, real.err + real.out);
    assert.match(real.out, /NOTE: Pointer-only copy/);

    // The printed SQL, run on the scratch schemas, gives the same rows as the real run.
    const script = await mysql.createConnection({ ...testServer, multipleStatements: true });
    try {
      await script.query(`SET SESSION sql_mode = '${DATAJOINT_SQL_MODE}', SESSION time_zone = '+00:00'`);
      await script.query(
        dry.out
          .split('\n')
          .filter((l) => !l.startsWith('--'))
          .join('\n'),
      );
    } finally {
      await script.end();
    }
    const same = await runCli([
      'db',
      'compare',
      '--schemas',
      v2.join(','),
      '--pair',
      `${v2[0]}:${src.schemas[0]}_v3`,
      '--pair',
      `${v2[1]}:${src.schemas[1]}_v3`,
      '--pair',
      `${v2[2]}:${src.schemas[2]}_v3`,
    ]);
    assert.equal(same.code, 0, same.out);
    assert.deepEqual(await rowCounts(src.db, v2), await rowCounts(src.db, src.schemas));

    const cmp = await runCli(['db', 'compare', '--schemas', schemas, '--suffix', '_v3', ...stores]);
    assert.equal(cmp.code, 0, cmp.out);
    const rerun = await runCli([
      'db',
      'copy',
      '--schemas',
      schemas,
      '--suffix',
      '_v3',
      ...stores,
      '--json',
      '--state',
      path.join(src.storesDir, 'state.json'),
    ]);
    assert.equal(rerun.code, 0, rerun.err);
    assert.equal(
      (JSON.parse(rerun.out) as { tables: { rowsInserted: number }[] }).tables.reduce((n, t) => n + t.rowsInserted, 0),
      0,
    );

    await src.db.execute(`UPDATE ${qt(src.schemas[0] + '_v3', 'subject')} SET litter = 4 WHERE subject_id = 100`);
    const differs = await runCli(['db', 'compare', '--schemas', schemas, '--suffix', '_v3', ...stores]);
    assert.equal(differs.code, 1);
    assert.match(differs.out, /\{"subject_id":100\} litter: integer differs/);
    const conflict = await runCli(['db', 'copy', '--schemas', schemas, '--suffix', '_v3', ...stores]);
    assert.equal(conflict.code, 1, 'a conflicting row is a difference');
    assert.match(conflict.out, /conflict \{"subject_id":100\}: litter differ/);

    const badWhere = await runCli([
      'db',
      'copy',
      '--schemas',
      schemas,
      '--suffix',
      '_v3',
      ...stores,
      '--restrict',
      'subject',
      '--where',
      'subject_id = = 3',
    ]);
    assert.equal(badWhere.code, 2);
    assert.match(badWhere.err, /--where .* is not a valid condition/);
    const noSuffix = await runCli(['db', 'copy', '--schemas', schemas, '--suffix', '']);
    assert.equal(noSuffix.code, 2);
    const backtick = await runCli(['db', 'copy', '--schemas', 'a`b', '--suffix', '_v2']);
    assert.equal(backtick.code, 2);
    assert.match(backtick.err, /backtick/);
  } finally {
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
    await src.cleanup();
  }
});

test('--relocate gives the 2.x schema its own md5-checked copies of blobs in the _hash/ layout', async () => {
  const s = await copyScenario();
  try {
    const report = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, relocate: true });
    assert.equal(report.failed, false, JSON.stringify(report.tables.filter((t) => t.error)));
    const note = report.notes.find((n) => /share/.test(n)) ?? '';
    assert.match(note, /store\(s\) files\b/, 'only file paths still share files');
    assert.doesNotMatch(note, /raw/);
    const [, ephys2] = s.target.schemas;
    const rows = await s.db.query<{ signal: string; lfp: string | null }>(
      `SELECT \`signal\`, lfp FROM ${qt(ephys2, 'recording')}`,
    );
    for (const r of rows) {
      for (const text of [r.signal, r.lfp]) {
        if (text === null) continue;
        const json = JSON.parse(text) as { path: string; hash: string; store: string; schema: string };
        assert.equal(json.path, `_hash/${ephys2}/${json.hash}`);
        assert.equal(json.schema, ephys2);
        assert.ok(fs.existsSync(path.join(s.source.storesConfig[json.store].location, json.path)), json.path);
      }
    }
    assert.ok(report.fileOps > 0);
    const cmp = await compare(s.db, { pairs: s.pairs, stores: s.source.storesConfig, fileCheck: 'hash' });
    assert.equal(cmp.equal, true, JSON.stringify(cmp.tables.flatMap((t) => t.differences)));
  } finally {
    await s.cleanup();
  }
});

test('a restricted copy with a limit takes the first rows in key order, and refuses non-DataJoint and key-less tables', async () => {
  const s = await copyScenario();
  try {
    const schemas = await introspect(s.db, s.source.schemas);
    const plan = restrictionPlan(schemas, { table: 'session', where: 'session_idx = 1', limit: 2 });
    const filters = new Map<string, Predicate>(
      plan.tables.map((t) => [`${t.table.schema}.${t.table.name}`, { sql: t.condition('s'), params: [] }]),
    );
    const report = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      filters,
      selection: 'session_idx = 1 LIMIT 2',
    });
    assert.equal(report.failed, false);
    const sessions = await s.db.query<{ subject_id: number }>(
      `SELECT subject_id FROM ${qt(s.target.schemas[1], 'session')} ORDER BY subject_id`,
    );
    assert.deepEqual(
      sessions.map((r) => Number(r.subject_id)),
      [100, 101],
    );

    const [lab, , analysis] = s.source.schemas;
    const [lab2] = s.target.schemas;
    await s.db.execute(`CREATE TABLE ${qt(lab, 'loose')} (x int NOT NULL) ENGINE=InnoDB`);
    await s.db.execute(`CREATE TABLE ${qt(lab2, 'loose')} (x int NOT NULL) ENGINE=InnoDB`);
    await assert.rejects(
      copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, tables: ['loose'] }),
      /loose has no primary key/,
    );

    const other = s.target.prefix + 'other';
    await s.db.execute(`CREATE DATABASE ${q(other)}`);
    await s.db.execute(`CREATE TABLE ${qt(other, 'Orders')} (id int NOT NULL PRIMARY KEY) ENGINE=InnoDB`);
    await assert.rejects(copy(s.db, { pairs: [{ source: other, target: analysis }] }), /not a DataJoint schema/);
  } finally {
    await s.cleanup();
  }
});

test('a value the target would round (a warning, not an error, under strict mode) fails the chunk', async () => {
  const s = await copyScenario();
  try {
    const [lab] = s.source.schemas;
    const [lab2] = s.target.schemas;
    await s.db.execute(
      `CREATE TABLE ${qt(lab, 'scale')} (id int NOT NULL, v decimal(6,3) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB`,
    );
    await s.db.execute(
      `CREATE TABLE ${qt(lab2, 'scale')} (id int NOT NULL, v decimal(6,2) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB`,
    );
    await s.db.execute(`INSERT INTO ${qt(lab, 'scale')} VALUES (1, 1.5), (2, 1.234), (3, 2.5)`);
    const report = await copy(s.db, { pairs: [s.pairs[0]], tables: ['scale'] });
    const t = report.tables[0];
    assert.equal(t.status, 'failed');
    assert.match(t.error ?? '', /warnings, chunk rolled back: Note 1265: Data truncated for column 'v'/);
    const [{ n }] = await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(lab2, 'scale')}`);
    assert.equal(Number(n), 0, 'rolled back: not even the rows that fit');
  } finally {
    await s.cleanup();
  }
});

test('MySQL 8 compatibility: no statement opens one temporary table twice (error 1137 there)', async () => {
  const s = await copyScenario();
  try {
    const statements: string[] = [];
    const report = await copy(s.db, {
      pairs: s.pairs,
      stores: s.source.storesConfig,
      dryRun: true,
      onStatement: (sql) => statements.push(sql),
    });
    assert.equal(report.failed, false);
    const withObjects = statements.filter((x) => x.includes('~djm_copy_objects'));
    assert.ok(
      withObjects.some((x) => /^INSERT INTO `[^`]+`\.`recording`/.test(x)),
      'the recording insert joins the object tables',
    );
    for (const sql of withObjects) {
      const names = sql.match(/~djm_copy_objects_\d+/g) ?? [];
      assert.equal(new Set(names).size, names.length, sql.slice(0, 300));
    }
    assert.deepEqual(
      [...(await rowCounts(s.db, s.target.schemas)).values()].filter((n) => n > 0),
      [],
      'a dry run writes nothing',
    );
  } finally {
    await s.cleanup();
  }
});

test('--tiers manual,lookup copies those tables with their parts, and leaves computed tables (and their parts) to populate', async () => {
  const s = await copyScenario();
  try {
    const report = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig, tiers: ['manual', 'lookup'] });
    assert.equal(report.failed, false, JSON.stringify(report.tables.filter((t) => t.error)));
    assert.deepEqual(report.tables.map((t) => t.source.split('.')[1]).sort(), [
      '#activity_params',
      '#species',
      'recording',
      'session',
      'session__note',
      'subject',
      'user',
    ]);
    const counts = await rowCounts(s.db, s.target.schemas);
    assert.equal(counts.get('1:session__note'), 8);
    assert.equal(counts.get('1:_neuron'), 0);
    assert.equal(counts.get('2:__activity_stats__bin'), 0);
  } finally {
    await s.cleanup();
  }
});

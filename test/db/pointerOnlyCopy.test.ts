// The pointer-only copy spells each blob's 2.x JSON on the server (pointerOnlyCopy.ts): its bytes must equal
// what pointers.ts builds with JSON.stringify, for any hash and for schema and store names that need JSON
// escaping. And compare, which now checks each distinct (object, JSON) pair with one synchronous stat, must
// still find a wrong hash, a wrong path, a wrong size and a missing file, by key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb } from '../../client/src/db/connection';
import { convertPointer } from '../../client/src/db/pointers';
import { PointerOnlyColumn } from '../../client/src/db/pointerOnlyCopy';
import { fileStore } from '../../client/src/db/stores';
import { q, qt } from '../../client/src/db/sql';
import { copy } from '../../client/src/db/copy';
import { compare } from '../../client/src/db/compare';
import { ExternalIndex } from '../../client/src/db/externalIndex';
import { testServer, uniquePrefix } from './harness';
import { copyScenario } from './copyScenario';

const NAMES: [string, string, string][] = [
  ['ephys', 'ephys_v2', 'raw'],
  ['we"ird\\schema', "it's\tv2", 'st"ore\\x'],
  ['données_ünï', 'データ_v2', 'store😀'],
  ['a/b', 'c\u0001d\u2028', '</script>'],
];
const FOLDINGS = [[2, 2], [], [1, 3, 5], [3]];

test('the JSON the server spells for a pointer-only blob equals JSON.stringify of pointers.ts, byte for byte', async () => {
  const db = await openDb(testServer);
  const schema = `${uniquePrefix()}json`;
  try {
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.withConnection(async (c) => {
      // Plain blobs as a ~external table has them; the copy's fill statement reads it as both the chunk (its
      // pointers) and the ~external table, spells the JSON into its MEMORY table, and the JSON is read back
      // converted to utf8mb4 as the copy's INSERT … SELECT does.
      const table = qt(schema, '~djm_json');
      await c.execute(
        `CREATE TEMPORARY TABLE ${table} (${q('hash')} binary(16) NOT NULL, ${q('size')} bigint unsigned NOT NULL, ` +
          `${q('attachment_name')} varchar(255) NULL, ${q('filepath')} varchar(1000) NULL, PRIMARY KEY (${q('hash')}))`,
      );
      const hashes = [
        Buffer.alloc(16, 0),
        Buffer.alloc(16, 0xff),
        ...Array.from({ length: 400 }, () => randomBytes(16)),
      ];
      const sizes = hashes.map((_, i) =>
        i === 0 ? 0 : i === 1 ? Number.MAX_SAFE_INTEGER : Math.floor(Math.random() * 2 ** 40),
      );
      for (let i = 0; i < hashes.length; i += 100) {
        const batch = hashes.slice(i, i + 100);
        await c.execute(
          `INSERT INTO ${table} (${q('hash')}, ${q('size')}) VALUES ${batch.map(() => '(?, ?)').join(', ')}`,
          batch.flatMap((h, j) => [h, sizes[i + j]]),
        );
      }
      let checked = 0;
      for (const [sourceSchema, targetSchema, storeName] of NAMES) {
        for (const folds of FOLDINGS) {
          const store = { ...fileStore(storeName, '/nowhere'), subfolding014: folds };
          const ctx = { sourceSchema, targetSchema, stores: { [storeName]: store }, relocate: false, dryRun: false };
          const column = new PointerOnlyColumn(store, ctx, qt(schema, '~djm_mem'), hashes.length, () => undefined);
          await column.create(c);
          const fill = column.fillSql(`s.${q('hash')}`, `${table} AS s`, 'TRUE', table);
          await c.execute(fill.sql, fill.params);
          const rows = await c.query<{ h: Buffer; size: string; json: string | Buffer }>(
            `SELECT t.${q('hash')} AS h, t.${q('size')} AS size, CONVERT(m.${q('json')} USING utf8mb4) AS json ` +
              `FROM ${table} AS t JOIN ${column.table} AS m ON m.${q('h')} = t.${q('hash')}`,
          );
          await column.drop(c);
          assert.equal(rows.length, hashes.length);
          for (const r of rows) {
            const { json } = await convertPointer(
              'blob',
              { hash: r.h, size: r.size, attachment_name: null, filepath: null, contents_hash: null, timestamp: '' },
              { sourceSchema, targetSchema, store, relocate: false, dryRun: false },
            );
            const expected = Buffer.from(JSON.stringify(json), 'utf8');
            const got = Buffer.isBuffer(r.json) ? r.json : Buffer.from(String(r.json), 'utf8');
            assert.ok(got.equals(expected), `${got.toString()} ≠ ${expected.toString()}`);
            checked++;
          }
        }
      }
      assert.equal(checked, NAMES.length * FOLDINGS.length * hashes.length);
      await c.execute(`DROP TEMPORARY TABLE ${table}`);
    });
  } finally {
    await db.execute(`DROP DATABASE IF EXISTS ${q(schema)}`);
    await db.close();
  }
});

test('compare with whole-table chunks still finds a wrong hash, path and size and a missing file, each by key', async () => {
  const s = await copyScenario();
  try {
    const copied = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    assert.equal(copied.failed, false);
    const ephys2 = s.target.schemas[1];
    const opts = { pairs: s.pairs, stores: s.source.storesConfig, tables: ['recording'] };
    const clean = (await compare(s.db, opts)).tables[0];
    assert.equal(clean.differing, 0);
    assert.equal(clean.chunksByPointerJoin, clean.chunks, 'settled by the two range reads');

    const keyCols = 'subject_id, session_date, session_idx, recording_id';
    const rows = await s.db.query<Record<string, unknown>>(
      `SELECT ${keyCols}, JSON_UNQUOTE(JSON_EXTRACT(\`signal\`, '$.path')) AS p, JSON_UNQUOTE(JSON_EXTRACT(\`signal\`, '$.store')) AS st FROM ${qt(ephys2, 'recording')} ` +
        `WHERE \`signal\` IS NOT NULL ORDER BY ${keyCols}`,
    );
    assert.ok(rows.length >= 4, 'four rows with a signal to spoil');
    // Distinct files for the four rows (a shared object would spoil two rows at once).
    const seen = new Set<string>();
    const picked = rows.filter((r) => !seen.has(String(r.p)) && seen.add(String(r.p))).slice(0, 4);
    assert.equal(picked.length, 4);
    const where = (r: Record<string, unknown>) =>
      `subject_id = ${Number(r.subject_id)} AND session_date = '${String(r.session_date)}' AND session_idx = ${Number(r.session_idx)} AND recording_id = ${Number(r.recording_id)}`;
    const set = (r: Record<string, unknown>, change: string) =>
      s.db.execute(`UPDATE ${qt(ephys2, 'recording')} SET \`signal\` = ${change} WHERE ${where(r)}`);
    await set(picked[0], `JSON_SET(\`signal\`, '$.hash', 'aaaaaaaaaaaaaaaaaaaaaaaaaa')`);
    await set(
      picked[1],
      `JSON_SET(\`signal\`, '$.path', CONCAT(JSON_UNQUOTE(JSON_EXTRACT(\`signal\`, '$.path')), 'x'))`,
    );
    await set(picked[2], `JSON_SET(\`signal\`, '$.size', JSON_EXTRACT(\`signal\`, '$.size') + 1)`);
    fs.rmSync(path.join(s.source.storesConfig[String(picked[3].st)].location, String(picked[3].p)));

    const planted = (await compare(s.db, opts)).tables[0];
    const found = new Map(
      planted.differences.filter((d) => d.column === 'signal').map((d) => [Number(d.key.recording_id), d.reason]),
    );
    const reasonOf = (r: Record<string, unknown>) => {
      const d = planted.differences.find(
        (x) =>
          x.column === 'signal' &&
          Number(x.key.subject_id) === Number(r.subject_id) &&
          Number(x.key.session_idx) === Number(r.session_idx) &&
          Number(x.key.recording_id) === Number(r.recording_id),
      );
      return d?.reason ?? `not found among ${JSON.stringify([...found])}`;
    };
    assert.match(reasonOf(picked[0]), /content hash differs/);
    assert.match(reasonOf(picked[1]), /file missing/);
    // the JSON's size against what ~external records (not only the file's, which `present` does not look at)
    assert.match(reasonOf(picked[2]), /size differs: ~external_\w+ records \d+ bytes, test has \d+/);
    assert.match(reasonOf(picked[3]), /file missing/);
    assert.ok(planted.differing >= 4);
  } finally {
    await s.cleanup();
  }
});

test('in a pointer-only copy, a blob carried over from 0.11 still takes its path and hash from its ~external row', async () => {
  const s = await copyScenario();
  try {
    const [, ephys] = s.source.schemas;
    const [, ephys2] = s.target.schemas;
    const [obj] = await s.db.query<{ hash: Buffer }>(
      `SELECT e.hash FROM ${qt(ephys, '~external_raw')} AS e JOIN ${qt(ephys, 'recording')} AS r ON r.\`signal\` = e.hash LIMIT 1`,
    );
    const legacy = `${ephys}/legacy/${'B'.repeat(20)}`;
    const contentsHash = randomBytes(16);
    await s.db.execute(`UPDATE ${qt(ephys, '~external_raw')} SET filepath = ?, contents_hash = ? WHERE hash = ?`, [
      legacy,
      contentsHash,
      obj.hash,
    ]);
    const report = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    const recording = report.tables.find((t) => t.source.endsWith('.recording'))!;
    assert.equal(recording.status, 'done', recording.error);
    const [ext] = await s.db.query<{ size: string; timestamp: string }>(
      `SELECT size, timestamp FROM ${qt(ephys, '~external_raw')} WHERE hash = ?`,
      [obj.hash],
    );
    const expected = await convertPointer(
      'blob',
      {
        hash: obj.hash,
        size: ext.size,
        attachment_name: null,
        filepath: legacy,
        contents_hash: contentsHash,
        timestamp: ext.timestamp,
      },
      { sourceSchema: ephys, targetSchema: ephys2, store: s.source.storesConfig.raw, relocate: false, dryRun: false },
    );
    const got = await s.db.query<{ j: string }>(
      `SELECT t.\`signal\` AS j FROM ${qt(ephys2, 'recording')} AS t JOIN ${qt(ephys, 'recording')} AS r USING (subject_id, session_date, session_idx, recording_id) WHERE r.\`signal\` = ?`,
      [obj.hash],
    );
    assert.ok(got.length >= 1);
    for (const g of got) assert.equal(String(g.j), JSON.stringify(expected.json));
    // The legacy file is not there: the copy reports it, like any missing shared file.
    assert.ok((recording.missingFileExamples ?? []).some((m) => m.includes('legacy')));
    // Compare's in-memory ~external (externalIndex.ts) gives the carry-over the digest the join gives: its contents hash.
    const index = await ExternalIndex.load(s.db, ephys, 'raw');
    assert.ok(index);
    const hex = (b: Buffer) => b.toString('hex').toUpperCase();
    assert.equal(index.tagOf(`${hex(obj.hash)}0`), `${hex(contentsHash)}0`);
    // Files not looked at (the legacy file is missing): the rows' record of the carry-over agrees with the copy.
    const compared = (await compare(s.db, { pairs: s.pairs, tables: ['recording'], fileCheck: 'none' })).tables[0];
    assert.equal(compared.differing, 0, JSON.stringify(compared.differences));
    assert.equal(compared.matched, compared.rowsProduction);
  } finally {
    await s.cleanup();
  }
});

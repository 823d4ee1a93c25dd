// The PostgreSQL side of a migration: rows of dj014 (MariaDB) written through COPY FROM STDIN (pgWrite.ts)
// into the 2.x tables create-parallel made on PostgreSQL, read back in key chunks (pgRead.ts), equal value for
// value in canonical form (booleans ↔ tinyint, uuid ↔ binary(16), bytea ↔ blob bytes, floats exact). Refusals
// name table, column and key and leave nothing written; a key already present fails the chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from './harness';
import { createPgDatabase, pgServer } from './pgHarness';
import { openPg } from '../../client/src/db/connect/dialects/postgres';
import { createParallelPg } from '../../client/src/db/schema/pgParallel';
import { introspectPg, type PgTableInfo } from '../../client/src/db/connect/dialects/pgIntrospect';
import { writeChunkPg } from '../../client/src/db/copy/pgWrite';
import { readChunkPg, readKeysPg, walkPg } from '../../client/src/db/copy/pgRead';
import { canonDiffers, canonKindPg, canonMysql, type Canon } from '../../client/src/db/copy/canon';
import type { Db } from '../../client/src/db/connection';
import { q, qt } from '../../client/src/db/sql';

/** Source rows in the target's column order; FLOAT read exactly (`+ 0e0`). */
async function sourceRows(src: Db, schema: string, t: PgTableInfo): Promise<unknown[][]> {
  const cols = await src.query<{ c: string; dt: string }>(
    'SELECT COLUMN_NAME AS c, DATA_TYPE AS dt FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [schema, t.name],
  );
  const dt = new Map(cols.map((r) => [r.c, r.dt]));
  const sel = t.columns.map((c) => (dt.get(c.name) === 'float' ? `(${q(c.name)} + 0e0) AS ${q(c.name)}` : q(c.name)));
  const rows = await src.query<Record<string, unknown>>(
    `SELECT ${sel.join(', ')} FROM ${qt(schema, t.name)} ORDER BY ${t.primaryKey.map(q).join(', ')}`,
  );
  return rows.map((r) => t.columns.map((c) => r[c.name]));
}

async function setup() {
  const src = await loadFixture('dj014');
  const pgdb = await createPgDatabase();
  const db = await openPg({ ...pgServer, database: pgdb.name, password: '', tls: false, dialect: 'postgresql' });
  await createParallelPg(src.db, db, { schemas: src.schemas, suffix: '', unsigned: 'widen', allowSameNames: true });
  const tables = await introspectPg(db, src.schemas);
  return {
    src,
    db,
    tables,
    async done() {
      await db.close();
      await pgdb.drop();
      await src.cleanup();
    },
  };
}

const VERBATIM = [
  'lab.user',
  'lab.#species',
  'lab.subject',
  'ephys.session',
  'ephys._neuron',
  'analysis.#activity_params',
];

test('COPY writes dj014 rows into PostgreSQL; key-chunked reads give them back equal in canonical form', async () => {
  const s = await setup();
  try {
    // Parents with in-store pointers (recording) are not written here: foreign keys are not enforced.
    await s.db.query('SET session_replication_role = replica');
    for (const name of VERBATIM) {
      const t = s.tables.get(s.src.prefix + name) as PgTableInfo;
      assert.ok(t, name);
      const rows = await sourceRows(s.src.db, t.schema, t);
      assert.ok(rows.length > 0, name);
      assert.equal(await writeChunkPg(s.db, t, rows), rows.length);
      const kinds = t.columns.map(canonKindPg);
      const back: Canon[][] = [];
      for await (const chunk of walkPg(s.db, { table: t }, 2)) back.push(...chunk.rows);
      assert.equal(back.length, rows.length, name);
      // Key order may differ between the servers' collations: match by key.
      const keyIdx = t.primaryKey.map((k) => t.columns.findIndex((c) => c.name === k));
      const keyOf = (r: Canon[]) =>
        JSON.stringify(keyIdx.map((i) => (Buffer.isBuffer(r[i]) ? r[i].toString('hex') : r[i])));
      const byKey = new Map(back.map((r) => [keyOf(r), r]));
      for (const row of rows) {
        const want = row.map((v, i) => canonMysql(kinds[i], v));
        const got = byKey.get(keyOf(want));
        assert.ok(got, `${name} ${keyOf(want)} read back`);
        for (let i = 0; i < kinds.length; i++)
          assert.equal(canonDiffers(kinds[i], want[i], got[i], 0), null, `${name}.${t.columns[i].name}`);
      }
    }
    const user = s.tables.get(`${s.src.prefix}lab.user`) as PgTableInfo;
    // Booleans are native on PostgreSQL, as 2.x writes them.
    const raw = await s.db.query<{ active: boolean }>(`SELECT active FROM "${user.schema}"."user" ORDER BY username`);
    assert.ok(raw.every((r) => typeof r.active === 'boolean'));
    // Keyset pages and key lookups agree.
    const first = await readChunkPg(s.db, { table: user }, null, 1);
    const second = await readChunkPg(s.db, { table: user }, first.last, 100);
    const all = await readChunkPg(s.db, { table: user }, null, 100);
    assert.deepEqual([...first.keys, ...second.keys], all.keys);
    const some = await readKeysPg(s.db, { table: user, columns: ['active'] }, [
      all.keys[all.keys.length - 1],
      ['nobody'],
    ]);
    assert.deepEqual(some.keys, [all.keys[all.keys.length - 1]]);
    assert.deepEqual(some.rows, [[all.rows[all.rows.length - 1][user.columns.findIndex((c) => c.name === 'active')]]]);
  } finally {
    await s.done();
  }
});

test('a value PostgreSQL cannot hold, or a key already there, fails the whole chunk naming table, column and key', async () => {
  const s = await setup();
  try {
    const user = s.tables.get(`${s.src.prefix}lab.user`) as PgTableInfo;
    const rows = await sourceRows(s.src.db, user.schema, user);
    const count = async () =>
      Number((await s.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${user.schema}"."user"`))[0].n);
    const active = user.columns.findIndex((c) => c.name === 'active');
    const bad = rows.map((r, i) => (i === rows.length - 1 ? r.map((v, j) => (j === active ? 5 : v)) : r));
    await assert.rejects(writeChunkPg(s.db, user, bad), (e: Error) => {
      assert.match(e.message, /lab\.user\.active: 5 is not a boolean.*\(key username=\w+\); nothing of this chunk/);
      return true;
    });
    assert.equal(await count(), 0);

    await writeChunkPg(s.db, user, rows.slice(0, 1));
    await assert.rejects(writeChunkPg(s.db, user, rows), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`lab\\.user \\(key username=${rows[0][0]}\\): duplicate key value.*already exists.*rolled back`),
      );
      return true;
    });
    assert.equal(await count(), 1);

    const subject = s.tables.get(`${s.src.prefix}lab.subject`) as PgTableInfo;
    const orphans = (await sourceRows(s.src.db, subject.schema, subject)).slice(0, 3);
    await assert.rejects(
      writeChunkPg(s.db, subject, orphans),
      /lab\.subject \(key subject_id=\d+\): .*foreign key.*Key \(species\)=\(\w+\) is not present/,
    );
  } finally {
    await s.done();
  }
});

test('COPY streams a 50 000-row chunk lazily; a cancel mid-stream stops encoding and writes nothing', async () => {
  const s = await setup();
  try {
    await s.db.query('CREATE TABLE public.big (id bigint PRIMARY KEY, b bytea NOT NULL, flag boolean NOT NULL)');
    const t = (await introspectPg(s.db, ['public'])).get('public.big') as PgTableInfo;
    let produced = 0;
    const payload = Buffer.alloc(200, 7);
    const rows: unknown[][] = [];
    for (let i = 0; i < 50_000; i++) rows.push([i, payload, i % 2]);
    const n = await writeChunkPg(s.db, t, rows);
    assert.equal(n, 50_000);
    const sum = await s.db.query<{ n: string; f: string }>('SELECT COUNT(*) AS n, SUM(flag::int) AS f FROM public.big');
    assert.deepEqual(sum[0], { n: '50000', f: '25000' });

    const ac = new AbortController();
    const more = rows.map((r) => [Number(r[0]) + 100_000, r[1], r[2]]);
    const lazy = new Proxy(more, {
      get(target, prop, recv) {
        if (prop === Symbol.iterator)
          return function* () {
            for (const r of target) {
              produced++;
              if (produced === 10_000) ac.abort();
              yield r;
            }
          };
        return Reflect.get(target, prop, recv);
      },
    });
    await assert.rejects(writeChunkPg(s.db, t, lazy, ac.signal));
    assert.ok(produced < more.length, `stopped after ${produced} rows`);
    const after = await s.db.query<{ n: string }>('SELECT COUNT(*) AS n FROM public.big');
    assert.equal(after[0].n, '50000');
  } finally {
    await s.db.query('DROP TABLE IF EXISTS public.big').catch(() => undefined);
    await s.done();
  }
});

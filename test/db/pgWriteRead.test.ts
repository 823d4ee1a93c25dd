// The PostgreSQL target side (cross/pgSide.ts): rows of dj014 (MariaDB), canonical as the engine reads them,
// written through COPY FROM STDIN (copy/pgWrite.ts) into the 2.x tables create-parallel made on PostgreSQL,
// read back in PostgreSQL's key order and by key lists, equal value for value (booleans ↔ tinyint, uuid ↔
// binary(16), bytea ↔ blob bytes, floats exact). Refusals name table, column and key and leave nothing
// written; a key already present fails the chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from './harness';
import { createPgDatabase, pgServer } from './pgHarness';
import { openPg } from '../../client/src/db/connect/dialects/postgres';
import { createParallelPg } from '../../client/src/db/schema/pgParallel';
import { writeChunkPg } from '../../client/src/db/copy/pgWrite';
import { PgSide } from '../../client/src/db/cross/pgSide';
import { canonColumnOf, canonFromMysql, compareCanon, keyText } from '../../client/src/db/cross/canon';
import type { CanonRow, CrossTable } from '../../client/src/db/cross/side';
import type { Db } from '../../client/src/db/connection';
import { introspect } from '../../client/src/db/introspect';
import { q, qt } from '../../client/src/db/sql';

/** A source table as the engine moves it (target names = production names), and its rows canonical. */
async function sourceTable(src: Db, schema: string, name: string): Promise<{ t: CrossTable; rows: CanonRow[] }> {
  const [s] = await introspect(src, [schema]);
  const m = s.tables.find((x) => x.name === name);
  assert.ok(m, `${schema}.${name}`);
  const t: CrossTable = { schema, name, columns: m.columns.map(canonColumnOf), primaryKey: [...m.primaryKey] };
  const sel = t.columns.map((c) => (c.kind === 'float' ? `(${q(c.name)} + 0e0) AS ${q(c.name)}` : q(c.name)));
  const raw = await src.query<Record<string, unknown>>(
    `SELECT ${sel.join(', ')} FROM ${qt(schema, name)} ORDER BY ${t.primaryKey.map(q).join(', ')}`,
  );
  return { t, rows: raw.map((r) => t.columns.map((c) => canonFromMysql(c.kind, r[c.name]))) };
}

const keyOf = (t: CrossTable, r: CanonRow) =>
  keyText(t.primaryKey.map((k) => r[t.columns.findIndex((c) => c.name === k)]));

async function setup() {
  const src = await loadFixture('dj014');
  const pgdb = await createPgDatabase();
  const db = await openPg({ ...pgServer, database: pgdb.name, password: '', tls: false, dialect: 'postgresql' });
  await createParallelPg(src.db, db, { schemas: src.schemas, suffix: '', unsigned: 'widen', allowSameNames: true });
  const side = new PgSide(db, db.describe());
  return {
    src,
    db,
    side,
    async done() {
      await side.close();
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
      const [schema, table] = [s.src.prefix + name.split('.')[0], name.slice(name.indexOf('.') + 1)];
      const { t, rows } = await sourceTable(s.src.db, schema, table);
      assert.ok(rows.length > 0, name);
      assert.deepEqual(await s.side.tableInfo(schema, table), {
        columns: t.columns.map((c) => c.name),
        primaryKey: t.primaryKey,
      });
      assert.equal(await s.side.writeRows(t, rows), rows.length);
      assert.equal(await s.side.rowCount(t), rows.length);
      // PostgreSQL's own key order, two rows a page.
      const back: CanonRow[] = [];
      for (let page = await s.side.readChunk(t, null, 2); page.length; ) {
        back.push(...page);
        const last = page[page.length - 1];
        page = await s.side.readChunk(
          t,
          t.primaryKey.map((k) => last[t.columns.findIndex((c) => c.name === k)]),
          2,
        );
      }
      assert.equal(back.length, rows.length, name);
      const byKey = new Map(back.map((r) => [keyOf(t, r), r]));
      const byList = await s.side.readKeys(
        t,
        [...rows].reverse().map((r) => t.primaryKey.map((k) => r[t.columns.findIndex((c) => c.name === k)])),
      );
      assert.equal(byList.length, rows.length);
      for (const row of rows) {
        const got = byKey.get(keyOf(t, row));
        assert.ok(got, `${name} ${keyOf(t, row)} read back`);
        assert.deepEqual(
          byList.find((r) => keyOf(t, r) === keyOf(t, row)),
          got,
        );
        t.columns.forEach((c, i) => {
          assert.equal(compareCanon(c, row[i], got[i]), null, `${name}.${c.name}`);
          if (c.kind === 'float') assert.equal(got[i], row[i], `${name}.${c.name} exact`);
        });
      }
    }
    const user = `${s.src.prefix}lab`;
    // Booleans are native on PostgreSQL, as 2.x writes them; they read back as 0.14.6's 0/1.
    const raw = await s.db.query<{ active: boolean }>(`SELECT active FROM "${user}"."user"`);
    assert.ok(raw.length && raw.every((r) => typeof r.active === 'boolean'));
    const { t: ut } = await sourceTable(s.src.db, user, 'user');
    const active = ut.columns.findIndex((c) => c.name === 'active');
    assert.deepEqual(
      new Set((await s.side.readChunk(ut, null, 100)).map((r) => r[active])),
      new Set(raw.map((r) => (r.active ? '1' : '0'))),
    );
    assert.deepEqual(await s.side.readKeys(ut, [['nobody']]), []);
    assert.match(
      s.side.describeWrite(ut, 3),
      /^COPY "t\w+_lab"\."user" \("username", .*\) FROM STDIN \/\* 3 row\(s\), on postgresql:\/\/postgres@/,
    );
  } finally {
    await s.done();
  }
});

test('a value PostgreSQL cannot hold, or a key already there, fails the whole chunk naming table, column and key', async () => {
  const s = await setup();
  try {
    const { t: user, rows } = await sourceTable(s.src.db, `${s.src.prefix}lab`, 'user');
    const count = () => s.side.rowCount(user);
    const active = user.columns.findIndex((c) => c.name === 'active');
    const bad = rows.map((r, i) => (i === rows.length - 1 ? r.map((v, j) => (j === active ? '5' : v)) : r));
    await assert.rejects(s.side.writeRows(user, bad), (e: Error) => {
      assert.match(e.message, /lab\.user\.active: 5 is not a boolean.*\(key username=\w+\); nothing of this chunk/);
      return true;
    });
    assert.equal(await count(), 0);

    await s.side.writeRows(user, rows.slice(0, 1));
    await assert.rejects(s.side.writeRows(user, rows), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`lab\\.user \\(key username=${rows[0][0]}\\): duplicate key value.*already exists.*rolled back`),
      );
      return true;
    });
    assert.equal(await count(), 1);

    const subject = await sourceTable(s.src.db, `${s.src.prefix}lab`, 'subject');
    await assert.rejects(
      s.side.writeRows(subject.t, subject.rows.slice(0, 3)),
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
    const t = (await s.side.model('public', 'big')) as NonNullable<Awaited<ReturnType<PgSide['model']>>>;
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

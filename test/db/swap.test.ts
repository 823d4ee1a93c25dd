// db swap / unswap against the real server: the dj014 pipeline, its 2.x parallel schemas created and
// copied by the engine, then cut over and rolled back. Every refusal must leave every table where it was.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { testServer, type LoadedFixture } from './harness';
import { compare } from '../../client/src/db/compare';
import { verifySchemas } from '../../client/src/db/verify';
import { summariseCompare, swapSchemas, unswapSchemas, type SwapOptions } from '../../client/src/db/swap';
import { alignForeignKeys, tableChecksums } from '../../client/src/db/rotation';
import {
  assembleBlockers,
  describeBlocker,
  findBlockers,
  lockMap,
  MYSQL8_METADATA_LOCKS,
} from '../../client/src/db/blockers';
import { q, qt } from '../../client/src/db/sql';
import { copiedPipeline, swapOptions } from './swapSetup';
import { runCli } from './cliRun';
import { grantSchemaName } from '../../client/src/db/preflight';
import { openDb } from '../../client/src/db/connection';

let fx: LoadedFixture;
let v2: string[];
let old: string[];

/** Where every table is: `schema.table` for every base table of the pipeline's names (all three roles). */
async function layout(): Promise<string[]> {
  const rows = await fx.db.query<{ s: string; t: string }>(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2',
    [[...fx.schemas, ...v2, ...old]],
  );
  return rows.map((r) => `${r.s}.${r.t}`);
}

function options(extra: Partial<SwapOptions> = {}): SwapOptions {
  return swapOptions(fx, extra);
}

/** Every foreign key of the schemas, as `schema.table → refSchema.refTable`. */
async function foreignKeys(schemas: string[]): Promise<{ from: string; to: string }[]> {
  const rows = await fx.db.query<{ s: string; t: string; rs: string; rt: string }>(
    'SELECT DISTINCT TABLE_SCHEMA AS s, TABLE_NAME AS t, REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA IN (?) AND REFERENCED_TABLE_NAME IS NOT NULL',
    [schemas],
  );
  return rows.map((r) => ({ from: `${r.s}.${r.t}`, to: `${r.rs}.${r.rt}` }));
}

describe('db swap / unswap', () => {
  before(async () => {
    ({ fx, v2, old } = await copiedPipeline());
  });
  after(async () => fx?.cleanup());

  it('a dry run prints the one RENAME and the catch-up copy, and moves nothing', async () => {
    const before = await layout();
    const r = await swapSchemas(
      fx.db,
      options({ dryRun: true, confirm: async () => assert.fail('a dry run asks nothing') }),
    );
    assert.equal(r.status, 'dry-run');
    const sql = r.plan.statements.map((s) => s.sql).join('\n');
    assert.equal((sql.match(/RENAME TABLE/g) ?? []).length, 1);
    assert.match(
      sql,
      new RegExp(
        `${qt(fx.schemas[0], 'subject').replace(/[.`]/g, '\\$&')} TO ${qt(old[0], 'subject').replace(/[.`]/g, '\\$&')}`,
      ),
    );
    assert.match(sql, /CREATE DATABASE IF NOT EXISTS/);
    // production tables leave a schema before the parallel ones arrive in it
    const rename = r.plan.statements.find((s) => s.rename)!.sql;
    assert.ok(
      rename.includes(`${qt(v2[0], '~lineage_swap')} TO ${qt(fx.schemas[0], '~lineage')}`),
      'the rewritten ~lineage arrives in the same statement',
    );
    assert.ok(rename.indexOf(`${qt(fx.schemas[0], 'subject')} TO`) < rename.indexOf(`${qt(v2[0], 'subject')} TO`));
    assert.deepEqual(await layout(), before);
  });

  it('refuses when not confirmed', async () => {
    const before = await layout();
    let asked = '';
    const r = await swapSchemas(fx.db, options({ confirm: async (q) => ((asked = q.question), false) }));
    assert.equal(r.status, 'refused');
    for (const s of fx.schemas) assert.ok(asked.includes(s), `the confirmation names ${s}`);
    assert.deepEqual(await layout(), before);
  });

  it('refuses on a name conflict, moving nothing', async () => {
    await fx.db.execute(`CREATE DATABASE ${q(old[1])}`);
    await fx.db.execute(`CREATE TABLE ${qt(old[1], 'leftover')} (id int PRIMARY KEY)`);
    const before = await layout();
    try {
      const r = await swapSchemas(fx.db, options({ confirm: async () => assert.fail('refused before asking') }));
      assert.equal(r.status, 'refused');
      assert.match(r.refusals.join('\n'), new RegExp(`schema ${old[1]} already has 1 table`));
      assert.deepEqual(await layout(), before);
    } finally {
      await fx.db.execute(`DROP DATABASE ${q(old[1])}`);
    }
  });

  it('refuses when a row is added after the compare', async () => {
    const before = await layout();
    const t = qt(fx.schemas[0], 'user');
    const r = await swapSchemas(
      fx.db,
      options({
        afterCompare: async () =>
          void (await fx.db.execute(`INSERT INTO ${t} (username, full_name) VALUES ('late', 'Late Writer')`)),
      }),
    );
    try {
      assert.equal(r.status, 'refused');
      assert.match(r.refusals.join('\n'), new RegExp(`rows changed after the compare in .*${fx.schemas[0]}\\.user`));
      assert.deepEqual(
        (await layout()).filter((x) => !x.endsWith('.~lineage_pending')),
        before,
      );
    } finally {
      await fx.db.execute(`DELETE FROM ${t} WHERE username = 'late'`);
      // the catch-up copy of that run had already inserted it into the parallel table
      await fx.db.execute(`DELETE FROM ${qt(v2[0], 'user')} WHERE username = 'late'`);
    }
  });

  it('refuses while another session has a transaction open, naming it', async () => {
    const other = await mysql.createConnection({ ...testServer });
    try {
      await other.query('START TRANSACTION');
      await other.query(`SELECT COUNT(*) FROM ${qt(fx.schemas[1], 'recording')}`);
      const before = await layout();
      const r = await swapSchemas(fx.db, options());
      assert.equal(r.status, 'refused');
      assert.ok(
        r.blockers.some((b) => b.id === other.threadId),
        `the blocker is the other session ${other.threadId}: ${r.refusals.join('\n')} ${r.notes.join('\n')}`,
      );
      assert.match(r.refusals.join('\n'), new RegExp(`session ${other.threadId} .*transaction open`));
      assert.deepEqual(await layout(), before);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
  });

  it('refuses on triggers, views and foreign keys from schemas outside the swap, naming them', async () => {
    const before = await layout();
    const outside = fx.prefix + 'outside';
    await fx.db.execute(
      `CREATE TRIGGER ${qt(v2[0], 'user_touch')} BEFORE INSERT ON ${qt(v2[0], 'user')} FOR EACH ROW SET NEW.full_name = NEW.full_name`,
    );
    await fx.db.execute(`CREATE DATABASE ${q(outside)}`);
    await fx.db.execute(`CREATE VIEW ${qt(outside, 'users')} AS SELECT username FROM ${qt(fx.schemas[0], 'user')}`);
    await fx.db.execute(
      `CREATE TABLE ${qt(outside, 'note')} (username varchar(16) NOT NULL PRIMARY KEY, FOREIGN KEY (username) REFERENCES ${qt(fx.schemas[0], 'user')} (username)) ENGINE=InnoDB`,
    );
    try {
      const r = await swapSchemas(fx.db, options({ confirm: async () => assert.fail('refused before asking') }));
      assert.equal(r.status, 'refused');
      const text = r.refusals.join('\n');
      assert.match(text, new RegExp(`triggers make a cross-database RENAME TABLE fail: ${v2[0]}\\.user_touch`));
      assert.match(text, new RegExp(`views outside the moved schemas .*${outside}\\.users`));
      assert.match(text, new RegExp(`${outside}\\.note has a foreign key .* to ${fx.schemas[0]}\\.user`));
      assert.deepEqual(await layout(), before);
    } finally {
      await fx.db.execute(`DROP TRIGGER ${qt(v2[0], 'user_touch')}`);
      await fx.db.execute(`DROP DATABASE ${q(outside)}`);
    }
  });

  it('a user without LOCK TABLES is told the locks could not be probed (the rename bounds its own wait)', async () => {
    const user = `${fx.prefix}nolock`;
    const admin = await mysql.createConnection({ ...testServer });
    try {
      await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw-nolock']);
      for (const s of [...fx.schemas, ...v2])
        await admin.query(`GRANT SELECT ON ${grantSchemaName(s)}.* TO ?@?`, [user, '%']);
      const db = await openDb({ ...testServer, user, password: 'pw-nolock' });
      try {
        const r = await findBlockers(db, [...fx.schemas, ...v2]);
        assert.deepEqual(r.blockers, []);
        assert.match(r.notes.join('\n'), /may not LOCK TABLES/);
      } finally {
        await db.close();
      }
    } finally {
      await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
      await admin.end();
    }
  });

  it('swaps in one statement (keys on their own side, 2.x verifies under the production names), then unswap restores everything', async () => {
    const layoutBefore = await layout();
    const sumsBefore = await tableChecksums(fx.db, [...fx.schemas, ...v2]);
    const steps: string[] = [];
    const r = await swapSchemas(fx.db, options({ onProgress: (e) => steps.push(e.step) }));
    assert.equal(r.status, 'swapped', r.refusals.join('\n'));
    assert.deepEqual(
      steps.filter((s, i) => steps.indexOf(s) === i),
      ['plan', 'catch-up', 'checksums', 'compare', 'verify', 'blockers', 'recheck', 'rename', 'foreign-keys'],
    );
    assert.equal(r.compare?.equal, true, JSON.stringify(r.compare?.notes));
    assert.equal(r.verify?.ok, true, JSON.stringify(r.verify?.tables.filter((t) => t.status === 'fail')));

    // production names now hold the 2.x tables (with ~lineage), the old names the 0.14.6 ones (with ~external_*)
    const after = await layout();
    assert.ok(after.includes(`${fx.schemas[0]}.~lineage`));
    assert.ok(after.includes(`${old[1]}.~external_raw`));
    assert.ok(!after.some((x) => v2.some((s) => x.startsWith(s + '.'))), 'the parallel schemas are empty');
    for (const fk of await foreignKeys(fx.schemas))
      assert.ok(
        fx.schemas.some((s) => fk.to.startsWith(s + '.')),
        `${fk.from} → ${fk.to} stays on the 2.x side`,
      );
    for (const fk of await foreignKeys(old))
      assert.ok(
        old.some((s) => fk.to.startsWith(s + '.')),
        `${fk.from} → ${fk.to} stays on the old side`,
      );
    assert.deepEqual(r.foreignKeyFixes, [], 'the server moved the keys with their tables');
    const v = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    assert.equal(v.ok, true);
    const c = await compare(fx.db, {
      pairs: old.map((s, i) => ({ source: s, target: fx.schemas[i] })),
      stores: fx.storesConfig,
    });
    assert.equal(c.equal, true, JSON.stringify(summariseCompare(c)));

    // a second swap is refused: the old names are taken
    const again = await swapSchemas(fx.db, options());
    assert.equal(again.status, 'refused');

    // rows that 2.x wrote after the swap would be left behind: unswap refuses unless told
    await fx.db.execute(
      `INSERT INTO ${qt(fx.schemas[0], 'user')} (username, full_name, active) VALUES ('new2x', 'Written by 2.x', 1)`,
    );
    const refusedBack = await unswapSchemas(fx.db, options());
    assert.equal(refusedBack.status, 'refused');
    assert.match(
      refusedBack.refusals.join('\n'),
      new RegExp(`rows written since the swap[\\s\\S]*1 only in ${fx.schemas[0]}`),
    );
    await fx.db.execute(`DELETE FROM ${qt(fx.schemas[0], 'user')} WHERE username = 'new2x'`);

    const u = await unswapSchemas(fx.db, options());
    assert.equal(u.status, 'swapped', u.refusals.join('\n'));
    assert.deepEqual(
      (await layout()).filter((x) => !old.some((s) => x.startsWith(s + '.'))),
      layoutBefore,
    );
    assert.deepEqual(await tableChecksums(fx.db, [...fx.schemas, ...v2]), sumsBefore);
    for (const fk of await foreignKeys(fx.schemas)) assert.ok(fx.schemas.some((s) => fk.to.startsWith(s + '.')));
    for (const fk of await foreignKeys(v2)) assert.ok(v2.some((s) => fk.to.startsWith(s + '.')));
    const back = await compare(fx.db, {
      pairs: fx.schemas.map((s, i) => ({ source: s, target: v2[i] })),
      stores: fx.storesConfig,
    });
    assert.equal(back.equal, true);
  });

  it('re-points a key that a server left on the other side', async () => {
    // Two sides of two schemas each; a child on side 2 points at side 1's parent, as if a server had not
    // moved the key with its parent.
    const [a1, b1, a2, b2] = ['xa1', 'xb1', 'xa2', 'xb2'].map((n) => fx.prefix + n);
    for (const s of [a1, b1, a2, b2]) await fx.db.execute(`CREATE DATABASE ${q(s)}`);
    for (const [a, b] of [
      [a1, b1],
      [a2, b2],
    ]) {
      await fx.db.execute(
        `CREATE TABLE ${qt(a, 'p')} (id int PRIMARY KEY, k int NOT NULL, UNIQUE KEY (id, k)) ENGINE=InnoDB`,
      );
      await fx.db.execute(`CREATE TABLE ${qt(b, 'c')} (id int PRIMARY KEY, k int NOT NULL) ENGINE=InnoDB`);
    }
    await fx.db.execute(
      `ALTER TABLE ${qt(b1, 'c')} ADD CONSTRAINT c_p FOREIGN KEY (id, k) REFERENCES ${qt(a1, 'p')} (id, k) ON UPDATE CASCADE ON DELETE RESTRICT`,
    );
    await fx.db.execute(
      `ALTER TABLE ${qt(b2, 'c')} ADD CONSTRAINT c_p FOREIGN KEY (id, k) REFERENCES ${qt(a1, 'p')} (id, k) ON UPDATE CASCADE ON DELETE RESTRICT`,
    );
    const dry = await alignForeignKeys(
      fx.db,
      [
        [a1, b1],
        [a2, b2],
      ],
      true,
    );
    assert.equal(dry.fixes.length, 1);
    assert.equal((await foreignKeys([b2]))[0].to, `${a1}.p`, 'a dry run changes nothing');
    const r = await alignForeignKeys(fx.db, [
      [a1, b1],
      [a2, b2],
    ]);
    assert.deepEqual(r.fixes, [`${b2}.c key c_p pointed at ${a1}.p; now ${a2}.p`]);
    assert.deepEqual(
      (await foreignKeys([b1, b2])).sort((x, y) => x.from.localeCompare(y.from)),
      [
        { from: `${b1}.c`, to: `${a1}.p` },
        { from: `${b2}.c`, to: `${a2}.p` },
      ],
    );
    const [rules] = await fx.db.query<{ u: string; d: string }>(
      "SELECT UPDATE_RULE AS u, DELETE_RULE AS d FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND CONSTRAINT_NAME = 'c_p'",
      [b2],
    );
    assert.deepEqual(rules, { u: 'CASCADE', d: 'RESTRICT' });
    assert.deepEqual(
      (
        await alignForeignKeys(fx.db, [
          [a1, b1],
          [a2, b2],
        ])
      ).fixes,
      [],
      'a second run finds nothing to do',
    );
  });

  it('CLI: swap --dry-run prints every statement and exits 0; a refused swap exits 1', async () => {
    const dry = await runCli([
      'db',
      'swap',
      '--schemas',
      fx.schemas.join(','),
      '--suffix',
      '_v2',
      '--stores',
      fx.storesFile,
      '--dry-run',
    ]);
    assert.equal(dry.code, 0, dry.err + dry.out);
    assert.match(dry.out, /RENAME TABLE/);
    assert.match(dry.out, /--finalize/);
    const refused = await runCli([
      'db',
      'swap',
      '--schemas',
      fx.schemas.join(','),
      '--suffix',
      '_v2',
      '--stores',
      fx.storesFile,
    ]);
    assert.equal(refused.code, 1, 'without --yes on a non-terminal the freeze is not confirmed');
    assert.match(refused.out + refused.err, /not confirmed/);
  });
});

// Who blocks, from rows as each server reports them. MySQL 8 (performance_schema on by default) names the
// lock holders exactly; MariaDB without metadata_lock_info only knows after the LOCK TABLES probe.
test('MySQL 8 metadata-lock rows: exactly the holders and waiters are blockers, other transactions are not', () => {
  const processes = [
    { id: 12, user: 'me', host: 'h:1', db: null, command: 'Query', time: 0, state: 'executing', info: 'SELECT ...' },
    { id: 41, user: 'alice', host: 'lab-pc:5000', db: 'lab', command: 'Sleep', time: 35, state: '', info: null },
    {
      id: 57,
      user: 'bob',
      host: 'rig:6000',
      db: 'lab',
      command: 'Query',
      time: 3,
      state: 'Waiting for table metadata lock',
      info: 'ALTER TABLE `lab`.`user` ADD x int',
    },
    { id: 60, user: 'carol', host: 'ws:7000', db: 'other', command: 'Sleep', time: 90, state: '', info: null },
  ];
  const locks = lockMap([
    { id: 41, s: 'lab', t: 'user', status: 'GRANTED' },
    { id: 41, s: 'lab', t: 'subject', status: 'GRANTED' },
    { id: 57, s: 'lab', t: 'user', status: 'PENDING' },
    { id: 12, s: 'lab', t: 'user', status: 'GRANTED' },
  ]);
  const blockers = assembleBlockers({
    self: 12,
    schemas: ['lab', 'lab_v2'],
    processes,
    locks,
    probeFailed: false,
    transactions: [
      { id: 41, started: '2026-01-01 10:00:00', state: 'RUNNING' },
      { id: 60, started: '2026-01-01 09:00:00', state: 'RUNNING' },
    ],
  });
  assert.deepEqual(
    blockers.map((b) => b.id),
    [41, 57],
  );
  assert.match(
    describeBlocker(blockers[0]),
    /^session 41 \(alice@lab-pc:5000, database lab, Sleep for 35s\) holds a metadata lock on lab\.user, lab\.subject \(transaction open since 2026-01-01 10:00:00\)/,
  );
  assert.match(blockers[1].why, /lab\.user \(waiting\).*waiting for a metadata lock/);
  assert.match(MYSQL8_METADATA_LOCKS, /performance_schema\.metadata_locks .*performance_schema\.threads/);
});

test('MariaDB without lock information: nobody blocks when the probe got the locks; otherwise every candidate is named', () => {
  const processes = [
    { id: 7, user: 'me', host: 'h', db: null, command: 'Query', time: 0, state: '', info: 'SHOW PROCESSLIST' },
    { id: 8, user: 'x', host: 'h', db: 'lab', command: 'Sleep', time: 5, state: '', info: null },
    {
      id: 9,
      user: 'y',
      host: 'h',
      db: null,
      command: 'Query',
      time: 2,
      state: 'Sending data',
      info: 'SELECT * FROM `lab`.`user`',
    },
  ];
  const transactions = [{ id: 8, started: '2026-01-01 10:00:00', state: 'RUNNING' }];
  assert.deepEqual(
    assembleBlockers({ self: 7, schemas: ['lab'], processes, transactions, locks: null, probeFailed: false }),
    [],
  );
  const named = assembleBlockers({
    self: 7,
    schemas: ['lab'],
    processes,
    transactions,
    locks: null,
    probeFailed: true,
  });
  assert.deepEqual(
    named.map((b) => [b.id, b.why]),
    [
      [8, 'has a transaction open since 2026-01-01 10:00:00 (RUNNING)'],
      [9, 'is running a statement on these schemas'],
    ],
  );
  const unknown = assembleBlockers({
    self: 7,
    schemas: ['lab'],
    processes: [],
    transactions: [],
    locks: null,
    probeFailed: true,
  });
  assert.match(unknown[0].why, /no session could be identified/);
});

// Preflight reads privileges from SHOW GRANTS: a user holding them through a role (CREATE ROLE, GRANT role,
// SET DEFAULT ROLE) and a user with only table-level grants are not told they lack what they have. MariaDB here;
// the MySQL 8 format (roles expanded with USING) is checked by parsing its SHOW GRANTS lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { loadFixture, testServer } from './harness';
import { openDb } from '../../client/src/db/connection';
import { holds, parseGrants } from '../../client/src/db/grants';
import { grantSchemaName, preflight } from '../../client/src/db/preflight';
import { qt } from '../../client/src/db/sql';

test('privileges held through a default role count', async () => {
  const f = await loadFixture('dj014');
  const user = `${f.prefix}roleuser`;
  const role = `${f.prefix}migrator`;
  const admin = await mysql.createConnection({ ...testServer });
  try {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw-role']);
    await admin.query(`CREATE ROLE ${'`' + role + '`'}`);
    for (const s of f.schemas) {
      await admin.query(`GRANT SELECT ON ${grantSchemaName(s)}.* TO \`${role}\``);
      await admin.query(`GRANT ALL PRIVILEGES ON ${grantSchemaName(s + '_v2')}.* TO \`${role}\``);
    }
    await admin.query(`GRANT \`${role}\` TO ?@?`, [user, '%']);
    await admin.query(`SET DEFAULT ROLE \`${role}\` FOR ?@?`, [user, '%']);
    const db = await openDb({ ...testServer, user, password: 'pw-role' });
    try {
      const r = await preflight(db, { schemas: f.schemas, suffix: '_v2', stores: f.storesConfig });
      const copy = r.steps.filter((s) => !s.optional);
      assert.deepEqual(
        copy.flatMap((s) => s.missing),
        [],
      );
      assert.deepEqual(r.grants, []);
      assert.ok(
        r.checks.some((c) => c.level === 'ok' && /has the privileges the parallel migration needs/.test(c.message)),
      );
      // In-place pointer migration needs UPDATE/ALTER on the source, which the role does not give.
      const inPlace = r.steps.find((s) => s.optional)!;
      assert.equal(inPlace.missing.length, f.schemas.length);
      assert.deepEqual(inPlace.missing[0].privileges, ['UPDATE', 'ALTER', 'REFERENCES', 'INDEX']);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.query(`DROP ROLE IF EXISTS \`${role}\``);
    await admin.end();
    await f.cleanup();
  }
});

test('table-level grants on every table of a schema count; missing target privileges are still reported', async () => {
  const f = await loadFixture('dj014');
  const user = `${f.prefix}tables`;
  const admin = await mysql.createConnection({ ...testServer });
  try {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', 'pw-tables']);
    const [tables] = await admin.query<mysql.RowDataPacket[]>(
      "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE'",
      [f.schemas],
    );
    assert.ok(tables.length > 10);
    for (const t of tables) await admin.query(`GRANT SELECT ON ${qt(t.s, t.t)} TO ?@?`, [user, '%']);
    const db = await openDb({ ...testServer, user, password: 'pw-tables' });
    try {
      const r = await preflight(db, { schemas: f.schemas, suffix: '_v2', stores: f.storesConfig });
      const step = (name: string) => r.steps.find((s) => s.step === name)!;
      assert.deepEqual(step('inspect, verify, compare, every --dry-run').missing, []);
      assert.deepEqual(
        step('copy').missing.map((m) => m.schema),
        f.schemas.map((s) => s + '_v2'),
        'copy: the sources are readable, the targets are not granted',
      );
      assert.equal(r.grants.length, f.schemas.length);
      for (const g of r.grants) assert.match(g, /_v2` ?\.\*|_v2`\.\*/);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
    await f.cleanup();
  }
});

test('SHOW GRANTS lines of both servers parse: roles, table and column grants, LIKE patterns', () => {
  const mysql8 = parseGrants([
    'GRANT USAGE ON *.* TO `u`@`%`',
    'GRANT SELECT, INSERT, CREATE TEMPORARY TABLES ON `lab\\_%`.* TO `u`@`%`',
    'GRANT SELECT, UPDATE (`note`) ON `lab`.`session` TO `u`@`%`',
    'GRANT `r1`@`%`,`r2`@`%` TO `u`@`%`',
  ]);
  assert.deepEqual(mysql8.roles, ['r1', 'r2']);
  assert.deepEqual(mysql8.grants, [
    { privileges: ['USAGE'], db: '*', table: '*' },
    { privileges: ['SELECT', 'INSERT', 'CREATE TEMPORARY TABLES'], db: 'lab\\_%', table: '*' },
    { privileges: ['SELECT'], db: 'lab', table: 'session' },
  ]);
  assert.ok(holds(mysql8.grants, 'lab_v2', 'CREATE TEMPORARY TABLES', []));
  assert.ok(!holds(mysql8.grants, 'labxv2', 'SELECT', []));
  assert.ok(holds(mysql8.grants, 'lab', 'SELECT', ['session']));
  assert.ok(!holds(mysql8.grants, 'lab', 'SELECT', ['session', 'subject']), 'one table without the grant');
  assert.ok(!holds(mysql8.grants, 'lab', 'UPDATE', ['session']), 'a column grant is not a table grant');
  assert.ok(!holds(mysql8.grants, 'empty', 'SELECT', []));
  const maria = parseGrants(['GRANT `migrator` TO `u`@`%`', 'GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost`']);
  assert.deepEqual(maria.roles, ['migrator']);
  assert.ok(holds(maria.grants, 'anything', 'DROP', []));
});

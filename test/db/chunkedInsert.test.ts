// insertSelectInChunks (backup clones): many chunks along a composite key with an enum column (ordered by its
// index, not its text) and a string column; every row arrives exactly once, none is skipped or repeated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropPrefixed, testServer, uniquePrefix } from './harness';
import { openDb } from '../../client/src/db/connection';
import { introspect } from '../../client/src/db/introspect';
import { insertSelectInChunks } from '../../client/src/db/chunkedInsert';
import { q, qt } from '../../client/src/db/sql';

test('a table copied in many primary-key chunks arrives complete and in order', async () => {
  const prefix = uniquePrefix();
  const [a, b] = [`${prefix}src`, `${prefix}dst`];
  const db = await openDb(testServer);
  try {
    for (const s of [a, b]) {
      await db.execute(`CREATE DATABASE ${q(s)}`);
      await db.execute(
        `CREATE TABLE ${qt(s, 't')} (e enum('zeta','alpha','mid') NOT NULL, k varchar(8) NOT NULL, n int NOT NULL, v double NOT NULL, PRIMARY KEY (e, k, n)) ENGINE=InnoDB`,
      );
    }
    const rows: unknown[][] = [];
    for (const e of ['zeta', 'alpha', 'mid'])
      for (const k of ['b', 'a', 'ab', 'c']) for (let n = 0; n < 200; n++) rows.push([e, k, n, n / 7]);
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await db.execute(`INSERT INTO ${qt(a, 't')} VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`, batch.flat());
    }
    const [source] = (await introspect(db, [a]))[0].tables.filter((t) => t.name === 't');
    const r = await db.withConnection((c) =>
      insertSelectInChunks(c, source, b, { chunk: { initialRows: 137, minRows: 137, maxRows: 137 } }),
    );
    assert.equal(r.rows, rows.length);
    assert.equal(r.chunks, Math.floor(rows.length / 137) + 1);
    const sum = async (s: string) =>
      (await db.query(`CHECKSUM TABLE ${qt(s, 't')} EXTENDED`))[0] as { Checksum: string | number };
    assert.equal(String((await sum(b)).Checksum), String((await sum(a)).Checksum));
  } finally {
    await dropPrefixed(prefix);
    await db.close();
  }
});

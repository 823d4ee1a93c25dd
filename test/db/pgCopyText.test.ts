// Rows read from the dj014 fixture in MariaDB (through the real connection, so with its value types) and
// encoded as COPY text for the PostgreSQL tables create-parallel plans must equal what 2.x wrote on
// PostgreSQL (dj2pg/data.sql): booleans, uuids, decimals, NULLs, escaped text. Columns whose values differ
// by nature (the insert-time `registered` timestamp) are left out of the comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadFixture } from './harness';
import { dumpedCopyLines } from './pgHarness';
import { fixturesDir } from '../helpers/paths';
import { planParallel } from '../../client/src/db/parallel';
import { pgSchemaPlan } from '../../client/src/db/schema/pgDdl';
import { checkUnsignedBigints } from '../../client/src/db/schema/pgParallel';
import { copyField, copyLine } from '../../client/src/db/copy/pgCopyText';
import { q, qt } from '../../client/src/db/sql';

test('dj014 rows encoded as COPY text equal dj2pg/data.sql (user, #species, subject, session__note, activity-stats bins)', async () => {
  const src = await loadFixture('dj014');
  try {
    const plan = await planParallel(src.db, {
      schemas: src.schemas,
      suffix: '',
      unsigned: 'widen',
      allowSameNames: true,
    });
    const pg = pgSchemaPlan(plan.tables, await checkUnsignedBigints(src.db, plan.tables));
    const cases: [string, string, string, string[]][] = [
      ['lab', 'user', 'djfix2pg_lab."user"', []],
      ['lab', '#species', 'djfix2pg_lab."#species"', []],
      ['lab', 'subject', 'djfix2pg_lab.subject', ['registered']],
      ['ephys', 'session__note', 'djfix2pg_ephys.session__note', []],
      ['analysis', '__activity_stats__bin', 'djfix2pg_analysis.__activity_stats__bin', []],
    ];
    let compared = 0;
    for (const [schema, name, dumped, skip] of cases) {
      const t = pg.tables.find((x) => x.schema === src.prefix + schema && x.name === name);
      assert.ok(t, name);
      const columns = t.columns.filter((c) => !skip.includes(c.name));
      const rows = await src.db.query<Record<string, unknown>>(
        `SELECT ${columns.map((c) => q(c.name)).join(', ')} FROM ${qt(t.schema, t.name)}`,
      );
      const mine = rows
        .map((r) =>
          copyLine(
            columns.map((c) => r[c.name]),
            columns,
            name,
          ),
        )
        .map((l) => l.slice(0, -1));
      const keep = t.columns.map((c) => !skip.includes(c.name));
      const theirs = dumpedCopyLines(path.join(fixturesDir, 'dj2pg', 'data.sql'), dumped).map((l) =>
        l
          .split('\t')
          .filter((_, i) => keep[i])
          .join('\t'),
      );
      assert.ok(theirs.length > 0, name);
      assert.deepEqual(mine.sort(), theirs.sort(), name);
      compared += theirs.length;
    }
    assert.ok(compared > 20);
  } finally {
    await src.cleanup();
  }
});

test('COPY text refuses what PostgreSQL would reject or misread instead of writing it', () => {
  const col = (type: string) => ({ name: 'c', type, core: null, nullable: true, default: null, comment: null });
  assert.equal(copyField(null, col('bytea')), '\\N');
  assert.equal(copyField(Buffer.from([0, 255]), col('bytea')), '\\\\x00ff');
  assert.equal(copyField('a\tb\nc\\', col('character varying(9)')), 'a\\tb\\nc\\\\');
  assert.equal(copyField(Buffer.from([1]), col('boolean')), 't');
  assert.throws(() => copyField('2', col('boolean')), /2 is not a boolean/);
  assert.throws(() => copyField(Buffer.alloc(15), col('uuid')), /a uuid needs 16 bytes/);
  assert.throws(() => copyField('abc', col('bytea')), /expected bytes/);
  assert.throws(() => copyField('a\u0000b', col('text'), 's.t.c'), /s\.t\.c: text with a NUL character/);
  assert.throws(() => copyLine([1], [col('integer'), col('integer')], 't'), /1 values for 2 columns/);
});

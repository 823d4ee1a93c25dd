// The type mapping against the real server: every column type the mapping declares is accepted and reads
// back as the same column, and reconstructing a 0.14.6 column from the catalogue (columnTo014) leads to
// the same 2.x type as mapping the definition text it was declared from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { columnTo014, parseType014, sameColumnType, toType2x, type UnsignedPolicy } from '../../common/src/djtypes';
import { testServer, uniquePrefix } from '../db/harness';

/** 0.14.6 spellings and the column 0.14.6 created for them: [spelling, column SQL, comment label]. */
const DECLARED: Array<[string, string, string]> = [
  ['int', 'int', ''],
  ['int(11)', 'int(11)', ''],
  ['integer', 'integer', ''],
  ['int unsigned', 'int unsigned', ''],
  ['int(10) unsigned', 'int(10) unsigned', ''],
  ['tinyint', 'tinyint', ''],
  ['tinyint unsigned', 'tinyint unsigned', ''],
  ['smallint', 'smallint', ''],
  ['smallint unsigned', 'smallint unsigned', ''],
  ['mediumint', 'mediumint', ''],
  ['mediumint unsigned', 'mediumint unsigned', ''],
  ['bigint', 'bigint', ''],
  ['bigint unsigned', 'bigint unsigned', ''],
  ['int8', 'int8', ''],
  ['float', 'float', ''],
  ['double', 'double', ''],
  ['real', 'real', ''],
  ['float(7,3)', 'float(7,3)', ''],
  ['double unsigned', 'double unsigned', ''],
  ['decimal(6,2)', 'decimal(6,2)', ''],
  ['decimal(6, 2)', 'decimal(6, 2)', ''],
  ['decimal', 'decimal', ''],
  ['decimal(8)', 'decimal(8)', ''],
  ['decimal(6,2) unsigned', 'decimal(6,2) unsigned', ''],
  ['numeric(5,1)', 'numeric(5,1)', ''],
  ['varchar(32)', 'varchar(32)', ''],
  ['char(8)', 'char(8)', ''],
  ['date', 'date', ''],
  ['datetime', 'datetime', ''],
  ['datetime(3)', 'datetime(3)', ''],
  ['time', 'time', ''],
  ['timestamp', 'timestamp', ''],
  ['year', 'year', ''],
  ["enum('M', 'F', 'U')", "enum('M', 'F', 'U')", ''],
  ['json', 'json', ''],
  ['bool', 'bool', ''],
  ['boolean', 'boolean', ''],
  ['uuid', 'binary(16)', ':uuid:'],
  ['longblob', 'longblob', ''],
  ['mediumblob', 'mediumblob', ''],
  ['tinyblob', 'tinyblob', ''],
  ['blob', 'blob', ''],
  ['attach', 'longblob', ':attach:'],
  ['blob@raw', 'binary(16)', ':blob@raw:'],
  ['blob@external-raw', 'binary(16)', ':blob@external-raw:'],
  ['attach@attachments', 'binary(16)', ':attach@attachments:'],
  ['filepath@files', 'binary(16)', ':filepath@files:'],
  ['<graph>', 'longblob', ':<graph>:'],
];

let conn: mysql.Connection;
let schema: string;

before(async () => {
  conn = await mysql.createConnection({ ...testServer });
  schema = `${uniquePrefix()}types`;
  await conn.query(`CREATE DATABASE \`${schema}\``);
});

after(async () => {
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
  } finally {
    await conn.end();
  }
});

interface CatalogueRow {
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  COLUMN_COMMENT: string;
}

async function createAndRead(table: string, columns: Array<{ sql: string; comment: string }>): Promise<CatalogueRow[]> {
  const body = columns.map((c, i) => `\`c${i}\` ${c.sql} NULL COMMENT ${conn.escape(c.comment)}`).join(',\n');
  await conn.query(`CREATE TABLE \`${schema}\`.\`${table}\` (\n${body}\n) ENGINE=InnoDB`);
  const [rows] = await conn.query(
    'SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [schema, table],
  );
  return rows as CatalogueRow[];
}

for (const policy of ['widen', 'native'] as UnsignedPolicy[]) {
  test(`every column type the mapping declares (${policy}) is accepted and reads back as the same column`, async () => {
    const mapped = DECLARED.map(([spelling]) => toType2x(parseType014(spelling), policy)).filter((t) => !t.failsIn2x);
    const rows = await createAndRead(
      `declared_${policy}`,
      mapped.map((t) => ({ sql: t.sql, comment: t.label ? `:${t.label}:` : '' })),
    );
    assert.equal(rows.length, mapped.length);
    rows.forEach((r, i) =>
      assert.ok(
        sameColumnType(mapped[i].sql, r.COLUMN_TYPE),
        `${mapped[i].spelling}: declared ${mapped[i].sql}, server reports ${r.COLUMN_TYPE}`,
      ),
    );
  });
}

test('a 0.14.6 column read back from the catalogue maps to the same 2.x type as its definition text', async () => {
  const rows = await createAndRead(
    'legacy',
    DECLARED.map(([, sql, comment]) => ({ sql, comment })),
  );
  for (const policy of ['widen', 'native'] as UnsignedPolicy[]) {
    rows.forEach((r, i) => {
      const [spelling] = DECLARED[i];
      const fromCode = toType2x(parseType014(spelling), policy);
      const fromDb = toType2x(columnTo014(r.COLUMN_TYPE, r.COLUMN_COMMENT), policy);
      assert.ok(
        sameColumnType(fromCode.sql, fromDb.sql),
        `${spelling} (${policy}): code ${fromCode.sql}, catalogue ${r.COLUMN_TYPE} → ${fromDb.sql}`,
      );
      // tinyint(1) is how the server stores bool/boolean; reading it back as bool is the documented choice.
      const label = (l: string | null) => (l === null ? null : l.replace(/\s+/g, ''));
      assert.equal(label(fromDb.label), label(fromCode.label), `${spelling} (${policy}): label`);
      assert.equal(fromDb.phase, fromCode.phase, `${spelling}: phase`);
    });
  }
});

test('tinyint(1) declared in code is int8, read from the server it is bool: the same column either way', async () => {
  const [row] = await createAndRead('flag', [{ sql: 'tinyint(1)', comment: '' }]);
  const fromDb = toType2x(columnTo014(row.COLUMN_TYPE, row.COLUMN_COMMENT));
  const fromCode = toType2x(parseType014('tinyint(1)'));
  assert.deepEqual([fromDb.spelling, fromCode.spelling], ['bool', 'int8']);
  assert.ok(sameColumnType(fromDb.sql, fromCode.sql));
});

// Reading changed keys out of `mariadb-binlog --verbose --base64-output=DECODE-ROWS` text (binlogRows.ts):
// the output below is what MariaDB 10.11 prints (MySQL 8's mysqlbinlog prints row images the same way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Column, Table } from '../../client/src/db/model';
import { keyValues, parseRowLog, unescapeAll } from '../../client/src/db/cutover/binlogRows';

function col(name: string, columnType: string, charset: string | null = null): Column {
  return { name, columnType, dataType: columnType.replace(/[( ].*/, ''), charset } as Column;
}

function table(name: string, columns: Column[], primaryKey: string[], foreignKeys: Table['foreignKeys'] = []): Table {
  return { schema: 'db', name, columns, primaryKey, foreignKeys } as unknown as Table;
}

const parent = table(
  'p',
  [col('a', 'int(10) unsigned'), col('b', 'varchar(20)', 'utf8mb4'), col('v', 'double')],
  ['a', 'b'],
);
const child = table(
  'c',
  [col('a', 'int(10) unsigned'), col('b', 'varchar(20)', 'utf8mb4'), col('i', 'int(11)')],
  ['a', 'b', 'i'],
  [
    {
      name: 'fk',
      columns: ['a', 'b'],
      refSchema: 'db',
      refTable: 'p',
      refColumns: ['a', 'b'],
      onUpdate: 'CASCADE',
      onDelete: 'RESTRICT',
    },
  ],
);

const log = (events: string) =>
  `# at 4\n#261206 21:08:35 server id 1  end_log_pos 1079 CRC32 0x4d822a4b \tWrite_rows: table id 18 flags: STMT_END_F\n${events}\n# Number of rows: 1\nCOMMIT/*!*/;\n`;

/** One UPDATE row event of db.p in mysqlbinlog's verbose form: the before and after values of @1, @2, @3. */
const updateOfP = (before: string[], after: string[]) =>
  ['### UPDATE `db`.`p`', '### WHERE', ...before.map((v, i) => `###   @${i + 1}=${v}`), '### SET']
    .concat(after.map((v, i) => `###   @${i + 1}=${v}`))
    .join('\n');

test('inserts, updates (both keys), deletes; unsigned and escaped values read as the key values', () => {
  const r = parseRowLog(
    log(
      [
        '### INSERT INTO `db`.`p`',
        '### SET',
        '###   @1=-1294967296 (3000000000)',
        "###   @2='x\\x0ay'",
        '###   @3=1.5',
        '### UPDATE `db`.`p`',
        '### WHERE',
        '###   @1=2',
        "###   @2='b'",
        '###   @3=NULL',
        '### SET',
        '###   @1=2',
        "###   @2='b'",
        '###   @3=2',
        '### DELETE FROM `db`.`p`',
        '### WHERE',
        '###   @1=7',
        "###   @2='gone'",
        '###   @3=1',
        '### INSERT INTO `other`.`t`',
        '### SET',
        '###   @1=1',
      ].join('\n'),
    ),
    [parent, child],
  );
  assert.deepEqual(r.unsure, new Map());
  // the escaped newline reads both ways (a newline, or the four characters as typed)
  assert.deepEqual(r.keys.get('db.p'), [
    ['3000000000', 'x\ny'],
    ['3000000000', 'x\\x0ay'],
    ['2', 'b'],
    ['7', 'gone'],
  ]);
  assert.equal(r.keys.has('db.c'), false);
});

test('a key change cascades to the children, which the log does not show: they fall back by name', () => {
  const r = parseRowLog(log(updateOfP(['2', "'b'", '1'], ['3', "'b'", '1'])), [parent, child]);
  assert.deepEqual(r.keys.get('db.p'), [
    ['2', 'b'],
    ['3', 'b'],
  ]);
  assert.match(r.unsure.get('db.c') ?? '', /ON UPDATE CASCADE from db\.p/);
  // a change of a non-key column does not reach the child
  const plain = parseRowLog(log(updateOfP(['2', "'b'", '1'], ['2', "'b'", '5'])), [parent, child]);
  assert.equal(plain.unsure.has('db.c'), false);
});

test('statements, unknown lines and unreadable key types make the tables unsure', () => {
  const ddl = parseRowLog(
    '#261206 21:08:35 server id 1  end_log_pos 2007 CRC32 0xf05b38d8 \tQuery\tthread_id=5\texec_time=0\terror_code=0\nSET TIMESTAMP=1796591315/*!*/;\nalter table db.p add column z int\n/*!*/;\n',
    [parent],
  );
  assert.match(ddl.unsure.get('db.p') ?? '', /statement .*alter table/);
  const begin = parseRowLog(
    '#261206 21:08:35 server id 1  end_log_pos 2007 CRC32 0xf05b38d8 \tQuery\tthread_id=5\texec_time=0\terror_code=0\nSET TIMESTAMP=1796591315/*!*/;\nBEGIN\n/*!*/;\n',
    [parent],
  );
  assert.deepEqual(begin.unsure, new Map());
  const odd = parseRowLog(log('### REPLACE INTO `db`.`p`'), [parent]);
  assert.match(odd.unsure.get('db.p') ?? '', /not understood/);
  const float = table('f', [col('x', 'double')], ['x']);
  const r = parseRowLog(log('### INSERT INTO `db`.`f`\n### SET\n###   @1=0.1'), [float]);
  assert.match(r.unsure.get('db.f') ?? '', /cannot be read exactly/);
});

test('key values by type: binary padded, dates, enum index, timestamps in UTC, invalid UTF-8 rejected', () => {
  assert.deepEqual(keyValues(col('h', 'binary(4)', null), "'A'"), [Buffer.from([0x41, 0, 0, 0])]);
  assert.deepEqual(keyValues(col('d', 'date'), "'2024:06:01'"), ['2024-06-01']);
  assert.deepEqual(keyValues(col('t', 'datetime'), "'2024-06-01 10:00:00'"), ['2024-06-01 10:00:00']);
  assert.deepEqual(keyValues(col('e', "enum('a','b')"), '2'), [2]);
  assert.deepEqual(keyValues(col('s', 'timestamp'), '0'), ['1970-01-01 00:00:00']);
  assert.deepEqual(keyValues(col('i', 'int(11)'), '-5 (4294967291)'), ['-5']);
  assert.deepEqual(keyValues(col('u', 'varchar(9)', 'utf8mb4'), `'${Buffer.from('é', 'utf8').toString('latin1')}'`), [
    'é',
  ]);
  assert.match(String(keyValues(col('u', 'varchar(9)', 'utf8mb4'), "'\u00e9'")), /cannot be read exactly/);
  assert.match(String(keyValues(col('n', 'int(11)'), 'NULL')), /cannot/);
  assert.deepEqual(unescapeAll('a\\x41'), [Buffer.from('a\\x41', 'latin1')]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  parseType014,
  toType2x,
  columnTo014,
  parse2xLabel,
  uintIntent,
  normalizeColumnType,
  sameColumnType,
  composeComment2x,
  splitLabel,
  type Kind014,
  type UnsignedPolicy,
} from '../../common/src/djtypes';
import { fixturesDir } from '../helpers/paths';

// ---- parseType014: every 0.14.6 spelling of api-changes.md §2.1 ----

const PARSE: Array<
  [
    string,
    Kind014,
    string,
    Partial<{ unsigned: boolean; autoIncrement: boolean; args: string; store: string; adapter: string }>,
  ]
> = [
  ['int', 'integer', 'int', { unsigned: false }],
  ['int(11)', 'integer', 'int', { args: '11' }],
  ['INT(11)', 'integer', 'int', { args: '11' }],
  ['integer', 'integer', 'int', {}],
  ['int unsigned', 'integer', 'int', { unsigned: true }],
  ['int(10) unsigned', 'integer', 'int', { unsigned: true, args: '10' }],
  ['INT  UNSIGNED', 'integer', 'int', { unsigned: true }],
  ['tinyint', 'integer', 'tinyint', {}],
  ['tinyint unsigned', 'integer', 'tinyint', { unsigned: true }],
  ['tinyint(1)', 'integer', 'tinyint', { args: '1' }],
  ['smallint', 'integer', 'smallint', {}],
  ['smallint unsigned', 'integer', 'smallint', { unsigned: true }],
  ['mediumint', 'integer', 'mediumint', {}],
  ['mediumint unsigned', 'integer', 'mediumint', { unsigned: true }],
  ['bigint', 'integer', 'bigint', {}],
  ['bigint unsigned', 'integer', 'bigint', { unsigned: true }],
  ['int auto_increment', 'integer', 'int', { autoIncrement: true }],
  ['int unsigned auto_increment', 'integer', 'int', { unsigned: true, autoIncrement: true }],
  ['serial', 'integer', 'serial', { unsigned: true, autoIncrement: true }],
  ['int8', 'integer', 'int8', {}],
  ['float', 'float', 'float', {}],
  ['double', 'float', 'double', {}],
  ['real', 'float', 'real', {}],
  ['float(7,3)', 'float', 'float', { args: '7,3' }],
  ['float(24)', 'float', 'float', { args: '24' }],
  ['float unsigned', 'float', 'float', { unsigned: true }],
  ['double unsigned', 'float', 'double', { unsigned: true }],
  ['double precision', 'float', 'double precision', {}],
  ['decimal(6,2)', 'decimal', 'decimal', { args: '6,2' }],
  ['decimal(6, 2)', 'decimal', 'decimal', { args: '6, 2' }],
  ['decimal', 'decimal', 'decimal', {}],
  ['decimal(8)', 'decimal', 'decimal', { args: '8' }],
  ['decimal(6,2) unsigned', 'decimal', 'decimal', { args: '6,2', unsigned: true }],
  ['numeric(5,1)', 'decimal', 'numeric', { args: '5,1' }],
  ['numeric', 'decimal', 'numeric', {}],
  ['varchar(32)', 'string', 'varchar', { args: '32' }],
  ['VARCHAR(32)', 'string', 'varchar', { args: '32' }],
  ['char(8)', 'string', 'char', { args: '8' }],
  ['date', 'temporal', 'date', {}],
  ['datetime', 'temporal', 'datetime', {}],
  ['datetime(3)', 'temporal', 'datetime', { args: '3' }],
  ['time', 'temporal', 'time', {}],
  ['time(6)', 'temporal', 'time', { args: '6' }],
  ['timestamp', 'temporal', 'timestamp', {}],
  ['timestamp(3)', 'temporal', 'timestamp', { args: '3' }],
  ['year', 'temporal', 'year', {}],
  ["enum('a','b')", 'enum', 'enum', { args: "'a','b'" }],
  ["enum('M', 'F', 'U')", 'enum', 'enum', { args: "'M', 'F', 'U'" }],
  ['json', 'json', 'json', {}],
  ['uuid', 'uuid', 'uuid', {}],
  ['bool', 'bool', 'bool', {}],
  ['boolean', 'bool', 'boolean', {}],
  ['BOOLEAN', 'bool', 'boolean', {}],
  ['longblob', 'blob', 'longblob', {}],
  ['mediumblob', 'blob', 'mediumblob', {}],
  ['tinyblob', 'blob', 'tinyblob', {}],
  ['blob', 'blob', 'blob', {}],
  ['LONGBLOB', 'blob', 'longblob', {}],
  ['attach', 'attach', 'attach', {}],
  ['blob@raw', 'blob@', 'blob', { store: 'raw' }],
  ['blob@external-raw', 'blob@', 'blob', { store: 'external-raw' }],
  ['attach@attachments', 'attach@', 'attach', { store: 'attachments' }],
  ['filepath@files', 'filepath@', 'filepath', { store: 'files' }],
  ['<graph>', 'adapted', 'graph', { adapter: 'graph' }],
  ['text', 'string', 'text', {}],
  ['mediumtext', 'string', 'mediumtext', {}],
  ['int32', 'native2x', 'int32', {}],
  ['int64', 'native2x', 'int64', {}],
  ['float32', 'native2x', 'float32', {}],
  ['bytes', 'native2x', 'bytes', {}],
  ['<blob>', 'native2x', 'blob', {}],
  ['<attach>', 'native2x', 'attach', {}],
  ['<blob@raw>', 'native2x', 'blob', { store: 'raw' }],
  ['<filepath@files>', 'native2x', 'filepath', { store: 'files' }],
  ['<blob@>', 'native2x', 'blob', { store: '' }],
  ['uint32', 'unknown', 'uint32', {}],
  ['varbinary(16)', 'unknown', 'varbinary', {}],
];

for (const [text, kind, base, extra] of PARSE) {
  test(`parseType014(${JSON.stringify(text)})`, () => {
    const t = parseType014(text);
    assert.equal(t.kind, kind);
    assert.equal(t.base, base);
    assert.equal(t.text, text.trim());
    assert.equal(t.unsigned, extra.unsigned ?? false);
    assert.equal(t.autoIncrement, extra.autoIncrement ?? false);
    if ('args' in extra) assert.equal(t.args, extra.args);
    if ('store' in extra) assert.equal(t.store, extra.store);
    if ('adapter' in extra) assert.equal(t.adapter, extra.adapter);
  });
}

test('enum values keep their blanks and case', () => {
  const t = parseType014("ENUM('a  b', 'C')");
  assert.equal(t.args, "'a  b', 'C'");
  assert.equal(toType2x(t).spelling, "enum('a  b', 'C')");
});

test('parseType014 ignores surrounding blanks and keeps the written text', () => {
  const t = parseType014('  int   unsigned  ');
  assert.equal(t.text, 'int   unsigned');
  assert.equal(t.unsigned, true);
});

// ---- toType2x under the default policy ----

type Row = [string, string, string | null, string, { native?: boolean; phase?: 1 | 2; fails?: boolean; note?: RegExp }];
const WIDEN: Row[] = [
  ['int', 'int32', 'int32', 'int', {}],
  ['int(11)', 'int32', 'int32', 'int', {}],
  ['integer', 'int32', 'int32', 'int', {}],
  ['tinyint', 'int8', 'int8', 'tinyint', {}],
  ['tinyint(1)', 'int8', 'int8', 'tinyint', { note: /bool/ }],
  ['smallint', 'int16', 'int16', 'smallint', {}],
  ['bigint', 'int64', 'int64', 'bigint', {}],
  ['mediumint', 'int32', 'int32', 'int', { note: /24-bit/ }],
  ['tinyint unsigned', 'int16', 'int16', 'smallint', { note: /widened/ }],
  ['smallint unsigned', 'int32', 'int32', 'int', { note: /widened/ }],
  ['mediumint unsigned', 'int32', 'int32', 'int', { note: /widened/ }],
  ['int unsigned', 'int64', 'int64', 'bigint', { note: /widened/ }],
  ['int(10) unsigned', 'int64', 'int64', 'bigint', {}],
  ['bigint unsigned', 'bigint unsigned', null, 'bigint unsigned', { native: true, note: /no lossless core type/ }],
  ['int auto_increment', 'int auto_increment', null, 'int', { native: true, note: /auto_increment/ }],
  ['int unsigned auto_increment', 'int unsigned auto_increment', null, 'int unsigned', { native: true }],
  ['serial', 'serial', null, 'bigint unsigned', { native: true }],
  ['int8', 'int64', 'int64', 'bigint', { note: /BIGINT/ }],
  ['float', 'float32', 'float32', 'float', {}],
  ['double', 'float64', 'float64', 'double', {}],
  ['real', 'float64', 'float64', 'double', { note: /REAL_AS_FLOAT/ }],
  ['double precision', 'float64', 'float64', 'double', { note: /rejected by 0.14.6/ }],
  ['float(7,3)', 'float(7,3)', null, 'float(7,3)', { native: true }],
  ['float unsigned', 'float unsigned', null, 'float unsigned', { native: true }],
  ['double unsigned', 'double unsigned', null, 'double unsigned', { native: true }],
  ['decimal(6,2)', 'decimal(6,2)', 'decimal(6,2)', 'decimal(6,2)', {}],
  ['decimal(6, 2)', 'decimal(6, 2)', 'decimal(6, 2)', 'decimal(6, 2)', {}],
  ['decimal(6,2) unsigned', 'decimal(6,2)', 'decimal(6,2)', 'decimal(6,2)', { note: /unsigned qualifier is dropped/ }],
  ['decimal', 'decimal(10,0)', 'decimal(10,0)', 'decimal(10,0)', { note: /needs a human/ }],
  ['decimal(8)', 'decimal(8,0)', 'decimal(8,0)', 'decimal(8,0)', { note: /needs a human/ }],
  ['numeric(5,1)', 'decimal(5,1)', 'decimal(5,1)', 'decimal(5,1)', {}],
  ['numeric', 'decimal(10,0)', 'decimal(10,0)', 'decimal(10,0)', { note: /needs a human/ }],
  ['varchar(32)', 'varchar(32)', 'varchar(32)', 'varchar(32)', {}],
  ['VARCHAR(32)', 'varchar(32)', 'varchar(32)', 'varchar(32)', {}],
  ['char(8)', 'char(8)', 'char(8)', 'char(8)', {}],
  ['date', 'date', 'date', 'date', {}],
  ['datetime', 'datetime', 'datetime', 'datetime', {}],
  ['datetime(3)', 'datetime(3)', 'datetime(3)', 'datetime(3)', {}],
  ['time', 'time', null, 'time', { native: true }],
  ['timestamp', 'timestamp', null, 'timestamp', { native: true }],
  ['timestamp(3)', 'timestamp(3)', null, 'timestamp(3)', { native: true }],
  ['year', 'year', null, 'year', { native: true }],
  ["enum('M', 'F', 'U')", "enum('M', 'F', 'U')", "enum('M', 'F', 'U')", "enum('M', 'F', 'U')", {}],
  ["ENUM('a','b')", "enum('a','b')", "enum('a','b')", "enum('a','b')", {}],
  ['json', 'json', 'json', 'json', {}],
  ['uuid', 'uuid', 'uuid', 'binary(16)', {}],
  ['bool', 'bool', 'bool', 'tinyint', {}],
  ['boolean', 'bool', 'bool', 'tinyint', {}],
  ['longblob', '<blob>', '<blob>', 'longblob', { note: /relabelled/ }],
  ['mediumblob', '<blob>', '<blob>', 'longblob', { note: /LONGBLOB/ }],
  ['tinyblob', '<blob>', '<blob>', 'longblob', {}],
  ['blob', '<blob>', '<blob>', 'longblob', { note: /LONGBLOB/ }],
  ['attach', '<attach>', '<attach>', 'longblob', {}],
  ['blob@raw', '<blob@raw>', '<blob@raw>', 'json', { phase: 2 }],
  ['blob@external-raw', '<blob@external-raw>', '<blob@external-raw>', 'json', { phase: 2 }],
  ['attach@attachments', '<attach@attachments>', '<attach@attachments>', 'json', { phase: 2 }],
  ['filepath@files', '<filepath@files>', '<filepath@files>', 'json', { phase: 2, note: /ObjectRef/ }],
  ['<graph>', '<graph>', '<graph>', 'longblob', { note: /dj\.Codec/ }],
  ['text', 'text', null, 'text', { native: true, note: /rejected by 0.14.6/ }],
  ['int32', 'int32', 'int32', 'int', {}],
  ['<blob@raw>', '<blob@raw>', '<blob@raw>', 'json', { phase: 2 }],
  ['<blob@>', '<blob@>', '<blob@>', 'json', { phase: 2, note: /every write fails/ }],
  ['<filepath>', '<filepath>', '<filepath>', 'json', { phase: 2, fails: true }],
  ['bytes', 'bytes', 'bytes', 'longblob', {}],
  ['uint32', 'uint32', null, 'int unsigned', { fails: true, note: /Unsupported attribute type/ }],
];

for (const [text, spelling, label, sql, o] of WIDEN) {
  test(`toType2x(${JSON.stringify(text)}, widen)`, () => {
    const t = toType2x(parseType014(text), 'widen');
    assert.equal(t.spelling, spelling);
    assert.equal(t.label, label);
    assert.equal(t.sql, sql);
    assert.equal(t.native, o.native ?? false);
    assert.equal(t.phase, o.phase ?? 1);
    assert.equal(t.failsIn2x ?? false, o.fails ?? false);
    if (o.note)
      assert.ok(
        t.notes.some((n) => o.note!.test(n)),
        `notes ${JSON.stringify(t.notes)} should match ${o.note}`,
      );
    if (t.native)
      assert.ok(
        t.notes.some((n) => /Native type/.test(n)),
        'native types carry the 2.x warning note',
      );
  });
}

const POLICIES: Array<[string, UnsignedPolicy, string, string | null, string, boolean, boolean]> = [
  // text, policy, spelling, label, sql, native, failsIn2x
  ['tinyint unsigned', 'native', 'tinyint unsigned', null, 'tinyint unsigned', true, false],
  ['int(10) unsigned', 'native', 'int unsigned', null, 'int unsigned', true, false],
  ['integer unsigned', 'native', 'int unsigned', null, 'int unsigned', true, false],
  ['mediumint', 'native', 'mediumint', null, 'mediumint', true, false],
  ['bigint unsigned', 'native', 'bigint unsigned', null, 'bigint unsigned', true, false],
  ['decimal(6,2) unsigned', 'native', 'numeric(6,2) unsigned', null, 'numeric(6,2) unsigned', true, false],
  ['int', 'native', 'int32', 'int32', 'int', false, false],
  ['tinyint unsigned', 'uint', 'uint8', null, 'tinyint unsigned', false, true],
  ['smallint unsigned', 'uint', 'uint16', null, 'smallint unsigned', false, true],
  ['int unsigned', 'uint', 'uint32', null, 'int unsigned', false, true],
  ['bigint unsigned', 'uint', 'uint64', null, 'bigint unsigned', false, true],
  ['mediumint unsigned', 'uint', 'int32', 'int32', 'int', false, false],
  ['smallint', 'uint', 'int16', 'int16', 'smallint', false, false],
];
for (const [text, policy, spelling, label, sql, native, fails] of POLICIES) {
  test(`toType2x(${JSON.stringify(text)}, ${policy})`, () => {
    const t = toType2x(parseType014(text), policy);
    assert.deepEqual(
      [t.spelling, t.label, t.sql, t.native, t.failsIn2x ?? false],
      [spelling, label, sql, native, fails],
    );
    if (fails) assert.ok(t.notes.some((n) => /Unsupported attribute type/.test(n)));
  });
}

test('toType2x defaults to the widen policy', () => {
  assert.equal(toType2x(parseType014('int unsigned')).spelling, 'int64');
});

test('adapted types take their column from the adapter when it is known', () => {
  const blobAdapter = toType2x(parseType014('<graph>'), 'widen', { adapterTypes: { graph: 'longblob' } });
  assert.deepEqual(
    [blobAdapter.spelling, blobAdapter.label, blobAdapter.sql, blobAdapter.phase],
    ['<graph>', '<graph>', 'longblob', 1],
  );
  assert.ok(!blobAdapter.notes.some((n) => /assumed longblob/.test(n)));
  const storeAdapter = toType2x(parseType014('<graph>'), 'widen', { adapterTypes: { graph: 'blob@raw' } });
  assert.deepEqual(
    [storeAdapter.spelling, storeAdapter.label, storeAdapter.sql, storeAdapter.phase],
    ['<graph@raw>', '<graph@raw>', 'json', 2],
  );
  const unknown = toType2x(parseType014('<graph>'), 'widen', { adapterTypes: {} });
  assert.ok(unknown.notes.some((n) => /assumed longblob/.test(n)));
});

test('uintIntent reads the guide spellings as MySQL unsigned integers', () => {
  assert.equal(uintIntent('uint8')?.text, 'tinyint unsigned');
  assert.equal(uintIntent('UINT32')?.base, 'int');
  assert.equal(uintIntent('uint64')?.text, 'bigint unsigned');
  assert.equal(uintIntent('int32'), null);
  assert.equal(toType2x(uintIntent('uint16')!, 'widen').spelling, 'int32');
});

// ---- columnTo014: MariaDB 10.11 and MySQL 8 catalogue rows ----

const COLUMNS: Array<[string, string, string, Kind014, string]> = [
  // server, COLUMN_TYPE, COLUMN_COMMENT, kind, reconstructed 0.14.6 text
  ['MariaDB', 'int(11)', '', 'integer', 'int'],
  ['MySQL 8', 'int', '', 'integer', 'int'],
  ['MariaDB', 'int(10) unsigned', 'unique animal id', 'integer', 'int unsigned'],
  ['MySQL 8', 'int unsigned', 'unique animal id', 'integer', 'int unsigned'],
  ['MariaDB', 'tinyint(3) unsigned', '', 'integer', 'tinyint unsigned'],
  ['MySQL 8', 'tinyint unsigned', '', 'integer', 'tinyint unsigned'],
  ['MariaDB', 'smallint(5) unsigned', '', 'integer', 'smallint unsigned'],
  ['MariaDB', 'smallint(6)', '', 'integer', 'smallint'],
  ['MySQL 8', 'smallint', '', 'integer', 'smallint'],
  ['MariaDB', 'mediumint(8) unsigned', '', 'integer', 'mediumint unsigned'],
  ['MariaDB', 'bigint(20) unsigned', '', 'integer', 'bigint unsigned'],
  ['MySQL 8', 'bigint unsigned', '', 'integer', 'bigint unsigned'],
  ['MariaDB', 'bigint(20)', '', 'integer', 'bigint'],
  ['MariaDB', 'tinyint(4)', '', 'integer', 'tinyint'],
  ['MySQL 8', 'tinyint', '', 'integer', 'tinyint'],
  ['MariaDB', 'tinyint(1)', '', 'bool', 'bool'],
  ['MySQL 8', 'tinyint(1)', '', 'bool', 'bool'],
  ['both', 'decimal(6,2) unsigned', 'grams', 'decimal', 'decimal(6,2) unsigned'],
  ['both', 'decimal(10,0)', '', 'decimal', 'decimal(10,0)'],
  ['both', 'float', '', 'float', 'float'],
  ['both', 'double', 'Hz', 'float', 'double'],
  ['both', 'varchar(1024)', '', 'string', 'varchar(1024)'],
  ['both', 'char(32)', '', 'string', 'char(32)'],
  ['both', "enum('M','F','U')", '', 'enum', "enum('M','F','U')"],
  ['both', 'date', '', 'temporal', 'date'],
  ['both', 'datetime(3)', '', 'temporal', 'datetime(3)'],
  ['both', 'timestamp', '', 'temporal', 'timestamp'],
  ['MariaDB', 'year(4)', '', 'temporal', 'year'],
  ['MySQL 8', 'year', '', 'temporal', 'year'],
  ['MariaDB', 'longtext', '', 'json', 'json'],
  ['MySQL 8', 'json', '', 'json', 'json'],
  ['both', 'binary(16)', ':uuid:', 'uuid', 'uuid'],
  ['both', 'longblob', '', 'blob', 'longblob'],
  ['both', 'mediumblob', 'error stack', 'blob', 'mediumblob'],
  ['both', 'blob', '', 'blob', 'blob'],
  ['both', 'longblob', ':attach:in-table attachment', 'attach', 'attach'],
  ['both', 'binary(16)', ':blob@raw:raw trace', 'blob@', 'blob@raw'],
  ['both', 'binary(16)', ':blob@external-raw:downsampled trace', 'blob@', 'blob@external-raw'],
  ['both', 'binary(16)', ':attach@attachments:', 'attach@', 'attach@attachments'],
  ['both', 'binary(16)', ':filepath@files:', 'filepath@', 'filepath@files'],
  ['both', 'longblob', ':<graph>:adapted type', 'adapted', '<graph>'],
  ['both', 'longblob', ':<blob>:', 'native2x', '<blob>'],
  ['both', 'json', ':<blob@raw>:raw trace', 'native2x', '<blob@raw>'],
  ['both', 'bigint', ':int64:unique animal id', 'native2x', 'int64'],
  ['both', 'varchar(16)', ':varchar(16):', 'string', 'varchar(16)'],
  ['both', 'varchar(16)', 'a comment with :colons: inside', 'string', 'varchar(16)'],
];
for (const [server, columnType, comment, kind, text] of COLUMNS) {
  test(`columnTo014(${server} ${columnType}, ${JSON.stringify(comment)})`, () => {
    const t = columnTo014(columnType, comment);
    assert.equal(t.kind, kind);
    assert.equal(t.text, text);
  });
}

test('MariaDB and MySQL 8 spellings of the same column map to the same 2.x type', () => {
  const pairs: Array<[string, string]> = [
    ['int(10) unsigned', 'int unsigned'],
    ['tinyint(3) unsigned', 'tinyint unsigned'],
    ['smallint(6)', 'smallint'],
    ['bigint(20) unsigned', 'bigint unsigned'],
    ['longtext', 'json'],
    ['int(11)', 'int'],
    ['tinyint(4)', 'tinyint'],
  ];
  for (const policy of ['widen', 'native'] as const) {
    for (const [maria, mysql] of pairs) {
      assert.deepEqual(
        toType2x(columnTo014(maria, ''), policy),
        toType2x(columnTo014(mysql, ''), policy),
        `${maria} vs ${mysql} (${policy})`,
      );
    }
  }
});

// ---- normalizeColumnType / sameColumnType ----

test('normalizeColumnType resolves server spellings and keeps quoted values', () => {
  assert.equal(normalizeColumnType('int(11)'), 'int');
  assert.equal(normalizeColumnType('INT(10) UNSIGNED'), 'int unsigned');
  assert.equal(normalizeColumnType("enum('M', 'F', 'U')"), "enum('M','F','U')");
  assert.equal(normalizeColumnType("enum('a b', 'C')"), "enum('a b','C')");
  assert.equal(normalizeColumnType('decimal(6, 2)'), 'decimal(6,2)');
  assert.equal(normalizeColumnType('numeric(6,2) unsigned'), 'decimal(6,2) unsigned');
  assert.equal(normalizeColumnType('decimal'), 'decimal(10,0)');
  assert.equal(normalizeColumnType('decimal(8)'), 'decimal(8,0)');
  assert.equal(normalizeColumnType('bool'), 'tinyint');
  assert.equal(normalizeColumnType('tinyint(1)'), 'tinyint');
  assert.equal(normalizeColumnType('integer'), 'int');
  assert.equal(normalizeColumnType('year(4)'), 'year');
  assert.equal(normalizeColumnType('double precision'), 'double');
  assert.ok(sameColumnType('json', 'longtext'));
  assert.ok(sameColumnType('bigint(20)', 'bigint'));
  assert.ok(!sameColumnType('int unsigned', 'int'));
  assert.ok(!sameColumnType('varchar(16)', 'varchar(32)'));
  assert.ok(!sameColumnType("enum('a','b')", "enum('A','b')"));
});

// ---- parse2xLabel ----

const LABELS: Array<
  [string, string, boolean, Partial<{ core: string; codec: string; store: string; rest: string; reason: RegExp }>]
> = [
  ['plain comment', 'none', true, { rest: 'plain comment' }],
  ['', 'none', true, { rest: '' }],
  [':int64:unique animal id', 'core', true, { core: 'int64', rest: 'unique animal id' }],
  [':int8:', 'core', true, { core: 'int8' }],
  [':bool:', 'core', true, { core: 'bool' }],
  [':uuid:', 'core', true, { core: 'uuid' }],
  [':json:', 'core', true, { core: 'json' }],
  [':bytes:', 'core', true, { core: 'bytes' }],
  [':varchar(32):', 'core', true, { core: 'varchar' }],
  [':datetime(3):', 'core', true, { core: 'datetime' }],
  [":enum('M', 'F', 'U'):", 'core', true, { core: 'enum' }],
  [':decimal(6,2):grams', 'core', true, { core: 'decimal', rest: 'grams' }],
  [':<blob>:', 'codec', true, { codec: 'blob' }],
  [':<attach>:in-table attachment', 'codec', true, { codec: 'attach', rest: 'in-table attachment' }],
  [':<blob@raw>:raw trace', 'codec', true, { codec: 'blob', store: 'raw' }],
  [':<filepath@files>:', 'codec', true, { codec: 'filepath', store: 'files' }],
  [':<graph>:adapted type', 'codec', true, { codec: 'graph', reason: /dj\.Codec/ }],
  [':<blob@>:', 'codec', true, { codec: 'blob', store: '', reason: /every write fails/ }],
  [':<filepath>:', 'codec', false, { codec: 'filepath', reason: /requires @store/ }],
  [':uint32:', 'invalid', false, { reason: /not a 2.x core type/ }],
  [':uint8:', 'invalid', false, {}],
  [':int24:', 'invalid', false, {}],
  [':decimal(6,2) unsigned:', 'invalid', false, {}],
  [':blob@raw:raw trace', 'legacy', false, { reason: /<blob@raw>/ }],
  [':attach:', 'legacy', false, { reason: /<attach>/ }],
  [':filepath@files:', 'legacy', false, {}],
  [':external-raw:', 'invalid', false, { reason: /Legacy datatype/ }],
];
for (const [comment, kind, valid, o] of LABELS) {
  test(`parse2xLabel(${JSON.stringify(comment)})`, () => {
    const l = parse2xLabel(comment);
    assert.equal(l.kind, kind);
    assert.equal(l.valid, valid);
    if (o.core) assert.equal(l.core, o.core);
    if (o.codec) assert.equal(l.codec, o.codec);
    if ('store' in o) assert.equal(l.store, o.store);
    if ('rest' in o) assert.equal(l.rest, o.rest);
    if (o.reason) assert.match(l.reason ?? '', o.reason);
  });
}

test('composeComment2x and splitLabel round-trip', () => {
  assert.equal(composeComment2x('int64', 'unique animal id'), ':int64:unique animal id');
  assert.equal(composeComment2x(null, 'Hz'), 'Hz');
  assert.deepEqual(splitLabel(composeComment2x('<blob@raw>', 'raw: trace')), {
    label: '<blob@raw>',
    rest: 'raw: trace',
  });
});

// ---- the real dumps: dj014 columns mapped by the one mapping reproduce what 2.x created ----

interface DumpColumn {
  type: string;
  comment: string;
  inherited: boolean;
}
type DumpTables = Map<string, Map<string, DumpColumn>>;

/** Columns of every non-hidden table of a mariadb-dump, keyed `schema-suffix.table` (the djfix/djfix2 prefix dropped). */
function readDump(file: string): DumpTables {
  const tables: DumpTables = new Map();
  let schema = '';
  let current: { name: string; cols: Map<string, DumpColumn> } | null = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const use = /^USE `([^`]+)`;/.exec(line);
    if (use) schema = use[1].replace(/^djfix2?_/, '');
    const create = /^CREATE TABLE `([^`]+)` \($/.exec(line);
    if (create) {
      current = create[1].startsWith('~') ? null : { name: `${schema}.${create[1]}`, cols: new Map() };
      if (current) tables.set(current.name, current.cols);
      continue;
    }
    if (!current) continue;
    const col = /^ {2}`([^`]+)` (\S+(?: unsigned)?)(.*?),?$/.exec(line);
    if (col) {
      const comment = /COMMENT '((?:[^'\\]|''|\\.)*)'/.exec(col[3]);
      const text = comment ? comment[1].replace(/''/g, "'").replace(/\\(.)/g, '$1') : '';
      current.cols.set(col[1], { type: col[2], comment: text, inherited: false });
      continue;
    }
    const fk = /FOREIGN KEY \(([^)]*)\) REFERENCES (?:`[^`]+`\.)?`([^`]+)`/.exec(line);
    if (fk && !fk[2].startsWith('~')) {
      for (const name of fk[1].split(',').map((c) => c.trim().replace(/`/g, '')))
        current.cols.get(name)!.inherited = true;
    }
    if (/^\) ENGINE/.test(line)) current = null;
  }
  return tables;
}

test('every dj014 column maps to the column type and label the real 2.x created (dj2 dump)', () => {
  const old = readDump(path.join(fixturesDir, 'dj014', 'pipeline.sql'));
  const dj2 = readDump(path.join(fixturesDir, 'dj2', 'pipeline.sql'));
  assert.ok(old.size >= 10, `expected the fixture's tables, got ${[...old.keys()]}`);
  let compared = 0;
  for (const [table, cols] of old) {
    const target = dj2.get(table);
    assert.ok(target, `dj2 has table ${table}`);
    assert.deepEqual([...cols.keys()], [...target.keys()], `${table}: same columns in the same order`);
    for (const [name, col] of cols) {
      const want = target.get(name)!;
      const mapped = toType2x(columnTo014(col.type, col.comment), 'widen');
      assert.ok(
        sameColumnType(mapped.sql, want.type),
        `${table}.${name}: ${col.type} → ${mapped.sql}, 2.x made ${want.type}`,
      );
      const got = parse2xLabel(want.comment);
      if (col.inherited) {
        // 2.x copies a parent's column without its core label (heading.py), keeping only :uuid:.
        assert.equal(got.label === null || got.label === 'uuid', true, `${table}.${name} inherited label ${got.label}`);
      } else if (mapped.label === null) {
        assert.equal(got.label, null, `${table}.${name}: native type, 2.x wrote no label`);
      } else {
        assert.equal(normalizeColumnType(mapped.label), normalizeColumnType(got.label ?? ''), `${table}.${name} label`);
      }
      assert.equal(got.rest, splitLabel(col.comment).rest, `${table}.${name}: the comment text is kept`);
      compared++;
    }
  }
  assert.ok(compared >= 60, `compared ${compared} columns`);
});

// Canonical values of the cross-server engine (client/src/db/cross/canon.ts) and the SQL literals the MySQL
// target side writes them as (mysqlSide.ts sqlLiteral): literals equal what mysql2 formats for `?`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2';
import { canonFromMysql, compareCanon, keyText, uuidText } from '../../client/src/db/cross/canon';
import { sqlLiteral } from '../../client/src/db/cross/mysqlSide';

test('literals: escaped like mysql2 parameters; integers and decimals unquoted; uuids as bytes', () => {
  for (const v of ["it's", 'back\\slash', 'nul\0byte', 'line\nbreak', 'plain', '"q"', 'ü∑', ''])
    assert.equal(sqlLiteral('text', v), mysql.format('?', [v]), JSON.stringify(v));
  assert.equal(sqlLiteral('bytes', Buffer.from([0, 39, 92])), "X'00275c'");
  assert.equal(sqlLiteral('bytes', Buffer.alloc(0)), "''");
  assert.equal(sqlLiteral('int', '18446744073709551615'), '18446744073709551615');
  assert.equal(sqlLiteral('int', "1' OR '1"), mysql.format('?', ["1' OR '1"]), 'a non-integer is quoted');
  assert.equal(sqlLiteral('decimal', '-12.50'), '-12.50');
  assert.equal(sqlLiteral('float', 0.1), '0.1');
  assert.equal(sqlLiteral('float', 1e-7), '1e-7');
  assert.throws(() => sqlLiteral('float', Number.NaN));
  assert.equal(sqlLiteral('datetime', null), 'NULL');
  assert.equal(sqlLiteral('uuid', '0123abcd-0000-4000-8000-00000000ffff'), "X'0123abcd00004000800000000000ffff'");
  assert.throws(() => sqlLiteral('uuid', "x'; DROP"), /not a uuid/);
});

test('canonical values from mysql2 and their comparison by meaning', () => {
  assert.equal(canonFromMysql('decimal', '001.500'), '1.5');
  assert.equal(canonFromMysql('datetime', '2024-01-02 03:04:05.120000'), '2024-01-02 03:04:05.12');
  assert.equal(canonFromMysql('datetime', '2024-01-02 03:04:05.000'), '2024-01-02 03:04:05');
  assert.equal(canonFromMysql('int', 7), '7');
  assert.equal(
    uuidText(Buffer.from('0123456789abcdef0123456789abcdef', 'hex')),
    '01234567-89ab-cdef-0123-456789abcdef',
  );
  assert.equal(uuidText('{01234567-89AB-CDEF-0123-456789ABCDEF}'), '01234567-89ab-cdef-0123-456789abcdef');
  const col = (kind: Parameters<typeof compareCanon>[0]['kind'], extra = {}) => ({ name: 'c', kind, ...extra });
  assert.equal(compareCanon(col('int'), '5', '5'), null);
  assert.notEqual(compareCanon(col('int'), '9223372036854775807', '9223372036854775806'), null, 'no double rounding');
  assert.equal(compareCanon(col('float', { single: true }), 0.1, 0.10000000149011612), null, 'float32 widened');
  assert.notEqual(compareCanon(col('float'), 0.1, 0.10000000149011612), null, 'doubles are held closer');
  assert.equal(compareCanon(col('json'), '{"a": 1, "b": [1]}', '{"b":[1],"a":1}'), null);
  assert.notEqual(compareCanon(col('json'), '{"a":1}', '{"a":2}'), null);
  assert.equal(
    compareCanon(col('json2x', { codec: 'blob' }), '{"hash":"x","path":"a"}', '{"path":"b","hash":"x"}'),
    null,
  );
  assert.notEqual(compareCanon(col('json2x', { codec: 'filepath' }), '{"path":"a"}', '{"path":"b"}'), null);
  assert.equal(compareCanon(col('bytes'), Buffer.from('ab'), Buffer.from('ab')), null);
  assert.notEqual(compareCanon(col('bytes'), Buffer.from('ab'), Buffer.from('ac')), null);
  assert.equal(compareCanon(col('text'), null, null), null);
  assert.equal(compareCanon(col('text'), null, ''), 'NULL in source');
  assert.notEqual(keyText(['1', Buffer.from('a')]), keyText(['1', 'a']), 'bytes and text keys differ');
});

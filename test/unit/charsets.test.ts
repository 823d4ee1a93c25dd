// Character-set planning without a server: the preflight summary, converting a plan's text columns, and the
// InnoDB index limit a wider character set can break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  charsetSummary,
  convertCharsets,
  describeCharsets,
  indexBytes,
  oversizedIndexes,
} from '../../client/src/db/charsets';
import type { TargetTable } from '../../client/src/db/ddl';
import type { Column, Schema, Table } from '../../client/src/db/model';

const col = (name: string, columnType: string, charset: string | null = null): Column => ({
  name,
  columnType,
  dataType: /^[a-z]+/.exec(columnType)?.[0] ?? columnType,
  nullable: false,
  default: null,
  extra: '',
  charset,
  collation: charset ? `${charset}_swedish_ci` : null,
  comment: '',
  storage: { form: 'plain' },
});

const table = (name: string, columns: Column[], primaryKey: string[]): Table => ({
  schema: 'lab',
  name,
  tier: 'manual',
  comment: '',
  charset: 'latin1',
  collation: 'latin1_swedish_ci',
  columns,
  primaryKey,
  foreignKeys: [],
  indexes: [{ name: 'by_label', unique: true, columns: ['label'] }],
  rowEstimate: 0,
});

const maxlen = new Map([
  ['latin1', 1],
  ['utf8mb4', 4],
]);

test('index bytes per column: characters times the character set width; fixed types by size', () => {
  assert.equal(indexBytes(col('a', 'varchar(255)', 'latin1'), maxlen), 255);
  assert.equal(indexBytes(col('a', 'varchar(255)', 'utf8mb4'), maxlen), 1020);
  assert.equal(indexBytes(col('a', 'int(10) unsigned'), maxlen), 4);
  assert.equal(indexBytes(col('a', 'binary(16)'), maxlen), 16);
  assert.equal(indexBytes(col('a', 'datetime(6)'), maxlen), 8);
});

test('converting to utf8mb4 can push a key over 3072 bytes: it is named before anything is created', () => {
  const text = (n: string) => col(n, 'varchar(200)', 'latin1');
  const t = table(
    'recording',
    [text('a'), text('b'), text('c'), text('d'), col('n', 'int'), text('label')],
    ['a', 'b', 'c', 'd', 'n'],
  );
  const plan: TargetTable[] = [{ source: structuredClone(t), target: t, notes: [] }];
  assert.deepEqual(oversizedIndexes(plan, maxlen), [], 'latin1: 804 bytes');
  convertCharsets(plan, { charset: 'utf8mb4', collation: 'utf8mb4_general_ci' });
  assert.deepEqual(
    t.columns.map((c) => c.collation),
    [
      'utf8mb4_general_ci',
      'utf8mb4_general_ci',
      'utf8mb4_general_ci',
      'utf8mb4_general_ci',
      null,
      'utf8mb4_general_ci',
    ],
  );
  assert.equal(t.collation, 'utf8mb4_general_ci');
  assert.equal(plan[0].source.columns[0].charset, 'latin1', 'the source is untouched');
  assert.deepEqual(oversizedIndexes(plan, maxlen), [
    'lab.recording PRIMARY KEY (a, b, c, d, n) takes up to 3204 bytes',
  ]);
});

test('preflight summary: schema default and the distinct column sets, most used first', () => {
  const s: Schema = {
    name: 'lab',
    charset: 'latin1',
    collation: 'latin1_swedish_ci',
    tables: [
      table('a', [col('x', 'varchar(8)', 'latin1'), col('y', 'int'), col('z', 'text', 'latin1')], ['y']),
      table('b', [col('x', 'varchar(8)', 'utf8mb4')], ['x']),
    ],
    hidden: [],
    externalStores: [],
    version: '0.14.6',
    reasons: [],
  };
  const [sum] = charsetSummary([s]);
  assert.deepEqual(sum.columns, [
    { charset: 'latin1', collation: 'latin1_swedish_ci', count: 2 },
    { charset: 'utf8mb4', collation: 'utf8mb4_swedish_ci', count: 1 },
  ]);
  assert.equal(
    describeCharsets(sum),
    'lab: default latin1/latin1_swedish_ci; text columns latin1/latin1_swedish_ci ×2, utf8mb4/utf8mb4_swedish_ci ×1',
  );
});

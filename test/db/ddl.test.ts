// 2.x DDL for column kinds the fixture does not have: adapters over other types and over stores,
// auto_increment, hidden columns, uuid and nullable foreign keys, mediumint, bigint unsigned, foreign
// (non-DataJoint) types, unique indexes. The DDL must run on the server and read back as declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCatalog } from '../../client/src/db/introspect';
import type { Catalog, ColumnRow, KeyColumnRow } from '../../client/src/db/catalog';
import { createSchemaSql, createTableSql, targetTables } from '../../client/src/db/ddl';
import { dependencyOrder } from '../../client/src/db/plan';
import { introspect } from '../../client/src/db/introspect';
import { tableShapeDifferences } from '../../client/src/db/shape';
import { lineageRows } from '../../client/src/db/lineage';
import { openDb } from '../../client/src/db/connection';
import { testServer, uniquePrefix, dropPrefixed } from './harness';
import type { Table } from '../../client/src/db/model';

const S = 'src';
const col = (
  table: string,
  position: number,
  column: string,
  columnType: string,
  x: Partial<ColumnRow> = {},
): ColumnRow => ({
  schema: S,
  table,
  column,
  position,
  default: null,
  nullable: 'NO',
  dataType: columnType.split(/[ (]/)[0],
  columnType,
  charset: /char|text|enum/.test(columnType) ? 'utf8mb4' : null,
  collation: /char|text|enum/.test(columnType) ? 'utf8mb4_general_ci' : null,
  extra: '',
  comment: '',
  ...x,
});
const key = (table: string, constraint: string, cols: string[], ref?: [string, string[]]): KeyColumnRow[] =>
  cols.map((column, i) => ({
    schema: S,
    table,
    constraint,
    column,
    position: i + 1,
    refSchema: ref ? S : null,
    refTable: ref ? ref[0] : null,
    refColumn: ref ? ref[1][i] : null,
  }));

const catalog: Catalog = {
  flavor: 'mariadb',
  schemata: [{ name: S, charset: 'utf8mb4', collation: 'utf8mb4_general_ci' }],
  tables: ['#probe', 'scan', 'scan__frame', '~external_raw'].map((table) => ({
    schema: S,
    table,
    type: 'BASE TABLE',
    engine: 'InnoDB',
    collation: 'utf8mb4_general_ci',
    comment: table === 'scan' ? 'a scan' : '',
    rows: 0,
    dataLength: 0,
    indexLength: 0,
  })),
  columns: [
    col('#probe', 1, 'probe_id', 'binary(16)', { comment: ':uuid:probe uuid' }),
    col('#probe', 2, 'model', 'varchar(32)', { default: "'np1'" }),
    col('~external_raw', 1, 'hash', 'binary(16)', { comment: ':uuid:hash' }),
    col('scan', 1, 'scan_id', 'int(10) unsigned', { extra: 'auto_increment', comment: 'scan number' }),
    col('scan', 2, 'probe_id', 'binary(16)', { nullable: 'YES', default: 'NULL', comment: ':uuid:probe uuid' }),
    col('scan', 3, 'depth', 'mediumint(9)'),
    col('scan', 4, 'ticks', 'bigint(20) unsigned'),
    col('scan', 5, 'image', 'binary(16)', { comment: ':<img>:an adapted image in a store' }),
    col('scan', 6, 'token', 'binary(16)', { comment: ':<tok>:adapter over binary' }),
    col('scan', 7, 'graph', 'longblob', { comment: ':<graph>:' }),
    col('scan', 8, 'notes', 'text', { nullable: 'YES', default: 'NULL' }),
    col('scan', 9, 'label', 'varchar(20)'),
    col('scan', 10, '_scan_ts', 'timestamp', {
      default: 'current_timestamp()',
      extra: 'on update current_timestamp()',
    }),
    col('scan__frame', 1, 'scan_id', 'int(10) unsigned', { comment: 'scan number' }),
    col('scan__frame', 2, 'frame', 'smallint(6)', { default: '0' }),
    col('scan__frame', 3, 'trace', 'binary(16)', { nullable: 'YES', default: 'NULL', comment: ':blob@raw:' }),
  ],
  keyColumns: [
    ...key('#probe', 'PRIMARY', ['probe_id']),
    ...key('~external_raw', 'PRIMARY', ['hash']),
    ...key('scan', 'PRIMARY', ['scan_id']),
    ...key('scan', 'scan_ibfk_1', ['probe_id'], ['#probe', ['probe_id']]),
    ...key('scan', 'scan_ibfk_2', ['image'], ['~external_raw', ['hash']]),
    ...key('scan__frame', 'PRIMARY', ['scan_id', 'frame']),
    ...key('scan__frame', 'scan__frame_ibfk_1', ['scan_id'], ['scan', ['scan_id']]),
    ...key('scan__frame', 'scan__frame_ibfk_2', ['trace'], ['~external_raw', ['hash']]),
  ],
  referential: [
    { schema: S, table: 'scan', constraint: 'scan_ibfk_1', updateRule: 'CASCADE', deleteRule: 'RESTRICT' },
    { schema: S, table: 'scan', constraint: 'scan_ibfk_2', updateRule: 'RESTRICT', deleteRule: 'RESTRICT' },
    {
      schema: S,
      table: 'scan__frame',
      constraint: 'scan__frame_ibfk_1',
      updateRule: 'CASCADE',
      deleteRule: 'RESTRICT',
    },
    {
      schema: S,
      table: 'scan__frame',
      constraint: 'scan__frame_ibfk_2',
      updateRule: 'RESTRICT',
      deleteRule: 'RESTRICT',
    },
  ],
  statistics: [
    { schema: S, table: 'scan', index: 'probe_id', nonUnique: 1, seq: 1, column: 'probe_id', subPart: null },
    { schema: S, table: 'scan', index: 'image', nonUnique: 1, seq: 1, column: 'image', subPart: null },
    { schema: S, table: 'scan', index: 'label', nonUnique: 0, seq: 1, column: 'label', subPart: null },
    { schema: S, table: 'scan', index: 'depth_ticks', nonUnique: 1, seq: 1, column: 'depth', subPart: null },
    { schema: S, table: 'scan', index: 'depth_ticks', nonUnique: 1, seq: 2, column: 'ticks', subPart: null },
    { schema: S, table: 'scan', index: 'label_image', nonUnique: 1, seq: 1, column: 'label', subPart: null },
    { schema: S, table: 'scan', index: 'label_image', nonUnique: 1, seq: 2, column: 'image', subPart: null },
    { schema: S, table: 'scan__frame', index: 'trace', nonUnique: 1, seq: 1, column: 'trace', subPart: null },
  ],
  checks: [],
  collations: [{ collation: 'utf8mb4_general_ci', charset: 'utf8mb4' }],
  logVersions: [],
};

test('2.x columns for adapters, auto_increment, hidden and foreign-key columns; the DDL runs and reads back as declared', async () => {
  const prefix = uniquePrefix();
  const target = `${prefix}ddl`;
  const db = await openDb(testServer);
  try {
    const sources = decodeCatalog(catalog, [S]);
    const mapped = targetTables(dependencyOrder(sources), new Map([[S, target]]), 'widen');
    const scan = mapped.find((t) => t.target.name === 'scan') as (typeof mapped)[number];
    const c = (t: Table, name: string) => t.columns.find((x) => x.name === name);
    const shape = (name: string) => {
      const x = c(scan.target, name);
      return [x?.columnType, x?.label2x ?? null, x?.comment];
    };
    assert.deepEqual(shape('scan_id'), ['int unsigned', null, 'scan number']);
    assert.equal(c(scan.target, 'scan_id')?.extra, 'auto_increment');
    assert.deepEqual(shape('probe_id'), ['binary(16)', 'uuid', 'probe uuid']);
    assert.equal(c(scan.target, 'probe_id')?.nullable, true);
    assert.deepEqual(shape('depth'), ['int', 'int32', '']);
    assert.deepEqual(shape('ticks'), ['bigint unsigned', null, '']);
    assert.deepEqual(shape('image'), ['json', '<img@raw>', 'an adapted image in a store']);
    assert.deepEqual(shape('token'), ['binary(16)', '<tok>', 'adapter over binary']);
    assert.deepEqual(shape('graph'), ['longblob', '<graph>', '']);
    assert.deepEqual(shape('notes'), ['text', null, '']);
    assert.deepEqual(shape('_scan_ts'), ['timestamp', null, '']);
    assert.equal(c(scan.target, '_scan_ts')?.extra, 'on update current_timestamp()');
    assert.deepEqual(
      scan.target.foreignKeys.map((f) => f.refTable),
      ['#probe'],
    );
    assert.deepEqual(scan.target.indexes.map((i) => i.name).sort(), ['depth_ticks', 'label']);
    // The index InnoDB made for the ~external key goes with the key; a declared one on the column cannot be kept.
    assert.ok(!scan.notes.some((n) => /index image /.test(n)));
    assert.ok(scan.notes.some((n) => /index label_image on image is not created: the column becomes JSON/.test(n)));
    assert.ok(scan.notes.some((n) => /notes: text stays a native type/.test(n)));
    const frame = mapped.find((t) => t.target.name === 'scan__frame')?.target as Table;
    assert.deepEqual(
      [c(frame, 'scan_id')?.columnType, c(frame, 'scan_id')?.comment, c(frame, 'scan_id')?.extra],
      ['int unsigned', 'scan number', ''],
    );
    assert.deepEqual([c(frame, 'trace')?.columnType, c(frame, 'trace')?.label2x], ['json', '<blob@raw>']);

    assert.deepEqual(lineageRows(mapped.map((t) => t.target)).get(target), [
      { table_name: '#probe', attribute_name: 'probe_id', lineage: `${target}.#probe.probe_id` },
      { table_name: 'scan', attribute_name: 'scan_id', lineage: `${target}.scan.scan_id` },
      { table_name: 'scan', attribute_name: 'probe_id', lineage: `${target}.#probe.probe_id` },
      { table_name: 'scan__frame', attribute_name: 'scan_id', lineage: `${target}.scan.scan_id` },
      { table_name: 'scan__frame', attribute_name: 'frame', lineage: `${target}.scan__frame.frame` },
    ]);

    await db.execute(createSchemaSql(target, 'utf8mb4', 'utf8mb4_general_ci'));
    for (const t of mapped) await db.execute(createTableSql(t.target));
    const [created] = await introspect(db, [target]);
    for (const t of mapped) {
      const actual = created.tables.find((x) => x.name === t.target.name) as Table;
      assert.deepEqual(tableShapeDifferences(t.target, actual), [], t.target.name);
    }
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});

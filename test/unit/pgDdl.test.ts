// PostgreSQL DDL as 2.x declares it (client/src/db/schema/pgDdl.ts): type spellings, enum type names,
// defaults, comments, foreign-key inheritance and supporting indexes, and refusals for what PostgreSQL
// cannot hold. Enum names are checked against the types 2.x itself created in dj2pg/schema.sql.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir } from '../helpers/paths';
import type { Column, Table } from '../../client/src/db/model';
import type { TargetTable } from '../../client/src/db/ddl';
import {
  enumTypeName,
  enumValues,
  pgCreateEnumSql,
  pgCreateTableSql,
  pgDefault,
  pgPostTableSql,
  pgSchemaPlan,
  pgTypeOf,
  type PgEnum,
} from '../../client/src/db/schema/pgDdl';

test("enum type names equal those 2.x created in dj2pg/schema.sql (enum_ + md5[:8] of sorted values joined by '_')", () => {
  const sql = fs.readFileSync(path.join(fixturesDir, 'dj2pg', 'schema.sql'), 'utf8');
  const found = [...sql.matchAll(/CREATE TYPE \w+\.(enum_[0-9a-f]{8}) AS ENUM \(([^)]*)\);/g)];
  assert.equal(found.length, 4);
  for (const [, name, body] of found) {
    const values = [...body.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    assert.equal(enumTypeName(values), name, values.join(','));
  }
  assert.deepEqual(enumValues("enum('M','F','U')"), ['M', 'F', 'U']);
  assert.deepEqual(enumValues("enum('it''s', 'a,b', 'c\\\\d')"), ["it's", 'a,b', 'c\\d']);
  assert.throws(() => enumValues("enum('a',b)"), /cannot read the enum values/);
  assert.equal(
    pgCreateEnumSql({ schema: 's', name: 'enum_x', values: ["it's", 'b'] }),
    `CREATE TYPE "s"."enum_x" AS ENUM ('it''s', 'b')`,
  );
});

test('2.x labels map to the PostgreSQL types of the dj2pg README table', () => {
  const enums = new Map<string, PgEnum>();
  const cases: [string, string][] = [
    ['int64', 'bigint'],
    ['int32', 'integer'],
    ['int16', 'smallint'],
    ['int8', 'smallint'],
    ['float32', 'real'],
    ['float64', 'double precision'],
    ['decimal(6,2)', 'numeric(6,2)'],
    ['varchar(32)', 'varchar(32)'],
    ['char(3)', 'char(3)'],
    ['date', 'date'],
    ['datetime(3)', 'timestamp(3)'],
    ['datetime', 'timestamp'],
    ['bool', 'boolean'],
    ['uuid', 'uuid'],
    ['json', 'jsonb'],
    ['<blob>', 'bytea'],
    ['<attach>', 'bytea'],
    ['<graph>', 'bytea'],
    ['<blob@raw>', 'jsonb'],
    ['<blob@external-raw>', 'jsonb'],
    ['<attach@attachments>', 'jsonb'],
    ['<filepath@files>', 'jsonb'],
    ["enum('M', 'F', 'U')", '"lab"."enum_e54fc739"'],
  ];
  for (const [label, type] of cases) assert.equal(pgTypeOf(label, 'lab', enums), type, label);
  assert.deepEqual([...enums.values()], [{ schema: 'lab', name: 'enum_e54fc739', values: ['M', 'F', 'U'] }]);
  for (const label of ['tinyint', 'double', 'longblob', 'bigint unsigned', 'year'])
    assert.equal(pgTypeOf(label, 's', enums), null);
});

test('defaults are written as 2.x writes them: literals quoted, CURRENT_TIMESTAMP kept, expressions refused', () => {
  assert.equal(pgDefault("''", 'x'), "''");
  assert.equal(pgDefault("'it''s'", 'x'), "'it''s'");
  assert.equal(pgDefault("'a\\\\b'", 'x'), "'a\\b'");
  assert.equal(pgDefault('1', 'x'), "'1'");
  assert.equal(pgDefault('-2.5', 'x'), "'-2.5'");
  assert.equal(pgDefault('NULL', 'x'), 'NULL');
  assert.equal(pgDefault('current_timestamp()', 'x'), 'CURRENT_TIMESTAMP');
  assert.equal(pgDefault('CURRENT_TIMESTAMP', 'x'), 'CURRENT_TIMESTAMP');
  assert.equal(pgDefault('current_timestamp(3)', 'x'), 'CURRENT_TIMESTAMP(3)');
  assert.throws(() => pgDefault('(rand())', 's.t.c'), /s\.t\.c: the default \(rand\(\)\) is an expression/);
});

function col(name: string, columnType: string, label: string | null, extra: Partial<Column> = {}): Column {
  return {
    name,
    columnType,
    dataType: columnType.split(/[ (]/)[0],
    nullable: false,
    default: null,
    extra: '',
    charset: null,
    collation: null,
    comment: '',
    storage: { form: 'plain' },
    label2x: label,
    ...extra,
  };
}

function table(
  schema: string,
  name: string,
  columns: Column[],
  primaryKey: string[],
  more: Partial<Table> = {},
): Table {
  return {
    schema,
    name,
    tier: 'manual',
    comment: '',
    charset: 'utf8mb4',
    collation: 'utf8mb4_general_ci',
    columns,
    primaryKey,
    foreignKeys: [],
    indexes: [],
    rowEstimate: 0,
    ...more,
  };
}

const pair = (t: Table): TargetTable => ({
  source: { ...t, schema: t.schema.replace(/_v2$/, '') },
  target: t,
  notes: [],
});

test('foreign-key columns take the parent type without default or comment; a supporting index only where the key does not cover it', () => {
  const user = table(
    'lab',
    'user',
    [col('username', 'varchar(16)', 'varchar(16)'), col('active', 'tinyint(1)', 'bool', { default: '1' })],
    ['username'],
  );
  const subject = table(
    'lab',
    'subject',
    [
      col('subject_id', 'bigint', 'int64', { comment: 'unique animal id' }),
      col('sex', "enum('M','F','U')", "enum('M', 'F', 'U')"),
      col('weight', 'decimal(6,2)', 'decimal(6,2)', { nullable: true, default: 'NULL', comment: 'grams' }),
      col('registered', 'timestamp', null, { default: 'current_timestamp()' }),
    ],
    ['subject_id'],
    { comment: 'experimental animal' },
  );
  const session = table(
    'ephys',
    'session',
    [
      col('subject_id', 'bigint', null),
      col('session_idx', 'smallint', 'int16'),
      col('experimenter', 'varchar(16)', null, { nullable: true, default: 'NULL', comment: 'parent comment' }),
    ],
    ['subject_id', 'session_idx'],
    {
      foreignKeys: [
        {
          name: '',
          columns: ['subject_id'],
          refSchema: 'lab',
          refTable: 'subject',
          refColumns: ['subject_id'],
          onUpdate: 'CASCADE',
          onDelete: 'RESTRICT',
        },
        {
          name: '',
          columns: ['experimenter'],
          refSchema: 'lab',
          refTable: 'user',
          refColumns: ['username'],
          onUpdate: 'CASCADE',
          onDelete: 'RESTRICT',
        },
      ],
      indexes: [{ name: 'session_idx', unique: true, columns: ['session_idx'] }],
    },
  );
  const plan = pgSchemaPlan([pair(user), pair(subject), pair(session)]);
  const [u, s, se] = plan.tables;
  assert.deepEqual(u.columns[1], {
    name: 'active',
    type: 'boolean',
    core: 'bool',
    nullable: false,
    default: "'1'",
    comment: ':bool:',
  });
  assert.deepEqual(
    s.columns.map((c) => [c.type, c.default, c.comment]),
    [
      ['bigint', null, ':int64:unique animal id'],
      ['"lab"."enum_e54fc739"', null, ":enum('M', 'F', 'U'):"],
      ['numeric(6,2)', 'NULL', ':decimal(6,2):grams'],
      ['timestamp', 'CURRENT_TIMESTAMP', null],
    ],
  );
  assert.deepEqual(
    se.columns.map((c) => [c.name, c.type, c.nullable, c.default, c.comment]),
    [
      ['subject_id', 'bigint', false, null, null],
      ['session_idx', 'smallint', false, null, ':int16:'],
      ['experimenter', 'varchar(16)', true, null, null],
    ],
  );
  assert.deepEqual(se.indexes, [
    { name: 'idx_session_session_idx', columns: ['session_idx'], unique: true },
    { name: 'idx_session_experimenter', columns: ['experimenter'], unique: false },
  ]);
  assert.deepEqual(plan.enums, [{ schema: 'lab', name: 'enum_e54fc739', values: ['M', 'F', 'U'] }]);
  const ddl = pgCreateTableSql(se);
  assert.match(ddl, /^CREATE TABLE "ephys"\."session" \(/);
  assert.match(ddl, /"experimenter" varchar\(16\) NULL,/);
  assert.match(
    ddl,
    /FOREIGN KEY \("subject_id"\) REFERENCES "lab"\."subject" \("subject_id"\) ON UPDATE CASCADE ON DELETE RESTRICT/,
  );
  assert.match(ddl, /PRIMARY KEY \("subject_id", "session_idx"\)/);
  assert.deepEqual(pgPostTableSql(s), [
    `COMMENT ON TABLE "lab"."subject" IS 'experimental animal'`,
    `COMMENT ON COLUMN "lab"."subject"."subject_id" IS ':int64:unique animal id'`,
    `COMMENT ON COLUMN "lab"."subject"."sex" IS ':enum(''M'', ''F'', ''U''):'`,
    `COMMENT ON COLUMN "lab"."subject"."weight" IS ':decimal(6,2):grams'`,
  ]);
});

test('bigint unsigned becomes int64 only when checked against the data, and the plan says so; other unsigned types are refused', () => {
  const bins = table(
    'an',
    'bin',
    [col('bin_idx', 'bigint', 'int64'), col('count', 'bigint(20) unsigned', null)],
    ['bin_idx'],
  );
  assert.throws(() => pgSchemaPlan([pair(bins)]), /an\.bin\.count: bigint unsigned was not checked against the data/);
  const plan = pgSchemaPlan([pair(bins)], new Set(['an.bin.count']));
  assert.deepEqual(plan.tables[0].columns[1], {
    name: 'count',
    type: 'bigint',
    core: 'int64',
    nullable: false,
    default: null,
    comment: ':int64:',
  });
  assert.deepEqual(plan.notes, ['an.bin.count: bigint unsigned → int64 (bigint): every value fits below 2^63']);
  const floats = table('an', 'f', [col('k', 'int', 'int32'), col('x', 'float unsigned', null)], ['k']);
  assert.throws(() => pgSchemaPlan([pair(floats)]), /an\.f\.x: float unsigned has no PostgreSQL spelling/);
});

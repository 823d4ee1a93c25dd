// PostgreSQL connections in the settings, the target quick pick's items and what a choice means for the
// engines, and the Schema Explorer's model of a PostgreSQL schema (catalogue rows → 2.x types). No server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type ConnectionConfig,
  describeConnection,
  importConnection,
  readConnections,
  targetSpecOf,
  validateDatabase,
} from '../../client/src/ui/connectionModel';
import {
  engineSuffix,
  sourceConnections,
  sourceProblem,
  TARGET_CHOICE_OPERATIONS,
  targetChoiceItems,
  targetPairs,
} from '../../client/src/ui/targetChoice';
import { decodePgCatalog, type PgCatalog, type PgColumnRow } from '../../client/src/db/schema/pgCatalog';
import { pgColumnType, pgColumnView, pgSchemaView, pgTableDdl, pgTableView } from '../../client/src/ui/explorerPg';

const mysql: ConnectionConfig = { id: 'lab', name: 'lab', host: 'db.lab', port: 3306, user: 'u', tls: false };
const pg: ConnectionConfig = {
  id: 'pg',
  name: 'pg 2.x',
  dialect: 'postgresql',
  database: 'dj',
  host: 'pg.lab',
  port: 5432,
  user: 'p',
  tls: true,
};
const other: ConnectionConfig = { id: 'new', name: 'new host', host: 'db2.lab', port: 3307, user: 'u', tls: false };

describe('datajoint.connections with PostgreSQL', () => {
  it('reads dialect and database; PostgreSQL defaults to port 5432; MySQL entries stay as they were', () => {
    const { connections, problems } = readConnections([
      { id: 'a', name: 'A', host: 'h', user: 'u' },
      { id: 'b', name: 'B', host: 'h', user: 'u', dialect: 'postgresql', database: 'djfix' },
      { id: 'c', name: 'C', host: 'h', user: 'u', dialect: 'postgres', database: 'x', port: 6543 },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(connections[0], { id: 'a', name: 'A', host: 'h', port: 3306, user: 'u', tls: false });
    assert.deepEqual(connections[1], {
      id: 'b',
      name: 'B',
      dialect: 'postgresql',
      database: 'djfix',
      host: 'h',
      port: 5432,
      user: 'u',
      tls: false,
    });
    assert.equal(connections[2].port, 6543);
    assert.equal(connections[2].dialect, 'postgresql');
  });

  it('skips entries with an unknown dialect or a PostgreSQL entry without a database, saying why', () => {
    const { connections, problems } = readConnections([
      { name: 'X', host: 'h', user: 'u', dialect: 'oracle' },
      { name: 'Y', host: 'h', user: 'u', dialect: 'postgresql' },
    ]);
    assert.deepEqual(connections, []);
    assert.match(problems[0], /connections\[0\] dialect "oracle": expected "mysql" or "postgresql"/);
    assert.match(problems[1], /connections\[1\] database: Enter the PostgreSQL database/);
    assert.equal(validateDatabase('a/b'), 'A database name has no slashes or spaces.');
    assert.equal(validateDatabase('djfix'), undefined);
  });

  it('describes a PostgreSQL connection with its database and builds the engine target without the password in text', () => {
    assert.equal(describeConnection(pg), 'p@pg.lab:5432/dj (TLS) (PostgreSQL)');
    assert.equal(describeConnection(mysql), 'u@db.lab:3306');
    assert.deepEqual(targetSpecOf(pg, 's3cret'), {
      dialect: 'postgresql',
      host: 'pg.lab',
      port: 5432,
      user: 'p',
      database: 'dj',
      password: 's3cret',
      tls: true,
    });
    assert.equal(targetSpecOf(other, '').dialect, 'mysql');
    assert.equal(targetSpecOf(other, '').database, undefined);
  });

  it('imports database.backend = postgresql and database.name from a 2.x datajoint.json', () => {
    const imported = importConnection(
      JSON.stringify({ database: { backend: 'postgresql', host: 'pg.lab', user: 'p', name: 'djlab' } }),
    );
    assert.equal(imported.dialect, 'postgresql');
    assert.equal(imported.database, 'djlab');
    assert.equal(imported.port, 5432);
    const plain = importConnection(JSON.stringify({ 'database.host': 'h', 'database.user': 'u' }));
    assert.equal(plain.dialect, undefined);
    assert.equal(plain.port, 3306);
  });
});

describe('target choice', () => {
  it('offers the same server first, then every other connection; never the source itself', () => {
    const items = targetChoiceItems(mysql, [mysql, pg, other], '_v2');
    assert.deepEqual(
      items.map((i) => [i.label, i.choice]),
      [
        ['Same server (suffix _v2)', { kind: 'same-server' }],
        ['pg 2.x', { kind: 'connection', connectionId: 'pg' }],
        ['new host', { kind: 'connection', connectionId: 'new' }],
      ],
    );
    assert.match(items[1].detail ?? '', /PostgreSQL: one PostgreSQL schema per DataJoint schema in database dj/);
    assert.match(items[2].detail ?? '', /another MySQL\/MariaDB server: the production names are kept/);
    assert.equal(targetChoiceItems(mysql, [mysql], '_v2').length, 1);
  });

  it('maps a choice to the engines: suffix on the same server, production names (allowSameNames) elsewhere', () => {
    assert.deepEqual(targetPairs(['lab', 'ephys'], { kind: 'same-server' }, '_v2'), [
      { source: 'lab', target: 'lab_v2' },
      { source: 'ephys', target: 'ephys_v2' },
    ]);
    assert.deepEqual(targetPairs(['lab'], { kind: 'connection', connectionId: 'pg' }, '_v2'), [
      { source: 'lab', target: 'lab' },
    ]);
    assert.deepEqual(engineSuffix({ kind: 'same-server' }, '_v2'), { suffix: '_v2', allowSameNames: false });
    assert.deepEqual(engineSuffix({ kind: 'connection', connectionId: 'pg' }, '_v2'), {
      suffix: '',
      allowSameNames: true,
    });
    for (const op of ['create-parallel', 'copy', 'compare', 'verify', 'preflight'])
      assert.ok(TARGET_CHOICE_OPERATIONS.has(op), op);
    assert.ok(!TARGET_CHOICE_OPERATIONS.has('swap'));
  });

  it('a PostgreSQL connection is never a source', () => {
    assert.match(sourceProblem(pg) ?? '', /PostgreSQL connection: it holds DataJoint 2\.x schemas, never 0\.14\.6/);
    assert.equal(sourceProblem(mysql), undefined);
    assert.deepEqual(
      sourceConnections([mysql, pg, other]).map((c) => c.id),
      ['lab', 'new'],
    );
  });
});

// Catalogue rows as readPgCatalog returns them for part of the dj2pg fixture (lab.#species, lab.subject).
function col(table: string, position: number, column: string, rest: Partial<PgColumnRow>): PgColumnRow {
  return {
    schema: 'p_lab',
    table,
    position,
    column,
    type: 'bigint',
    typname: 'int8',
    typtype: 'b',
    notNull: true,
    default: null,
    comment: null,
    ...rest,
  };
}
const catalog: PgCatalog = {
  schemas: ['p_lab'],
  tables: [
    { schema: 'p_lab', table: '#species', comment: 'species', rows: -1, bytes: 16384 },
    { schema: 'p_lab', table: 'subject', comment: 'a subject', rows: 5, bytes: 32768 },
    { schema: 'p_lab', table: '~lineage', comment: null, rows: 12, bytes: 8192 },
  ],
  columns: [
    col('#species', 1, 'species', { type: 'character varying(32)', typname: 'varchar', comment: ':varchar(32):' }),
    col('subject', 2, 'species', { type: 'character varying(32)', typname: 'varchar' }),
    col('subject', 1, 'subject_id', { comment: ':int64:subject number' }),
    col('subject', 3, 'sex', {
      type: 'p_lab.enum_e54fc739',
      typname: 'enum_e54fc739',
      typtype: 'e',
      comment: ":enum('M', 'F', 'U'):",
    }),
    col('subject', 4, 'photo', { type: 'jsonb', typname: 'jsonb', notNull: false, comment: ':<blob@raw>:' }),
    col('subject', 5, 'active', {
      type: 'boolean',
      typname: 'bool',
      default: 'true',
      comment: ':bool:',
    }),
    col('subject', 6, 'external_id', { type: 'uuid', typname: 'uuid', comment: ':uuid:' }),
    col('~lineage', 1, 'table_name', { type: 'character varying(64)', typname: 'varchar' }),
  ],
  constraints: [
    {
      schema: 'p_lab',
      table: 'subject',
      name: 'subject_pkey',
      kind: 'p',
      columns: ['subject_id'],
      refSchema: null,
      refTable: null,
      refColumns: null,
      onUpdate: null,
      onDelete: null,
    },
    {
      schema: 'p_lab',
      table: 'subject',
      name: 'subject_species_fkey',
      kind: 'f',
      columns: ['species'],
      refSchema: 'p_lab',
      refTable: '#species',
      refColumns: ['species'],
      onUpdate: 'CASCADE',
      onDelete: 'RESTRICT',
    },
  ],
  indexes: [
    { schema: 'p_lab', table: 'subject', name: 'subject_pkey', unique: true, primary: true, columns: ['subject_id'] },
    {
      schema: 'p_lab',
      table: 'subject',
      name: 'idx_subject_species',
      unique: false,
      primary: false,
      columns: ['species'],
    },
  ],
  enums: { 'p_lab.enum_e54fc739': ['M', 'F', 'U'] },
};

describe('PostgreSQL schemas in the explorer', () => {
  const [schema] = decodePgCatalog(catalog, ['p_lab']);
  const subject = schema.tables.find((t) => t.name === 'subject')!;
  const column = (n: string) => subject.columns.find((c) => c.name === n)!;

  it('decodes the catalogue into the model: tiers, keys, labels, storage, enum values, 2.x verdict', () => {
    assert.equal(schema.version, '2.x');
    assert.deepEqual(
      schema.tables.map((t) => [t.name, t.tier, t.rowEstimate]),
      [
        ['#species', 'lookup', 0],
        ['subject', 'manual', 5],
      ],
    );
    assert.deepEqual(
      schema.hidden.map((t) => t.name),
      ['~lineage'],
    );
    assert.deepEqual(
      subject.columns.map((c) => c.name),
      ['subject_id', 'species', 'sex', 'photo', 'active', 'external_id'],
    );
    assert.deepEqual(subject.primaryKey, ['subject_id']);
    assert.deepEqual(subject.indexes, [{ name: 'idx_subject_species', unique: false, columns: ['species'] }]);
    assert.equal(column('subject_id').label2x, 'int64');
    assert.equal(column('subject_id').comment, 'subject number');
    assert.equal(column('sex').columnType, "enum('M','F','U')");
    assert.deepEqual(column('photo').storage, { form: 'json2x', codec: 'blob', store: 'raw' });
    assert.deepEqual(column('external_id').storage, { form: 'uuid' });
    assert.equal(column('active').default, 'true');
    assert.equal(column('photo').nullable, true);
  });

  it('a schema without labels or ~lineage is not DataJoint; one without tables is empty', () => {
    const bare: PgCatalog = {
      ...catalog,
      tables: [{ schema: 'p_lab', table: 'things', comment: null, rows: 0, bytes: 0 }],
      columns: [col('things', 1, 'id', {})],
      constraints: [],
      indexes: [],
    };
    assert.equal(decodePgCatalog(bare, ['p_lab'])[0].version, 'not-datajoint');
    assert.equal(decodePgCatalog({ ...catalog, tables: [] }, ['p_lab'])[0].version, 'empty');
  });

  it('shows the 2.x types; a foreign-key column (no comment on PostgreSQL) shows its parent column type', () => {
    assert.deepEqual(pgColumnType(column('species'), subject, schema.tables), {
      text: 'varchar(32)',
      inheritedFrom: '#species.species',
    });
    assert.deepEqual(pgColumnType(column('subject_id'), subject, schema.tables), { text: 'int64' });
    const photo = pgColumnView(column('photo'), subject, schema.tables);
    assert.equal(photo.description, '<blob@raw> · in store raw · nullable');
    assert.equal(photo.contextValue, 'pgcolumn.inStore');
    assert.equal(pgColumnView(column('subject_id'), subject, schema.tables).icon, 'key');
    const sv = pgSchemaView(schema);
    assert.equal(sv.contextValue, 'pgschema.v2x');
    assert.match(sv.description ?? '', /^2\.x · PostgreSQL · 2 tables$/);
    // Not matched by the migration menus (`^schema\.`, `^table\.`).
    assert.doesNotMatch(sv.contextValue, /^schema\./);
    assert.doesNotMatch(pgTableView(subject).contextValue, /^table\./);
    assert.equal(pgTableView(subject).label, 'Subject');
  });

  it('renders a readable DDL from the catalogue, comments included', () => {
    const ddl = pgTableDdl(subject);
    assert.match(ddl, /^CREATE TABLE p_lab\.subject \(\n {2}subject_id bigint NOT NULL,/);
    assert.match(
      ddl,
      /FOREIGN KEY \(species\) REFERENCES p_lab\."#species" \(species\) ON UPDATE CASCADE ON DELETE RESTRICT/,
    );
    assert.match(ddl, /CREATE INDEX idx_subject_species ON p_lab\.subject \(species\);/);
    assert.match(ddl, /COMMENT ON COLUMN p_lab\.subject\.subject_id IS ':int64:subject number';/);
    assert.match(ddl, /COMMENT ON COLUMN p_lab\.subject\.sex IS ':enum\(''M'', ''F'', ''U''\):';/);
  });
});

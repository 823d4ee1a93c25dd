// The migration map's model without VS Code: graph (clusters, part tables, renamed references),
// pipelines, per-table states, and the Differences view's grouping, paging and key SQL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ForeignKey, Schema, Table } from '../../client/src/db/model';
import { tierOf } from '../../client/src/db/model';
import { buildGraph } from '../../client/src/map/graph';
import { pipelineOf, pipelines } from '../../client/src/map/pipeline';
import { mapStates } from '../../client/src/map/state';
import { groupDifferences, keysSql, page, sqlLiteral } from '../../client/src/map/differences';
import type { ReportTable } from '../../client/src/ui/report';

function fk(name: string, columns: string[], ref: string, refColumns = columns): ForeignKey {
  const [refSchema, refTable] = ref.split('.');
  return { name, columns, refSchema, refTable, refColumns, onUpdate: 'CASCADE', onDelete: 'RESTRICT' };
}

function table(schema: string, name: string, primaryKey: string[], foreignKeys: ForeignKey[] = [], rows = 0): Table {
  return {
    schema,
    name,
    tier: tierOf(name) ?? 'unknown',
    comment: '',
    charset: 'utf8mb4',
    collation: 'utf8mb4_bin',
    columns: [],
    primaryKey,
    foreignKeys,
    indexes: [],
    rowEstimate: rows,
  };
}

function schema(name: string, tables: Table[]): Schema {
  return {
    name,
    charset: 'utf8mb4',
    collation: 'utf8mb4_bin',
    tables,
    hidden: [],
    externalStores: [],
    version: '0.14.6',
    reasons: [],
  };
}

// lab: Subject (manual), #species (lookup); ephys: Session → _recording (imported) → __spikes (computed)
// with a part __spikes__unit; Pairing references Session twice, renamed (`-> Session.proj(other='session_id')`).
const lab = schema('lab', [
  table('lab', '#species', ['species']),
  table('lab', 'subject', ['subject_id'], [fk('s_species', ['species'], 'lab.#species')]),
]);
const ephys = schema('ephys', [
  table('ephys', 'session', ['subject_id', 'session_id'], [fk('e_subject', ['subject_id'], 'lab.subject')]),
  table(
    'ephys',
    '_recording',
    ['subject_id', 'session_id'],
    [fk('r_session', ['subject_id', 'session_id'], 'ephys.session')],
  ),
  table(
    'ephys',
    '__spikes',
    ['subject_id', 'session_id'],
    [fk('k_rec', ['subject_id', 'session_id'], 'ephys._recording'), fk('k_ext', ['hash'], 'ephys.~external_raw')],
  ),
  table(
    'ephys',
    '__spikes__unit',
    ['subject_id', 'session_id', 'unit'],
    [fk('u_master', ['subject_id', 'session_id'], 'ephys.__spikes')],
  ),
  table(
    'ephys',
    'pairing',
    ['subject_id', 'session_id', 'other'],
    [
      fk('p_a', ['subject_id', 'session_id'], 'ephys.session'),
      fk('p_b', ['subject_id', 'other'], 'ephys.session', ['subject_id', 'session_id']),
      fk('p_note', ['note'], 'lab.#species', ['species']),
    ],
  ),
]);
const other = schema('other', [table('other', 'thing', ['thing_id'])]);

describe('migration map graph', () => {
  const g = buildGraph([lab, ephys]);

  it('has one node per table, clustered by schema, labelled with the DataJoint class name', () => {
    assert.equal(g.nodes.length, 7);
    assert.deepEqual(
      g.clusters.map((c) => [c.schema, c.nodes]),
      [
        ['lab', ['lab.#species', 'lab.subject']],
        ['ephys', ['ephys.session', 'ephys._recording', 'ephys.__spikes', 'ephys.__spikes__unit', 'ephys.pairing']],
      ],
    );
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    assert.equal(byId.get('lab.#species')?.tier, 'lookup');
    assert.equal(byId.get('lab.#species')?.label, 'Species');
    assert.equal(byId.get('ephys._recording')?.tier, 'imported');
    assert.equal(byId.get('ephys.__spikes')?.tier, 'computed');
  });

  it('marks part tables with their master and their reference to it', () => {
    const part = g.nodes.find((n) => n.id === 'ephys.__spikes__unit');
    assert.equal(part?.tier, 'part');
    assert.equal(part?.master, 'ephys.__spikes');
    assert.equal(part?.label, 'Spikes.Unit');
    const toMaster = g.edges.find((e) => e.to === 'ephys.__spikes__unit');
    assert.equal(toMaster?.part, true);
    assert.equal(g.edges.filter((e) => e.part).length, 1);
  });

  it('has one edge per foreign key between user tables, across schemas, none to hidden tables', () => {
    // 1 (subject) + 1 (session→lab) + 1 + 1 (spikes; ~external left out) + 1 (part) + 3 (pairing)
    assert.equal(g.edges.length, 8);
    assert.ok(g.edges.some((e) => e.from === 'lab.subject' && e.to === 'ephys.session'));
    assert.ok(!g.edges.some((e) => e.from.includes('~')));
    assert.equal(new Set(g.edges.map((e) => e.id)).size, g.edges.length);
    // Drawn alone, ephys loses the edges into lab: they would have no node at the other end.
    assert.equal(buildGraph([ephys]).edges.length, 5);
  });

  it('marks renamed references (.proj) and tells primary from secondary references', () => {
    const renamed = g.edges.filter((e) => e.renamed);
    assert.deepEqual(
      renamed.map((e) => [e.id, e.renames]),
      [
        ['ephys.pairing/p_b', [['other', 'session_id']]],
        ['ephys.pairing/p_note', [['note', 'species']]],
      ],
    );
    assert.equal(g.edges.find((e) => e.id === 'ephys.pairing/p_a')?.renamed, false);
    assert.equal(g.edges.find((e) => e.id === 'ephys.pairing/p_a')?.primary, true);
    assert.equal(g.edges.find((e) => e.id === 'ephys.pairing/p_note')?.primary, false);
  });
});

describe('pipelines', () => {
  it('joins schemas connected by foreign keys, named by the schema the others build on', () => {
    const all = pipelines([ephys, other, lab]);
    assert.deepEqual(all, [
      { name: 'lab', schemas: ['ephys', 'lab'] },
      { name: 'other', schemas: ['other'] },
    ]);
    assert.deepEqual(pipelineOf(all, 'ephys').schemas, ['ephys', 'lab']);
    assert.deepEqual(pipelineOf(all, 'missing'), { name: 'missing', schemas: ['missing'] });
  });
});

describe('migration map states', () => {
  const prod = schema('lab', [
    table('lab', 'a', ['id'], [], 200),
    table('lab', 'b', ['id'], [], 10),
    table('lab', 'c', ['id']),
    table('lab', 'd', ['id']),
    table('lab', 'e', ['id']),
  ]);
  const par = schema(
    'lab_v2',
    ['a', 'b', 'c', 'd'].map((n) => table('lab_v2', n, ['id'])),
  );

  it('reads not created, created, copying n%, copied, compared equal, differences and verified', () => {
    const states = mapStates({
      production: prod,
      parallel: par,
      checkpoints: new Map([
        ['a', { status: 'running', rowsCopied: 50 }],
        ['b', { status: 'done', rowsCopied: 10 }],
      ]),
      compared: new Map([
        ['c', { equal: true, differences: 0 }],
        ['d', { equal: false, differences: 3 }],
      ]),
      verified: new Set(['c']),
    });
    assert.deepEqual(
      [...states].map(([k, s]) => [k, s.state, s.percent ?? s.differences]),
      [
        ['lab.a', 'copying', 25],
        ['lab.b', 'copied', undefined],
        ['lab.c', 'verified', undefined],
        ['lab.d', 'differences', 3],
        ['lab.e', 'not-created', undefined],
      ],
    );
    const plain = mapStates({ production: prod, parallel: par, checkpoints: new Map(), compared: new Map() });
    assert.equal(plain.get('lab.a')?.state, 'created');
    const swapped = mapStates({
      production: prod,
      parallel: null,
      checkpoints: new Map(),
      compared: new Map(),
      swapped: true,
    });
    assert.ok([...swapped.values()].every((s) => s.state === 'swapped'));
  });
});

describe('differences view model', () => {
  const tables: ReportTable[] = [
    {
      table: 'lab.subject',
      target: 'lab_v2.subject',
      status: 'differs',
      counts: {},
      differenceCount: 3,
      differences: [
        { key: { subject_id: '1' }, what: 'x', column: 'sex', production: 'M', test: 'F', reason: 'value differs' },
        { key: { subject_id: "O'Brien\\" }, what: 'missing in the 2.x schema', reason: 'missing in the 2.x schema' },
        {
          key: { subject_id: '1' },
          what: 'y',
          column: 'dob',
          production: '2020',
          test: '2021',
          reason: 'value differs',
        },
      ],
    },
    { table: 'lab.session', status: 'equal', counts: {}, differenceCount: 0, differences: [] },
    {
      table: 'ephys.unit',
      status: 'differs',
      counts: {},
      differenceCount: 1,
      differences: [
        { key: { a: '1', b: '0x00ff' }, what: 'z', column: 'v', production: '1', test: '2', reason: 'float' },
      ],
    },
  ];

  it('groups differing rows schema → table, keeps equal tables out, and filters', () => {
    const g = groupDifferences({ tables });
    assert.deepEqual(
      g.map((s) => [s.schema, s.tables.map((t) => [t.name, t.total, t.rows.length])]),
      [
        ['lab', [['subject', 3, 3]]],
        ['ephys', [['unit', 1, 1]]],
      ],
    );
    assert.equal(g[0].tables[0].rows[1].reason, 'missing in the 2.x schema');
    assert.equal(g[0].tables[0].rows[0].production, 'M');
    const f = groupDifferences({ tables }, 'DOB');
    assert.deepEqual(
      f.map((s) => s.tables.map((t) => t.rows.map((r) => r.column))),
      [[['dob']]],
    );
    assert.deepEqual(groupDifferences({ tables }, 'no such thing'), []);
  });

  it('pages long lists', () => {
    assert.deepEqual(page([1, 2, 3, 4, 5], 2), { items: [1, 2], more: 3 });
    assert.deepEqual(page([1], 2), { items: [1], more: 0 });
  });

  it('writes the keys as one WHERE … IN with quoted identifiers and literals, each key once', () => {
    const rows = groupDifferences({ tables })[0].tables[0].rows;
    assert.equal(
      keysSql('lab.subject', rows),
      "SELECT * FROM `lab`.`subject` WHERE `subject_id` IN ('1', 'O''Brien\\\\');\n",
    );
    assert.equal(
      keysSql('ephys.unit', [{ key: { a: '1', b: '0x00ff' } }, { key: { a: '2', b: 'x`y' } }]),
      "SELECT * FROM `ephys`.`unit` WHERE (`a`, `b`) IN (('1', 0x00ff), ('2', 'x`y'));\n",
    );
    assert.equal(sqlLiteral('0xzz'), "'0xzz'");
    assert.equal(keysSql('we`ird.t', [{ key: { 'k`': 'v' } }]), "SELECT * FROM `we``ird`.`t` WHERE `k``` IN ('v');\n");
  });
});

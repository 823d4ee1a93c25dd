import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { introspect } from '../../client/src/db/introspect';
import type { Column, Schema, Table } from '../../client/src/db/model';
import { decodeStorage } from '../../client/src/db/introspect';
import {
  className,
  columnTypeText,
  columnView,
  errorView,
  pairSchemas,
  schemaView,
  tableStates,
  tableView,
} from '../../client/src/ui/explorerModel';
import { loadFixture, type LoadedFixture } from '../db/harness';

describe('explorer items from pure data', () => {
  it('pairs each production schema with its parallel schema by the suffix, hiding system schemas', () => {
    assert.deepEqual(
      pairSchemas(
        ['mysql', 'lab_v2', 'lab', 'ephys', 'other_v2', 'information_schema', 'sys', 'performance_schema'],
        '_v2',
      ),
      [
        { name: 'ephys', parallel: null },
        { name: 'lab', parallel: 'lab_v2' },
        { name: 'other_v2', parallel: null },
      ],
    );
    assert.deepEqual(pairSchemas(['lab', 'lab_new'], '_new'), [{ name: 'lab', parallel: 'lab_new' }]);
  });

  it('names tables by their DataJoint class', () => {
    assert.equal(className('#animal_species'), 'AnimalSpecies');
    assert.equal(className('_neuron'), 'Neuron');
    assert.equal(className('__activity_stats__bin'), 'ActivityStats.Bin');
    assert.equal(className('session__note'), 'Session.Note');
  });

  it('shows the 0.14.6 → 2.x type of MySQL 8 columns (no display width) as of MariaDB ones', () => {
    const col = (columnType: string, extra = ''): Column => ({
      name: 'x',
      columnType,
      dataType: columnType.split(/[ (]/)[0],
      nullable: false,
      default: null,
      extra,
      charset: null,
      collation: null,
      comment: '',
      storage: { form: 'plain' },
      label2x: null,
    });
    assert.equal(columnTypeText(col('int unsigned'), 'production', 'widen').text, 'int unsigned → int64');
    assert.equal(columnTypeText(col('int(10) unsigned'), 'production', 'widen').text, 'int unsigned → int64');
    assert.equal(columnTypeText(col('int(10) unsigned'), 'production', 'native').text, 'int unsigned → int unsigned');
    assert.equal(columnTypeText(col('tinyint(3) unsigned'), 'production', 'widen').text, 'tinyint unsigned → int16');
    const auto = columnTypeText(col('int(11)', 'auto_increment'), 'production', 'widen');
    assert.match(auto.text, /^int auto_increment → /);
    assert.equal(columnTypeText({ ...col('bigint'), label2x: 'int64' }, 'parallel', 'widen').text, 'int64');
  });

  it('turns a failure into an item that says why', () => {
    const v = errorView('Cannot load schemas', new Error('access denied\nmore detail'));
    assert.equal(v.label, 'Cannot load schemas: access denied');
    assert.equal(v.tooltip, 'access denied\nmore detail');
    assert.equal(v.icon, 'error');
    assert.equal(v.collapsible, false);
  });
});

describe('explorer items from the introspected dj014 fixture', { timeout: 120_000 }, () => {
  let fx: LoadedFixture;
  let schemas: Schema[];
  const table = (schema: number, name: string): Table => schemas[schema].tables.find((t) => t.name === name)!;

  before(async () => {
    fx = await loadFixture('dj014');
    schemas = await introspect(fx.db, fx.schemas);
  });
  after(async () => fx?.cleanup());

  it('badges a 0.14.6 schema and names its missing parallel schema; menus match its context value', () => {
    const [lab] = schemas;
    const v = schemaView(lab, null, `${lab.name}_v2`);
    assert.equal(v.label, lab.name);
    assert.equal(v.description, `0.14.6 · ⇄ ${lab.name}_v2 not created`);
    assert.equal(v.contextValue, 'schema.v014');
    assert.match(v.tooltip ?? '', /DataJoint 0\.14\.6/);
  });

  it('shows tier, estimated rows and migration state for tables', () => {
    const subject = table(0, 'subject');
    const v = tableView(subject, { state: 'not-created' }, 'production');
    assert.equal(v.label, 'Subject');
    assert.match(v.description ?? '', /^Manual · ~\d+ rows? · no 2\.x table$/);
    assert.equal(v.icon, 'person');
    assert.equal(v.contextValue, 'table.v014.manual.not-created');
    assert.equal(
      tableView(
        table(0, '#species'),
        { state: 'compared', equal: true, differences: 0 },
        'production',
      ).description?.endsWith('compared: equal'),
      true,
    );
  });

  it('shows int unsigned → int64 for the fixture key column, and marks in-store columns', () => {
    const subject = table(0, 'subject');
    const id = subject.columns.find((c) => c.name === 'subject_id')!;
    const v = columnView(id, subject, 'production', 'widen');
    assert.match(v.description ?? '', /^int unsigned → int64/);
    assert.equal(v.icon, 'key');
    const inStore = schemas
      .flatMap((s) => s.tables)
      .flatMap((t) => t.columns.map((c) => ({ t, c })))
      .find(({ c }) => c.storage.form === 'pointer014');
    assert.ok(inStore, 'the fixture has 0.14.6 in-store columns');
    const sv = columnView(inStore.c, inStore.t, 'production', 'widen');
    assert.match(sv.description ?? '', /in store [a-z-]+/);
    assert.equal(sv.contextValue, 'column.production.inStore');
    assert.match(sv.description ?? '', /→ <(blob|attach|filepath)@[a-z-]+>/);
  });

  it('derives table states from the parallel schema, copy checkpoints and compare results', () => {
    const [lab] = schemas;
    const parallel: Schema = { ...lab, name: `${lab.name}_v2`, tables: lab.tables.filter((t) => t.name !== 'user') };
    const states = tableStates(
      lab,
      parallel,
      new Map([
        ['subject', { status: 'done', rowsCopied: 4 }],
        ['#species', { status: 'cancelled', rowsCopied: 1 }],
      ]),
      new Map(),
    );
    assert.deepEqual(states.get('user'), { state: 'not-created' });
    assert.deepEqual(states.get('subject'), { state: 'copied', copied: 4 });
    assert.deepEqual(states.get('#species'), { state: 'copying', copied: 1 });
    const compared = tableStates(lab, parallel, new Map(), new Map([['subject', { equal: false, differences: 2 }]]));
    assert.deepEqual(compared.get('subject'), { state: 'compared', equal: false, differences: 2 });
  });

  it('decodes storage the way the explorer relies on (sanity of the shared model)', () => {
    assert.deepEqual(decodeStorage('binary', 'blob@raw'), { form: 'pointer014', kind: 'blob', store: 'raw' });
  });
});

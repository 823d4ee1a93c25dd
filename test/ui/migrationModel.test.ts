// The Migration view's model without VS Code: the schema names Python code gives, the pipelines followed by
// default, and a schema's finished steps folded into one row.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultPipelines,
  followedPipelines,
  namedByCode,
  schemaHints,
  stepRows,
} from '../../client/src/ui/migrationModel';
import { type StepState, STEPS } from '../../client/src/ui/workflow';

describe('schema names in the code', () => {
  it('reads literals exactly and templates by their literal end', () => {
    const source = [
      'import datajoint as dj',
      "lab = dj.schema('lab_core', context=globals())",
      'ephys = dj.Schema(f"{PREFIX}_ephys")',
      "analysis = dj.Schema(PREFIX + '_analysis')",
      'old = dj.schema("{}_old".format(prefix))',
      "pct = dj.schema('%s_pct' % prefix)",
      "vm = dj.virtual_schema('shared_lookup')",
      "element.activate(db_prefix + 'session', create_schema=True)",
      "subject.activate(schema_name='elem_subject')",
      'dyn = dj.Schema(name)',
      'bare = dj.Schema(f"{prefix}{name}")',
    ].join('\n');
    const hints = schemaHints(source);
    const key = (h: { name: string; exact: boolean }) => `${h.exact ? '=' : '~'}${h.name}`;
    assert.deepEqual(hints.map(key).sort(), [
      '=elem_subject',
      '=lab_core',
      '=shared_lookup',
      '~_analysis',
      '~_ephys',
      '~_old',
      '~_pct',
      '~session',
    ]);
  });

  it('matches a schema or its parallel schema', () => {
    const hints = schemaHints('a = dj.Schema(f"{P}_lab_v2")\nb = dj.Schema("core")');
    assert.equal(namedByCode('t1_lab', hints, '_v2'), true, 'migrated code names the parallel schema');
    assert.equal(namedByCode('t1_lab', hints, ''), false);
    assert.equal(namedByCode('core', hints, '_v2'), true);
    assert.equal(namedByCode('core_extra', hints, '_v2'), false, 'a literal is matched exactly');
    assert.equal(namedByCode('t1_ephys', hints, '_v2'), false);
    const vague = schemaHints('a = dj.Schema(f"{name}_v2")\nb = dj.Schema(f"{p}_x")');
    assert.deepEqual(
      vague.map((h) => h.name),
      ['_v2', '_x'],
    );
    assert.equal(namedByCode('t1_lab', vague, '_v2'), false, 'a template ending only in the suffix names nothing');
    assert.equal(namedByCode('t1_x', vague, '_v2'), false, 'nor one ending in a character or two');
  });
});

describe('pipelines followed by default', () => {
  const lab = { name: 't1_lab', schemas: ['t1_analysis', 't1_ephys', 't1_lab'] };
  const other = { name: 'other', schemas: ['other'] };
  const hints = schemaHints('ephys = dj.schema(f"{PREFIX}_ephys")');

  it('follows the pipelines the code names, else the only one, else none', () => {
    assert.deepEqual(defaultPipelines([lab, other], hints, '_v2'), [lab]);
    assert.deepEqual(defaultPipelines([lab, other], [], '_v2'), [], 'several and no code: Add pipeline… only');
    assert.deepEqual(defaultPipelines([other], hints, '_v2'), [other], 'the only pipeline there is');
    assert.deepEqual(defaultPipelines([], hints, '_v2'), []);
  });

  it('a choice overrides the default', () => {
    assert.deepEqual(followedPipelines([lab, other], undefined, [lab]), { shown: [lab], hidden: [other] });
    assert.deepEqual(followedPipelines([lab, other], ['other'], [lab]), { shown: [other], hidden: [lab] });
    assert.deepEqual(followedPipelines([lab, other], [], [lab]), { shown: [], hidden: [lab, other] });
  });
});

describe('finished steps', () => {
  const state = (i: number, status: StepState['status']): StepState => ({ step: STEPS[i], status });

  it('folds done and not-needed steps into one row and keeps the rest in order', () => {
    const steps = [
      state(0, 'pending'),
      state(1, 'done'),
      state(2, 'done'),
      state(3, 'failed'),
      state(4, 'not-needed'),
      state(5, 'pending'),
    ];
    const rows = stepRows(steps);
    assert.deepEqual(
      rows.finished.map((s) => s.step.id),
      [STEPS[1].id, STEPS[2].id, STEPS[4].id],
    );
    assert.deepEqual(
      rows.open.map((s) => s.step.id),
      [STEPS[0].id, STEPS[3].id, STEPS[5].id],
    );
    assert.equal(rows.label, '2 steps done, 1 not needed');
  });

  it('labels one step and nothing finished', () => {
    assert.equal(stepRows([state(0, 'done'), state(1, 'pending')]).label, '1 step done');
    assert.equal(stepRows([state(0, 'not-needed')]).label, '1 not needed');
    const none = stepRows([state(0, 'pending'), state(1, 'attention')]);
    assert.deepEqual(none.finished, []);
    assert.equal(none.open.length, 2);
  });
});

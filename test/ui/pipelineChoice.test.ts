// The Migration view's choice of pipelines, remembered in a Memento (a Map here), without VS Code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Memento } from 'vscode';
import { PipelineChoice } from '../../client/src/ui/pipelineChoice';

function memento(): Memento {
  const m = new Map<string, unknown>();
  return {
    keys: () => [...m.keys()],
    get: <T>(k: string, d?: T) => (m.has(k) ? (m.get(k) as T) : d),
    update: async (k: string, v: unknown) => void m.set(k, v),
  } as Memento;
}

const lab = { name: 'lab', schemas: ['ephys', 'lab'] };
const other = { name: 'other', schemas: ['other'] };
const third = { name: 'third', schemas: ['third'] };
const all = [lab, other, third];

describe('pipeline choice', () => {
  it('shows the default until the user chooses, then only the chosen ones', async () => {
    const c = new PipelineChoice(memento());
    let changes = 0;
    c.onDidChange(() => changes++);
    assert.deepEqual(c.visible('conn', all, [lab]), { shown: [lab], hidden: [other, third] });
    assert.deepEqual(c.visible('conn', all, []), { shown: [], hidden: all });
    // The first addition starts from what the default showed.
    await c.add('conn', 'other', all, [lab]);
    assert.deepEqual(c.chosen('conn'), ['lab', 'other']);
    assert.deepEqual(
      c.visible('conn', all, []),
      { shown: [lab, other], hidden: [third] },
      'the default no longer applies',
    );
    await c.add('conn', 'other', all, [lab]);
    await c.add('conn', 'gone', all, [lab]);
    assert.deepEqual(c.chosen('conn'), ['lab', 'other'], 'a shown or vanished pipeline is not added');
    await c.set('conn', ['third']);
    assert.deepEqual(c.visible('conn', all, [lab]), { shown: [third], hidden: [lab, other] });
    assert.deepEqual(c.visible('elsewhere', all, [other]).shown, [other], 'per connection');
    assert.equal(changes, 2);
  });
});

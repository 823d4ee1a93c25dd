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

describe('pipeline choice', () => {
  it('shows every pipeline until the user chooses, then only the chosen ones', async () => {
    const c = new PipelineChoice(memento());
    let changes = 0;
    c.onDidChange(() => changes++);
    assert.deepEqual(c.visible('conn', [lab, other]), { shown: [lab, other], hidden: [] });
    await c.add('conn', 'other', [lab, other]);
    assert.equal(c.chosen('conn'), undefined, 'adding to "everything" changes nothing');
    await c.set('conn', ['lab']);
    assert.deepEqual(c.visible('conn', [lab, other]), { shown: [lab], hidden: [other] });
    assert.deepEqual(c.visible('elsewhere', [lab, other]).hidden, []);
    await c.add('conn', 'other', [lab, other]);
    await c.add('conn', 'gone', [lab, other]);
    assert.deepEqual(c.chosen('conn'), ['lab', 'other']);
    assert.equal(changes, 3);
  });
});

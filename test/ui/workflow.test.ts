import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HistoryStore, STEPS, nextStep, stepStates, type HistoryEntry } from '../../client/src/ui/workflow';
import type { OperationReport } from '../../client/src/ui/report';

const entry = (
  kind: HistoryEntry['kind'],
  outcome: HistoryEntry['outcome'],
  targets = ['lab'],
  where = 'u@h:3306',
): HistoryEntry => ({
  id: `${kind}-${outcome}`,
  kind,
  title: kind,
  where,
  targets,
  finishedAt: '2026-01-01T00:00:00Z',
  outcome,
  summary: `${kind} ${outcome}`,
});

describe('workflow steps', () => {
  it('starts with everything pending and code migration next; cut-over not swapped', () => {
    const states = stepStates([], 'u@h:3306', 'lab');
    assert.deepEqual(
      states.map((s) => s.step.id),
      STEPS.map((s) => s.id),
    );
    assert.equal(states.find((s) => s.step.id === 'cutover')?.status, 'pending');
    assert.equal(states.find((s) => s.step.id === 'cutover')?.detail, 'not swapped');
    assert.equal(nextStep(states)?.step.id, 'code');
  });

  it('takes each step from the last report for this schema on this server', () => {
    const history = [
      entry('code', 'ok', ['workspace'], 'ws'),
      entry('preflight', 'ok'),
      entry('create-parallel', 'ok'),
      entry('copy', 'failed'),
      entry('copy', 'ok', ['ephys']),
      entry('copy', 'ok', ['lab'], 'u@other:3306'),
    ];
    const states = stepStates(history, 'u@h:3306', 'lab', { hasPointers: false });
    const by = Object.fromEntries(states.map((s) => [s.step.id, s.status]));
    assert.deepEqual(by, {
      code: 'done',
      preflight: 'done',
      parallel: 'done',
      copy: 'failed',
      pointers: 'not-needed',
      compare: 'pending',
      verify: 'pending',
      backup: 'pending',
      cutover: 'pending',
    });
    assert.equal(nextStep(states)?.step.id, 'copy');
    const later = stepStates([...history, entry('copy', 'ok'), entry('compare', 'differences')], 'u@h:3306', 'lab', {
      hasPointers: false,
    });
    assert.equal(nextStep(later)?.step.id, 'compare', 'a compare with differences still needs attention');
  });

  it('counts an existing parallel schema as created even without history', () => {
    const states = stepStates([entry('code', 'ok', ['workspace'], 'ws'), entry('preflight', 'ok')], 'u@h:3306', 'lab', {
      parallelExists: true,
    });
    assert.equal(states.find((s) => s.step.id === 'parallel')?.status, 'done');
    assert.equal(nextStep(states)?.step.id, 'copy');
  });
});

describe('HistoryStore', () => {
  const report = (id: string): OperationReport => ({
    id,
    kind: 'copy',
    title: 'Copy Data',
    where: 'u@h:3306',
    targets: ['lab'],
    startedAt: 's',
    finishedAt: 'f',
    outcome: 'ok',
    summary: 'ok',
    tables: [],
    notes: [],
    statements: 3,
  });

  it('keeps entries and reports across restarts, bounded, and clears them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-history-'));
    try {
      const store = new HistoryStore(dir, 2);
      let changes = 0;
      store.onDidChange(() => changes++);
      store.record(report('a'));
      store.record(report('b'));
      store.record(report('c'));
      assert.equal(changes, 3);
      const reopened = new HistoryStore(dir, 2);
      assert.deepEqual(
        reopened.list().map((e) => e.id),
        ['b', 'c'],
      );
      assert.equal(reopened.report('a'), null, 'the dropped report file is deleted');
      assert.equal(reopened.report('c')?.statements, 3);
      assert.equal(reopened.report('../../etc/passwd'), null);
      reopened.clear();
      assert.deepEqual(new HistoryStore(dir).list(), []);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'reports')), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets a damaged history file aside instead of overwriting it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-history-'));
    try {
      fs.writeFileSync(path.join(dir, 'history.json'), '{not json');
      const store = new HistoryStore(dir);
      assert.deepEqual(store.list(), []);
      assert.ok(fs.readdirSync(dir).some((f) => f.startsWith('history.json.damaged-')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

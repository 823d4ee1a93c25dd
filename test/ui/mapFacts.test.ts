// What the map reads besides the catalogue (copy checkpoints of every state file, the history's last
// compare and verify) and where reports are saved as documents — without VS Code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newCheckpoint, newCopyState, saveCopyState } from '../../client/src/db/state';
import { checkpointsFor, historyFacts } from '../../client/src/map/facts';
import { reportFileName, saveReport } from '../../client/src/ui/reportFiles';
import { ensurePrivateDir } from '../../client/src/db/privateFiles';
import type { OperationReport } from '../../client/src/ui/report';
import type { HistoryEntry } from '../../client/src/ui/workflow';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'djm-map-'));
}

describe('map facts', () => {
  it('reads checkpoints of the schemas from every state file of the server, newest first', () => {
    const dir = tmp();
    const single = newCopyState('h:3306', { lab: 'lab_v2' });
    single.tables['lab.subject'] = {
      ...newCheckpoint('a', 'b', ''),
      status: 'done',
      rowsCopied: 5,
      finishedAt: '2026-01-01T00:00:00Z',
    };
    saveCopyState(path.join(dir, 'h_3306_lab_v2.json'), single);
    const pipeline = newCopyState('h:3306', { lab: 'lab_v2', ephys: 'ephys_v2' });
    pipeline.tables['lab.subject'] = {
      ...newCheckpoint('a', 'b', ''),
      status: 'running',
      rowsCopied: 2,
      startedAt: '2026-02-01T00:00:00Z',
    };
    pipeline.tables['ephys.session'] = { ...newCheckpoint('a', 'b', ''), status: 'pending', rowsCopied: 0 };
    pipeline.tables['other.x'] = { ...newCheckpoint('a', 'b', ''), status: 'done', rowsCopied: 9 };
    saveCopyState(path.join(dir, 'h_3306_ephys_v2+lab_v2.json'), pipeline);
    saveCopyState(path.join(dir, 'elsewhere_3306_lab_v2.json'), single);
    fs.writeFileSync(path.join(dir, 'h_3306_broken.json'), '{');
    const cps = checkpointsFor(dir, 'h', 3306, ['lab', 'ephys']);
    assert.deepEqual(Object.fromEntries([...cps].map(([k, v]) => [k, [v.status, v.rowsCopied]])), {
      'lab.subject': ['running', 2],
      'ephys.session': ['pending', 0],
    });
    assert.equal(checkpointsFor(path.join(dir, 'none'), 'h', 3306, ['lab']).size, 0);
  });

  it('takes the newest compare and verify per table from the history of that server', () => {
    const reports: Record<string, Partial<OperationReport>> = {
      c1: { tables: [{ table: 'lab.a', status: 'differs', counts: {}, differences: [], differenceCount: 2 }] },
      c2: {
        tables: [
          { table: 'lab.a', status: 'equal', counts: {}, differences: [], differenceCount: 0 },
          { table: 'lab.b', status: 'differs', counts: {}, differences: [], differenceCount: 1 },
        ],
      },
      v1: { tables: [{ table: 'lab_v2.a', status: 'ready', counts: {}, differences: [], differenceCount: 0 }] },
      other: { tables: [{ table: 'lab.b', status: 'equal', counts: {}, differences: [], differenceCount: 0 }] },
    };
    const entry = (id: string, kind: 'compare' | 'verify', where = 'u@h:3306'): HistoryEntry => ({
      id,
      kind,
      title: id,
      where,
      targets: ['lab'],
      finishedAt: '',
      outcome: 'ok',
      summary: '',
    });
    const f = historyFacts(
      [entry('c1', 'compare'), entry('c2', 'compare'), entry('v1', 'verify'), entry('other', 'compare', 'u@x:1')],
      (id) => (reports[id] as OperationReport) ?? null,
      'u@h:3306',
      ['lab'],
      '_v2',
    );
    assert.deepEqual(Object.fromEntries(f.compared), {
      'lab.a': { equal: true, differences: 0 },
      'lab.b': { equal: false, differences: 1 },
    });
    assert.deepEqual([...f.verified], ['lab.a']);
    assert.equal(f.lastCompare, reports.c2);
  });
});

describe('reports as documents', () => {
  it('saves under .dj-migrate/reports with a timestamp and git-ignores the folder once', () => {
    const root = tmp();
    const now = new Date('2026-12-06T15:37:00.123Z');
    assert.equal(reportFileName('compare lab+ephys', now), '20261206T153700Z-compare-lab-ephys.md');
    const a = saveReport(root, 'compare-lab', '# Compare', now);
    const b = saveReport(root, 'compare-lab', '# Again', now);
    assert.equal(path.relative(root, a), path.join('.dj-migrate', 'reports', '20261206T153700Z-compare-lab.md'));
    assert.notEqual(a, b);
    assert.equal(fs.readFileSync(a, 'utf8'), '# Compare\n');
    assert.equal(fs.readFileSync(path.join(root, '.dj-migrate', '.gitignore'), 'utf8'), '*\n');
    // Someone else's .gitignore (e.g. the checkpoints' writer) is left as it is.
    fs.writeFileSync(path.join(root, '.dj-migrate', '.gitignore'), '*\n# theirs\n');
    ensurePrivateDir(path.join(root, '.dj-migrate', 'reports'));
    assert.equal(fs.statSync(a).mode & 0o777, 0o600, 'reports are private like checkpoints');
    assert.equal(fs.readFileSync(path.join(root, '.dj-migrate', '.gitignore'), 'utf8'), '*\n# theirs\n');
  });
});

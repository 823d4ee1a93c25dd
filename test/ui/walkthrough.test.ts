import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WALKTHROUGH_KEYS, walkthroughContext } from '../../client/src/ui/walkthrough';
import type { HistoryEntry } from '../../client/src/ui/workflow';
import { repoRoot } from '../helpers/paths';

let n = 0;
const entry = (kind: HistoryEntry['kind'], outcome: HistoryEntry['outcome'] = 'ok', schema = 'lab'): HistoryEntry => ({
  id: `${kind}-${n++}`,
  kind,
  title: kind,
  where: 'u@h:3306',
  targets: [schema],
  finishedAt: '2026-01-01T00:00:00Z',
  outcome,
  summary: '',
});
const data = (h: HistoryEntry[]) => walkthroughContext(h)[WALKTHROUGH_KEYS.dataCompared];
const cut = (h: HistoryEntry[]) => walkthroughContext(h)[WALKTHROUGH_KEYS.cutOver];

describe('walkthrough completion from the history', () => {
  it('"Copy and compare" needs a clean compare after a copy of the same schema', () => {
    assert.equal(data([]), false);
    assert.equal(data([entry('compare')]), false, 'compare alone');
    assert.equal(data([entry('compare'), entry('copy')]), false, 'compare before the copy');
    assert.equal(data([entry('copy', 'ok', 'a'), entry('compare', 'ok', 'b')]), false, 'other schema');
    assert.equal(data([entry('copy'), entry('compare', 'differences')]), false);
    assert.equal(data([entry('copy', 'failed'), entry('compare')]), false);
    assert.equal(data([entry('copy'), entry('compare')]), true);
  });

  it('"Verify and cut over" needs a swap or in-place migration, not verify; an unswap undoes it', () => {
    assert.equal(cut([entry('verify')]), false, 'verify alone');
    assert.equal(cut([entry('verify'), entry('backup')]), false);
    assert.equal(cut([entry('swap', 'failed')]), false);
    assert.equal(cut([entry('verify'), entry('swap')]), true);
    assert.equal(cut([entry('in-place')]), true);
    assert.equal(cut([entry('swap'), entry('unswap')]), false);
    assert.equal(cut([entry('swap'), entry('unswap'), entry('swap')]), true);
  });
});

describe('package.json walkthrough steps', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const steps = new Map<string, string[]>(
    pkg.contributes.walkthroughs[0].steps.map((s: { id: string; completionEvents: string[] }) => [
      s.id,
      s.completionEvents,
    ]),
  );

  it('each step completes on its own last action', () => {
    assert.deepEqual(steps.get('pin'), ['onCommand:datajoint.code.updatePin']);
    assert.deepEqual(steps.get('code'), ['onCommand:datajoint.code.migrateWorkspace']);
    assert.deepEqual(steps.get('connect'), ['onContext:datajoint.connectionCount > 0']);
    assert.deepEqual(steps.get('data'), [`onContext:${WALKTHROUGH_KEYS.dataCompared}`]);
    assert.deepEqual(steps.get('cutover'), [`onContext:${WALKTHROUGH_KEYS.cutOver}`]);
    assert.equal(steps.size, 5);
  });

  it('the context keys the steps wait for are set by the extension', () => {
    const ext = fs.readFileSync(path.join(repoRoot, 'client', 'src', 'extension.ts'), 'utf8');
    assert.match(ext, /walkthroughContext\(history\.list\(\)\)/);
    assert.match(ext, /history\.onDidChange\(walkthrough\)/);
  });
});

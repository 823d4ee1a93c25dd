// The parallel check: threads claim chunks of consecutive files as they run out of work; whichever thread
// claims which chunk, the results equal the one-thread check's (a file analysed before a file it imports was
// indexed by another thread is analysed again once every thread's exports are known).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunkOut, claimChunks, MIN_CHUNK } from '../../server/src/parallel/chunks';
import { analyzeInParallel } from '../../server/src/parallel/pool';
import { Project, type FileResult } from '../../server/src/project';
import { writeCorpus } from '../../server/src/bench/corpus';
import { resultSummary } from '../helpers/results';
import { crossFileModules } from '../helpers/crossFileModules';

test('chunks cover every file once, in order, each at least MIN_CHUNK long (the last may be shorter), none longer than the one before', () => {
  for (const files of [0, 1, 7, 16, 48, 49, 1000, 1001]) {
    for (const n of [1, 2, 3, 8]) {
      const list = Array.from({ length: files }, (_, i) => i);
      const chunks = chunkOut(list, n);
      assert.deepEqual(chunks.flat(), list);
      if (n === 1) {
        assert.equal(chunks.length, 1);
        continue;
      }
      const sizes = chunks.map((c) => c.length);
      sizes.slice(0, -1).forEach((s, i) => {
        assert.ok(s >= MIN_CHUNK, `chunk ${i} of ${sizes} is shorter than ${MIN_CHUNK}`);
        assert.ok(sizes[i + 1] <= s, `chunk ${i + 1} of ${sizes} is longer than the one before`);
      });
      // The first chunk leaves work for the other threads: no thread can take more than its share at once.
      if (files >= n * MIN_CHUNK) assert.ok(sizes[0] <= Math.ceil(files / n), `first chunk of ${sizes}`);
    }
  }
});

test('threads sharing one claim counter take every chunk exactly once', () => {
  const chunks = chunkOut(
    Array.from({ length: 300 }, (_, i) => i),
    3,
  );
  const claimed = new Int32Array(new SharedArrayBuffer(4));
  const taken: number[][] = [[], []];
  // Two claimers, interleaved: the first takes one chunk, hands over to the second, which takes the rest.
  let turn = 0;
  claimChunks(claimed, chunks, (c) => {
    taken[0].push(...c);
    if (turn++ === 0) claimChunks(claimed, chunks, (d) => taken[1].push(...d));
  });
  assert.ok(taken[0].length > 0 && taken[1].length > 0);
  assert.deepEqual(
    [...taken[0], ...taken[1]].sort((a, b) => a - b),
    chunks.flat(),
  );
  assert.ok(Atomics.load(claimed, 0) >= chunks.length);
});

// zb.py sorts last: a.py and zb.py land in the first and last chunks.
const FILES = crossFileModules('zb');

test('a parallel check of modules importing each other across chunks equals the one-thread check', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-chunks-'));
  try {
    // Each module imports the previous one; file order (pipeline_1, pipeline_10, …) puts importers in other chunks.
    writeCorpus(dir, 120);
    // Findings owed to files far away in file order (first and last chunks): a.py and zb.py import each other, c.py
    // reads a setting z_conf.py makes; a_first.py imports the chain's last module.
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, 'broken.ipynb'), '{not json');
    const one = await Project.open([dir], { schemaSuffix: '' }, { index: false });
    one.indexAndAnalyze();
    const expected = resultSummary(one.analyzeAll());
    const of = (name: string) => expected.find((r) => r.path === name)!;
    assert.ok(
      of('a.py').findings.some((f) => f.startsWith('DJ020@')),
      'a.py: fetch("KEY") on the table from zb.py',
    );
    assert.ok(
      of('zb.py').findings.some((f) => f.startsWith('DJ020@')),
      'zb.py: fetch("KEY") on the table from a.py',
    );
    assert.ok(
      of('c.py').findings.some((f) => f.startsWith('DJ031@') && f.includes('z_conf.py')),
      'c.py: fetch_format',
    );
    assert.ok(of('broken.ipynb').skipped);
    for (const threads of [2, 3]) {
      const project = await Project.open([dir], { schemaSuffix: '' }, { index: false, readAll: false });
      const streamed: FileResult[] = [];
      await analyzeInParallel(project, threads, (r) => streamed.push(r));
      assert.deepEqual(resultSummary(streamed), expected, `${threads} threads`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// `dj-migrate check` on one thread analyses each Python file right after indexing it (Project.indexAndAnalyze)
// and keeps those findings only when the complete workspace index gives every read the same answer. A file
// analysed before a file it depends on was indexed (an import cycle; a `dj.config` setting in a file it does not
// import) is analysed again: the findings equal the two-pass analysis (index every file, then analyse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from '../../server/src/project';
import { writeCorpus } from '../../server/src/bench/corpus';
import { resultSummary } from '../helpers/results';
import { crossFileModules } from '../helpers/crossFileModules';

// a.py and b.py import each other: whichever comes first is analysed before the other is indexed.
const FILES = crossFileModules('b');

async function bothWays(dir: string) {
  const twoPass = await Project.open([dir], { schemaSuffix: '' });
  const onePass = await Project.open([dir], { schemaSuffix: '' }, { index: false });
  onePass.indexAndAnalyze();
  return { twoPass: resultSummary(twoPass.analyzeAll()), onePass: resultSummary(onePass.analyzeAll()) };
}

test('findings read from files indexed later (import cycle, a config setting elsewhere) equal the two-pass analysis', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-onepass-'));
  try {
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    const { twoPass, onePass } = await bothWays(dir);
    assert.deepEqual(onePass, twoPass);
    const of = (name: string) => onePass.find((r) => r.path === name)!.findings;
    // What the findings owe to the other files: the table imported in a cycle, the setting made elsewhere.
    assert.ok(
      of('a.py').some((f) => f.startsWith('DJ020@')),
      `a.py: fetch("KEY") on the table from b.py\n${of('a.py').join('\n')}`,
    );
    assert.ok(
      of('b.py').some((f) => f.startsWith('DJ020@')),
      `b.py: fetch("KEY") on the table from a.py\n${of('b.py').join('\n')}`,
    );
    assert.ok(
      of('c.py').some((f) => f.startsWith('DJ031@') && f.includes('z_conf.py')),
      `c.py: fetch() with fetch_format set in z_conf.py\n${of('c.py').join('\n')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a generated pipeline (each module importing the previous one) gets the two-pass findings in one pass', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-onepass-'));
  try {
    writeCorpus(dir, 40);
    const { twoPass, onePass } = await bothWays(dir);
    assert.deepEqual(onePass, twoPass);
    assert.ok(onePass.reduce((n, r) => n + r.findings.length, 0) > 40 * 10);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

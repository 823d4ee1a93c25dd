// The parallel check: this thread and a worker each read the chunks of files they claim once (the main thread reads
// only the dependency pins, and hands them to the thread that analyses them); results stream in file order.
// Every output line, the exit code and the installed packages' warnings equal the one-thread run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { writeCorpus } from '../../server/src/bench/corpus';
import { Project } from '../../server/src/project';

const caseDir = path.join(repoRoot, 'test', 'rules', 'workspace', 'dependency_longblob');

function mixedProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-par-'));
  writeCorpus(dir, 60);
  fs.cpSync(path.join(caseDir, 'before'), path.join(dir, 'dep'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'numpy\ndatajoint==0.14.6\n');
  fs.writeFileSync(
    path.join(dir, 'setup.py'),
    'from setuptools import setup\nsetup(name="p", install_requires=["datajoint>=0.14"])\n',
  );
  fs.writeFileSync(path.join(dir, 'bin.py'), Buffer.from([0, 1, 2, 3, 0, 255]));
  fs.writeFileSync(
    path.join(dir, 'half.py'),
    'import datajoint as dj\nschema = dj.schema("lab"\n@schema\nclass A(dj.Manual):\n    definition = """\n    a : int\n',
  );
  fs.writeFileSync(
    path.join(dir, 'dj_local_conf.json'),
    JSON.stringify({ 'database.host': 'db', fetch_format: 'frame' }),
  );
  return dir;
}

test('check --jobs 2 prints exactly what --jobs 1 prints: text and JSON, skipped files, pins, installed packages', async () => {
  const dir = mixedProject();
  const site = path.join(caseDir, 'site-packages');
  try {
    for (const format of ['text', 'json']) {
      const args = (jobs: string) => [
        'check',
        '--format',
        format,
        '--jobs',
        jobs,
        '--suffix',
        '',
        '--site-packages',
        site,
        dir,
      ];
      const one = await runCli(args('1'), dir);
      const two = await runCli(args('2'), dir);
      assert.equal(two.out, one.out, format);
      assert.equal(two.err, one.err, format);
      assert.equal(two.code, one.code, format);
      assert.match(format === 'text' ? one.err : one.out, /bin\.py[\s\S]*binary file/);
      if (format === 'json') {
        const r = JSON.parse(one.out) as {
          findings: Array<{ code: string; path: string }>;
          context: { pin: { line: string } };
        };
        assert.equal(r.context.pin.line, 'v014', 'the pin read by the main thread');
        assert.ok(
          r.findings.some((f) => f.code === 'DJ019'),
          'an installed package indexed after the workers read the imports',
        );
        assert.ok(
          r.findings.some((f) => f.code === 'DJ000' && f.path === 'half.py'),
          'the half-typed file is analysed',
        );
        const paths = r.findings.map((f) => f.path);
        assert.deepEqual(
          paths,
          [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
          'results in file order',
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('files parsed again for analysis (beyond the tree budget) get the findings of files whose trees were kept', async () => {
  const dir = mixedProject();
  try {
    const summary = (p: Project) =>
      p.analyzeAll().map((r) => ({
        path: r.path,
        skipped: r.skipped,
        findings: r.findings.map((f) => `${f.code}@${f.start}-${f.end}:${f.message}`),
      }));
    const kept = await Project.open([dir], { schemaSuffix: '' }, { treeBudget: Number.MAX_SAFE_INTEGER });
    const reparsed = await Project.open([dir], { schemaSuffix: '' }, { treeBudget: 0 });
    const a = summary(kept);
    assert.deepEqual(summary(reparsed), a);
    assert.ok(a.reduce((n, r) => n + r.findings.length, 0) > 60);
    // Streaming lets go of each text once its file is analysed.
    const streamed = await Project.open([dir], { schemaSuffix: '' }, { treeBudget: 4096 });
    const seen: string[] = [];
    streamed.analyzeAll((r) => seen.push(r.path));
    assert.deepEqual(
      seen,
      a.map((r) => r.path),
    );
    assert.equal(streamed.texts.size, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

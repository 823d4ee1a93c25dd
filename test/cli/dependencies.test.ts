// Issue 15 item 1 through the CLI: `report` has a Dependencies section (markdown and JSON) and its `remaining`
// list carries the DJ019 imports like any other item; `fix --unsafe` fixes calls on the installed package's
// tables like workspace tables and leaves the package's files byte-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';

const caseDir = path.join(repoRoot, 'test', 'rules', 'workspace', 'dependency_longblob');
const site = path.join(caseDir, 'site-packages');

function copyBefore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djcli-dep-'));
  fs.cpSync(path.join(caseDir, 'before'), dir, { recursive: true });
  return dir;
}

function bytesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

test('report: a Dependencies section, and the imports in `remaining` with path, line, cell, code and safety', async () => {
  const dir = copyBefore();
  try {
    const md = await runCli(['report', '--suffix', '', '--site-packages', site, '.'], dir);
    assert.equal(md.code, 0, md.err);
    const section = /## Dependencies\n([\s\S]*?)\n## /.exec(md.out)?.[1] ?? '';
    assert.match(section, /upgrade each to a release made for DataJoint 2\.x, or hold the migration/);
    assert.match(
      section,
      /\| element-rawdata \| 0\.3\.1 \| 3 \| 0 \| 0 \| 0 \| analysis\.ipynb:cell 2:1:8, analysis\.ipynb:cell 2:2:6, helpers\.py:1:8, pipeline\.py:2:8, pipeline\.py:3:6, pipeline\.py:4:6 \|/,
    );
    assert.match(
      md.out,
      /\| pipeline\.py:2:8 \| DJ019 \| manual \| manual \| `element_rawdata`: element-rawdata 0\.3\.1/,
    );

    const json = await runCli(['report', '--format', 'json', '--suffix', '', '--site-packages', site, '.'], dir);
    const report = JSON.parse(json.out);
    const items = report.remaining.filter((r: { code: string }) => r.code === 'DJ019');
    assert.equal(items.length, 6);
    assert.deepEqual(
      { ...items[0], message: undefined },
      {
        path: 'analysis.ipynb',
        code: 'DJ019',
        message: undefined,
        severity: 'warning',
        safety: 'manual',
        phase: 1,
        status: 'manual',
        line: 1,
        column: 8,
        cell: 2,
      },
    );
    assert.equal(report.dependencies.length, 1);
    assert.deepEqual(
      {
        package: report.dependencies[0].package,
        version: report.dependencies[0].version,
        risks: report.dependencies[0].risks,
        imports: report.dependencies[0].imports.length,
      },
      {
        package: 'element-rawdata',
        version: '0.3.1',
        risks: { silentRawBytes: 3, inTableAttach: 0, rejected: 0, schemaAtImport: 0 },
        imports: 6,
      },
    );
    assert.equal(report.dependencies[0].byCode.DJ106, 3, 'the full picture by rule code');

    const without = await runCli(['report', '--suffix', '', '.'], dir);
    assert.doesNotMatch(without.out, /## Dependencies|DJ019/, 'without the environment there is nothing to say');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fix --unsafe: calls on the installed tables are fixed; the package files stay byte-identical', async () => {
  const dir = copyBefore();
  const before = bytesUnder(site);
  try {
    const run = await runCli(['fix', '--unsafe', '--suffix', '', '--site-packages', site, '.'], dir);
    assert.equal(run.code, 0, run.err);
    const pipeline = fs.readFileSync(path.join(dir, 'pipeline.py'), 'utf8');
    assert.match(pipeline, /\(ephys\.Recording & key\)\.to_arrays\("raw"\)/);
    assert.match(pipeline, /Probe\.keys\(\)/);
    assert.match(fs.readFileSync(path.join(dir, 'analysis.ipynb'), 'utf8'), /\.to_arrays\(\\"raw\\"\)/);
    assert.match(run.err, /left for a person: 6,/, 'the six imports stay as items for a person');
    assert.deepEqual(bytesUnder(site), before, 'the installed package is never changed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// What is left, honestly: `report` counts fixed, left-for-a-person and unverified items; its JSON lists every
// left item (unverified ones included, with their reason) at the same relative paths and lines `check` prints;
// receivers proven not DataJoint are not listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';

const PIPELINE = `import datajoint as dj
import requests

schema = dj.Schema("lab")


@schema
class Subject(dj.Manual):
    definition = """
    subject : varchar(16)
    """


class Loader:
    def __init__(self, ephys):
        self._ephys = ephys

    def units(self):
        return self._ephys.Unit.fetch()


def page(url):
    return requests.get(url).fetch()


everything = Subject.fetch()
rows = Subject.fetch("subject", as_dict=True)
`;

const ANALYSIS = `import datajoint as dj

from ..pipeline import Subject


def weights(q, key):
    (q & key)._update("weight", 3)
    return q.fetch("weight")
`;

const NOTEBOOK = {
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# notes\n'] },
    { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import datajoint as dj\n'] },
    {
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: ['def f(t):\n', '    return t.fetch()\n'],
    },
  ],
  metadata: { kernelspec: { language: 'python', name: 'python3' } },
  nbformat: 4,
  nbformat_minor: 5,
};

interface Remaining {
  path: string;
  line: number;
  cell?: number;
  code: string;
  safety: string;
  status: string;
  unverified?: boolean;
  reason?: string;
}

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djreport-'));
  const proj = path.join(root, 'proj');
  fs.mkdirSync(path.join(proj, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'pipeline.py'), PIPELINE);
  fs.writeFileSync(path.join(proj, 'sub', 'analysis.py'), ANALYSIS);
  fs.writeFileSync(path.join(proj, 'nb.ipynb'), `${JSON.stringify(NOTEBOOK, null, 1)}\n`);
  return root;
}

test('report --format json: three counts, every left item in `remaining` with path, line, cell, code, safety; unverified marked with a reason', async () => {
  const root = tree();
  try {
    const r = await runCli(['report', '--format', 'json', 'proj'], root);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as {
      summary: Record<string, number>;
      remaining: Remaining[];
      filesChanged: string[];
    };
    assert.deepEqual(report.summary, { fixed: 2, leftForPerson: 1, unverified: 4, filesChanged: 1 });
    assert.deepEqual(report.filesChanged, [path.join('proj', 'pipeline.py')]);
    const rows = report.remaining.map((x) => `${x.path}:${x.cell ?? '-'}:${x.line}:${x.code}:${x.status}:${x.safety}`);
    assert.deepEqual(rows, [
      `${path.join('proj', 'nb.ipynb')}:3:2:DJ021:unverified:manual`,
      `${path.join('proj', 'pipeline.py')}:-:19:DJ021:unverified:manual`,
      `${path.join('proj', 'pipeline.py')}:-:27:DJ025:unsafe:unsafe`,
      `${path.join('proj', 'sub', 'analysis.py')}:-:7:DJ060:unverified:manual`,
      `${path.join('proj', 'sub', 'analysis.py')}:-:8:DJ023:unverified:manual`,
    ]);
    const reasons = report.remaining.filter((x) => x.unverified).map((x) => x.reason);
    assert.deepEqual(reasons, [
      'receiver not resolved: `t`',
      'receiver not resolved: `self._ephys.Unit`',
      'receiver not resolved: `q & key`',
      'receiver not resolved: `q`',
    ]);
    // `requests.get(url).fetch()` (line 23) is proven not DataJoint: not listed.
    assert.ok(!report.remaining.some((x) => x.path.endsWith('pipeline.py') && x.line === 23));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('report markdown: files changed, fixed, left for a person and unverified counts', async () => {
  const root = tree();
  try {
    const r = await runCli(['report', 'proj'], root);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^- Files changed: 1$/m);
    assert.match(r.out, /^- Fixed: 2 /m);
    assert.match(r.out, /^- Left for a person \(manual, unsafe or deferred\): 1$/m);
    assert.match(r.out, /^- Unverified \(receiver not resolved; check each by hand\): 4$/m);
    assert.match(
      r.out,
      /proj\/sub\/analysis\.py:8:12 \| DJ023 \| unverified .*\[unverified: receiver not resolved: `q`\]/,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('check and report agree on paths (relative to the current folder) and on the lines of unchanged code', async () => {
  const root = tree();
  try {
    for (const [cwd, arg] of [
      [root, 'proj'],
      [path.join(root, 'proj'), '.'],
      [path.join(root, 'proj', 'sub'), '..'],
    ]) {
      const check = JSON.parse((await runCli(['check', '--format', 'json', arg], cwd)).out) as {
        findings: Remaining[];
      };
      const report = JSON.parse((await runCli(['report', '--format', 'json', arg], cwd)).out) as {
        remaining: Remaining[];
      };
      const key = (x: Remaining) => `${x.path}:${x.cell ?? '-'}:${x.line}:${x.code}:${x.unverified ?? false}`;
      const checked = new Set(check.findings.map(key));
      for (const item of report.remaining) {
        assert.ok(!path.isAbsolute(item.path), item.path);
        assert.ok(checked.has(key(item)), `${key(item)} (cwd ${cwd}) is not among check's findings`);
      }
      assert.ok(check.findings.some((f) => f.unverified && f.reason === 'receiver not resolved: `self._ephys.Unit`'));
      const text = await runCli(['check', arg], cwd);
      assert.match(text.out, /; 4 unverified \(receiver not resolved: check by hand\)\.$/m);
      assert.match(text.out, /DJ023 hint \[manual\] .*\[unverified: receiver not resolved: `q`\]$/m);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('fix: the summary line gives the three counts; files changed counts files written', async () => {
  const root = tree();
  try {
    const r = await runCli(['fix', 'proj'], root);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /Changed 1 file\(s\), 2 fix\(es\); left for a person: 1, unverified: 4/);
    const again = await runCli(['fix', 'proj'], root);
    assert.match(again.err, /Changed 0 file\(s\), 0 fix\(es\); left for a person: 1, unverified: 4/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('phase 1: an in-store type is left as deferred (phase 2), counted with the items for a person', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djreport-'));
  try {
    fs.writeFileSync(
      path.join(root, 'raw.py'),
      'import datajoint as dj\n\nschema = dj.Schema("lab")\n\n\n@schema\nclass Raw(dj.Manual):\n    definition = """\n    raw_id : int32\n    ---\n    data : blob@store\n    """\n',
    );
    const r = await runCli(['report', '--format', 'json', '--suffix', '', '.'], root);
    const report = JSON.parse(r.out) as { summary: Record<string, number>; remaining: Remaining[] };
    assert.deepEqual(report.summary, { fixed: 0, leftForPerson: 1, unverified: 0, filesChanged: 0 });
    assert.deepEqual(
      report.remaining.map((x) => `${x.path}:${x.line}:${x.code}:${x.status}`),
      ['raw.py:11:DJ108:deferred'],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('report lists the strings that still name a schema the fix suffixed, in any file of the project (DJ132)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djcli-names-'));
  try {
    fs.mkdirSync(path.join(dir, 'lab'));
    fs.writeFileSync(path.join(dir, 'lab', '__init__.py'), '');
    fs.writeFileSync(
      path.join(dir, 'lab', 'usage.py'),
      'import datajoint as dj\n\nschema = dj.Schema("lab_usage")\nold = dj.Schema("lab_old_v2")\n',
    );
    const checks = [
      'from .usage import schema',
      '',
      '',
      'def is_usage(table):',
      '    return table.database == "lab_usage"',
      '',
      '',
      'FULL = "`lab_usage`.`session`"',
      'OTHER = "lab_usage_notes"',
      'OLD = "lab_old"',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'lab', 'checks.py'), checks);
    const items = async (args: string[]) => {
      const r = await runCli(['report', '--format', 'json', ...args, '.'], dir);
      assert.equal(r.code, 0, r.err);
      const report = JSON.parse(r.out) as {
        remaining: Array<{ path: string; line: number; code: string; message: string }>;
      };
      return report.remaining.filter((x) => x.code === 'DJ132');
    };
    const found = await items([]);
    assert.deepEqual(
      found.map((x) => `${x.path}:${x.line}`),
      [path.join('lab', 'checks.py:5'), path.join('lab', 'checks.py:8')],
    );
    assert.match(found[0].message, /the schema `lab_usage`, which the migrated code declares as `lab_usage_v2`/);
    assert.match(found[1].message, /full table name quotes the schema `lab_usage`/);
    // Nothing renamed, nothing to list: no suffix, or a schema name that was suffixed before (`lab_old_v2`).
    assert.deepEqual(await items(['--suffix', '']), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

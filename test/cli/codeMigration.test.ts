// The acceptance test for the code engine: dj-migrate fix on the real 0.14.6 fixture pipeline gives
// the 2.x pipeline's table definitions, and reports what cannot be rewritten safely, with locations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { writeCorpus } from '../../server/src/bench/corpus';

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'djcli-'));
}

/** Table name → its attributes as [name, default, type], comments and whitespace aside. */
function definitions(source: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  const re = /class\s+(\w+)\([^)]*\):\s*\n\s*definition\s*=\s*"""([\s\S]*?)"""/g;
  for (const m of source.matchAll(re)) {
    const attrs: string[][] = [];
    for (const raw of m[2].split('\n')) {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) continue;
      if (line.startsWith('->') || /^-{3,}$/.test(line) || /^(unique\s+)?index/.test(line)) {
        attrs.push([line.replace(/\s+/g, ' ')]);
        continue;
      }
      const a = /^([a-z][a-z0-9_]*)\s*(?:=\s*(.*?))?\s*:\s*(.*)$/.exec(line);
      assert.ok(a, `unparsed definition line ${line}`);
      attrs.push([a[1], (a[2] ?? '').replace(/"/g, "'"), a[3].replace(/\s+/g, '')]);
    }
    out.set(m[1], attrs);
  }
  return out;
}

test('fix --phase 2 --suffix "" turns pipeline014.py into pipeline2.py, table by table', async () => {
  const dir = scratch();
  try {
    const file = path.join(dir, 'pipeline014.py');
    fs.copyFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), file);
    fs.chmodSync(file, 0o644);
    const run = await runCli(['fix', '--phase', '2', '--suffix', '', file], dir);
    assert.equal(run.code, 0, run.err);
    const fixed = fs.readFileSync(file, 'utf8');
    const expected = definitions(fs.readFileSync(path.join(fixturesDir, 'dj2', 'pipeline2.py'), 'utf8'));
    const got = definitions(fixed);
    assert.deepEqual([...got.keys()], [...expected.keys()]);
    for (const [table, attrs] of expected) assert.deepEqual(got.get(table), attrs, `definition of ${table}`);
    assert.match(fixed, /lab = dj\.Schema\(f"\{PREFIX\}_lab", context=globals\(\)\)/);
    assert.match(fixed, /\.drop\(prompt=False\)/);
    assert.doesNotMatch(fixed, /dj\.schema\(|force=True/);

    // Second run: nothing changes.
    const again = await runCli(['fix', '--phase', '2', '--suffix', '', file], dir);
    assert.equal(again.code, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), fixed);
    assert.match(again.err, /Changed 0 file/);

    // What is left for a person, with locations.
    const report = await runCli(['report', '--phase', '2', '--suffix', '', '--format', 'json', file], dir);
    const remaining = (
      JSON.parse(report.out) as {
        remaining: Array<{ code: string; line: number; safety: string; severity: string; message: string }>;
      }
    ).remaining;
    const lines = fixed.split('\n');
    const at = (code: string, pattern: RegExp) => {
      const hit = remaining.find((r) => r.code === code && pattern.test(lines[r.line - 1]));
      assert.ok(
        hit,
        `${code} at a line matching ${pattern}: ${JSON.stringify(remaining.filter((r) => r.code === code))}`,
      );
      return hit;
    };
    at('DJ008', /class GraphAdapter\(dj\.AttributeAdapter\)/);
    at('DJ121', /Recording\.insert\(recs\)/);
    at('DJ085', /enable_python_native_blobs/);
    at('DJ085', /filepath_checksum_size_limit/);
    at('DJ085', /dj\.config\["cache"\]/);
    at('DJ075', /analysis\.jobs/);
    at('DJ067', /ephys\.external/);
    assert.equal(at('DJ069', /User\.insert\(\[\("alice"/).safety, 'unsafe');
    assert.equal(at('DJ070', /contents = \[\("mouse"/).safety, 'unsafe');
    assert.equal(at('DJ117', /neuron_id : int32/).severity, 'warning');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check: exit codes follow --fail-on, JSON has locations, --diff writes nothing', async () => {
  const dir = scratch();
  try {
    const file = path.join(dir, 'p.py');
    const source = 'import datajoint as dj\n\nschema = dj.schema("lab")\n';
    fs.writeFileSync(file, source);
    const json = await runCli(['check', '--format', 'json', '--suffix', '', file], dir);
    assert.equal(json.code, 1);
    const f = (JSON.parse(json.out) as { findings: Array<{ code: string; line: number; column: number }> }).findings;
    assert.deepEqual(
      f.map((x) => [x.code, x.line, x.column]),
      [['DJ001', 3, 10]],
    );
    assert.equal((await runCli(['check', '--fail-on', 'error', '--suffix', '', file], dir)).code, 1);
    fs.writeFileSync(file, 'import datajoint as dj\n\nschema = dj.Schema("lab")\n');
    assert.equal((await runCli(['check', '--suffix', '', file], dir)).code, 0);
    fs.writeFileSync(file, source);
    const diff = await runCli(['fix', '--diff', '--suffix', '', file], dir);
    assert.match(diff.out, /-schema = dj\.schema\("lab"\)\n\+schema = dj\.Schema\("lab"\)/);
    assert.equal(fs.readFileSync(file, 'utf8'), source);
    assert.equal((await runCli(['check', '--fail-on', 'nope', file], dir)).code, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the schema suffix comes from the project file unless a flag overrides it', async () => {
  const dir = scratch();
  try {
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.dj-migrate]\nschema-suffix = "_dj2"\n');
    const file = path.join(dir, 'p.py');
    fs.writeFileSync(file, 'import datajoint as dj\n\nschema = dj.Schema("lab")\n');
    await runCli(['fix', file], dir);
    assert.match(fs.readFileSync(file, 'utf8'), /dj\.Schema\("lab_dj2"\)/);
    await runCli(['fix', '--finalize', '--suffix', '_dj2', file], dir);
    assert.match(fs.readFileSync(file, 'utf8'), /dj\.Schema\("lab"\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('notebooks: code cells are analysed together and fixed in place; magics survive', async () => {
  const dir = scratch();
  try {
    const nb = {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Analysis\n'] },
        {
          cell_type: 'code',
          metadata: {},
          execution_count: null,
          outputs: [],
          source: ['%matplotlib inline\n', 'import datajoint as dj\n'],
        },
        {
          cell_type: 'code',
          metadata: {},
          execution_count: null,
          outputs: [],
          source: ['schema = dj.schema("lab")\n', 'vm = dj.create_virtual_module("lab", "lab")'],
        },
      ],
      metadata: { kernelspec: { language: 'python', name: 'python3', display_name: 'Python 3' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const file = path.join(dir, 'a.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb, null, 1) + '\n');
    const check = await runCli(['check', '--suffix', '', file], dir);
    assert.match(check.out, /a\.ipynb:cell 3:1:10: DJ001/);
    assert.equal((await runCli(['fix', '--suffix', '', file], dir)).code, 0);
    const out = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(out.cells[1].source, ['%matplotlib inline\n', 'import datajoint as dj\n']);
    assert.deepEqual(out.cells[2].source, ['schema = dj.Schema("lab")\n', 'vm = dj.VirtualModule("lab", "lab")']);
    assert.deepEqual(out.cells[0], nb.cells[0]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check on all cores gives exactly the single-threaded result; venvs and node_modules are skipped', async () => {
  const dir = scratch();
  try {
    writeCorpus(dir, 60);
    fs.mkdirSync(path.join(dir, '.venv', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.venv', 'pyvenv.cfg'), '');
    fs.writeFileSync(path.join(dir, '.venv', 'lib', 'x.py'), 'import datajoint as dj\ndj.schema("x")\n');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'y.py'), 'import datajoint as dj\ndj.schema("x")\n');
    const one = await runCli(['check', '--format', 'json', '--jobs', '1', '--suffix', '', dir], dir);
    const two = await runCli(['check', '--format', 'json', '--jobs', '2', '--suffix', '', dir], dir);
    assert.equal(two.out, one.out);
    const findings = (JSON.parse(one.out) as { findings: Array<{ path: string }> }).findings;
    assert.ok(findings.length > 60);
    assert.ok(!findings.some((f) => /\.venv|node_modules/.test(f.path)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input never crashes: binary, huge and half-typed files', async () => {
  const dir = scratch();
  try {
    fs.writeFileSync(path.join(dir, 'bin.py'), Buffer.from([0, 1, 2, 3, 0, 255]));
    fs.writeFileSync(
      path.join(dir, 'half.py'),
      'import datajoint as dj\nschema = dj.schema("lab"\n@schema\nclass A(dj.Manual):\n    definition = """\n    a : int\n',
    );
    const r = await runCli(['check', '--suffix', '', dir], dir);
    assert.match(r.err, /skipped .*bin\.py: binary file/);
    assert.ok(r.code === 0 || r.code === 1);
    // A skipped file means part of the tree was not migrated: exit 1 (not 2), naming it; the rest is fixed.
    const fix = await runCli(['fix', '--suffix', '', dir], dir);
    assert.equal(fix.code, 1, fix.err);
    assert.match(fix.err, /skipped bin\.py: binary file/);
    const half = fs.readFileSync(path.join(dir, 'half.py'), 'utf8');
    assert.match(half, /^import datajoint as dj\n/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('config migration: dj_local_conf.json → datajoint.json + .secrets/, stores.default only for a bare <x@>', async () => {
  const dir = scratch();
  try {
    fs.writeFileSync(path.join(dir, '.dj-migrate.json'), JSON.stringify({ 'default-store': 'raw' }));
    const conf = {
      'database.host': 'db.lab.org',
      'database.user': 'alice',
      'database.password': 's3cret',
      fetch_format: 'frame',
      stores: { raw: { protocol: 'file', location: '/data/raw' } },
    };
    fs.writeFileSync(path.join(dir, 'dj_local_conf.json'), JSON.stringify(conf, null, 2));
    const py = path.join(dir, 'pipeline.py');
    fs.writeFileSync(
      py,
      'import datajoint as dj\nschema = dj.Schema("lab")\n\n@schema\nclass Rec(dj.Manual):\n    definition = """\n    id : int32\n    ---\n    x : <blob@>\n    """\n',
    );
    const r = await runCli(['fix', '--unsafe', '--suffix', '', dir], dir);
    assert.equal(r.code, 0, r.err);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'datajoint.json'), 'utf8'));
    assert.equal(written.database.host, 'db.lab.org');
    assert.equal(written.stores.default, 'raw');
    assert.equal(written.database.password, undefined, 'no credentials in the JSON');
    assert.equal(fs.readFileSync(path.join(dir, '.secrets', 'database.password'), 'utf8').trim(), 's3cret');
    assert.ok(!JSON.stringify(written).includes('fetch_format'));
    assert.ok(fs.existsSync(path.join(dir, 'dj_local_conf.json')), 'the 0.14.6 file is kept');
    // without a bare codec, no stores.default
    fs.rmSync(path.join(dir, 'datajoint.json'));
    fs.rmSync(path.join(dir, '.secrets'), { recursive: true });
    fs.writeFileSync(py, fs.readFileSync(py, 'utf8').replace('<blob@>', '<blob@raw>'));
    await runCli(['fix', '--unsafe', '--suffix', '', dir], dir);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'datajoint.json'), 'utf8')).stores.default, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check names the pin that makes findings informational, whichever 0.x release it admits', async () => {
  for (const spec of ['datajoint==0.14.6', 'datajoint<=0.12.9', 'datajoint~=0.12']) {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'requirements.txt'), `${spec}\nnumpy\n`);
    fs.writeFileSync(path.join(dir, 'pipeline.py'), 'import datajoint as dj\nschema = dj.Schema("lab")\n');
    const r = await runCli(['check', '.'], dir);
    assert.equal(r.code, 0, r.err);
    const specifier = spec.slice('datajoint'.length);
    assert.ok(
      r.out.includes(`DataJoint is pinned to 0.x (\`${specifier}\` in ${path.join(dir, 'requirements.txt')})`),
      r.out,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Finding-level checks for issue 9's single-file fixtures (test/rules/definition-sources, fetch/overridden,
// fetch/elements_module): what is left for a person, and why; plus constants imported from another file and
// definitions in notebooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { Project } from '../../server/src/project';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';
import { repoRoot } from '../helpers/paths';

const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
const rules = path.join(repoRoot, 'test', 'rules');

async function findingsOf(rel: string): Promise<{ text: string; findings: Finding[] }> {
  const engine = await CodeEngine.create();
  const file = path.join(rules, rel);
  const text = fs.readFileSync(file, 'utf8');
  return { text, findings: engine.analyzePython(file, text, options) };
}

const line = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

test('template properties: one manual DJ122 per definition naming its run-time placeholder; literal parts fixed', async () => {
  const { text, findings } = await findingsOf('definition-sources/template_property.before.py');
  const dj122 = findings.filter((f) => f.code === 'DJ122');
  assert.deepEqual(
    dj122.map((f) => [text.slice(f.start, f.end), f.safety, f.fix]),
    [
      ['{self.trace_type}', 'manual', undefined], // an f-string placeholder subclasses fill
      ['{dtype}', 'manual', undefined], // a `.format()` field
      ['self.extra_attributes', 'manual', undefined], // an operand appended to a local string
    ],
  );
  assert.match(dj122[0].message, /`TraceTemplate`.*`\{self\.trace_type\}`/);
  assert.doesNotMatch(dj122[0].message, /self\.source/, 'a placeholder in a foreign key decides no type');
  assert.match(dj122[2].message, /`ScoreTemplate`/);
  const fixed = findings.filter((f) => f.fix).map((f) => text.slice(f.start, f.end));
  assert.deepEqual(fixed, ['int unsigned', 'double', 'longblob', 'int', 'smallint unsigned', 'float']);
});

test('module constants: a constant shared by two definitions is fixed once, where it is declared', async () => {
  const { text, findings } = await findingsOf('definition-sources/module_constants.before.py');
  const smallint = findings.filter((f) => text.slice(f.start, f.end) === 'smallint unsigned');
  assert.equal(smallint.length, 1);
  assert.equal(line(text, smallint[0].start), 8, 'on the TRIAL_KEY line');
  const dj122 = findings.filter((f) => f.code === 'DJ122');
  assert.deepEqual(
    dj122.map((f) => text.slice(f.start, f.end)),
    ['{extra_attributes()}'],
  );
});

test('a constant imported from another file: checked, reported here as manual, fixed where it is declared', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-const-'));
  try {
    fs.writeFileSync(path.join(dir, 'common.py'), 'KEY = """\nsubject : varchar(8)\nlitter : tinyint unsigned\n"""\n');
    const pipeline =
      'import datajoint as dj\nfrom common import KEY\n\nschema = dj.Schema("x")\n\n\n@schema\n' +
      'class Pup(dj.Manual):\n    definition = KEY + """\n    ---\n    weight : float\n    """\n';
    fs.writeFileSync(path.join(dir, 'pipeline.py'), pipeline);
    const project = await Project.open([dir], { schemaSuffix: '' });
    const results = project.analyzeAll();
    const pipe = results.find((r) => r.path.endsWith('pipeline.py'))!;
    const fromConstant = pipe.findings.find((f) => f.code === 'DJ101');
    assert.ok(fromConstant, JSON.stringify(pipe.findings));
    assert.equal(fromConstant.safety, 'manual');
    assert.equal(fromConstant.fix, undefined);
    assert.match(fromConstant.message, /`KEY`, imported from another file/);
    assert.equal(pipeline.slice(fromConstant.start, fromConstant.end), 'KEY');
    assert.ok(
      pipe.findings.some((f) => f.code === 'DJ103' && f.fix),
      'the literal part is fixed here',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a definition in a notebook cell is read and fixed like one in a .py file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-nb-'));
  try {
    const cell = (source: string[]) => ({
      cell_type: 'code',
      metadata: {},
      outputs: [],
      execution_count: null,
      source,
    });
    const nb = {
      cells: [
        cell(['import datajoint as dj\n', 'schema = dj.Schema("nb")\n']),
        cell([
          '@schema\n',
          'class Mouse(dj.Manual):\n',
          '    definition = """\n',
          '    mouse : int unsigned\n',
          '    ---\n',
          '    weight : double\n',
          '    """\n',
        ]),
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    const file = path.join(dir, 'explore.ipynb');
    fs.writeFileSync(file, `${JSON.stringify(nb, null, 1)}\n`);
    const project = await Project.open([dir], { schemaSuffix: '' });
    const fixed = project.fix(file, project.texts.get(file)!, { unsafe: false });
    const source = JSON.parse(fixed.after).cells[1].source.join('');
    assert.match(source, /mouse : int64\n/);
    assert.match(source, /weight : float64\n/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('overridden fetch/delete: the rewrite is left as a manual finding naming the overriding class', async () => {
  const { text, findings } = await findingsOf('fetch/overridden.before.py');
  const at = (needle: string) => findings.filter((f) => line(text, f.start) === line(text, text.indexOf(needle)));
  for (const needle of ['Probe.fetch(as_dict=True)', '(Probe & key).fetch("KEY")', 'Probe.head(3)']) {
    const [f] = at(needle);
    assert.ok(f, needle);
    assert.equal(f.safety, 'manual', needle);
    assert.equal(f.fix, undefined, needle);
    assert.match(f.message, /`CachedFetch` defines its own `fetch\(\)`/, needle);
  }
  const [del] = at('Session.delete(safemode=False)');
  assert.match(del.message, /`Session` defines its own `delete\(\)`/);
  const [plain] = at('Plain.fetch(as_dict=True)');
  assert.equal(plain.safety, 'safe', 'a table without an override keeps its fix');
  assert.ok(plain.fix);
});

test('Elements-style module parameters resolve; an ordinary parameter stays unresolved', async () => {
  const { text, findings } = await findingsOf('fetch/elements_module.before.py');
  const byLine = (needle: string) => findings.find((f) => line(text, f.start) === line(text, text.indexOf(needle)));
  for (const needle of ['linking_module.Session.fetch', '_linking_module.Session & subject', 'ephys.Unit & key']) {
    const f = byLine(needle);
    assert.ok(f, needle);
    assert.notEqual(f.severity, 'hint', needle);
  }
  assert.equal(byLine('module_list.Session')?.severity, 'hint');
});

const mixinModule =
  'class MethodMixin:\n    definition = """\n    method_fn  : varchar(64)\n    ---\n' +
  '    method_config : longblob   # config\n    score : float\n    """\n';

test('a mixin alone in a file without datajoint: its definition is reported, its fixes wait for --unsafe', async () => {
  const engine = await CodeEngine.create();
  const findings = engine.analyzePython('/p/mixins.py', mixinModule, options);
  assert.deepEqual(
    findings.map((f) => [f.code, mixinModule.slice(f.start, f.end), f.safety]),
    [
      ['DJ106', 'longblob', 'unsafe'],
      ['DJ103', 'float', 'unsafe'],
    ],
  );
  assert.match(findings[0].message, /`MethodMixin` reads as a DataJoint table definition, but no DataJoint table/);
});

test('a mixin in a file without datajoint: a table of another file inheriting from it makes its fixes safe', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-mixin-'));
  try {
    fs.writeFileSync(path.join(dir, 'mixins.py'), mixinModule);
    fs.writeFileSync(
      path.join(dir, 'main.py'),
      'import datajoint as dj\nfrom . import mixins\n\n\nclass Method(mixins.MethodMixin, dj.Lookup):\n    pass\n',
    );
    const project = await Project.open([dir], { schemaSuffix: '' });
    const mixins = project.analyzeAll().find((r) => r.path.endsWith('mixins.py'))!;
    assert.deepEqual(
      mixins.findings.map((f) => [f.code, f.safety]),
      [
        ['DJ106', 'safe'],
        ['DJ103', 'safe'],
      ],
    );
    assert.doesNotMatch(mixins.findings[0].message, /no DataJoint table/);
    project.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

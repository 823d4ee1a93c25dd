// The line between "proven not DataJoint" (silent) and "unverified" (a hint naming the receiver, no fix), and
// the information findings for regions a syntax error kept from being analysed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';

async function analyze(body: string) {
  const engine = await CodeEngine.create();
  const text = `import datajoint as dj\nimport numpy as np\nimport pandas as pd\nfrom element_lab import lab\nfrom . import helpers\n\n${body}`;
  const findings = engine.analyzePython('/p/m.py', text, { ...DEFAULT_OPTIONS, schemaSuffix: '' });
  const lineOf = (o: number) => text.slice(0, o).split('\n').length - 6;
  return { text, findings, lineOf };
}

test('proven not DataJoint: literals, known libraries, builtins, plain local classes, annotated parameters', async () => {
  const { findings } = await analyze(
    [
      'class Cache:',
      '    def fetch(self):',
      '        return []',
      'def f(df: pd.DataFrame, n: int, rows: list):',
      '    a = np.load("x").fetch()',
      '    b = pd.read_csv("x").fetch()',
      '    c = open("x").fetch()',
      '    d = Cache().fetch()',
      '    e = df.fetch()',
      '    g = rows.fetch()',
      '    h = [1, 2].fetch()',
      '    m = np.eye(3)',
      '    k = m @ m',
      '    x = n ^ 3',
      '    frame = pd.DataFrame()',
      '    frame.aggr("x")',
      '    return frame._update("a", 1)',
    ].join('\n') + '\n',
  );
  assert.deepEqual(
    findings.map((f) => f.code),
    [],
  );
});

test('unverified: parameters, self and its attributes, unresolved imports, globals rebound in functions, local function results — listed with the receiver', async () => {
  const { findings, lineOf } = await analyze(
    [
      'class Loader:',
      '    def units(self):',
      '        return self._ephys.Unit.fetch()',
      'def f(q, ephys):',
      '    a = q.fetch()',
      '    b = lab.Subject.fetch("subject_id")',
      '    c = helpers.query().fetch()',
      '    d = ephys.Unit @ ephys.Probe',
      '    e = lab.Session ^ q',
      '    q.aggr()',
      '    return (q & {"a": 1})._update("a", 2)',
      'class QCMixin:',
      '    def passing(self):',
      '        return self.fetch()',
      '_linking = None',
      'def activate(module):',
      '    global _linking',
      '    _linking = module',
      'def sessions():',
      '    return _linking.Session.fetch()',
    ].join('\n') + '\n',
  );
  const got = findings.map((f) => `${lineOf(f.start)}:${f.code}:${f.severity}:${f.fix ? 'fix' : '-'}:${f.reason}`);
  assert.deepEqual(got, [
    '3:DJ021:hint:-:receiver not resolved: `self._ephys.Unit`',
    '5:DJ021:hint:-:receiver not resolved: `q`',
    '6:DJ023:hint:-:receiver not resolved: `lab.Subject`',
    '7:DJ021:hint:-:receiver not resolved: `helpers.query()`',
    '8:DJ040:hint:-:receiver not resolved: `ephys.Unit`',
    '9:DJ041:hint:-:receiver not resolved: `lab.Session`',
    '10:DJ044:hint:-:receiver not resolved: `q`',
    '11:DJ060:hint:-:receiver not resolved: `q & {"a": 1}`',
    '14:DJ021:hint:-:receiver not resolved: `self`', // a class without bases may be a table mixin
    // `_linking`, rebound by `global` in activate(), is an Elements linking module: resolved, so a real finding
    '20:DJ021:warning:fix:undefined',
  ]);
  for (const f of findings.filter((f) => lineOf(f.start) !== 20)) {
    assert.equal(f.unverified, true);
    assert.equal(f.safety, 'manual');
  }
});

test('operators on lower-case unknowns (matrices, bit masks) stay silent; a table-like operand is listed', async () => {
  const { findings } = await analyze('def f(a, b, flags, mask):\n    return a @ b, flags ^ mask, Session ^ mask\n');
  assert.deepEqual(
    findings.map((f) => `${f.code}:${f.reason}`),
    ['DJ041:receiver not resolved: `Session`'],
  );
});

test('a syntax error gives one information per region not analysed, with its lines', async () => {
  const engine = await CodeEngine.create();
  const text = 'import datajoint as dj\n\ndef f(:\n    return 1\n\nx = dj.schema("a")\n\nclass A(\n';
  const notes = engine.analyzePython('/p/m.py', text).filter((f) => f.code === 'DJ000');
  assert.ok(notes.length >= 1);
  for (const n of notes) {
    assert.equal(n.severity, 'info');
    assert.match(n.message, /^Syntax error: .* not analysed \(lines? \d+(-\d+)?\)/);
  }
  assert.ok(
    notes.some((n) => /line 3|lines 3-/.test(n.message)),
    notes.map((n) => n.message).join('\n'),
  );
  // Without syntax errors: no such note.
  assert.deepEqual(
    engine.analyzePython('/p/ok.py', 'import datajoint as dj\n').filter((f) => f.code === 'DJ000'),
    [],
  );
});

test('a file that imports a DataJoint module of the workspace is analysed even without `import datajoint`', async () => {
  const engine = await CodeEngine.create();
  engine.indexPython(
    '/w/pipeline/ephys.py',
    'import datajoint as dj\nschema = dj.Schema("ephys")\n\n@schema\nclass Unit(dj.Manual):\n    definition = """\n    unit : int32\n    """\n',
  );
  engine.indexPython('/w/pipeline/__init__.py', '');
  const text =
    'from pipeline import ephys\n\n\ndef units(q):\n    a = ephys.Unit.fetch()\n    return q.fetch("depth")\n';
  const findings = engine.analyzePython('/w/analysis.py', text);
  assert.deepEqual(
    findings.map((f) => `${f.code}:${f.severity}:${f.unverified ?? false}`),
    ['DJ021:warning:false', 'DJ023:hint:true'],
  );
  // A file importing only non-DataJoint workspace modules stays silent.
  engine.indexPython('/w/util.py', 'def fetch_all():\n    return []\n');
  assert.deepEqual(engine.analyzePython('/w/other.py', 'import util\n\n\ndef f(q):\n    return q.fetch()\n'), []);
});

test('a file without any DataJoint import is analysed when it calls fetch/populate with DataJoint-only arguments', async () => {
  const engine = await CodeEngine.create();
  const helper =
    'import pandas as pd\n\n\ndef metrics(ephys, key):\n    keys = ephys.Unit.fetch("KEY")\n    df = (ephys.Unit & key).fetch(format="frame")\n    return keys, df, ephys.Unit.fetch("depth")\n';
  assert.deepEqual(
    engine.analyzePython('/w/plots/qc.py', helper).map((f) => `${f.code}:${f.unverified ?? false}`),
    ['DJ020:true', 'DJ027:true', 'DJ023:true'],
  );
  // Plain method names alone do not make a file DataJoint code.
  assert.deepEqual(engine.analyzePython('/w/plots/other.py', 'def f(q, k):\n    return q.fetch("a"), q.fetch()\n'), []);
});

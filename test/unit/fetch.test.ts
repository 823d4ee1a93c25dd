// The fetch family (DJ020-031): messages, severities, safety classes, hints on unresolved receivers, the cases
// that must not get a fix, workspace-wide `fetch_format`, and the rule documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CodeEngine } from '../../server/src/engine';
import { fixPython } from '../../server/src/fix/fixLoop';
import { applyEdits } from '../../server/src/fix/apply';
import { editArguments } from '../../server/src/rules/edits';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import { fetchRules, noRuleBecause } from '../../server/src/rules/fetch';
import type { Finding } from '../../server/src/rules/meta';
import { specFile } from '../helpers/paths';

const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
const enginePromise = CodeEngine.create();

const HEADER = `import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    ---
    depth : float32
    """

`;

async function analyze(
  body: string,
  opts: EngineOptions = options,
  file = '/ws/probe.py',
): Promise<{ text: string; findings: Finding[] }> {
  const engine = await enginePromise;
  const text = HEADER + body;
  const findings = engine.analyzePython(file, text, opts).filter((f) => /^DJ0[23]\d$/.test(f.code));
  return { text, findings };
}

function only(findings: Finding[], code?: string): Finding {
  const list = code ? findings.filter((f) => f.code === code) : findings;
  assert.equal(
    list.length,
    1,
    `expected one ${code ?? ''} finding, got ${findings.map((f) => f.code).join(', ') || 'none'}`,
  );
  return list[0];
}

function fixed(text: string, f: Finding): string {
  assert.ok(f.fix, `${f.code} has no fix`);
  return applyEdits(text, f.fix.edits);
}

test('fetch() on a table: safe DJ021 warning with the exact rewrite', async () => {
  const { text, findings } = await analyze('rows = Unit.fetch(order_by="unit", limit=3, squeeze=True)\n');
  const f = only(findings);
  assert.equal(f.code, 'DJ021');
  assert.equal(f.severity, 'warning');
  assert.equal(f.safety, 'safe');
  assert.match(fixed(text, f), /rows = Unit\.to_arrays\(order_by="unit", limit=3, squeeze=True\)\n$/);
});

test('fetch() is unsafe (DJ031) when another workspace file sets dj.config["fetch_format"]', async () => {
  const engine = await CodeEngine.create();
  engine.indexPython('/ws2/settings.py', 'import datajoint as dj\ndj.config.update(fetch_format="frame")\n');
  const text = HEADER + 'rows = Unit.fetch()\nhead = Unit.head(3)\n';
  const findings = engine.analyzePython('/ws2/probe.py', text, options);
  const f = only(findings, 'DJ031');
  assert.equal(f.safety, 'unsafe');
  assert.match(f.message, /set in settings\.py/);
  assert.ok(!findings.some((x) => x.code === 'DJ021'));
  assert.match(only(findings, 'DJ029').message, /fetch_format/);
  // The same text in a workspace without the setting is the safe rewrite.
  const clean = (await CodeEngine.create()).analyzePython('/ws3/probe.py', text, options);
  assert.equal(only(clean, 'DJ021').safety, 'safe');
});

test('the ways a file sets fetch_format are all recognised', async () => {
  for (const line of [
    'dj.config["fetch_format"] = "frame"',
    'dj.config.update({"fetch_format": "frame"})',
    'with dj.config(fetch_format="frame"):\n    pass',
    'dj.config.fetch_format = "frame"',
  ]) {
    const text = `${HEADER}${line}\nrows = Unit.fetch()\n`;
    // A fresh engine each time: the setting would otherwise stay in the shared workspace.
    const findings = (await CodeEngine.create()).analyzePython('/ws-ff/probe.py', text, options);
    assert.equal(only(findings.filter((f) => f.code === 'DJ021' || f.code === 'DJ031')).code, 'DJ031', line);
  }
});

test('fetch("KEY") and fetch(dj.key) → keys(), carrying order_by/limit/offset and dropping squeeze', async () => {
  const { text, findings } = await analyze(
    'k = (Unit & "unit > 2").fetch(dj.key, order_by="unit", squeeze=True, offset=1)\n',
  );
  const f = only(findings, 'DJ020');
  assert.equal(f.safety, 'safe');
  assert.match(f.message, /fetch\(dj\.key\)/);
  assert.match(fixed(text, f), /k = \(Unit & "unit > 2"\)\.keys\(order_by="unit", offset=1\)\n$/);
});

test('fetch("a") and fetch("a", "b") are unsafe and say why', async () => {
  const { findings } = await analyze('a = Unit.fetch("depth")\na, b = Unit.fetch("depth", "unit")\n');
  assert.deepEqual(
    findings.map((f) => [f.code, f.safety]),
    [
      ['DJ023', 'unsafe'],
      ['DJ023', 'unsafe'],
    ],
  );
  assert.match(findings[1].message, /tuple/);
  assert.doesNotMatch(findings[0].message, /tuple/);
});

test('"KEY" with attributes: include_key=True, keys first, never to_arrays("KEY", ...)', async () => {
  const { text, findings } = await analyze('depth, keys, unit = Unit.fetch("depth", "KEY", "unit")\n');
  const f = only(findings, 'DJ024');
  const out = fixed(text, f);
  assert.match(out, /keys, depth, unit = Unit\.to_arrays\("depth", "unit", include_key=True\)\n$/);
  assert.doesNotMatch(out, /to_arrays\("KEY"/);
});

test('"KEY" not first and the result not unpacked: reported without a fix', async () => {
  const { findings } = await analyze('res = Unit.fetch("depth", "KEY")\nstar, *rest = Unit.fetch("depth", "KEY")\n');
  assert.equal(findings.length, 2);
  for (const f of findings) {
    assert.equal(f.code, 'DJ024');
    assert.equal(f.fix, undefined);
    assert.match(f.message, /by hand/);
  }
});

test('"KEY" first needs no unpacking: zip(*q.fetch("KEY", ...)) is fixed', async () => {
  const { text, findings } = await analyze('for k, d in zip(*Unit.fetch("KEY", "depth")):\n    pass\n');
  assert.match(fixed(text, only(findings, 'DJ024')), /zip\(\*Unit\.to_arrays\("depth", include_key=True\)\)/);
});

test('as_dict with attributes: proj(...).to_dicts(); unsafe without KEY (adds the PK), safe with KEY', async () => {
  const { text, findings } = await analyze(
    'a = Unit.fetch("depth", as_dict=True, limit=2)\nb = Unit.fetch("KEY", "depth", as_dict=True)\n',
  );
  const [a, b] = findings;
  assert.equal(a.code, 'DJ025');
  assert.equal(a.safety, 'unsafe');
  assert.match(a.message, /primary key/);
  assert.equal(b.code, 'DJ026');
  assert.equal(b.safety, 'safe');
  assert.match(fixed(text, a), /a = Unit\.proj\("depth"\)\.to_dicts\(limit=2\)/);
  assert.match(fixed(text, b), /b = Unit\.proj\("depth"\)\.to_dicts\(\)/);
});

test('format="frame" → to_pandas() (unsafe); combined with attributes it is an error in both versions: no fix', async () => {
  const { text, findings } = await analyze(
    'df = Unit.fetch(format="frame", order_by="unit")\nbad = Unit.fetch("depth", format="frame")\n',
  );
  const [good, bad] = findings;
  assert.equal(good.code, 'DJ027');
  assert.equal(good.safety, 'unsafe');
  assert.match(fixed(text, good), /df = Unit\.to_pandas\(order_by="unit"\)/);
  assert.equal(bad.fix, undefined);
});

test('cases that are reported without a fix', async () => {
  const { findings } = await analyze(
    [
      'a = Unit.fetch(*attrs)', // attribute names unknown
      'b = Unit.fetch(name)', // could be "KEY"
      'c = Unit.fetch("KEY", "depth", as_dict=False)', // KEY came back as numpy records
      'd = Unit.fetch("KEY", "KEY")',
      'e = Unit.fetch(as_dict=flag)',
      'f = Unit.fetch(fmt="x")',
      'g = Unit.head(5, order_by="depth")', // TypeError in 0.14.6
    ].join('\n') + '\n',
  );
  assert.equal(findings.length, 7);
  for (const f of findings) assert.equal(f.fix, undefined, `${f.code}: ${f.message}`);
});

test('unresolved receivers: hints with unsafe fixes for calls only DataJoint has; the others listed as unverified, without a fix', async () => {
  const { findings } = await analyze(
    [
      'def f(q):',
      '    a = q.fetch("KEY")',
      '    b = q.fetch(as_dict=True)',
      '    c = q.fetch(download_path="/tmp")',
      '    d = q.fetch()',
      '    e = q.fetch("depth")',
      '    g = q.head(3)',
      '    h = q.head(3, format="frame")',
    ].join('\n') + '\n',
  );
  assert.deepEqual(
    findings.map((f) => f.code),
    ['DJ020', 'DJ022', 'DJ021', 'DJ028', 'DJ021', 'DJ023', 'DJ029'],
  );
  for (const f of findings) {
    assert.equal(f.severity, 'hint');
    assert.equal(f.unverified, true);
    assert.equal(f.reason, 'receiver not resolved: `q`');
    assert.match(f.message, /if this is a DataJoint query/);
  }
  // `q.fetch()` and `q.fetch("depth")` could be anyone's fetch: listed, never rewritten.
  const [withFix, withoutFix] = [findings.filter((f) => f.fix), findings.filter((f) => !f.fix)];
  assert.deepEqual(
    withoutFix.map((f) => `${f.code}:${f.safety}`),
    ['DJ021:manual', 'DJ023:manual'],
  );
  for (const f of withFix) assert.equal(f.safety, 'unsafe');
  assert.equal(withFix.length, 5);
});

test('other kinds of receivers are never fetch receivers', async () => {
  const { findings } = await analyze(
    'x = dj.config.fetch("KEY")\ny = schema.fetch(as_dict=True)\nz = dj.U("unit").fetch("KEY")\n',
  );
  assert.deepEqual(findings, []);
});

test('compatibility shims in try/except are not flagged', async () => {
  const { findings } = await analyze('try:\n    k = Unit.keys()\nexcept AttributeError:\n    k = Unit.fetch("KEY")\n');
  assert.deepEqual(findings, []);
});

test('download_path: an error; wraps exactly the statement; spells dj.config as the file does', async () => {
  const engine = await enginePromise;
  const top = 'from datajoint import config as cfg, Manual\n\n\nclass Rec(Manual):\n    definition = "r: int"\n\n\n';
  const text = top + 'def get(p):\n    x = Rec.fetch1("raw", download_path=p)  # the raw file\n    return x\n';
  const f = only(engine.analyzePython('/ws/dp.py', text, options).filter((x) => x.code === 'DJ028'));
  assert.equal(f.severity, 'error');
  assert.equal(f.safety, 'safe');
  assert.equal(
    fixed(text, f),
    top +
      'def get(p):\n    with cfg.override(download_path=p):\n        x = Rec.fetch1("raw")  # the raw file\n    return x\n',
  );
});

test('download_path without any binding of datajoint.config imports datajoint', async () => {
  const engine = await enginePromise;
  const text =
    'from datajoint import Manual\n\n\nclass Rec(Manual):\n    definition = "r: int"\n\n\nx = Rec.fetch1("raw", download_path="/d")\n';
  const out = fixed(text, only(engine.analyzePython('/ws/dp2.py', text, options).filter((x) => x.code === 'DJ028')));
  assert.match(out, /^from datajoint import Manual\nimport datajoint\n/);
  assert.match(out, /\nwith datajoint\.config\.override\(download_path="\/d"\):\n {4}x = Rec\.fetch1\("raw"\)\n$/);
});

test('download_path: no fix where wrapping would change a string or is not one statement', async () => {
  const { findings } = await analyze(
    [
      'x = Unit.fetch1("""raw',
      'more""", download_path="/d")',
      'if True: y = Unit.fetch1("raw", download_path="/d")',
      'for r in Unit.fetch("KEY", download_path="/d"):',
      '    pass',
    ].join('\n') + '\n',
  );
  const dp = findings.filter((f) => f.code === 'DJ028');
  assert.equal(dp.length, 3);
  for (const f of dp) assert.equal(f.fix, undefined);
  assert.match(dp[2].message, /compound statement/);
});

test('download_path is also flagged on the 2.x output methods (TypeError there too)', async () => {
  const { findings } = await analyze('rows = Unit.to_dicts(download_path="/d")\n');
  assert.equal(only(findings).code, 'DJ028');
});

test('head/tail: unsafe; tail keeps the old ascending order with [::-1]', async () => {
  const { text, findings } = await analyze('t = Unit.tail(limit=4, as_dict=True, squeeze=True)\n');
  const f = only(findings, 'DJ029');
  assert.equal(f.safety, 'unsafe');
  assert.match(f.message, /keyword arguments raise TypeError/);
  assert.match(fixed(text, f), /t = Unit\.to_dicts\(order_by="KEY DESC", limit=4, squeeze=True\)\[::-1\]\n$/);
});

test('fetch1 is never touched, including fetch1("KEY")', async () => {
  const { findings } = await analyze(
    'k = (Unit & "unit=1").fetch1("KEY")\nd = Unit.fetch1()\na, b = Unit.fetch1("unit", "depth", squeeze=True)\n',
  );
  assert.deepEqual(findings, []);
});

test('DJ030: a table member named like a new 2.x method is a manual warning', async () => {
  const engine = await enginePromise;
  const text =
    'import datajoint as dj\nschema = dj.Schema("s")\n\n\n@schema\nclass T(dj.Manual):\n    definition = "t: int"\n    validate = True\n\n    @property\n    def to_pandas(self):\n        return 1\n\n    def keys(self):\n        return 2\n\n\nclass NotATable:\n    def keys(self):\n        return 3\n';
  const found = engine.analyzePython('/ws/shadow.py', text, options).filter((f) => f.code === 'DJ030');
  assert.deepEqual(
    found.map((f) => text.slice(f.start, f.end)),
    ['validate', 'to_pandas', 'keys'],
  );
  for (const f of found) {
    assert.equal(f.safety, 'manual');
    assert.equal(f.severity, 'warning');
    assert.equal(f.fix, undefined);
  }
});

test('a 0.14-pinned workspace sees the same findings as information', async () => {
  const { findings } = await analyze('rows = Unit.fetch()\n', { ...options, mode: 'informational' });
  assert.equal(only(findings).severity, 'info');
});

test('safe fixes only: fix-all leaves the unsafe rewrites for the user', async () => {
  const engine = await enginePromise;
  const text = HEADER + 'a = Unit.fetch()\nb = Unit.fetch("depth")\n';
  const safe = fixPython(engine, '/ws/fa.py', text, options, { unsafe: false });
  assert.match(safe.text, /a = Unit\.to_arrays\(\)\nb = Unit\.fetch\("depth"\)\n$/);
  const all = fixPython(engine, '/ws/fa.py', text, options, { unsafe: true });
  assert.match(all.text, /b = Unit\.to_arrays\("depth"\)\n$/);
});

test('every fetch rule documents a before/after, cites catalogue ids that exist, and keeps to DJ020-039', () => {
  const spec = fs.readFileSync(specFile, 'utf8');
  const ids = new Set([...spec.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  for (const meta of fetchRules.flatMap((r) => r.metas)) {
    assert.match(meta.code, /^DJ0(2\d|3\d)$/);
    assert.ok(meta.docs.before && meta.docs.summary, meta.code);
    if (meta.safety !== 'manual') assert.ok(meta.docs.after, meta.code);
    for (const id of meta.catalogue) assert.ok(ids.has(id), `${meta.code}: unknown catalogue id ${id}`);
  }
  for (const id of Object.keys(noRuleBecause)) assert.ok(ids.has(id), id);
  // Every §1B row is covered here, by a rule or by a reason.
  const section = spec.slice(spec.indexOf('### 1B.'), spec.indexOf('### 1C.'));
  const covered = new Set([
    ...fetchRules.flatMap((r) => r.metas.flatMap((m) => m.catalogue)),
    ...Object.keys(noRuleBecause),
  ]);
  const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  assert.ok(rows.length >= 18, 'the §1B table was not found');
  for (const id of rows) assert.ok(covered.has(id), id);
});

test('editArguments: removes and appends arguments without touching other bytes, comments or trailing commas', async () => {
  const engine = await enginePromise;
  const run = (src: string, remove: string[], add: string[] = [], after?: string): string | null => {
    const tree = engine.python.parse(src);
    try {
      const call = tree.rootNode.descendantsOfType('call')[0]!;
      const args = call
        .childForFieldName('arguments')!
        .namedChildren.filter((n): n is NonNullable<typeof n> => !!n && n.type !== 'comment');
      const pick = (t: string) => args.find((a) => a.text === t || a.text.startsWith(`${t}=`))!;
      const edits = editArguments(call, remove.map(pick), add, after ? pick(after) : undefined);
      return edits && applyEdits(src, edits);
    } finally {
      tree.delete();
    }
  };
  assert.equal(run('f(a, b, c)', ['b']), 'f(a, c)');
  assert.equal(run('f(a, b, c)', ['c']), 'f(a, b)');
  assert.equal(run('f(a, b, c)', ['a', 'b']), 'f(c)');
  assert.equal(run('f(a, b, c)', ['a', 'c']), 'f(b)');
  assert.equal(run('f(a, b, c)', ['a', 'b', 'c']), 'f()');
  assert.equal(run('f(\n    a,\n    b,\n)', ['a', 'b']), 'f()');
  assert.equal(run('f(\n    a,\n    b,\n)', ['b']), 'f(\n    a,\n)');
  assert.equal(run('f("x", "KEY", k=1)', ['"KEY"'], ['include_key=True'], '"x"'), 'f("x", include_key=True, k=1)');
  assert.equal(run('f("x", "KEY")', ['"KEY"'], ['include_key=True'], '"x"'), 'f("x", include_key=True)');
  assert.equal(run('f()', [], ['z=1']), 'f(z=1)');
  assert.equal(run('f(\n    a,  # why a\n    b=2,\n)', ['a']), 'f(\n    # why a\n    b=2,\n)');
  assert.equal(run('f(\n    a,  # why a\n    b=2,\n)', ['b']), null, 'the comment would go');
  assert.equal(run('f(\n    a,  # why a\n)', ['a']), null);
  assert.equal(run('f(x for x in y)', []), null);
  // An argument a line: what is added gets its own line at the same indentation.
  assert.equal(run('f(\n    a,\n    b=2,\n)', [], ['z=1']), 'f(\n    a,\n    b=2,\n    z=1,\n)');
  assert.equal(run('f(\n    a,\n    b=2\n)', [], ['z=1', 'y=0']), 'f(\n    a,\n    b=2,\n    z=1,\n    y=0\n)');
  assert.equal(run('f(a,\n  b=2)', [], ['z=1']), 'f(a,\n  b=2, z=1)', 'the last argument shares the closing line');
  assert.equal(run('f(\n    a,\n    b=2,  # why\n)', [], ['z=1']), 'f(\n    a,\n    b=2, z=1,  # why\n)');
});

test('fetch(*names, ...) is left for a person with the names kept, never rewritten to fetch every column', async () => {
  const engine = await CodeEngine.create();
  const text = `import datajoint as dj
schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    raw : <blob>
    note : varchar(20)
    """


fields = [f for f in Session.heading.names if f != "raw"]
rows = (Session & "session=1").fetch(*fields, as_dict=True)
arrays = Session.fetch(*fields)
`;
  const found = engine
    .analyzePython('/ws/starred.py', text, { ...DEFAULT_OPTIONS, schemaSuffix: '' })
    .map((f) => `${f.code} ${f.safety} ${f.fix ? 'fix' : 'no fix'} ${f.message}`);
  assert.deepEqual(found, [
    'DJ025 manual no fix `fetch(*fields, as_dict=True)` is deprecated: `proj(*fields).to_dicts()` also returns the primary key; rewrite by hand',
    'DJ023 manual no fix `fetch(*fields)` is deprecated: `to_arrays(*fields)` returns differently typed arrays (stacked blobs, `<U` strings, None instead of NaN); rewrite by hand',
  ]);
});

test('a file that imports a DataJoint Element is DataJoint code without naming datajoint; element_interface is not', async () => {
  const engine = await CodeEngine.create();
  const codes = (text: string) =>
    engine.analyzePython('/ws/dlc.py', text, { ...DEFAULT_OPTIONS, schemaSuffix: '' }).map((f) => f.code);
  const body = 'n = len(train.TrainingParamSet.fetch())\nm = train.TrainingParamSet.fetch("paramset_idx")\n';
  assert.deepEqual(codes(`from element_deeplabcut import train\n\n${body}`), ['DJ021', 'DJ023']);
  assert.deepEqual(codes(`from element_interface.utils import find_full_path as train\n\n${body}`), []);
});

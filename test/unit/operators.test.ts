// Query operators (DJ040-048): exact rewrites, precedence, what is never touched, the manual rules' messages,
// and the rule documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { applyEdits } from '../../server/src/fix/apply';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import { operatorRules, noRuleBecause } from '../../server/src/rules/operators';
import type { Finding } from '../../server/src/rules/meta';
import { repoRoot, specFile } from '../helpers/paths';

const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
const enginePromise = CodeEngine.create();

const HEADER = `import datajoint as dj
import numpy as np

schema = dj.Schema("ephys")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    rig : varchar(16)
    """


@schema
class Trial(dj.Manual):
    definition = """
    -> Session
    trial : int32
    """

`;

async function analyze(body: string): Promise<{ text: string; findings: Finding[] }> {
  const engine = await enginePromise;
  const text = HEADER + body;
  return {
    text,
    findings: engine.analyzePython('/ops/probe.py', text, options).filter((f) => /^DJ0[45]\d$/.test(f.code)),
  };
}

function fixedLine(text: string, f: Finding): string {
  assert.ok(f.fix, `${f.code} has no fix`);
  const out = applyEdits(text, f.fix.edits);
  return out.slice(HEADER.length).trimEnd();
}

test('@ between queries → join(..., semantic_check=False): safe error, exact text', async () => {
  const { text, findings } = await analyze('q = (Session & "session=1") @ Trial.proj()\n');
  const [f] = findings;
  assert.equal(f.code, 'DJ040');
  assert.equal(f.severity, 'error');
  assert.equal(f.safety, 'safe');
  assert.match(f.message, /not `\*`/);
  assert.equal(fixedLine(text, f), 'q = (Session & "session=1").join(Trial.proj(), semantic_check=False)');
});

test('@ keeps the meaning of its operands: a compound left operand is parenthesised', async () => {
  const { text, findings } = await analyze('q = Session * Trial @ Session.proj()\n');
  assert.equal(fixedLine(text, findings[0]), 'q = (Session * Trial).join(Session.proj(), semantic_check=False)');
});

test('@ with an unresolved left operand but a query on the right: a hint with an unsafe fix', async () => {
  const { findings } = await analyze('def f(q):\n    return q @ Session\n');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].severity, 'hint');
  assert.equal(findings[0].safety, 'unsafe');
});

test('^ on a class instantiates it; on a query it does not', async () => {
  const { text, findings } = await analyze(
    'a = Session ^ "rig=\'A\'"\nb = (Session & "session=1") ^ Trial\nc = Session.Part ^ Trial if False else None\n',
  );
  const [a, b] = findings;
  assert.equal(a.code, 'DJ041');
  assert.equal(a.safety, 'safe');
  assert.match(a.message, /Session\(\)\.restrict/);
  assert.match(fixedLine(text, a), /^a = Session\(\)\.restrict\("rig='A'", semantic_check=False\)$/m);
  assert.match(fixedLine(text, b), /^b = \(Session & "session=1"\)\.restrict\(Trial, semantic_check=False\)$/m);
});

test('numpy @, bitwise ^ and decorators are never touched', async () => {
  const { findings } = await analyze(
    'm = np.eye(2) @ np.ones(2)\nx = 5 ^ 3\ny = flags ^ Session.rig_mask if False else 0\n\n\n@schema\nclass Other(dj.Lookup):\n    definition = "o: int"\n',
  );
  assert.deepEqual(findings, []);
});

test('dj.U(...) * t, t * dj.U(...) and dj.U(...).join(t): manual errors that explain why & is not equivalent', async () => {
  const { findings } = await analyze(
    'a = dj.U("rig") * Session\nb = Session * dj.U("rig")\nc = dj.U("rig").join(Session)\nd = dj.U("rig") * Session * Trial\n',
  );
  assert.deepEqual(
    findings.map((f) => f.code),
    ['DJ042', 'DJ042', 'DJ042', 'DJ042'],
  );
  for (const f of findings) {
    assert.equal(f.safety, 'manual');
    assert.equal(f.severity, 'error');
    assert.equal(f.fix, undefined);
    assert.match(f.message, /NOT a replacement/);
  }
});

test('dj.U(...) - t is a manual error; dj.U(...) & t and dj.U(...).aggr(t) are unchanged', async () => {
  const { findings } = await analyze(
    'a = dj.U("rig") - Session\nb = dj.U("rig") & Session\nc = dj.U("rig").aggr(Session, n="count(*)")\n',
  );
  assert.deepEqual(
    findings.map((f) => [f.code, f.safety]),
    [['DJ043', 'manual']],
  );
});

test('aggr without keep_all_rows: a safe warning that adds exclude_nonmatching=True; not on dj.U', async () => {
  const { text, findings } = await analyze(
    'n = Session.aggr(Trial, n="count(*)")\nu = dj.U("rig").aggr(Session, n="count(*)")\n',
  );
  const [f] = findings;
  assert.equal(findings.length, 1);
  assert.equal(f.code, 'DJ044');
  assert.equal(f.severity, 'warning');
  assert.equal(f.safety, 'safe');
  assert.match(f.message, /LEFT join/);
  assert.match(fixedLine(text, f), /^n = Session\.aggr\(Trial, n="count\(\*\)", exclude_nonmatching=True\)$/m);
});

test('aggr with **kwargs: reported, no fix (keep_all_rows may hide inside)', async () => {
  const { findings } = await analyze('n = Session.aggr(Trial, **computed)\n');
  assert.equal(findings[0].code, 'DJ044');
  assert.equal(findings[0].fix, undefined);
});

test('keep_all_rows: True → exclude_nonmatching=False, False → True, other values negated', async () => {
  const { text, findings } = await analyze(
    'a = Session.aggr(Trial, n="count(*)", keep_all_rows=True)\nb = Session.aggr(Trial, keep_all_rows=False, n="count(*)")\nc = Session.aggr(Trial, n="count(*)", keep_all_rows=x > 1)\n',
  );
  assert.deepEqual(
    findings.map((f) => [f.code, f.safety, f.severity]),
    [
      ['DJ045', 'safe', 'error'],
      ['DJ045', 'safe', 'error'],
      ['DJ045', 'safe', 'error'],
    ],
  );
  assert.match(
    fixedLine(text, findings[0]),
    /^a = Session\.aggr\(Trial, n="count\(\*\)", exclude_nonmatching=False\)$/m,
  );
  assert.match(
    fixedLine(text, findings[1]),
    /^b = Session\.aggr\(Trial, exclude_nonmatching=True, n="count\(\*\)"\)$/m,
  );
  assert.match(
    fixedLine(text, findings[2]),
    /^c = Session\.aggr\(Trial, n="count\(\*\)", exclude_nonmatching=not \(x > 1\)\)$/m,
  );
});

test('dj.U().aggr(..., keep_all_rows=...) drops the keyword', async () => {
  const { text, findings } = await analyze('n = dj.U().aggr(Trial, n="max(trial)", keep_all_rows=False)\n');
  assert.equal(findings[0].code, 'DJ046');
  assert.equal(fixedLine(text, findings[0]), 'n = dj.U().aggr(Trial, n="max(trial)")');
});

test('pandas aggregate on an unresolved receiver is not flagged; aggr there is a hint', async () => {
  const { findings } = await analyze(
    'def f(df, q):\n    a = df.aggregate("mean")\n    b = q.aggr(Trial, n="count(*)")\n',
  );
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity, f.safety]),
    [['DJ044', 'hint', 'unsafe']],
  );
});

test('join(..., left=True) is a manual warning pointing at extend', async () => {
  const { findings } = await analyze('q = Session.join(Trial, left=True)\nr = Session.join(Trial, left=False)\n');
  assert.deepEqual(
    findings.map((f) => [f.code, f.safety]),
    [['DJ047', 'manual']],
  );
  assert.match(findings[0].message, /extend/);
});

test('keys of a join: an information item, also through a variable; not for a plain table', async () => {
  const { findings } = await analyze(
    'k = (Session * Trial).fetch("KEY")\nj = Session * Trial & "trial > 1"\ndf = j.fetch(format="frame")\nplain = Session.fetch("KEY")\n',
  );
  const pk = findings.filter((f) => f.code === 'DJ048');
  assert.equal(pk.length, 2);
  for (const f of pk) {
    assert.equal(f.severity, 'info');
    assert.equal(f.safety, 'manual');
  }
});

test('every operator rule documents before/after, cites catalogue ids that exist, and keeps to DJ040-059', () => {
  const spec = fs.readFileSync(specFile, 'utf8');
  const ids = new Set([...spec.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  const metas = operatorRules.flatMap((r) => r.metas);
  for (const meta of metas) {
    assert.match(meta.code, /^DJ0[45]\d$/);
    assert.ok(meta.docs.before && meta.docs.summary, meta.code);
    if (meta.safety !== 'manual') assert.ok(meta.docs.after, meta.code);
    for (const id of meta.catalogue) assert.ok(ids.has(id), `${meta.code}: unknown catalogue id ${id}`);
  }
  // The guide is wrong about @ and dj.U * t: those rules must say so.
  for (const code of ['DJ040', 'DJ042']) assert.ok(metas.find((m) => m.code === code)?.docs.guideCorrection, code);
  const section = spec.slice(spec.indexOf('### 1C.'), spec.indexOf('### 1D.'));
  const covered = new Set([...metas.flatMap((m) => m.catalogue), ...Object.keys(noRuleBecause)]);
  for (const m of section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)) assert.ok(covered.has(m[1]), m[1]);
  for (const id of Object.keys(noRuleBecause)) assert.ok(ids.has(id), id);
});

test('each fetch/operator fix on its own (as a quick fix applies it) parses and resolves its finding', async () => {
  const engine = await enginePromise;
  let checked = 0;
  for (const family of ['fetch', 'operators']) {
    const dir = path.join(repoRoot, 'test', 'rules', family);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.before.py'))) {
      const full = path.join(dir, file);
      const text = fs.readFileSync(full, 'utf8');
      const findings = engine.analyzePython(full, text, options).filter((f) => /^DJ0[2-5]\d$/.test(f.code) && f.fix);
      for (const f of findings) {
        const out = applyEdits(text, f.fix!.edits);
        assert.equal(
          engine.errorCount(out),
          engine.errorCount(text),
          `${file}: ${f.code} at ${f.start} breaks parsing`,
        );
        const again = engine.analyzePython(full, out, options);
        const stillThere = again.some(
          (g) => g.code === f.code && out.slice(g.start, g.end) === text.slice(f.start, f.end),
        );
        assert.ok(!stillThere, `${file}: ${f.code} "${text.slice(f.start, f.end)}" survives its own fix`);
        checked++;
      }
    }
  }
  assert.ok(checked > 40, `only ${checked} fixes checked`);
});

test('keys of a join read as dicts: before and after the fix of fetch("KEY", "a", as_dict=True)', async () => {
  const { text, findings } = await analyze(
    'a = (Session * Trial).fetch("KEY", "rig", as_dict=True)\nb = (Session * Trial).proj("rig").to_dicts()\nc = (Session * Trial).to_dicts()\nd = Session.proj("rig").to_dicts()\n',
  );
  const pk = findings.filter((f) => f.code === 'DJ048').map((f) => text.slice(f.start, f.end));
  assert.deepEqual(pk, [
    '(Session * Trial).fetch("KEY", "rig", as_dict=True)',
    '(Session * Trial).proj("rig").to_dicts()',
  ]);
});

// Table and schema methods (DJ060-070): the definition parser, heading resolution, messages, severities,
// safety classes, hints on unresolved receivers, the cases that must not get a fix, and the fixture pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { fixPython } from '../../server/src/fix/fixLoop';
import { applyEdits } from '../../server/src/fix/apply';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';
import { parseDefinition, tableRules, noRuleBecause } from '../../server/src/rules/tables';
import { fixturesDir, specFile } from '../helpers/paths';

const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
const enginePromise = CodeEngine.create();

const HEADER = `import datajoint as dj

schema = dj.Schema("lab")


@schema
class Subject(dj.Manual):
    definition = """
    subject_id : int32
    ---
    sex : enum('M', 'F')
    """

    class Weight(dj.Part):
        definition = """
        -> master
        weigh_idx : int16
        ---
        grams : float32
        """

`;

async function analyze(
  body: string,
  opts: EngineOptions = options,
  file = '/ws/tables_probe.py',
): Promise<{ text: string; findings: Finding[] }> {
  const engine = await enginePromise;
  const text = HEADER + body;
  const findings = engine.analyzePython(file, text, opts).filter((f) => /^DJ0(6\d|70)$/.test(f.code));
  return { text, findings };
}

function one(findings: Finding[], code: string): Finding {
  const hits = findings.filter((f) => f.code === code);
  assert.equal(hits.length, 1, `expected one ${code}, got ${JSON.stringify(findings.map((f) => f.code))}`);
  return hits[0];
}

test('parseDefinition: names, foreign keys with options and renames, both dividers, indexes and comments', () => {
  const def = parseDefinition(`
    # table comment: with a colon
    -> [nullable] Subject
    session_idx : int16          # index: the # inside the comment
    ___
    -> [unique] User.proj(experimenter='username', other="x")
    notes = "a: b # c" : varchar(64)
    unique index (notes)
    index(experimenter)
    -> master
  `);
  assert.deepEqual(def.primary, [
    { kind: 'fk', ref: 'Subject', renames: new Map() },
    { kind: 'attr', name: 'session_idx' },
  ]);
  assert.deepEqual(def.secondary, [
    {
      kind: 'fk',
      ref: 'User',
      renames: new Map([
        ['experimenter', 'username'],
        ['other', 'x'],
      ]),
    },
    { kind: 'attr', name: 'notes' },
    { kind: 'fk', ref: 'master', renames: new Map() },
  ]);
  // A projection that is not a plain rename cannot be resolved.
  assert.equal(parseDefinition('-> User.proj(name="concat(a, b)")\n').primary[0].kind, 'unknown');
  assert.equal(parseDefinition('-> Parent.Part\n').primary[0].kind, 'fk');
});

test('positional insert: heading order through -> master and renamed parents; the fix is unsafe and names every field', async () => {
  const { text, findings } = await analyze('Subject.Weight.insert1((1, 0, 20.5))\n');
  const f = one(findings, 'DJ069');
  assert.equal(f.safety, 'unsafe');
  assert.equal(f.severity, 'info');
  assert.match(f.message, /DeprecationWarning/);
  assert.match(f.message, /subject_id, weigh_idx, grams/);
  assert.ok(f.fix);
  assert.match(
    applyEdits(text, f.fix.edits),
    /Subject\.Weight\.insert1\(\{"subject_id": 1, "weigh_idx": 0, "grams": 20\.5\}\)/,
  );
});

test('positional insert: an unresolvable parent or a wrong row length gives a manual finding without a fix', async () => {
  const imported = `from other_pipeline import Session


@schema
class Scan(dj.Manual):
    definition = """
    -> Session
    scan_idx : int16
    """

Scan.insert([(1, 2)])
Subject.insert1((1, "M", "extra"))
`;
  const { findings } = await analyze(imported);
  const hits = findings.filter((f) => f.code === 'DJ069');
  assert.equal(hits.length, 2);
  for (const f of hits) {
    assert.equal(f.safety, 'manual');
    assert.equal(f.fix, undefined);
  }
  assert.match(hits[0].message, /heading of `Scan` cannot be resolved/);
  assert.match(hits[1].message, /does not match the 2 fields of `Subject` \(subject_id, sex\)/);
});

test('positional insert1 on an unresolved receiver is a hint without a fix; insert on one is not reported', async () => {
  const { findings } = await analyze('def f(t, items):\n    t.insert1((1, "M"))\n    items.insert([(1, 2)])\n');
  const f = one(findings, 'DJ069');
  assert.equal(f.severity, 'hint');
  assert.equal(f.fix, undefined);
});

test('delete keywords: safe renames, unsafe cascade, manual when the value is not a literal', async () => {
  const { findings } = await analyze(
    'def f(key, flag):\n    (Subject & key).delete(safemode=False, force_masters=True)\n    Subject.delete(force_masters=flag)\n',
  );
  const safemode = one(findings, 'DJ061');
  assert.equal(safemode.safety, 'safe');
  assert.equal(safemode.severity, 'error');
  const masters = findings.filter((f) => f.code === 'DJ063');
  assert.equal(masters.length, 2);
  assert.equal(masters[0].safety, 'unsafe');
  assert.ok(masters[0].fix);
  assert.equal(masters[1].safety, 'manual');
  assert.equal(masters[1].fix, undefined);
});

test('delete(safemode=) on an unresolved receiver is a hint with an unsafe fix', async () => {
  const { findings } = await analyze('def f(q):\n    q.delete(safemode=False)\n    q.spawn_missing_classes()\n');
  const f = one(findings, 'DJ061');
  assert.equal(f.severity, 'hint');
  assert.equal(f.safety, 'unsafe');
  assert.ok(f.fix);
  const s = one(findings, 'DJ066');
  assert.equal(s.severity, 'hint');
  assert.equal(s.safety, 'unsafe');
});

test('Part.delete(force=) needs a Part receiver; delete(force=) on a master is left alone', async () => {
  const { findings } = await analyze(
    'Subject.Weight.delete(force=True)\nSubject.delete(force=True)\n(Subject.Weight() & "grams > 3").drop(force=True)\n',
  );
  const parts = findings.filter((f) => f.code === 'DJ064');
  assert.equal(parts.length, 2);
  assert.ok(parts.every((f) => f.safety === 'safe' && f.fix));
});

test('schema.drop(True) warns that 2.x reads a positional argument as prompt', async () => {
  const { text, findings } = await analyze('schema.drop(True)\n');
  const f = one(findings, 'DJ065');
  assert.match(f.message, /positional argument as `prompt`/);
  assert.match(applyEdits(text, f.fix!.edits), /schema\.drop\(prompt=False\)/);
});

test('_update: unsafe fix for `(T & key)._update(a, v)`, manual without a value', async () => {
  const { text, findings } = await analyze(
    'def f(key):\n    (Subject & key)._update("sex", "F")\n    (Subject & key)._update("sex")\n',
  );
  const hits = findings.filter((f) => f.code === 'DJ060');
  assert.equal(hits.length, 2);
  assert.equal(hits[0].safety, 'unsafe');
  assert.match(applyEdits(text, hits[0].fix!.edits), /Subject\.update1\(\{\*\*key, "sex": "F"\}\)/);
  assert.equal(hits[1].safety, 'manual');
  assert.match(hits[1].message, /meant NULL/);
});

test('removed schema and table attributes are manual errors; a table that defines the member itself is not flagged', async () => {
  const { findings } =
    await analyze(`print(schema.log, schema.size_on_disk, Subject.size_on_disk, (Subject & "1").external)
schema.save()


@schema
class Sized(dj.Manual):
    definition = """
    x : int32
    """

    @property
    def size_on_disk(self):
        return 0


print(Sized.size_on_disk)
`);
  assert.equal(findings.filter((f) => f.code === 'DJ067').length, 3);
  assert.equal(findings.filter((f) => f.code === 'DJ068').length, 2);
  assert.ok(findings.every((f) => f.safety === 'manual' && !f.fix));
});

test('code inside a try/except AttributeError compatibility shim is not flagged', async () => {
  const { findings } = await analyze(
    'try:\n    schema.make_classes()\nexcept AttributeError:\n    schema.spawn_missing_classes()\n',
  );
  assert.deepEqual(findings, []);
});

test('a workspace pinned to 0.14.x shows the findings as information', async () => {
  const { findings } = await analyze('schema.drop(force=True)\n', { ...options, mode: 'informational' });
  assert.equal(one(findings, 'DJ065').severity, 'info');
});

test('the 0.14.6 fixture pipeline: the expected findings of this family, and the unsafe fixes give dicts in heading order', async () => {
  const engine = await enginePromise;
  const file = path.join(fixturesDir, 'dj014', 'pipeline014.py');
  const text = fs.readFileSync(file, 'utf8');
  const mine = engine.analyzePython(file, text, options).filter((f) => /^DJ0(6\d|7\d)$/.test(f.code));
  const at = (f: Finding) => `${f.code}@${text.slice(0, f.start).split('\n').length}:${f.safety}`;
  assert.deepEqual(mine.map(at), [
    'DJ065@53:safe',
    'DJ070@68:unsafe',
    'DJ070@174:unsafe',
    'DJ069@223:unsafe',
    'DJ075@273:manual',
    'DJ067@273:manual',
    'DJ067@273:manual',
  ]);
  const fixed = fixPython(engine, file, text, options, { unsafe: true, codes: new Set(['DJ065', 'DJ069', 'DJ070']) });
  assert.ok(fixed.converged);
  assert.match(
    fixed.text,
    /contents = \[\{"species": "mouse", "latin_name": "Mus musculus"\}, \{"species": "rat", "latin_name": "Rattus norvegicus"\}\]/,
  );
  assert.match(
    fixed.text,
    /contents = \[\{"params_id": 0, "bin_size": 0\.01, "method": "mean", "options": \{"smooth": False\}\}, /,
  );
  assert.match(
    fixed.text,
    /User\.insert\(\[\{"username": "alice", "full_name": "Alice A", "email": "alice@example\.org", "active": 1\}, /,
  );
  assert.match(fixed.text, /dj\.Schema\(f"\{PREFIX\}_\{name\}"\)\.drop\(prompt=False\)/);
});

test('every rule of the family documents a before/after, its catalogue ids exist, and codes stay in DJ060-079', () => {
  const catalogue = fs.readFileSync(specFile, 'utf8');
  const ids = new Set([...catalogue.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  if (ids.size === 0) return; // the shared spec is not on this machine
  for (const meta of tableRules.flatMap((r) => r.metas)) {
    assert.match(meta.code, /^DJ0(6\d|7\d)$/);
    assert.ok(meta.docs.before && meta.docs.summary, meta.code);
    if (meta.safety !== 'manual') assert.ok(meta.docs.after, `${meta.code} needs an after`);
    for (const id of meta.catalogue) assert.ok(ids.has(id), `${meta.code}: unknown catalogue id ${id}`);
  }
  for (const id of Object.keys(noRuleBecause)) assert.ok(ids.has(id), id);
});

test('tables imported from another workspace file: real findings (not hints), Part tables recognised through the import', async () => {
  const engine = await enginePromise;
  engine.indexPython('/ws2/pipeline.py', HEADER);
  const file = '/ws2/cleanup.py';
  const text =
    'from pipeline import Subject, schema\nimport pipeline as pl\n\n(Subject & "subject_id=1").delete(safemode=False)\nSubject.Weight.delete(force=True)\npl.Subject.Weight.drop(force=True)\nschema.drop(force=True)\n';
  const findings = engine.analyzePython(file, text, options).filter((f) => /^DJ0[67]\d$/.test(f.code));
  assert.deepEqual(
    findings.map((f) => `${f.code}:${f.severity}:${f.safety}`),
    ['DJ061:error:safe', 'DJ064:error:safe', 'DJ064:error:safe', 'DJ065:error:safe'],
  );
});

test('positional inserts into tables declared in another workspace file: headings resolve there, parents included', async () => {
  const engine = await enginePromise;
  engine.indexPython('/ws3/lab.py', HEADER);
  engine.indexPython(
    '/ws3/ephys.py',
    `import datajoint as dj
from lab import Subject

schema = dj.Schema("ephys")


@schema
class Session(dj.Manual):
    definition = """
    -> Subject
    session_idx : int16
    """
`,
  );
  const file = '/ws3/ingest.py';
  const text =
    'from lab import Subject\nimport lab\nfrom ephys import Session\n\nSubject.insert1((1, "M"))\nlab.Subject.Weight.insert([(1, 0, 20.5)])\nSession.insert1((1, 0))\n';
  const findings = engine.analyzePython(file, text, options).filter((f) => f.code === 'DJ069');
  assert.deepEqual(
    findings.map((f) => f.safety),
    ['unsafe', 'unsafe', 'manual'],
  );
  const fixed = applyEdits(text, [...findings[0].fix!.edits, ...findings[1].fix!.edits]);
  assert.match(fixed, /Subject\.insert1\(\{"subject_id": 1, "sex": "M"\}\)/);
  assert.match(fixed, /lab\.Subject\.Weight\.insert\(\[\{"subject_id": 1, "weigh_idx": 0, "grams": 20\.5\}\]\)/);
  // ephys.py imports Subject itself: its parent is not resolvable from the exported definitions alone.
  assert.match(findings[2].message, /cannot be resolved/);
});

test('a rewrite that would re-print values never drops comments: zip(...) with a comment stays manual', async () => {
  const { findings } = await analyze(`
@schema
class Kind(dj.Lookup):
    definition = """
    kind : varchar(8)
    """
    contents = zip(["a",  # the first
                    "b"])
`);
  const f = one(findings, 'DJ070');
  assert.equal(f.safety, 'manual');
  assert.match(f.message, /comments/);
});

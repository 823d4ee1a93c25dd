import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  analyzeDefinition,
  mapDefinitionTypes,
  definitionRules,
  type DefinitionOptions,
  type DefFinding,
} from '../../server/src/rules/definitions/index';
import { CodeEngine } from '../../server/src/engine';
import { fixPython } from '../../server/src/fix/fixLoop';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';
import { fixturesDir, repoRoot } from '../helpers/paths';

type Tier = NonNullable<DefinitionOptions['tier']>;
interface PyDefinition {
  cls: string;
  tier: Tier | undefined;
  text: string;
}

/** Every `definition = """…"""` of a Python file, with the tier of the class it belongs to. */
function definitionsOf(source: string): PyDefinition[] {
  const out: PyDefinition[] = [];
  const re = /class (\w+)\(dj\.(Manual|Lookup|Imported|Computed|Part)\)|definition = """([\s\S]*?)"""/g;
  let cls = '';
  let tier: Tier | undefined;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[1]) {
      cls = m[1];
      tier = m[2].toLowerCase() as Tier;
    } else out.push({ cls, tier, text: m[3] });
  }
  return out;
}

interface Row {
  kind: string;
  name?: string;
  default?: string;
  type?: string;
}

/** An independent reading of a definition for comparison: whitespace and comments aside. */
function rows(definition: string): Row[] {
  const out: Row[] = [];
  for (const raw of definition.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^(---|___)/.test(line)) {
      out.push({ kind: 'divider' });
      continue;
    }
    if (line.startsWith('->') || /^(unique\s+)?index/i.test(line)) {
      out.push({ kind: 'other', type: line.replace(/\s*#.*$/, '') });
      continue;
    }
    const m = /^([a-z][a-z0-9_]*)\s*(?:=\s*(.*?))?\s*:\s*([^#]*?)\s*(?:#.*)?$/.exec(line);
    assert.ok(m, `unreadable line ${line}`);
    out.push({ kind: 'attribute', name: m[1], default: m[2], type: m[3] });
  }
  return out;
}

const WIDEN_ALL: DefinitionOptions = { unsigned: 'widen', phase: 2 };

// ---- acceptance: the 0.14.6 fixture pipeline becomes the 2.x fixture pipeline ----

test('all phase-1+2 fixes (widen) turn every pipeline014.py definition into the pipeline2.py one', () => {
  const old = definitionsOf(fs.readFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), 'utf8'));
  const v2 = definitionsOf(fs.readFileSync(path.join(fixturesDir, 'dj2', 'pipeline2.py'), 'utf8'));
  assert.equal(old.length, 11);
  assert.deepEqual(
    old.map((d) => d.cls),
    v2.map((d) => d.cls),
  );
  for (let i = 0; i < old.length; i++) {
    const fixed = mapDefinitionTypes(old[i].text, { ...WIDEN_ALL, tier: old[i].tier });
    assert.deepEqual(rows(fixed), rows(v2[i].text), `${old[i].cls}`);
    const again = analyzeDefinition(fixed, { ...WIDEN_ALL, tier: old[i].tier });
    assert.deepEqual(
      again.filter((f) => f.replacement !== undefined),
      [],
      `${old[i].cls}: fixes are idempotent`,
    );
  }
});

test('the fixture pipeline needed real work: every 0.14.6 type family was rewritten', () => {
  const old = definitionsOf(fs.readFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), 'utf8'));
  const codes = new Set(
    old.flatMap((d) => analyzeDefinition(d.text, { ...WIDEN_ALL, tier: d.tier }).map((f) => f.code)),
  );
  for (const code of [
    'DJ100',
    'DJ101',
    'DJ102',
    'DJ103',
    'DJ106',
    'DJ107',
    'DJ108',
    'DJ109',
    'DJ113',
    'DJ116',
    'DJ117',
    'DJ119',
  ]) {
    assert.ok(codes.has(code), `expected ${code} among ${[...codes].sort()}`);
  }
});

test('the pipeline2.py definitions are left unchanged under every policy', () => {
  const v2 = definitionsOf(fs.readFileSync(path.join(fixturesDir, 'dj2', 'pipeline2.py'), 'utf8'));
  for (const unsigned of ['widen', 'native', 'uint'] as const) {
    for (const d of v2) {
      const opts: DefinitionOptions = { unsigned, phase: 2, tier: d.tier };
      assert.equal(mapDefinitionTypes(d.text, opts), d.text, `${d.cls} (${unsigned})`);
    }
  }
});

// ---- before/after pairs and no-op files (test/rules/definitions/pairs) ----

const pairsDir = path.join(repoRoot, 'test', 'rules', 'definitions');

function optionsOf(source: string): { opts: DefinitionOptions; include: 'safe' | 'all' } {
  const header = /^#\s*dj-migrate:(.*)$/.exec(source.split('\n')[0])?.[1] ?? '';
  const opts: DefinitionOptions = { unsigned: 'widen', phase: 1 };
  let include: 'safe' | 'all' = 'safe';
  for (const tok of header.trim().split(/\s+/).filter(Boolean)) {
    const [k, v = ''] = tok.split('=');
    if (k === 'unsafe') include = 'all';
    else if (k === 'phase') opts.phase = Number(v) as 1 | 2;
    else if (k === 'unsigned') opts.unsigned = v as DefinitionOptions['unsigned'];
    else if (k === 'store') opts.defaultStore = v;
    else throw new Error(`unknown fixture option ${k}`);
  }
  return { opts, include };
}

for (const file of fs
  .readdirSync(pairsDir)
  .filter((f) => f.endsWith('.py'))
  .sort()) {
  const source = fs.readFileSync(path.join(pairsDir, file), 'utf8');
  const { opts, include } = optionsOf(source);
  if (file.endsWith('.before.py')) {
    const name = file.slice(0, -'.before.py'.length);
    test(`definitions/${name}: before → after, idempotent`, () => {
      const expected = definitionsOf(fs.readFileSync(path.join(pairsDir, `${name}.after.py`), 'utf8'));
      const before = definitionsOf(source);
      assert.equal(before.length, expected.length);
      let changed = false;
      for (let i = 0; i < before.length; i++) {
        const o = { ...opts, tier: before[i].tier };
        const fixed = mapDefinitionTypes(before[i].text, o, include);
        assert.equal(fixed, expected[i].text, before[i].cls);
        assert.equal(mapDefinitionTypes(fixed, o, include), fixed, `${before[i].cls}: a second run changes nothing`);
        changed ||= fixed !== before[i].text;
      }
      assert.ok(changed, 'a before/after pair must change something');
    });
  } else if (file.endsWith('.noop.py')) {
    test(`definitions/${file}: nothing to fix`, () => {
      for (const d of definitionsOf(source)) {
        const findings = analyzeDefinition(d.text, { ...opts, tier: d.tier });
        assert.deepEqual(findings.filter((f) => f.replacement !== undefined).map(show(d.text)), [], d.cls);
        assert.deepEqual(findings.filter((f) => f.severity === 'error').map(show(d.text)), [], d.cls);
      }
    });
  }
}

function show(text: string) {
  return (f: DefFinding) => `${f.code} ${JSON.stringify(text.slice(f.start, f.end))}`;
}

// ---- finding details ----

const at = (text: string, f: DefFinding) => text.slice(f.start, f.end);

test('findings point at the whole type token and carry the rule safety', () => {
  const text = '\n  id : int unsigned   # c: int\n  ---\n  x : longblob\n';
  const findings = analyzeDefinition(text, { unsigned: 'widen', phase: 1 });
  assert.deepEqual(
    findings.map((f) => [f.code, at(text, f), f.replacement, f.safety]),
    [
      ['DJ101', 'int unsigned', 'int64', 'safe'],
      ['DJ106', 'longblob', '<blob>', 'safe'],
    ],
  );
  assert.match(findings[0].fixTitle ?? '', /`int unsigned` with `int64`/);
});

test('in phase 1 in-store types are reported as deferred, without a fix', () => {
  const text = 'id : int32\n---\nsignal : blob@raw\nraw_file : filepath@files\n';
  const phase1 = analyzeDefinition(text, { unsigned: 'widen', phase: 1 });
  assert.deepEqual(
    phase1.map((f) => [f.code, f.severity, f.replacement, f.phase]),
    [
      ['DJ108', 'info', undefined, 2],
      ['DJ109', 'info', undefined, 2],
    ],
  );
  assert.match(phase1[0].message, /deferred to phase 2.*~external_raw/);
  const phase2 = analyzeDefinition(text, { unsigned: 'widen', phase: 2 });
  assert.deepEqual(
    phase2.map((f) => [f.code, f.replacement, f.safety]),
    [
      ['DJ108', '<blob@raw>', 'safe'],
      ['DJ109', '<filepath@files>', 'safe'],
    ],
  );
});

test('a bare default store is fixed only when a store is configured', () => {
  const text = 'id : int32\n---\na : <blob@>\nb : <filepath@>\n';
  const none = analyzeDefinition(text, { unsigned: 'widen', phase: 2 });
  assert.deepEqual(
    none.map((f) => [f.code, f.safety, f.replacement]),
    [
      ['DJ110', 'manual', undefined],
      ['DJ110', 'manual', undefined],
    ],
  );
  assert.match(none[0].message, /Storage '' is requested but not configured/);
  const named = analyzeDefinition(text, {
    unsigned: 'widen',
    phase: 2,
    defaultStore: 'raw',
    filepathDefaultStore: 'files',
  });
  assert.deepEqual(
    named.map((f) => f.replacement),
    ['<blob@raw>', '<filepath@files>'],
  );
});

test('Imported/Computed primary-key attributes not from a parent are flagged, never fixed', () => {
  const text = '\n-> Recording\nneuron_id : smallint unsigned\n---\nspike_times : longblob\n';
  for (const tier of ['imported', 'computed'] as const) {
    const pk = analyzeDefinition(text, { unsigned: 'widen', phase: 1, tier }).filter((f) => f.code === 'DJ117');
    assert.equal(pk.length, 1);
    assert.equal(at(text, pk[0]), 'neuron_id');
    assert.equal(pk[0].replacement, undefined);
    assert.equal(pk[0].safety, 'manual');
    assert.match(pk[0].message, /allow_new_pk_fields_in_computed_tables/);
    assert.match(pk[0].message, /Part table/);
  }
  for (const tier of ['manual', 'lookup', 'part', undefined] as const) {
    assert.equal(
      analyzeDefinition(text, { unsigned: 'widen', phase: 1, tier }).filter((f) => f.code === 'DJ117').length,
      0,
      String(tier),
    );
  }
  const fkOnly = '\n-> Recording\n-> Params\n---\nx : float64\n';
  assert.equal(analyzeDefinition(fkOnly, { unsigned: 'widen', phase: 1, tier: 'computed' }).length, 0);
});

test('f-string placeholders are opaque: never edited across, never mistaken for syntax', () => {
  const text = '\nid : {ID_TYPE}\n{name} : int unsigned\nx = {dflt:02d} : longblob   # {note}\ny : {t} unsigned\n';
  const findings = analyzeDefinition(text, { unsigned: 'widen', phase: 1 });
  assert.deepEqual(
    findings.map((f) => [f.code, at(text, f), f.replacement]),
    [
      ['DJ101', 'int unsigned', 'int64'],
      ['DJ106', 'longblob', '<blob>'],
    ],
  );
  assert.equal(
    mapDefinitionTypes(text, { unsigned: 'widen', phase: 1 }),
    '\nid : {ID_TYPE}\n{name} : int64\nx = {dflt:02d} : <blob>   # {note}\ny : {t} unsigned\n',
  );
});

test('`int8` is judged by the version the rest of the definition is written for', () => {
  const old = 'n : int8\n---\nx : longblob\n';
  assert.deepEqual(
    analyzeDefinition(old, WIDEN_ALL).map((f) => [f.code, f.replacement, f.safety]),
    [
      ['DJ111', 'int64', 'unsafe'],
      ['DJ106', '<blob>', 'unsafe'],
    ],
  );
  assert.equal(
    mapDefinitionTypes(old, WIDEN_ALL, 'safe'),
    old,
    'a guess about int8 is never applied by fix-all, nor a fix that would make the definition read as 2.x without it',
  );
  assert.equal(mapDefinitionTypes(old, WIDEN_ALL, 'all'), 'n : int64\n---\nx : <blob>\n');
  const heldBack = analyzeDefinition(old, WIDEN_ALL).find((f) => f.code === 'DJ106');
  assert.match(heldBack?.message ?? '', /Unsafe here: applied without the `int8` → `int64` fix/);
  // Fixes that leave the definition 0.14.6 stay safe beside the guess (here `___` → `---`).
  assert.deepEqual(
    analyzeDefinition('n : int8\n___\nx : longblob\n', WIDEN_ALL).map((f) => [f.code, f.safety]),
    [
      ['DJ111', 'unsafe'],
      ['DJ114', 'safe'],
      ['DJ106', 'unsafe'],
    ],
  );
  const v2 = 'n : int8\n---\nx : <blob>\ny : int32\n';
  assert.deepEqual(analyzeDefinition(v2, WIDEN_ALL), []);
  for (const unclear of ['n : int8\n---\nname : varchar(8)\n', 'n : int8\n---\nx : longblob\ny : int32\n']) {
    const f = analyzeDefinition(unclear, WIDEN_ALL).find((x) => x.code === 'DJ111');
    assert.ok(f, unclear);
    assert.deepEqual([f.severity, f.safety, f.replacement], ['hint', 'manual', undefined]);
    assert.match(f.message, /BIGINT in 0\.14\.6.*TINYINT in 2\.x/);
  }
});

test('in phase 1 a store spelling says nothing of the version: it stays until phase 2 beside 2.x spellings', () => {
  const kept = 'n : int8\n---\nsig : blob@raw\n';
  const PHASE1: DefinitionOptions = { ...WIDEN_ALL, phase: 1 };
  const phase1 = analyzeDefinition(kept, PHASE1).find((f) => f.code === 'DJ111');
  assert.deepEqual([phase1?.severity, phase1?.replacement], ['hint', undefined]);
  const phase2 = analyzeDefinition(kept, { ...WIDEN_ALL, phase: 2 }).find((f) => f.code === 'DJ111');
  assert.deepEqual([phase2?.safety, phase2?.replacement], ['unsafe', 'int64']);
  assert.equal(mapDefinitionTypes('n : tinyint\n---\nsig : blob@raw\n', PHASE1, 'all'), kept);
});

test('the uint policy never writes a type that fails in 2.x', () => {
  const text = 'a : int unsigned\n---\nb : uint32\nc : bigint unsigned\n';
  const findings = analyzeDefinition(text, { unsigned: 'uint', phase: 1 });
  assert.deepEqual(
    findings.map((f) => [f.code, f.replacement]),
    [
      ['DJ101', undefined],
      ['DJ112', undefined],
      ['DJ102', undefined],
    ],
  );
  assert.match(findings[0].message, /rejects/);
  assert.match(findings[2].message, /uint64/);
  assert.equal(mapDefinitionTypes(text, { unsigned: 'uint', phase: 1 }), text);
});

test('unsupported and text types are reported without a fix', () => {
  const text = 'a : varbinary(16)\n---\nb : text\nc : <filepath>\nd : <graph@raw>\n';
  const findings = analyzeDefinition(text, WIDEN_ALL);
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity, f.replacement]),
    [
      ['DJ120', 'error', undefined],
      ['DJ115', 'info', undefined],
      ['DJ120', 'error', undefined],
      ['DJ116', 'info', undefined],
    ],
  );
});

test('native types are reported in 0.14.6 definitions only', () => {
  const old = 'id : int\n---\nn : bigint unsigned\nt = CURRENT_TIMESTAMP : timestamp\n';
  assert.deepEqual(
    analyzeDefinition(old, WIDEN_ALL).map((f) => f.code),
    ['DJ100', 'DJ102', 'DJ119'],
  );
  const v2 = 'id : int32\n---\nn : bigint unsigned\nt = CURRENT_TIMESTAMP : timestamp\n';
  assert.deepEqual(analyzeDefinition(v2, WIDEN_ALL), []);
});

test('a divider of more than three underscores is replaced whole', () => {
  assert.equal(mapDefinitionTypes('id : int32\n______\nx : int32\n', WIDEN_ALL), 'id : int32\n---\nx : int32\n');
});

test('CRLF line endings and a definition without a trailing newline', () => {
  const text = 'id : int\r\n---\r\nx : longblob';
  assert.equal(mapDefinitionTypes(text, WIDEN_ALL), 'id : int32\r\n---\r\nx : <blob>');
});

test('every spelling, policy and phase: fixing converges in one round and leaves nothing to fix', () => {
  const spellings = [
    'int',
    'int(11)',
    'INTEGER',
    'int unsigned',
    'int(10) unsigned',
    'tinyint',
    'tinyint unsigned',
    'tinyint(1)',
    'smallint',
    'smallint unsigned',
    'mediumint',
    'mediumint unsigned',
    'bigint',
    'bigint unsigned',
    'int auto_increment',
    'serial',
    'int8',
    'float',
    'double',
    'real',
    'float(7,3)',
    'float unsigned',
    'double precision',
    'decimal(6,2)',
    'decimal(6, 2)',
    'decimal',
    'decimal(8)',
    'decimal(6,2) unsigned',
    'numeric(5,1)',
    'numeric',
    'numeric(5,1) unsigned',
    'VARCHAR(32)',
    'char (8)',
    'DATE',
    'datetime(3)',
    'time',
    'timestamp',
    'year',
    "ENUM('a', 'B')",
    'JSON',
    'uuid',
    'bool',
    'boolean',
    'longblob',
    'MEDIUMBLOB',
    'tinyblob',
    'blob',
    'attach',
    'blob@raw',
    'attach@attachments',
    'filepath@files',
    '<graph>',
    'text',
    'int32',
    'INT64',
    '<blob>',
    '<blob@raw>',
    '<blob@>',
    '<filepath@>',
    'uint8',
    'uint32',
    'uint64',
    'varbinary(16)',
  ];
  for (const unsigned of ['widen', 'native', 'uint'] as const) {
    for (const phase of [1, 2] as const) {
      for (const spelling of spellings) {
        const opts: DefinitionOptions = { unsigned, phase, defaultStore: 'raw' };
        const text = `k : int32\n---\nx = null : ${spelling}   # comment\n`;
        const findings = analyzeDefinition(text, opts);
        assert.ok(findings.length <= 1, `${spelling}: one finding per attribute`);
        for (const f of findings) assert.equal(at(text, f), spelling, `${spelling}: the finding spans the type`);
        const fixed = mapDefinitionTypes(text, opts);
        const left = analyzeDefinition(fixed, opts).filter((f) => f.replacement !== undefined);
        assert.deepEqual(
          left.map(show(fixed)),
          [],
          `${spelling} (${unsigned}, phase ${phase}) → ${JSON.stringify(fixed)}`,
        );
        assert.match(fixed, /^k : int32\n---\nx = null : .+ {3}# comment\n$/, 'only the type token changes');
      }
    }
  }
});

// ---- rule metadata ----

test('every DJ1xx rule is described once, in its range, with docs', () => {
  const codes = definitionRules.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const r of definitionRules) {
    assert.match(r.code, /^DJ1[01]\d$|^DJ12\d$/);
    assert.match(r.name, /^[a-z0-9-]+$/);
    assert.ok(r.docs.summary.length > 40, r.code);
    assert.ok(r.docs.before, r.code);
    if (r.safety !== 'manual')
      assert.notEqual(r.docs.after, r.docs.before, `${r.code}: a fixable rule's docs show a change`);
    assert.ok(r.catalogue.length > 0, r.code);
  }
});

test('every finding code has rule metadata and the docs examples behave as documented', () => {
  const byCode = new Map(definitionRules.map((r) => [r.code, r]));
  for (const r of definitionRules) {
    if (r.safety === 'manual' || r.code === 'DJ110' || r.code === 'DJ117') continue;
    const opts: DefinitionOptions = { unsigned: 'widen', phase: r.phase };
    const findings = analyzeDefinition(r.docs.before, opts);
    assert.ok(
      findings.some((f) => f.code === r.code),
      `${r.code}: its own 'before' example is flagged`,
    );
    for (const f of findings) assert.ok(byCode.has(f.code), f.code);
    assert.equal(mapDefinitionTypes(r.docs.before, opts), r.docs.after, `${r.code}: 'before' fixes into 'after'`);
  }
});

test('an int8 the fixes wrote for tinyint is not left for a person; an int8 that was there before is', async () => {
  const engine = await CodeEngine.create();
  const table = (type: string) =>
    `import datajoint as dj\n\nschema = dj.Schema("lab")\n\n\n@schema\nclass Litter(dj.Manual):\n    definition = """\n    litter : varchar(16)\n    ---\n    pups : ${type}\n    """\n`;
  const options = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
  const written = fixPython(engine, '/ws/litter.py', table('tinyint'), options, { unsafe: false });
  assert.match(written.text, /pups : int8/);
  assert.deepEqual(
    written.remaining.map((f) => f.code),
    [],
  );
  const before = fixPython(engine, '/ws/litter.py', table('int8'), options, { unsafe: false });
  assert.deepEqual(
    before.remaining.map((f) => f.code),
    ['DJ111'],
  );
});

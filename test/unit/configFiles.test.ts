import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/paths';
import { analyzeConfigFile, configFileRules, convert014 } from '../../server/src/rules/configFiles';
import { applyFileOps } from '../../server/src/fix/fileOps';
import { parseJson, propertyRanges } from '../../server/src/rules/configFiles/jsonText';

const casesDir = path.join(repoRoot, 'test', 'rules', 'config');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'djm-config-'));
}

/** Every file under `dir` (relative path → content). */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

for (const name of fs.readdirSync(casesDir).sort()) {
  test(`fixture ${name}: old config → datajoint.json and .secrets/ exactly as expected; old file kept; re-run is quiet`, () => {
    const caseDir = path.join(casesDir, name);
    const opts = JSON.parse(fs.readFileSync(path.join(caseDir, 'options.json'), 'utf8'));
    const work = tmpdir();
    fs.cpSync(path.join(caseDir, 'input'), work, { recursive: true });
    const input = readTree(work);
    const [oldName] = Object.keys(input).filter((f) => f.endsWith('.json'));
    const oldPath = path.join(work, oldName);
    const text = input[oldName];

    const findings = analyzeConfigFile(oldPath, text, { ...opts, exists: fs.existsSync });
    const expectedFindings: [string, string, string][] = JSON.parse(
      fs.readFileSync(path.join(caseDir, 'findings.json'), 'utf8'),
    );
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity, text.slice(f.start, f.end)]),
      expectedFindings,
    );
    for (const f of findings)
      assert.ok(
        configFileRules.some((r) => r.code === f.code && r.safety === f.safety),
        f.code,
      );

    const fix = findings[0].fix;
    assert.ok(fix?.fileOps?.length, 'DJ140 carries file operations');
    assert.deepEqual(fix.edits, [], 'the old file is not edited');
    const report = applyFileOps(fix.fileOps, { dryRun: false });
    assert.ok(
      report.every((l) => l.startsWith('created ')),
      report.join('\n'),
    );

    const expected = readTree(path.join(caseDir, 'expected'));
    assert.deepEqual(readTree(work), { ...input, ...expected });
    for (const rel of Object.keys(expected).filter((r) => r.startsWith('.secrets'))) {
      assert.equal(fs.statSync(path.join(work, rel)).mode & 0o077, 0, `${rel} is private`);
    }

    // Idempotence: the new datajoint.json has no findings except a still-undecided default store, and the
    // old file now only gets the "kept" note.
    const undecided = expectedFindings.filter(([code]) => code === 'DJ149').map(([code]) => code);
    assert.deepEqual(
      analyzeConfigFile(path.join(work, 'datajoint.json'), expected['datajoint.json'], opts).map((f) => f.code),
      undecided,
    );
    const again = analyzeConfigFile(oldPath, text, { ...opts, exists: fs.existsSync });
    assert.deepEqual(
      again.map((f) => [f.code, f.fix]),
      [['DJ155', undefined]],
    );
    // Applying the same operations again changes nothing and says so.
    assert.ok(applyFileOps(fix.fileOps, { dryRun: false }).every((l) => l.startsWith('skipped ')));
    assert.deepEqual(readTree(work), { ...input, ...expected });
  });
}

test('syntax errors give a clear positioned finding, not a crash', () => {
  const text = '{\n  "database.host": "db",\n}\n';
  const [f, ...rest] = analyzeConfigFile('/p/dj_local_conf.json', text);
  assert.equal(rest.length, 0);
  assert.equal(f.code, 'DJ151');
  assert.equal(f.severity, 'error');
  assert.match(f.message, /not valid JSON \(line 3, column 1/);
  assert.equal(text[f.start], '}');
  for (const bad of ['', '[1, 2]', '"x"', '{"a": 1} trailing', '{"stores": {"raw": {"protocol": "file",}}}']) {
    const fs2 = analyzeConfigFile('/p/datajoint.json', bad);
    assert.equal(fs2.length, 1, bad);
    assert.equal(fs2[0].code, 'DJ151', bad);
  }
});

test('a 2.x datajoint.json: clean file quiet; credentials, removed keys, custom, bad pointers reported at their keys', () => {
  const clean = JSON.stringify(
    {
      database: { host: 'db', port: 3306, use_tls: true },
      stores: { default: 'main', main: { protocol: 'file', location: '/d' } },
      safemode: false,
      download_path: '.',
    },
    null,
    2,
  );
  assert.deepEqual(analyzeConfigFile('/p/datajoint.json', clean, { bareStoreCodecUsed: true }), []);
  const flat = '{"database.host": "db", "display.limit": 5, "stores.main.location": "/x"}';
  assert.deepEqual(analyzeConfigFile('/p/datajoint.json', flat), [], 'flat dotted 2.x keys are accepted');

  const text = JSON.stringify(
    {
      database: { host: 'db', password: 'pw', prefix: 'lab_' },
      fetch_format: 'frame',
      custom: { x: 1 },
      'database.port': 'abc',
      stores: {
        default: { protocol: 'file', location: '/d' },
        s3: { protocol: 's3', endpoint: 'e', bucket: 'b', location: 'l', secret_key: 'k' },
      },
    },
    null,
    2,
  );
  const f = analyzeConfigFile('/p/datajoint.json', text, { bareStoreCodecUsed: true });
  assert.deepEqual(
    f.map((x) => [x.code, text.slice(x.start, x.end)]),
    [
      ['DJ153', '"password"'],
      ['DJ144', '"prefix"'],
      ['DJ141', '"fetch_format"'],
      ['DJ142', '"custom"'],
      ['DJ152', '"database.port"'],
      ['DJ148', '"default"'],
      ['DJ153', '"secret_key"'],
    ],
  );
  assert.ok(f.every((x) => !x.fix));
});

test('credentials in datajoint.json: the fix moves each into .secrets/ and deletes just that property', () => {
  const dir = tmpdir();
  const file = path.join(dir, 'datajoint.json');
  let text =
    '{\n  "database": {\n    "host": "db",\n    "password": "pw"\n  },\n  "stores": {\n    "s3": {\n      "protocol": "s3",\n      "access_key": "ak",\n      "secret_key": "sk",\n      "endpoint": "e", "bucket": "b", "location": "l"\n    }\n  }\n}\n';
  fs.writeFileSync(file, text);
  const opts = { exists: fs.existsSync };
  for (let round = 0; round < 5; round++) {
    const movable = analyzeConfigFile(file, text, opts).filter((f) => f.code === 'DJ153' && f.fix);
    if (!movable.length) break;
    const fix = movable[0].fix!;
    assert.equal(movable[0].safety, 'unsafe');
    const [e] = fix.edits;
    text = text.slice(0, e.start) + e.text + text.slice(e.end);
    JSON.parse(text);
    applyFileOps(fix.fileOps!, { dryRun: false });
  }
  assert.equal(
    text,
    '{\n  "database": {\n    "host": "db"\n  },\n  "stores": {\n    "s3": {\n      "protocol": "s3",\n      "endpoint": "e", "bucket": "b", "location": "l"\n    }\n  }\n}\n',
  );
  assert.deepEqual(readTree(path.join(dir, '.secrets')), {
    '.gitignore': '# Never commit secrets\n*\n!.gitignore\n',
    'database.password': 'pw\n',
    'stores.s3.access_key': 'ak\n',
    'stores.s3.secret_key': 'sk\n',
  });
  assert.deepEqual(analyzeConfigFile(file, text, opts), []);

  // The only property of an object; and no fix when the secret file already exists (its value would be lost).
  const only = '{"database": {"password": "pw"}}';
  const [f] = analyzeConfigFile(path.join(tmpdir(), 'datajoint.json'), only, opts);
  const e = f.fix!.edits[0];
  assert.equal(only.slice(0, e.start) + only.slice(e.end), '{"database": {}}');
  const [g] = analyzeConfigFile(file, '{"database.password": "other"}', opts);
  assert.equal(g.fix, undefined);
  assert.equal(g.safety, 'manual');
});

test('.secrets/datajoint.json: never read by 2.x; the fix writes one-value files', () => {
  const dir = path.join(tmpdir(), '.secrets');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'datajoint.json');
  const text = JSON.stringify({
    database: { user: 'u', password: 'p' },
    stores: { raw: { secret_key: 'sk' } },
    'database.host': 'h',
  });
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(dir, 'database.user'), 'already\n');
  const [f] = analyzeConfigFile(file, text, { exists: fs.existsSync });
  assert.equal(f.code, 'DJ154');
  assert.match(f.message, /never reads \.secrets\/datajoint\.json/);
  assert.match(f.message, /database\.host/);
  assert.deepEqual(
    f.fix?.fileOps?.map((o) => o.kind === 'create' && path.basename(o.path)),
    ['.gitignore', 'database.password', 'stores.raw.secret_key'],
  );
  applyFileOps(f.fix!.fileOps!, { dryRun: false });
  assert.equal(fs.readFileSync(path.join(dir, 'database.user'), 'utf8'), 'already\n', 'existing secret untouched');
  assert.equal(fs.readFileSync(path.join(dir, 'stores.raw.secret_key'), 'utf8'), 'sk\n');
  const rule = configFileRules.find((r) => r.code === 'DJ154')!;
  assert.match(rule.docs.guideCorrection ?? '', /never reads/);
  assert.match(
    configFileRules.find((r) => r.code === 'DJ140')!.docs.guideCorrection ?? '',
    /\.secrets\/datajoint\.json/,
  );
});

test('convert014: secrets with surrounding whitespace stay out of .secrets/; dotted store names keep keys in JSON', () => {
  const c = convert014({
    'database.password': ' padded ',
    stores: {
      'a.b': {
        protocol: 's3',
        endpoint: 'e',
        bucket: 'b',
        location: 'l',
        access_key: 'ak',
        secret_key: 'sk',
        secure: true,
      },
    },
  });
  assert.deepEqual(c.secrets, []);
  assert.deepEqual(c.config, {
    stores: {
      'a.b': {
        protocol: 's3',
        endpoint: 'e',
        bucket: 'b',
        location: 'l',
        access_key: 'ak',
        secret_key: 'sk',
        secure: true,
      },
    },
  });
  assert.deepEqual(
    c.issues.map((i) => [i.code, i.path.join('/')]),
    [
      ['DJ153', 'database.password'],
      ['DJ153', 'stores/a.b/access_key'],
      ['DJ153', 'stores/a.b/secret_key'],
      ['DJ145', 'stores/a.b'],
    ],
  );
});

test('without a default store choice, a single store is suggested; a chosen store that does not exist is reported', () => {
  const one = convert014({ stores: { raw: { protocol: 'file', location: '/r' } } }, { bareStoreCodecUsed: true });
  assert.match(one.issues.find((i) => i.code === 'DJ149')!.message, /default-store = "raw"/);
  assert.equal((one.config.stores as Record<string, unknown>).default, undefined);
  const wrong = convert014(
    { stores: { raw: { protocol: 'file', location: '/r' } } },
    { bareStoreCodecUsed: true, defaultStore: 'main' },
  );
  assert.match(wrong.issues.find((i) => i.code === 'DJ149')!.message, /"main", which this file does not define/);
  const unused = convert014(
    { stores: { raw: { protocol: 'file', location: '/r' } } },
    { bareStoreCodecUsed: false, defaultStore: 'raw' },
  );
  assert.equal(
    (unused.config.stores as Record<string, unknown>).default,
    undefined,
    'stores.default only when a bare <x@> is used',
  );
});

test('the per-user ~/.datajoint_config.json goes to the project given as targetDir', () => {
  const home = tmpdir();
  const project = tmpdir();
  const [f] = analyzeConfigFile(path.join(home, '.datajoint_config.json'), '{"database.host": "h"}', {
    targetDir: project,
  });
  assert.deepEqual(f.fix?.fileOps, [
    {
      kind: 'create',
      path: path.join(project, 'datajoint.json'),
      content: '{\n  "database": {\n    "host": "h"\n  }\n}\n',
    },
  ]);
  const [g] = analyzeConfigFile(path.join(home, '.datajoint_config.json'), '{}');
  assert.match(g.message, /per-user file/);
});

test('applyFileOps: dry run touches nothing; never overwrites; rename refuses an existing target', () => {
  const dir = tmpdir();
  const a = path.join(dir, 'a.txt');
  const b = path.join(dir, 'sub', 'b.txt');
  fs.writeFileSync(a, 'original');
  const ops = [
    { kind: 'create' as const, path: a, content: 'new' },
    { kind: 'create' as const, path: b, content: 'b' },
    { kind: 'create' as const, path: b, content: 'b again' },
  ];
  assert.deepEqual(applyFileOps(ops, { dryRun: true }), [
    `skipped ${a}: already exists (not overwritten)`,
    `would create ${b}`,
    `skipped ${b}: already exists (not overwritten)`,
  ]);
  assert.equal(fs.existsSync(b), false);
  assert.deepEqual(applyFileOps(ops, { dryRun: false }), [
    `skipped ${a}: already exists (not overwritten)`,
    `created ${b}`,
    `skipped ${b}: already exists (not overwritten)`,
  ]);
  assert.equal(fs.readFileSync(a, 'utf8'), 'original');
  assert.equal(fs.readFileSync(b, 'utf8'), 'b');
  assert.deepEqual(applyFileOps([{ kind: 'rename', from: a, to: b }], { dryRun: false }), [
    `skipped rename of ${a}: ${b} already exists (not overwritten)`,
  ]);
  const c = path.join(dir, 'c.txt');
  assert.deepEqual(applyFileOps([{ kind: 'rename', from: a, to: c }], { dryRun: false }), [`renamed ${a} → ${c}`]);
  assert.equal(fs.readFileSync(c, 'utf8'), 'original');
  assert.equal(fs.existsSync(a), false);
});

test('property ranges survive escapes, unicode and nesting; syntax errors carry line and column', () => {
  const text = '{"a\\"b": "x\\\\\\"}", "n": [1, {"k": "é"}], "o": {"p": {"q": null}}, "e": {}}';
  JSON.parse(text);
  const r = propertyRanges(text);
  const key = (p: string[]) => {
    const x = r.get(JSON.stringify(p))!;
    return [text.slice(x.keyStart, x.keyEnd), text.slice(x.keyEnd, x.valueEnd)];
  };
  assert.deepEqual(key(['a"b']), ['"a\\"b"', ': "x\\\\\\"}"']);
  assert.deepEqual(key(['n', '1', 'k']), ['"k"', ': "é"']);
  assert.deepEqual(key(['o', 'p', 'q']), ['"q"', ': null']);
  assert.deepEqual(key(['e']), ['"e"', ': {}']);
  const bad = parseJson('{\n  "a": 1\n  "b": 2\n}');
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual([bad.error.line, bad.error.column], [3, 3]);
  const truncated = parseJson('{"a": ');
  assert.equal(truncated.ok, false);
  if (!truncated.ok) assert.equal(truncated.error.offset, 6);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, loadProjectSettings, mergeSettings, SettingsError } from '../../common/src/projectSettings';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-settings-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

test('no settings file: defaults, source "defaults"', () => {
  const root = tree({ '.git/HEAD': '', 'src/a.py': '' });
  const s = loadProjectSettings(path.join(root, 'src'));
  assert.deepEqual(s, { schemaSuffix: '_v2', unsignedIntegers: 'widen', phase: 1, source: 'defaults' });
  assert.equal(DEFAULT_SETTINGS.schemaSuffix, '_v2');
});

test('[tool.dj-migrate] in pyproject.toml is found by walking up', () => {
  const root = tree({
    '.git/HEAD': '',
    'pyproject.toml':
      '[project]\nname = "lab"\n\n[tool.dj-migrate]\nschema-suffix = "_dj2"\nunsigned-integers = "native"\nphase = 2\nmigration-enabled = true\nstores-file = "conf/stores.json"\ndefault-store = "raw"\n',
    'pkg/sub/x.py': '',
  });
  const s = loadProjectSettings(path.join(root, 'pkg', 'sub'));
  assert.deepEqual(s, {
    schemaSuffix: '_dj2',
    unsignedIntegers: 'native',
    phase: 2,
    migrationEnabled: true,
    storesFile: path.join(root, 'conf', 'stores.json'),
    defaultStore: 'raw',
    source: path.join(root, 'pyproject.toml'),
  });
});

test('.dj-migrate.json accepts camelCase keys; a pyproject without the table does not stop the walk', () => {
  const root = tree({
    '.git/HEAD': '',
    '.dj-migrate.json': JSON.stringify({ schemaSuffix: '_new', phase: 1 }),
    'pkg/pyproject.toml': '[project]\nname = "pkg"\n',
  });
  const s = loadProjectSettings(path.join(root, 'pkg'));
  assert.equal(s.schemaSuffix, '_new');
  assert.equal(s.source, path.join(root, '.dj-migrate.json'));
});

test('the walk stops at the directory holding .git', () => {
  const root = tree({
    '.dj-migrate.json': JSON.stringify({ 'schema-suffix': '_outer' }),
    'repo/.git/HEAD': '',
    'repo/a/b.py': '',
  });
  assert.equal(loadProjectSettings(path.join(root, 'repo', 'a')).source, 'defaults');
  // …but a file beside .git is still read.
  fs.writeFileSync(path.join(root, 'repo', '.dj-migrate.json'), JSON.stringify({ 'schema-suffix': '_inner' }));
  assert.equal(loadProjectSettings(path.join(root, 'repo', 'a')).schemaSuffix, '_inner');
});

test('invalid values give errors naming the file and the setting', () => {
  const cases: [string, RegExp][] = [
    ['{"schema-suffix": 2}', /schema-suffix must be a string/],
    ['{"schema-suffix": "_v2; drop"}', /may contain only letters/],
    ['{"unsigned-integers": "wide"}', /must be "widen", "native" or "uint"/],
    ['{"phase": 3}', /phase must be 1 or 2/],
    ['{"migration-enabled": "yes"}', /migration-enabled must be true or false/],
    ['{"default-store": "default"}', /reserved in 2\.x/],
    ['{"schema_sufix": "_v2"}', /unknown dj-migrate setting "schema_sufix"/],
    ['{"schema-suffix": "_a", "schemaSuffix": "_b"}', /given twice/],
    ['{"schema-suffix": ', /not valid JSON/],
    ['[1]', /expected a JSON object/],
  ];
  for (const [text, re] of cases) {
    const root = tree({ '.git/HEAD': '', '.dj-migrate.json': text });
    assert.throws(
      () => loadProjectSettings(root),
      (e: unknown) => {
        assert.ok(e instanceof SettingsError, String(e));
        assert.match(e.message, re);
        assert.ok(e.message.startsWith(path.join(root, '.dj-migrate.json')), e.message);
        return true;
      },
    );
  }
});

test('broken pyproject.toml and duplicate definitions are reported, not ignored', () => {
  const bad = tree({ '.git/HEAD': '', 'pyproject.toml': '[tool.dj-migrate\nphase = 2\n' });
  assert.throws(() => loadProjectSettings(bad), /pyproject\.toml: not valid TOML/);
  const both = tree({ '.git/HEAD': '', 'pyproject.toml': '[tool.dj-migrate]\nphase = 2\n', '.dj-migrate.json': '{}' });
  assert.throws(() => loadProjectSettings(both), /defined twice/);
});

test('mergeSettings: defined overrides win, undefined ones do not, and overrides are validated', () => {
  const file = { ...DEFAULT_SETTINGS, schemaSuffix: '_file', phase: 2 as const, source: '/p/pyproject.toml' };
  const merged = mergeSettings(file, { schemaSuffix: '_flag', phase: undefined, unsignedIntegers: 'native' });
  assert.deepEqual(merged, {
    schemaSuffix: '_flag',
    unsignedIntegers: 'native',
    phase: 2,
    source: '/p/pyproject.toml',
  });
  assert.equal(file.schemaSuffix, '_file', 'base is not mutated');
  assert.throws(
    () => mergeSettings(file, { unsignedIntegers: 'wide' as never }),
    /command-line or editor settings: unsigned-integers/,
  );
  // '' switches the code's schema-name rule off and 'uint' shows the guide's (failing) spelling; the database
  // commands refuse both on their own (cli/src/db/target.ts).
  assert.equal(mergeSettings(file, { schemaSuffix: '' }).schemaSuffix, '');
  assert.equal(mergeSettings(file, { unsignedIntegers: 'uint' }).unsignedIntegers, 'uint');
});

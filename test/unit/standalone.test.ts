// A fresh clone with nothing beside it passes `npm test`, and `npm test` installs nothing: no test reads outside
// the repository (the vendored copies are compared with their origin by `npm run check:vendored`), and the suites that need tools installed
// (e2e, electron) run only from their own scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths';

function testSources(dir = path.join(repoRoot, 'test')): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!['fixtures', 'rules', 'spec'].includes(e.name)) out.push(...testSources(p));
    } else if (/\.(ts|mjs|js)$/.test(e.name)) out.push(p);
  }
  return out;
}

test('no test builds a path outside the repository', () => {
  const outside =
    /['"]\.\.['"]\s*,\s*['"]shared['"]|['"`](?:\.\.\/)+shared\b|['"]\.\.['"]\s*,\s*['"]\.\.['"]\s*,\s*['"]\.\.['"]/;
  const offenders = testSources()
    .filter((f) => outside.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(repoRoot, f));
  assert.deepEqual(offenders, []);
});

test('npm test runs unit, lsp, cli, ui, db and rule tests and not the e2e or electron suites', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'run-tests.mjs'), '--list'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.trim().split('\n');
  for (const dir of ['unit', 'lsp', 'cli', 'ui', 'db'])
    assert.ok(
      files.some((f) => f.startsWith(`${dir}/`)),
      `${dir}/ tests are selected`,
    );
  assert.deepEqual(
    files.filter((f) => /^(e2e|electron)\//.test(f)),
    [],
  );
  const named = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'run-tests.mjs'), '--list', 'e2e'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.match(named.stdout, /^e2e\/e2e\.test\.js$/m, 'named explicitly, a suite still runs');
});

test('npm test installs nothing; npm run test:e2e installs its tools (setup.sh) before the e2e suite', () => {
  const scripts = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  for (const name of ['pretest', 'test', 'posttest', 'build', 'compile-tests'])
    assert.doesNotMatch(scripts[name] ?? '', /setup\.sh|apt-get|npm (install|ci|i)\b|npx /, name);
  assert.match(scripts['test:e2e'], /^bash test\/e2e\/setup\.sh && .*run-tests\.mjs e2e$/);
  const ci = fs.readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
  const order = ['npm ci', 'npm test', 'npm run test:e2e', 'npm run lint'].map((s) => ci.indexOf(`\n${s}`));
  assert.ok(
    order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1])),
    `.ci/run runs npm ci, npm test, test:e2e, lint in order: ${order}`,
  );
  assert.match(ci, /pg_ctlcluster --skip-systemctl-redirect/);
});

test('npx dj-migrate works after npm install: prepare builds the git-ignored bin', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(pkg.bin['dj-migrate'], './dist/cli.js');
  assert.match(fs.readFileSync(path.join(repoRoot, '.gitignore'), 'utf8'), /^dist\/$/m);
  assert.match(pkg.scripts.prepare, /esbuild\.mjs/);
  assert.match(fs.readFileSync(path.join(repoRoot, 'esbuild.mjs'), 'utf8'), /outfile: 'dist\/cli\.js'/);
});

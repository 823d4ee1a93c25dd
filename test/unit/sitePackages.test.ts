// The project's Python environment (read-only): site-packages folders from a virtual environment, an interpreter,
// explicit folders or VS Code's Python extension (a stand-in of its `environments` API: the extension cannot be
// installed here), the distributions installed there, and the CLI flags that point at them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeSitePackages, type PythonEnvironmentsApi } from '../../client/src/pythonEnvironment';
import {
  environmentSitePackages,
  importedTopLevel,
  installedModuleName,
  listInstalledPackages,
  sitePackagesOfInterpreter,
  sitePackagesOfPrefix,
  workspaceSitePackages,
} from '../../server/src/index/sitePackages';
import { Project } from '../../server/src/project';
import { runCli } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';

const fixtureSite = path.join(repoRoot, 'test', 'rules', 'workspace', 'installed', 'site-packages');

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'djm-env-'));
}

/** A virtual environment laid out as on POSIX, with the fixture's distributions installed. */
function fakeVenv(root: string, folder = '.venv'): string {
  const prefix = path.join(root, folder);
  const site = path.join(prefix, 'lib', 'python3.11', 'site-packages');
  fs.mkdirSync(site, { recursive: true });
  fs.writeFileSync(path.join(prefix, 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.11.7\n');
  fs.cpSync(fixtureSite, site, { recursive: true });
  return site;
}

/** An executable that answers the site-packages question the way an interpreter does (prints a JSON list). */
function fakeInterpreter(dir: string, answer: string[]): string {
  const exe = path.join(dir, 'fake-python');
  fs.writeFileSync(exe, `#!/bin/sh\necho '${JSON.stringify(answer)}'\n`, { mode: 0o755 });
  return exe;
}

test('installed distributions: name and version from METADATA, requirements, top-level names and Python files', () => {
  const pkgs = listInstalledPackages(fixtureSite);
  assert.deepEqual(
    pkgs.map((p) => [p.name, p.version, p.topLevel, p.requires]),
    [
      ['element-demo', '0.3.1', ['element_demo'], ['datajoint', 'numpy']],
      ['other_tool', '1.0', ['other_tool'], []],
    ],
  );
  assert.deepEqual(
    pkgs[0].files.map((f) => path.relative(fixtureSite, f)),
    ['element_demo/__init__.py', 'element_demo/mixins.py', 'element_demo/subject.py'],
    'from RECORD',
  );
  assert.deepEqual(
    pkgs[1].files.map((f) => path.relative(fixtureSite, f)),
    ['other_tool/__init__.py'],
    'from top_level.txt when RECORD is missing',
  );
  assert.equal(installedModuleName(fixtureSite, pkgs[0].files[2]), 'element_demo.subject');
  assert.equal(installedModuleName(fixtureSite, pkgs[0].files[0]), 'element_demo');
  assert.deepEqual(listInstalledPackages(path.join(fixtureSite, 'missing')), []);
});

test('site-packages of a virtual environment (POSIX and Windows layouts); only a real venv at the root counts', () => {
  const root = tmpDir();
  try {
    const site = fakeVenv(root);
    assert.deepEqual(sitePackagesOfPrefix(path.join(root, '.venv')), [site]);
    assert.deepEqual(workspaceSitePackages(root), [site]);
    const win = path.join(root, 'winenv', 'Lib', 'site-packages');
    fs.mkdirSync(win, { recursive: true });
    assert.deepEqual(sitePackagesOfPrefix(path.join(root, 'winenv')), [win]);
    fs.mkdirSync(path.join(root, 'venv', 'lib', 'python3.12', 'site-packages'), { recursive: true });
    assert.deepEqual(workspaceSitePackages(root), [site], 'venv/ without pyvenv.cfg is not an environment');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('--python: the interpreter is asked for its site-packages; folders that do not exist are dropped', () => {
  const root = tmpDir();
  try {
    const exe = fakeInterpreter(root, [fixtureSite, path.join(root, 'nope')]);
    assert.deepEqual(sitePackagesOfInterpreter(exe), [fixtureSite]);
    assert.deepEqual(environmentSitePackages({ python: exe, root }), [fixtureSite]);
    assert.throws(
      () => environmentSitePackages({ python: path.join(root, 'no-such-python'), root }),
      /could not ask .*no-such-python/,
    );
    assert.throws(() => environmentSitePackages({ sitePackages: [path.join(root, 'gone')], root }), /not found/);
    assert.deepEqual(environmentSitePackages({ sitePackages: [fixtureSite], python: exe, root }), [fixtureSite]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the interpreter selected in the Python extension: sys.prefix first, else the interpreter is asked', async () => {
  const root = tmpDir();
  try {
    const site = fakeVenv(root, 'env');
    const seen: unknown[] = [];
    const api = (resolved: Awaited<ReturnType<PythonEnvironmentsApi['environments']['resolveEnvironment']>>) =>
      ({
        environments: {
          getActiveEnvironmentPath(resource?: unknown) {
            seen.push(resource);
            return { id: 'active', path: path.join(root, 'env', 'bin', 'python') };
          },
          async resolveEnvironment(env: { id: string; path: string } | string) {
            assert.deepEqual(env, { id: 'active', path: path.join(root, 'env', 'bin', 'python') });
            return resolved;
          },
        },
      }) satisfies PythonEnvironmentsApi;
    assert.deepEqual(await activeSitePackages(api({ executable: { sysPrefix: path.join(root, 'env') } }), 'folder'), [
      site,
    ]);
    assert.deepEqual(seen, ['folder'], 'the workspace folder is passed as the resource');
    const exe = fakeInterpreter(root, [fixtureSite]);
    assert.deepEqual(
      await activeSitePackages(api({ executable: { sysPrefix: path.join(root, 'conda'), uri: { fsPath: exe } } })),
      [fixtureSite],
    );
    assert.deepEqual(await activeSitePackages(api(undefined)), []);
    assert.deepEqual(
      await activeSitePackages(api({ executable: { uri: { fsPath: path.join(root, 'missing-python') } } })),
      [],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('imported top-level names are read without parsing', () => {
  const names = new Set<string>();
  importedTopLevel(
    'import os, numpy as np\nfrom element_demo.subject import Subject\n  import a.b.c\nfrom . import x\n',
    names,
  );
  assert.deepEqual([...names].sort(), ['a', 'element_demo', 'numpy', 'os']);
});

const PIPELINE = `import datajoint as dj
from element_demo.subject import Subject


def keys():
    return Subject.fetch("KEY")
`;

test('a .venv in the workspace is used by default; its files are never part of the project', async () => {
  const root = tmpDir();
  try {
    fakeVenv(root);
    fs.writeFileSync(path.join(root, 'pipeline.py'), PIPELINE);
    const project = await Project.open([root], { schemaSuffix: '' });
    assert.deepEqual(
      project.files.map((f) => path.relative(root, f)),
      ['pipeline.py'],
    );
    assert.deepEqual(
      project.installed.packages.map((p) => `${p.name}==${p.version}`),
      ['element-demo==0.3.1', 'other_tool==1.0'],
    );
    const below = path.join(root, 'src');
    fs.mkdirSync(path.join(below, 'deeper'), { recursive: true });
    assert.deepEqual(environmentSitePackages({ root: path.join(below, 'deeper') }), workspaceSitePackages(root));
    fs.mkdirSync(path.join(below, '.git'));
    assert.deepEqual(environmentSitePackages({ root: path.join(below, 'deeper') }), [], 'not past the repository');
    const [result] = project.analyzeAll();
    const f = result.findings.find((x) => x.code === 'DJ020');
    assert.ok(f, 'Subject resolves to the installed table');
    assert.notEqual(f.severity, 'hint');
    assert.ok(f.fix, 'a resolved receiver gets its safe fix');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('check/fix/report: --site-packages and --python point at the environment', async () => {
  const root = tmpDir();
  try {
    fs.writeFileSync(path.join(root, 'pipeline.py'), PIPELINE);
    const without = await runCli(['check', '--format', 'json', '--suffix', '', '.'], root);
    const withSite = await runCli(
      ['check', '--format', 'json', '--suffix', '', '--site-packages', fixtureSite, '.'],
      root,
    );
    const dj020 = (out: string) =>
      (JSON.parse(out).findings as Array<{ code: string; severity: string; safety: string }>)
        .filter((f) => f.code === 'DJ020')
        .map((f) => `${f.severity}/${f.safety}`);
    assert.deepEqual(dj020(without.out), ['hint/unsafe'], 'unresolved without the environment');
    assert.deepEqual(dj020(withSite.out), ['warning/safe'], 'resolved through the installed package');
    const exe = fakeInterpreter(root, [fixtureSite]);
    const viaPython = await runCli(['fix', '--suffix', '', '--python', exe, '.'], root);
    assert.equal(viaPython.code, 0, viaPython.err);
    assert.match(fs.readFileSync(path.join(root, 'pipeline.py'), 'utf8'), /Subject\.keys\(\)/);
    const bad = await runCli(['report', '--site-packages', path.join(root, 'missing'), '.'], root);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /site-packages folder not found/);
    assert.deepEqual(snapshotNames(fixtureSite), FIXTURE_FILES, 'installed code untouched');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

const FIXTURE_FILES = [
  'element_demo-0.3.1.dist-info/METADATA',
  'element_demo-0.3.1.dist-info/RECORD',
  'element_demo/__init__.py',
  'element_demo/mixins.py',
  'element_demo/subject.py',
  'other_tool-1.0.dist-info/METADATA',
  'other_tool-1.0.dist-info/top_level.txt',
  'other_tool/__init__.py',
];

function snapshotNames(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

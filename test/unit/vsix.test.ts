// What the .vsix holds, as vsce itself lists it (the same listing `npm run package` zips): the files the installed
// extension reads and nothing else — no source maps, no CLI or benchmark bundles, no sources or tests — and a
// .vscodeignore that names only files that exist. Also: .vscode-test.mjs loads with the declared dependencies.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

/** minimatch-like test of one .vscodeignore pattern (`**`, `*` and plain names are all it uses). */
function matches(pattern: string, file: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\u0000/g, '.*');
  return new RegExp(`^${re}$`).test(file);
}

describe('the packaged extension', () => {
  let files: string[] = [];

  before(async () => {
    assert.ok(
      fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')),
      'dist/ is built (npm run build; npm test builds first)',
    );
    const vsce = (await import('@vscode/vsce')) as unknown as {
      listFiles(o: { cwd: string; packageManager: number }): Promise<string[]>;
    };
    files = (await vsce.listFiles({ cwd: repoRoot, packageManager: 2 /* PackageManager.None */ })).sort();
  });

  it('holds what the installed extension loads', () => {
    const needed = [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      manifest.main.replace(/^\.\//, ''),
      'dist/server.js',
      'dist/projectWorker.js',
      'dist/map.js', // the Migration Map webview's script
      'dist/web-tree-sitter.wasm',
      'dist/tree-sitter-python.wasm',
      'docs/rules.md',
      ...manifest.contributes.grammars.map((g: { path: string }) => g.path.replace(/^\.\//, '')),
      ...manifest.contributes.viewsContainers.activitybar.map((v: { icon: string }) => v.icon),
      ...manifest.contributes.walkthroughs.flatMap((w: { steps: { media: { markdown: string } }[] }) =>
        w.steps.map((s) => s.media.markdown),
      ),
    ];
    assert.deepEqual(
      needed.filter((f) => !files.includes(f)),
      [],
    );
  });

  it('leaves out source maps, the CLI and benchmark bundles, sources and tests', () => {
    const unwanted = files.filter(
      (f) =>
        f.endsWith('.map') ||
        f.endsWith('.ts') ||
        /^dist\/(bench|cli)\.js$/.test(f) ||
        /^(test|client|server|cli|common|scripts|node_modules|out|\.e2e)\//.test(f),
    );
    assert.deepEqual(unwanted, []);
    assert.ok(files.length < 30, `${files.length} files: ${files.join(', ')}`);
  });

  it('.vscodeignore names only files that exist', () => {
    const patterns = fs
      .readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && l !== '**');
    assert.ok(patterns.length > 5);
    for (const p of patterns) {
      assert.ok(p.startsWith('!'), `${p}: everything is excluded first; the file names what goes in`);
      assert.ok(
        files.some((f) => matches(p.slice(1), f)),
        `${p} matches a file of the package`,
      );
    }
  });
});

describe('.vscode-test.mjs', () => {
  it('imports only declared dependencies and loads, pointing at the compiled in-editor suite', async () => {
    const file = path.join(repoRoot, '.vscode-test.mjs');
    const text = fs.readFileSync(file, 'utf8');
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]);
    const imported = [...text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    for (const spec of imported)
      if (!spec.startsWith('node:') && !spec.startsWith('.'))
        assert.ok(
          declared.has(
            spec
              .split('/')
              .slice(0, spec.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
          `${spec} is declared`,
        );
    const saved = process.env.VSCODE_EXECUTABLE;
    process.env.VSCODE_EXECUTABLE = '/opt/vscode/code';
    try {
      const config = (await import(pathToFileURL(file).href)).default as {
        files: string;
        useInstallation: { fromPath: string };
      };
      assert.equal(config.useInstallation.fromPath, '/opt/vscode/code');
      assert.ok(fs.existsSync(path.join(repoRoot, config.files)), `${config.files} is compiled`);
    } finally {
      if (saved === undefined) delete process.env.VSCODE_EXECUTABLE;
      else process.env.VSCODE_EXECUTABLE = saved;
    }
  });
});

// Bundles the extension client, the language server, the CLI, the benchmarks and the webview scripts.
// web-tree-sitter is aliased to its CommonJS build: its ESM build calls createRequire(import.meta.url),
// which esbuild empties in CJS output and the bundle then crashes at start-up.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const copyWasm = {
  name: 'copy-wasm',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist', { recursive: true });
      for (const file of [
        require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
        path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
      ])
        copyFileSync(file, path.join('dist', path.basename(file)));
    });
  },
};

// Node objects of web-tree-sitter without an indexed field (scripts/webTreeSitterPatch.cjs says why).
const { patchWebTreeSitter } = require('./scripts/webTreeSitterPatch.cjs');
const patchTreeSitter = {
  name: 'patch-web-tree-sitter',
  setup(build) {
    build.onLoad({ filter: /web-tree-sitter[\\/]web-tree-sitter\.cjs$/ }, (args) => ({
      contents: patchWebTreeSitter(readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [patchTreeSitter],
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [...common.plugins, copyWasm] },
  { entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/parallel/worker.ts'], outfile: 'dist/projectWorker.js' },
  // s3rver (a dev dependency, for the S3 part of bench:db) is loaded from node_modules at run time, not bundled.
  { entryPoints: ['cli/src/bench.ts'], outfile: 'dist/bench.js', external: ['vscode', 's3rver'] },
];

// Webview scripts run in the browser sandbox of a webview, not in Node.
const webviews = [
  {
    entryPoints: ['client/webview/map.ts'],
    outfile: 'dist/map.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
    alias: {},
  },
];

const contexts = await Promise.all([...entries, ...webviews].map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

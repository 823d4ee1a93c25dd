// Runs every compiled *.test.js under out/test with node's test runner (Node 20's --test takes no globs, and
// given a directory it would also run helper modules). Extra arguments narrow the set: run-tests.mjs unit lsp
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(process.cwd(), 'out', 'test');
const only = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
};
walk(root);
const selected = files.sort().filter((f) => !only.length || only.some((o) => path.relative(root, f).startsWith(o)));
if (!selected.length) {
  console.error(`no test files under ${root}${only.length ? ` matching ${only.join(', ')}` : ''}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...selected], { stdio: 'inherit' });
process.exit(r.status ?? 1);

// Runs every compiled *.test.js under out/test with node's test runner (Node 20's --test takes no globs, and
// given a directory it would also run helper modules). Extra arguments narrow the set: run-tests.mjs unit lsp
// Without arguments it runs unit, lsp, cli, ui, db and rule tests and never the suites that need tools installed
// first (e2e: `npm run test:e2e`; electron: `npm run test:electron`); naming them runs them. --list prints the
// selection instead of running it. Temporary files go to a folder of the run (TMPDIR), removed at the end.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const OWN_SCRIPT = ['e2e', 'electron'];
const root = path.join(process.cwd(), 'out', 'test');
const args = process.argv.slice(2);
const listOnly = args.includes('--list');
const only = args.filter((a) => a !== '--list');
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
};
if (fs.existsSync(root)) walk(root);
const rel = (f) => path.relative(root, f).split(path.sep).join('/');
const selected = files
  .sort()
  .filter((f) =>
    only.length ? only.some((o) => rel(f).startsWith(o)) : !OWN_SCRIPT.some((d) => rel(f).startsWith(`${d}/`)),
  );
if (!selected.length) {
  console.error(`no test files under ${root}${only.length ? ` matching ${only.join(', ')}` : ''}`);
  process.exitCode = 1;
} else if (listOnly) {
  console.log(selected.map(rel).join('\n'));
} else {
  // Every temporary file and folder the tests make (os.tmpdir() follows TMPDIR) lands in one folder of this run,
  // removed afterwards, so a test that fails before its own clean-up leaves nothing behind.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-tests-'));
  // Like /tmp itself: a throwaway mariadbd runs as the mysql user, with its data directory and temporary files here.
  fs.chmodSync(tmp, 0o1777);
  try {
    const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...selected], {
      stdio: 'inherit',
      env: { ...process.env, TMPDIR: tmp },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

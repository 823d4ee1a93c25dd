// Whole-tree fixture pairs: test/rules/project/<case>/before is copied to a scratch folder, `dj-migrate fix`
// runs on it with the arguments of <case>/expect.json, and every file must then equal <case>/after byte for byte
// (encodings, byte order marks and notebook formatting included; files that must not be rewritten appear
// unchanged in after/). expect.json also gives the exit code and what stderr must say. A second run changes
// nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/paths';
import { runCli } from '../helpers/cli';

const casesDir = path.join(repoRoot, 'test', 'rules', 'project');

interface Expect {
  args: string[];
  code: number;
  stderr?: string[];
}

function files(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
    )
    .sort();
}

for (const name of fs.existsSync(casesDir) ? fs.readdirSync(casesDir).sort() : []) {
  test(`project fixture ${name}: fix gives after/ byte for byte, with the expected exit code and messages`, async () => {
    const expect = JSON.parse(fs.readFileSync(path.join(casesDir, name, 'expect.json'), 'utf8')) as Expect;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `djproj-${name}-`));
    try {
      fs.cpSync(path.join(casesDir, name, 'before'), dir, { recursive: true });
      const run = await runCli(['fix', ...expect.args, '.'], dir);
      assert.equal(run.code, expect.code, run.err);
      for (const pattern of expect.stderr ?? []) assert.match(run.err, new RegExp(pattern));
      const afterDir = path.join(casesDir, name, 'after');
      assert.deepEqual(files(dir), files(afterDir));
      for (const f of files(afterDir)) {
        const got = fs.readFileSync(path.join(dir, f));
        const want = fs.readFileSync(path.join(afterDir, f));
        assert.ok(got.equals(want), `${name}/${f} differs from after/:\n${got.toString('latin1')}`);
      }
      const again = await runCli(['fix', ...expect.args, '.'], dir);
      assert.equal(again.code, expect.code, again.err);
      for (const f of files(afterDir))
        assert.ok(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(afterDir, f))), `${f}: 2nd run`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

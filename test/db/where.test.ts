// `db copy --restrict T --where …` on the real server: a condition that tries to leave its parentheses
// (the INTO OUTFILE attack) is refused as an input error before the server sees it, even in a dry run,
// and the server writes no file; an ordinary condition still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFixture } from './harness';
import { runCli } from './cliRun';
import { createParallel } from '../../client/src/db/parallel';

test('the INTO OUTFILE attack through --where is refused (exit 2) and writes no file, dry run or not', async () => {
  const f = await loadFixture('dj014');
  // A folder the server may write into (the test server runs on this machine), so the attack would succeed.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-outfile-'));
  fs.chmodSync(dir, 0o777);
  try {
    await createParallel(f.db, { schemas: f.schemas, suffix: '_v2', unsigned: 'widen' });
    const schemas = f.schemas.join(',');
    for (const [i, attack] of [
      `1=1) INTO OUTFILE '${dir}/out0.txt' #`,
      `1=1) INTO OUTFILE '${dir}/out1.txt' -- `,
      `1=1 INTO OUTFILE '${dir}/out2.txt'`,
      `subject_id IN (SELECT 1 INTO OUTFILE '${dir}/out3.txt')`,
    ].entries()) {
      for (const dry of [['--dry-run'], []]) {
        const args = ['--restrict', 'session', '--where', attack, '--stores', f.storesFile, ...dry];
        const r = await runCli(['db', 'copy', '--schemas', schemas, ...args]);
        assert.deepEqual(fs.readdirSync(dir), [], `attack ${i} ${dry.join('')}: the server wrote no file`);
        assert.equal(r.code, 2, `attack ${i} ${dry.join('')}: ${r.out}${r.err}`);
        assert.match(r.err, /--where .* is refused: .*single condition/);
      }
    }
    // An ordinary restriction still copies (dry run: its statements are printed).
    const ok = await runCli([
      'db',
      'copy',
      '--schemas',
      schemas,
      '--restrict',
      'session',
      '--where',
      "subject_id = 101 AND (experimenter IS NULL OR experimenter <> 'a;b # -- /* c */')",
      '--stores',
      f.storesFile,
      '--dry-run',
    ]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /INSERT INTO/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await f.cleanup();
  }
});

// `dj-migrate demo` end to end against the real server: green twice in a row (safe to re-run), a clear
// error without a server, and a non-zero exit when a store file of the pipeline is corrupted.
import { after, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/src/main';
import type { CliIO } from '../../cli/src/io';
import { dropPrefixed, testServer, uniquePrefix } from './harness';
import { fixturesDir, repoRoot } from '../helpers/paths';
import { openDb } from '../../client/src/db/connection';
import { nextCommands } from '../../cli/src/demo';

async function demo(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string; ms: number }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => (out += t + '\n'),
    err: (t) => (err += t + '\n'),
    env: {
      DJ_HOST: `${testServer.host}:${testServer.port}`,
      DJ_USER: testServer.user,
      DJ_PASS: testServer.password,
      ...env,
    },
    cwd: os.tmpdir(),
  };
  const t0 = Date.now();
  const code = await main(['demo', ...args], io);
  return { code, out, err, ms: Date.now() - t0 };
}

/** The numbers the report prints, so two runs can be compared. */
function numbers(out: string): string {
  return out
    .split('\n')
    .filter((l) => /^ {2}(copy|compare|verify):/.test(l))
    .join('\n');
}

describe('dj-migrate demo', () => {
  const prefix = uniquePrefix();
  const work = path.join(os.tmpdir(), 'dj-migrate-demo', prefix.replace(/_$/, ''));
  const corrupt = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-demo-fixture-'));
  after(async () => {
    await dropPrefixed(prefix);
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(corrupt, { recursive: true, force: true });
    fs.rmSync(path.join(os.tmpdir(), 'dj-migrate-demo', prefix + 'x'), { recursive: true, force: true });
  });

  let firstOut = '';

  it('runs green twice in a row, each well under a minute, with the same numbers', async () => {
    const first = await demo(['--prefix', prefix]);
    firstOut = first.out;
    assert.equal(first.code, 0, first.out + first.err);
    assert.match(first.out, /— OK in/);
    assert.match(first.out, /compare: 11 tables, 264 rows matched, 0 difference\(s\)/);
    assert.match(first.out, /verify: {2}(\d+)\/\1 checks passed, [1-9]\d* in-store values checked/);
    assert.match(first.out, /code: {4}[1-9]\d* fix\(es\) applied/);
    const migrated = fs.readFileSync(path.join(work, 'code', 'pipeline.py'), 'utf8');
    assert.match(migrated, /<blob@raw>/, 'the code copy was migrated');
    assert.ok(first.ms < 60_000);

    const second = await demo(['--prefix', prefix]);
    assert.equal(second.code, 0, second.out + second.err);
    assert.equal(numbers(second.out), numbers(first.out));
    assert.ok(second.ms < 60_000);
  });

  it('suggests next commands that run exactly as printed, with the connection the demo used', () => {
    const printed = firstOut.split('\n').filter((l) => /^ {2}dj-migrate db /.test(l));
    assert.equal(printed.length, 2, firstOut);
    assert.match(
      printed[0],
      new RegExp(`--host ${testServer.host} --port ${testServer.port} --user ${testServer.user}$`),
    );
    // A shell that knows nothing of the demo's DJ_HOST / DJ_USER, with dj-migrate on its PATH as npm links it.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-demo-bin-'));
    try {
      fs.writeFileSync(
        path.join(bin, 'dj-migrate'),
        `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'dist', 'cli.js')}" "$@"\n`,
        { mode: 0o755 },
      );
      const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}`, HOME: os.tmpdir() };
      if (testServer.password) env.DJ_PASS = testServer.password;
      for (const command of printed) {
        const r = spawnSync('sh', ['-c', command.trim()], { encoding: 'utf8', env, cwd: os.tmpdir() });
        assert.equal(r.status, 0, `${command}\n${r.stdout}${r.stderr}`);
        if (command.includes(' inspect ')) assert.match(r.stdout, new RegExp(`${prefix}ephys_v2`));
        else assert.match(r.stdout, /-- dry run: nothing is changed/);
      }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('prints npx dj-migrate when run by npm run demo or npx, quoting what the shell would split', () => {
    const conn = { host: 'db.example', port: 3307, user: 'alice', password: '' };
    const lines = nextCommands(
      { npm_lifecycle_event: 'demo' },
      conn,
      ['a_lab'],
      ['a_lab_v2'],
      "/tmp/my stores/it's.json",
    );
    assert.equal(lines[1], '  npx dj-migrate db inspect --schemas a_lab_v2 --host db.example --port 3307 --user alice');
    assert.match(lines[2], / --stores '\/tmp\/my stores\/it'\\''s\.json' --dry-run --host/);
    assert.match(nextCommands({}, conn, ['a'], ['a_v2'], '/s.json')[1], /^ {2}dj-migrate db inspect /);
  });

  it('refuses to drop schemas the demo did not create', async () => {
    const db = await openDb(testServer);
    try {
      await db.execute(`CREATE TABLE \`${prefix}lab\`.\`precious\` (id int PRIMARY KEY)`);
      const r = await demo(['--prefix', prefix]);
      assert.equal(r.code, 2);
      assert.match(r.err, /hold tables the demo did not create \(precious\)/);
      const [{ n }] = await db.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
        [`${prefix}lab`],
      );
      assert.ok(Number(n) > 1, 'nothing was dropped');
      await db.execute(`DROP TABLE \`${prefix}lab\`.\`precious\``);
    } finally {
      await db.close();
    }
  });

  it('exits non-zero, naming the problem, when a store file is corrupted', async () => {
    fs.cpSync(path.join(fixturesDir, 'dj014'), corrupt, { recursive: true });
    const dir = path.join(corrupt, 'stores', 'raw', 'djfix_ephys');
    const file = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).find((e) => e.isFile())!;
    const target = path.join(file.parentPath, file.name);
    fs.chmodSync(target, 0o644);
    const bytes = fs.readFileSync(target);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(target, bytes);
    const r = await demo(['--prefix', prefix + 'x_', '--fixture', corrupt]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /PROBLEMS FOUND/);
    assert.match(r.out, /compare: .* 1 difference\(s\)/);
    assert.match(r.out, new RegExp(`signal: file content does not match the JSON hash .*${file.name}`));
  });

  it('says clearly when no server is reachable', async () => {
    const r = await demo(['--prefix', prefix], { DJ_HOST: '127.0.0.1:1' });
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot connect to 127\.0\.0\.1:1.*\n.*needs a MySQL 8 or MariaDB server/);
  });
});

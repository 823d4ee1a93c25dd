// dj-migrate as a command-line tool in pipes and scripts: output is never cut off by the exit (the built CLI
// through a real pipe into a slow reader), --help on every command and subcommand, --version, `fix` without a
// path is a usage error, and option errors read plainly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, fixturesDir } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { codeCommands } from '../../cli/src/code/index';
import { dbCommands } from '../../cli/src/db/index';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version as string;
/** No server listens here: a command that tried to connect would fail. */
const noServer = { ...process.env, DJ_HOST: '127.0.0.1:1', DJ_USER: 'nobody' };

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'djm-shell-'));
}

/** The built CLI with its stdout piped into a reader that waits a second before reading anything. */
function throughSlowPipe(args: string[]): { status: number | null; received: string; stderr: string } {
  assert.ok(fs.existsSync(cli), `${cli} is built (npm run build; npm test builds it first)`);
  const dir = scratch();
  try {
    const sink = path.join(dir, 'received');
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${cli}" ${quoted} | (sleep 1; cat > "${sink}"); exit \${PIPESTATUS[0]}`],
      { cwd: repoRoot, encoding: 'utf8', env: noServer },
    );
    return { status: r.status, received: fs.readFileSync(sink, 'utf8'), stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('output through a pipe', () => {
  it('rules --format json arrives whole in a slow reader (more than the 64 KiB a pipe buffers)', async () => {
    const piped = throughSlowPipe(['rules', '--format', 'json']);
    assert.equal(piped.status, 0, piped.stderr);
    const inProcess = await runCli(['rules', '--format', 'json'], repoRoot);
    assert.ok(inProcess.out.length > 65_536, `the output is larger than a pipe buffer (${inProcess.out.length})`);
    assert.equal(piped.received.length, inProcess.out.length);
    assert.ok(Array.isArray(JSON.parse(piped.received)));
  });

  it('check --format json arrives whole and valid, with its exit status', async () => {
    const piped = throughSlowPipe([
      'check',
      '--format',
      'json',
      '--fail-on',
      'info',
      'test/rules',
      'test/fixtures/dj014',
    ]);
    const parsed = JSON.parse(piped.received) as { findings: unknown[] };
    assert.ok(piped.received.length > 65_536, `${piped.received.length} bytes`);
    assert.ok(parsed.findings.length > 100);
    assert.equal(piped.status, 1, 'findings at or above --fail-on info: exit 1 survives the pipe');
  });
});

describe('--help and --version', () => {
  const commands = [...Object.keys(codeCommands).map((c) => [c]), ...Object.keys(dbCommands).map((c) => ['db', c])];

  it('every command and db subcommand prints its own usage on stdout and exits 0, connecting to nothing', async () => {
    assert.ok(commands.length >= 18, `${commands.length} commands`);
    for (const command of commands)
      for (const flag of ['--help', '-h']) {
        const args = command[0] === 'db' ? [...command, '--schemas', 'lab', flag] : [...command, flag];
        const r = await runCli(args, repoRoot, noServer);
        const label = args.join(' ');
        assert.equal(r.code, 0, `${label}: ${r.err}`);
        assert.equal(r.err, '', label);
        assert.ok(r.out.startsWith(`usage: dj-migrate ${command.join(' ')}`), `${label}: ${r.out.slice(0, 80)}`);
        assert.ok(r.out.split('\n').length > 2, `${label} explains the command`);
        if (command[0] === 'db') assert.match(r.out, /--host/, `${label} names the connection options`);
      }
  });

  it('help <command>, --help, db --help and the built binary agree', async () => {
    assert.equal(
      (await runCli(['help', 'db', 'copy'], repoRoot)).out,
      (await runCli(['db', 'copy', '-h'], repoRoot)).out,
    );
    const top = await runCli(['--help'], repoRoot);
    assert.equal(top.code, 0);
    for (const name of Object.keys(dbCommands)) assert.match(top.out, new RegExp(`db ${name} `));
    const db = await runCli(['db', '--help'], repoRoot);
    assert.equal(db.code, 0);
    assert.match(db.out, /^usage: dj-migrate db <command>/);
    const built = spawnSync(process.execPath, [cli, 'db', 'unswap', '--help'], { encoding: 'utf8', env: noServer });
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stdout, /^usage: dj-migrate db unswap/);
  });

  it('--help after -- is an argument, not a request for help', async () => {
    const r = await runCli(['rules', '--', '--help'], repoRoot);
    assert.equal(r.code, 0);
    assert.match(r.out, /^# DataJoint Migrate rules/);
  });

  it("--version prints package.json's version, in process and from the built binary", async () => {
    const r = await runCli(['--version'], repoRoot);
    assert.equal(r.code, 0);
    assert.equal(r.out, `${version}\n`);
    const built = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    assert.equal(built.status, 0);
    assert.equal(built.stdout, `${version}\n`);
  });

  it('no command at all is a usage error on stderr', async () => {
    const r = await runCli([], repoRoot);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /dj-migrate check/);
  });
});

describe('usage errors', () => {
  it('fix without a path exits 2 and leaves the current folder as it was', async () => {
    const dir = scratch();
    try {
      const file = path.join(dir, 'pipeline.py');
      fs.copyFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), file);
      fs.chmodSync(file, 0o644);
      const before = fs.readFileSync(file, 'utf8');
      const r = await runCli(['fix'], dir);
      assert.equal(r.code, 2);
      assert.match(r.err, /fix needs the paths to rewrite \(use \. for the current folder\)/);
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      const named = await runCli(['fix', '.'], dir);
      assert.equal(named.code, 0, named.err);
      assert.notEqual(fs.readFileSync(file, 'utf8'), before, 'with . it does rewrite the folder');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown option or a missing value is named plainly, with where to find the usage', async () => {
    const unknown = await runCli(['check', '--help-me'], repoRoot);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err, 'dj-migrate check: unknown option --help-me\nRun `dj-migrate check --help` for usage.\n');
    const missing = await runCli(['db', 'copy', '--schemas'], repoRoot, noServer);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^dj-migrate db copy: --schemas needs a value\n/);
  });
});

// The end-to-end tool cache is judged by test/e2e/cache-state.sh (setup.sh rebuilds what it calls broken and
// writes the completion marker only after every piece passed; the e2e test refuses a cache that is not ready).
// Here the script runs over fake layouts in a temporary folder — what complete installs and interrupted ones
// leave behind — and nothing is installed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/paths';

const script = path.join(repoRoot, 'test', 'e2e', 'cache-state.sh');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-e2e-cache-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { code: number | null; out: string } {
  return runIn(process.cwd(), ...args);
}

function runIn(cwd: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout + r.stderr };
}

const markerText = run('--marker-text').out.trim();
const version = (piece: string) => new RegExp(`${piece}=v?([\\d.]+)`).exec(markerText)![1];

function write(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
}

/** What a finished setup leaves (Node 24 stands in as a script that prints its version). */
function completeCache(name: string): string {
  const dir = path.join(tmp, name);
  write(path.join(dir, 'node24', 'node_modules', 'node', 'package.json'), '{ "name": "node", "version": "24.1.0" }');
  write(path.join(dir, 'node24', 'node_modules', '.bin', 'node'), '#!/bin/sh\necho v24.1.0\n', 0o755);
  const cs = path.join(dir, 'node_modules', 'code-server');
  write(path.join(cs, 'package.json'), JSON.stringify({ name: 'code-server', version: version('code-server') }));
  write(path.join(dir, 'node_modules', '.bin', 'code-server'), '#!/bin/sh\n', 0o755);
  write(path.join(cs, 'lib', 'vscode', 'node_modules', '.package-lock.json'), '{}');
  write(path.join(cs, 'lib', 'vscode', 'bin', 'remote-cli', 'code-linux.sh'), '#!/bin/sh\n', 0o755);
  fs.symlinkSync('code-linux.sh', path.join(cs, 'lib', 'vscode', 'bin', 'remote-cli', 'code-server'));
  write(path.join(cs, 'lib', 'vscode', 'extensions', 'node_modules', '.package-lock.json'), '{}');
  const pw = path.join(dir, 'node_modules', 'playwright-core');
  write(
    path.join(pw, 'package.json'),
    JSON.stringify({ name: 'playwright-core', version: version('playwright-core') }),
  );
  write(path.join(pw, 'index.js'), 'module.exports = {};\n');
  return dir;
}

const markComplete = (dir: string) => fs.writeFileSync(path.join(dir, '.dj-migrate-e2e-complete'), `${markerText}\n`);

describe('e2e cache state (test/e2e/cache-state.sh)', () => {
  it('names the versions it expects in the marker', () => {
    assert.match(markerText, /^node=v24 code-server=\d+\.\d+\.\d+ playwright-core=\d+\.\d+\.\d+$/);
  });

  it('calls an empty cache broken in every piece, and not ready', () => {
    const dir = path.join(tmp, 'empty');
    fs.mkdirSync(dir);
    const r = run(dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /^broken node: .*missing/m);
    assert.match(r.out, /^broken code-server: .*missing/m);
    assert.match(r.out, /^broken playwright-core: .*missing/m);
    assert.equal(run('--ready', dir).code, 1);
  });

  it('calls a complete cache complete, and ready only once the current marker is written', () => {
    const dir = completeCache('complete');
    const r = run(dir);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, 'ok node\nok code-server\nok playwright-core\n');
    assert.equal(run('--ready', dir).code, 1, 'no marker: a setup may have stopped before verifying');
    markComplete(dir);
    assert.equal(run('--ready', dir).code, 0);
    assert.equal(runIn(tmp, '--ready', 'complete').code, 0, 'a relative folder (setup.sh passes .e2e) works too');
    fs.writeFileSync(path.join(dir, '.dj-migrate-e2e-complete'), 'node=v24 code-server=4.0.0 playwright-core=1.0.0\n');
    assert.equal(run('--ready', dir).code, 1, 'a marker for other versions is stale');
  });

  it("finds code-server whose postinstall was interrupted (VS Code's extensions not installed), marker or not", () => {
    const dir = completeCache('cs-partial');
    markComplete(dir);
    fs.rmSync(path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'node_modules'), {
      recursive: true,
    });
    const r = run(dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /^broken code-server: code-server's built-in extensions are not installed/m);
    assert.match(r.out, /^ok node$/m);
    assert.match(r.out, /^ok playwright-core$/m);
    assert.equal(run('--ready', dir).code, 1);
  });

  it("finds code-server whose VS Code dependencies stopped half-way (npm's lock not yet written)", () => {
    const dir = completeCache('cs-deps');
    fs.rmSync(path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '.package-lock.json'));
    assert.match(run(dir).out, /^broken code-server: code-server's VS Code dependencies are not installed/m);
  });

  it('finds a partial node@24 (package unpacked, binary not in place) and a wrong Node', () => {
    const dir = completeCache('node-partial');
    fs.rmSync(path.join(dir, 'node24', 'node_modules', '.bin', 'node'));
    assert.match(run(dir).out, /^broken node: node24\/node_modules\/\.bin\/node is missing/m);
    write(path.join(dir, 'node24', 'node_modules', '.bin', 'node'), '#!/bin/sh\necho v20.20.2\n', 0o755);
    assert.match(run(dir).out, /^broken node: .* is v20\.20\.2, not v24/m);
    write(path.join(dir, 'node24', 'node_modules', '.bin', 'node'), '#!/bin/sh\nexit 1\n', 0o755);
    assert.match(run(dir).out, /^broken node: .* does not run/m);
  });

  it('finds another code-server or playwright-core version than the one pinned', () => {
    const dir = completeCache('versions');
    write(path.join(dir, 'node_modules', 'code-server', 'package.json'), '{ "version": "4.0.0" }');
    write(path.join(dir, 'node_modules', 'playwright-core', 'package.json'), '{ "version": "1.0.0" }');
    const r = run(dir);
    assert.match(r.out, /^broken code-server: code-server is 4\.0\.0, not /m);
    assert.match(r.out, /^broken playwright-core: playwright-core is 1\.0\.0, not /m);
  });

  it('setup.sh removes the marker before rebuilding and writes it only after the final check', () => {
    const setup = fs.readFileSync(path.join(repoRoot, 'test', 'e2e', 'setup.sh'), 'utf8');
    const removed = setup.indexOf('rm -f "$MARKER"');
    const firstInstall = setup.indexOf('npm install');
    const finalCheck = setup.lastIndexOf('state="$(cache_state "$E2E")"');
    const written = setup.indexOf('marker_text > "$MARKER"');
    assert.ok(removed > 0 && removed < firstInstall, 'marker removed before anything is installed');
    assert.ok(finalCheck > firstInstall && written > finalCheck, 'marker written after the last check');
  });
});

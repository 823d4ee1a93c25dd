// @vscode/test-electron: the same flows inside a desktop VS Code, when one is installed. Its path comes
// from VSCODE_EXECUTABLE (nothing is downloaded: these machines are offline). Without it the test is
// skipped with the reason; the code-server suite (test/e2e) is what CI relies on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, fixturesDir } from '../helpers/paths';
import { loadFixture, testServer, type LoadedFixture } from '../db/harness';

const executable = process.env.VSCODE_EXECUTABLE;
const skip = executable
  ? false
  : 'VSCODE_EXECUTABLE is not set: no desktop VS Code to run @vscode/test-electron with (the code-server suite in test/e2e covers these flows)';

describe('DataJoint Migrate in desktop VS Code (@vscode/test-electron)', { skip, timeout: 10 * 60_000 }, () => {
  let fixture: LoadedFixture | undefined;
  let tmp = '';

  before(async () => {
    assert.ok(
      executable && fs.existsSync(executable),
      `VSCODE_EXECUTABLE points at ${executable}, which does not exist`,
    );
    fixture = await loadFixture('dj014');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-electron-'));
  });
  after(async () => {
    await fixture?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the in-editor suite (diagnostics, quick fix, explorer, create/copy/compare/verify)', async () => {
    const { runTests } = await import('@vscode/test-electron');
    const workspace = path.join(tmp, 'pipeline');
    fs.mkdirSync(workspace, { recursive: true });
    fs.copyFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), path.join(workspace, 'pipeline014.py'));
    fs.chmodSync(path.join(workspace, 'pipeline014.py'), 0o644);
    const code = await runTests({
      vscodeExecutablePath: executable!,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'electron', 'suite', 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${path.join(tmp, 'ud')}`,
      ],
      extensionTestsEnv: {
        DJM_TEST_SCHEMA: fixture!.schemas[0],
        DJM_TEST_STORES: fixture!.storesFile,
        DJM_TEST_HOST: testServer.host,
        DJM_TEST_PORT: String(testServer.port),
        DJM_TEST_USER: testServer.user,
        DJM_TEST_PASS: testServer.password,
      },
    });
    assert.equal(code, 0, 'the in-editor suite passed');
  });
});

// Restricted Mode in a real VS Code (code-server + Chromium): a folder that is not trusted still gets DataJoint
// diagnostics, the light bulb offers trust instead of the fix, the Schema Explorer says why it is empty, and a
// database command asks for trust instead of running.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, fixturesDir } from '../helpers/paths';
import {
  type CodeServer,
  type Page,
  Workbench,
  ensureInstalled,
  installExtension,
  launchBrowser,
  runNpm,
  startCodeServer,
  until,
} from './codeServer';

const shotsDir = path.join(repoRoot, 'test-output', 'e2e-restricted');
const vsix = path.join(repoRoot, 'datajoint-migrate.vsix');

describe('DataJoint Migrate in Restricted Mode (an untrusted folder)', { timeout: 10 * 60_000 }, () => {
  let server: CodeServer | undefined;
  let browser: { close(): Promise<void> } | undefined;
  let page: Page;
  let wb: Workbench;
  let tmp = '';
  let workspace = '';

  before(async () => {
    ensureInstalled();
    runNpm(['run', 'package']);
    fs.rmSync(shotsDir, { recursive: true, force: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-e2e-restricted-'));
    workspace = path.join(tmp, 'pipeline');
    fs.mkdirSync(workspace, { recursive: true });
    fs.copyFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), path.join(workspace, 'pipeline014.py'));
    fs.chmodSync(path.join(workspace, 'pipeline014.py'), 0o644);
    const userDataDir = path.join(tmp, 'ud');
    const extensionsDir = path.join(tmp, 'ext');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': true,
        // no trust question at start-up: the folder simply opens in Restricted Mode
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      }),
    );
    installExtension(vsix, extensionsDir, userDataDir);
    server = await startCodeServer(workspace, userDataDir, extensionsDir, { workspaceTrust: true });
    const launched = await launchBrowser();
    browser = launched.browser;
    page = launched.page;
    wb = new Workbench(page, shotsDir);
    await wb.open(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  });

  after(async () => {
    if (wb) await wb.screenshot('final').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (server) fs.writeFileSync(path.join(shotsDir, 'code-server.log'), server.log());
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the DataJoint diagnostics in the Problems panel', async () => {
    await wb.openFile('pipeline014.py');
    await wb.command('View: Focus Problems');
    const text = await until(
      'a DJ code in the Problems panel',
      async () => {
        const t = await page.locator('.markers-panel').innerText();
        return /DJ001/.test(t) ? t : null;
      },
      120_000,
    );
    await wb.screenshot('restricted-problems');
    assert.match(text, /dj\.Schema/);
  });

  it('offers to trust the folder instead of applying the fix, and the file stays as it was', async () => {
    const file = path.join(workspace, 'pipeline014.py');
    const before = fs.readFileSync(file, 'utf8');
    const lines = before.split('\n');
    const lineNo = lines.findIndex((l) => /\bdj\.schema\(/.test(l));
    const rows = page.locator('.action-widget .monaco-list-row');
    // The light bulb's actions come from the language server; ask again while they are not there yet.
    for (let attempt = 1; ; attempt++) {
      await wb.goTo(lineNo + 1, lines[lineNo].indexOf('dj.schema(') + 4);
      await wb.command('Quick Fix...');
      try {
        await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch (e) {
        await wb.screenshot(`restricted-quick-fix-retry-${attempt}`);
        if (attempt >= 4) throw e;
        await page.keyboard.press('Escape');
      }
    }
    const offered = (await rows.allInnerTexts()).join('\n');
    await wb.screenshot('restricted-quick-fix');
    assert.match(offered, /trust this folder to apply fixes/);
    assert.doesNotMatch(offered, /DJ001/);
    await page.keyboard.press('Escape');
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  });

  it('explains in the Schema Explorer why it is empty, and a database command asks for trust', async () => {
    await wb.showDataJoint();
    const welcome = page.locator('.pane:has(.pane-header:has-text("Schema Explorer")) .welcome-view-content');
    await welcome.waitFor({ state: 'visible' });
    assert.match(await welcome.innerText(), /Restricted Mode: this folder is not trusted/);
    assert.doesNotMatch(await welcome.innerText(), /No DataJoint database connections yet/);
    await wb.screenshot('restricted-explorer');
    await wb.command('DataJoint: Copy Data');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /runs only in a trusted folder/);
    assert.match(await dialog.innerText(), /Manage Workspace Trust/);
    await wb.screenshot('restricted-ask-trust');
    await page.keyboard.press('Escape');
  });
});

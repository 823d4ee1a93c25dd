// Runs the packaged extension in a real VS Code: code-server (from .e2e/, installed by setup.sh) driven
// by Playwright in Debian's Chromium (the project's notes on running a real VS Code offline). Helpers act as a person
// would (command palette, quick input, tree rows, context menus, dialogs) and poll instead of sleeping.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '../helpers/paths';

export const e2eDir = path.join(repoRoot, '.e2e');
const codeServerBin = path.join(e2eDir, 'node_modules', '.bin', 'code-server');
const nodeBinDir = path.join(e2eDir, 'node24', 'node_modules', '.bin');
export const chromiumPath = '/usr/bin/chromium';

/** The parts of Playwright's API these tests use (playwright-core is loaded from .e2e/ at run time). */
export interface Locator {
  click(o?: { button?: 'left' | 'right'; timeout?: number }): Promise<void>;
  dblclick(o?: { timeout?: number }): Promise<void>;
  fill(text: string): Promise<void>;
  press(key: string): Promise<void>;
  innerText(o?: { timeout?: number }): Promise<string>;
  textContent(o?: { timeout?: number }): Promise<string | null>;
  getAttribute(name: string): Promise<string | null>;
  count(): Promise<number>;
  first(): Locator;
  last(): Locator;
  nth(i: number): Locator;
  isVisible(): Promise<boolean>;
  waitFor(o?: { state?: 'visible' | 'attached' | 'hidden'; timeout?: number }): Promise<void>;
  locator(selector: string, o?: { hasText?: string | RegExp }): Locator;
  filter(o: { hasText?: string | RegExp }): Locator;
  allInnerTexts(): Promise<string[]>;
  scrollIntoViewIfNeeded(): Promise<void>;
}
export interface FrameLocator {
  locator(selector: string): Locator;
  frameLocator(selector: string): FrameLocator;
}
export interface Page {
  goto(url: string, o?: { waitUntil?: string; timeout?: number }): Promise<unknown>;
  locator(selector: string, o?: { hasText?: string | RegExp }): Locator;
  frameLocator(selector: string): FrameLocator;
  keyboard: { press(key: string): Promise<void>; type(text: string, o?: { delay?: number }): Promise<void> };
  screenshot(o: { path: string; fullPage?: boolean }): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  setDefaultTimeout(ms: number): void;
  on(event: 'console' | 'pageerror', fn: (arg: { text?: () => string; message?: string }) => void): void;
}
interface Browser {
  newContext(o?: Record<string, unknown>): Promise<{ newPage(): Promise<Page> }>;
  close(): Promise<void>;
}

/**
 * Refuses to run on an incomplete installation (test/e2e/cache-state.sh: the completion marker setup.sh writes
 * after checking every piece, and the pieces themselves). Installs nothing: `npm run test:e2e` runs setup.sh first.
 */
export function ensureInstalled(): void {
  const script = path.join(repoRoot, 'test', 'e2e', 'cache-state.sh');
  if (spawnSync('bash', [script, '--ready', e2eDir]).status === 0 && fs.existsSync(chromiumPath)) return;
  const pieces = spawnSync('bash', [script, e2eDir], { encoding: 'utf8' }).stdout;
  throw new Error(
    `the end-to-end tools are not installed completely; run \`bash test/e2e/setup.sh\` (npm run test:e2e does).\n${pieces}chromium: ${fs.existsSync(chromiumPath) ? 'ok' : 'missing'}`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface CodeServer {
  url: string;
  userDataDir: string;
  extensionsDir: string;
  stop(): Promise<void>;
  log(): string;
}

function env(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${nodeBinDir}:${process.env.PATH}` };
}

export function installExtension(vsix: string, extensionsDir: string, userDataDir: string): void {
  const r = spawnSync(
    codeServerBin,
    ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    { env: env(), encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`code-server --install-extension failed: ${r.stderr || r.stdout}`);
}

export async function startCodeServer(
  workspace: string,
  userDataDir: string,
  extensionsDir: string,
  opts: { workspaceTrust?: boolean } = {},
): Promise<CodeServer> {
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    codeServerBin,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      workspace,
    ],
    { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (b) => (output += b));
  child.stderr?.on('data', (b) => (output += b));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}): ${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not start in 60 s: ${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    userDataDir,
    extensionsDir,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export async function launchBrowser(): Promise<{ browser: Browser; page: Page }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require(path.join(e2eDir, 'node_modules', 'playwright-core')) as {
    chromium: { launch(o: Record<string, unknown>): Promise<Browser> };
  };
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  return { browser, page };
}

/** Poll `fn` until it returns a truthy value; the last error or value is in the failure message. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A person at the VS Code window. */
export class Workbench {
  constructor(
    readonly page: Page,
    readonly shotsDir: string,
  ) {}

  private shots = 0;

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.shotsDir, { recursive: true });
    const file = path.join(this.shotsDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page.locator('.statusbar').waitFor({ timeout: 90_000 });
  }

  /** Show the DataJoint view container (clicking its icon when it is already shown would hide it). */
  async showDataJoint(): Promise<void> {
    const header = this.page.locator('.pane-header', { hasText: 'Schema Explorer' }).first();
    if (await header.isVisible().catch(() => false)) return;
    await this.page
      .locator('.activitybar .action-item [aria-label^="DataJoint"], .activitybar a[aria-label^="DataJoint"]')
      .first()
      .click();
    await header.waitFor({ state: 'visible' });
  }

  /** Open a workspace file through Quick Open. */
  async openFile(name: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await this.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: name })
      .first()
      .waitFor({ state: 'visible' });
    await input.press('Enter');
    await this.page.locator('.tab', { hasText: name }).first().waitFor({ state: 'visible' });
  }

  /** The text of the visible part of the active editor (Monaco renders spaces as U+00A0). */
  async editorText(): Promise<string> {
    const t = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
    return t.replace(/\u00a0/g, ' ');
  }

  /** Put the cursor at a line and column of the active editor (Quick Open `:line:column`). */
  async goTo(line: number, column: number): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.waitForTimeout(200);
    await input.press('Enter');
    await until(
      `cursor at ${line}:${column}`,
      async () =>
        /Ln (\d+), Col (\d+)/
          .exec(await this.page.locator('.statusbar').innerText())
          ?.slice(1)
          .join(':') === `${line}:${column}`,
      10_000,
      200,
    );
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget input');
  }

  /** Run a command from the palette by its title as shown there ("DataJoint: Add Connection"). */
  async command(title: string): Promise<void> {
    // The palette sometimes opens before focus settles (after a webview or walkthrough): try again.
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      const input = this.quickInput();
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 10_000 });
      } catch (e) {
        if (attempt >= 3) throw e;
        await this.screenshot(`palette-retry-${attempt}`);
        continue;
      }
      await input.press('Enter');
      return;
    }
  }

  async closeQuickInput(): Promise<void> {
    if (
      await this.page
        .locator('.quick-input-widget')
        .isVisible()
        .catch(() => false)
    )
      await this.page.keyboard.press('Escape');
  }

  /** Answer the visible quick input (InputBox: type and Enter; QuickPick: filter and Enter). */
  async answer(text: string, expectTitle?: string | RegExp): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ state: 'visible' });
    if (expectTitle)
      await this.page
        .locator('.quick-input-widget .quick-input-title, .quick-input-widget .quick-input-message', {
          hasText: expectTitle,
        })
        .first()
        .waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.waitForTimeout(150);
    await input.press('Enter');
  }

  /** Pick a QuickPick row by its visible text. */
  async pick(text: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** A tree row in a view, found by text. */
  treeRow(viewName: string, text: string | RegExp): Locator {
    return this.page
      .locator(`.pane:has(.pane-header:has-text("${viewName}")) .monaco-list-row`, { hasText: text })
      .first();
  }

  async expand(row: Locator): Promise<void> {
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await until('row expanded', async () => (await row.getAttribute('aria-expanded')) === 'true', 30_000, 200);
  }

  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    await this.page.locator('.context-view .monaco-menu').first().waitFor({ state: 'visible' });
    await this.screenshot(`menu-${item.replace(/\W+/g, '-')}`);
    const entry = this.page.locator('.context-view .action-item, .monaco-menu .action-item', { hasText: item }).first();
    await entry.waitFor({ state: 'visible' });
    await entry.click();
  }

  /**
   * Run a context-menu item and wait until `started` says it ran. A tree that re-renders while its menu is
   * open (rows still loading on a cold workbench) can swallow the click; the menu is then opened again.
   */
  async contextMenuUntil(
    row: Locator,
    item: string,
    started: () => Promise<boolean>,
    timeoutMs = 20_000,
    attempts = 3,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.contextMenu(row, item);
      try {
        await until(`"${item}" to take effect`, async () => started(), timeoutMs, 250);
        return;
      } catch (e) {
        await this.screenshot(`menu-retry-${item.replace(/\W+/g, '-')}-${attempt}`);
        if (attempt >= attempts)
          throw new Error(
            `${(e as Error).message} after ${attempts} tries from the context menu\n${await this.describe()}`,
          );
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** What a person would see besides the views: the editor tabs and the notifications (failure messages). */
  async describe(): Promise<string> {
    const texts = (sel: string) =>
      this.page
        .locator(sel)
        .allInnerTexts()
        .catch(() => [] as string[]);
    const tabs = (await texts('.tabs-container .tab .label-name')).join(' | ') || '(none)';
    const notes = (
      await texts('.notifications-toasts .notification-toast, .notifications-center .notification-list-item')
    )
      .map((t) => t.replace(/\s+/g, ' ').trim())
      .join(' | ');
    return `editor tabs: ${tabs}\nnotifications: ${notes || '(none)'}`;
  }

  /** Click a button of a modal dialog (the confirmation before a write). */
  async dialogButton(label: string): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    // Planning reads the whole selection first; on a busy server that takes a while.
    await dialog.waitFor({ state: 'visible', timeout: 120_000 });
    const message = await dialog.innerText();
    await dialog.locator('.monaco-button', { hasText: label }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    return message;
  }

  /** The body of the webview whose title matches (the operation report). */
  webviewBody(): Locator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('body');
  }
}

export function runNpm(args: string[], cwd = repoRoot): void {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
}

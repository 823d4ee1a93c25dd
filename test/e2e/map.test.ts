// End-to-end: the Migration Map and the Differences view in a real VS Code (code-server + Chromium),
// with the packaged .vsix, against the real MariaDB loaded with the dj014 fixture. The parallel schemas
// are created and copied with the CLI beforehand (as a person might); Compare runs from the UI.
// Screenshots go to test-output/e2e/ beside the other e2e screenshots (prefixed `map-`).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { defaultStatePath } from '../../client/src/db/state';
import { className } from '../../client/src/ui/explorerModel';
import { repoRoot } from '../helpers/paths';
import { runCli } from '../db/cliRun';
import { loadFixture, testServer, type LoadedFixture } from '../db/harness';
import {
  type CodeServer,
  type FrameLocator,
  type Page,
  Workbench,
  ensureInstalled,
  installExtension,
  launchBrowser,
  runNpm,
  startCodeServer,
  until,
} from './codeServer';

const shotsDir = path.join(repoRoot, 'test-output', 'e2e');
const vsix = path.join(repoRoot, 'datajoint-migrate.vsix');

describe('Migration Map and Differences view in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let fixture: LoadedFixture | undefined;
  let server: CodeServer | undefined;
  let browser: { close(): Promise<void> } | undefined;
  let page: Page;
  let wb: Workbench;
  let tmp: string;
  let workspace: string;
  let sql: mysql.Connection;
  const user = `djm_map_${randomBytes(3).toString('hex')}`;
  let lab: string;
  let schemas: string[];
  const consoleLogPath = path.join(shotsDir, 'map-browser-console.log');

  before(async () => {
    ensureInstalled();
    runNpm(['run', 'package']);
    assert.ok(fs.existsSync(vsix), 'npm run package produced the .vsix');
    fixture = await loadFixture('dj014');
    schemas = fixture.schemas;
    lab = schemas[0];
    sql = await mysql.createConnection(testServer);
    // A user of its own without a password (nothing to type), limited to the test's schemas.
    for (const host of ['127.0.0.1', 'localhost']) {
      await sql.query("CREATE USER ?@? IDENTIFIED BY ''", [user, host]);
      await sql.query(`GRANT ALL PRIVILEGES ON \`${fixture.prefix.replace(/_/g, '\\_')}%\`.* TO ?@?`, [user, host]);
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-map-e2e-'));
    workspace = path.join(tmp, 'pipeline');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify(
        {
          'datajoint.storesFile': fixture.storesFile,
          'datajoint.connections': [
            { id: 'map-e2e', name: 'map e2e', host: '127.0.0.1', port: testServer.port, user, tls: false },
          ],
        },
        null,
        2,
      ),
    );
    const userDataDir = path.join(tmp, 'ud');
    const extensionsDir = path.join(tmp, 'ext');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      }),
    );
    installExtension(vsix, extensionsDir, userDataDir);
    server = await startCodeServer(workspace, userDataDir, extensionsDir);
    const launched = await launchBrowser();
    browser = launched.browser;
    page = launched.page;
    wb = new Workbench(page, shotsDir);
    fs.mkdirSync(shotsDir, { recursive: true });
    const consoleLog = fs.createWriteStream(consoleLogPath);
    page.on('console', (m) => consoleLog.write(`${m.text?.() ?? ''}\n`));
    page.on('pageerror', (e) => consoleLog.write(`pageerror: ${e.message ?? ''}\n`));
    await wb.open(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  });

  after(async () => {
    if (wb) await wb.screenshot('map-final').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (server) fs.writeFileSync(path.join(shotsDir, 'map-code-server.log'), server.log());
    if (sql) {
      for (const host of ['127.0.0.1', 'localhost'])
        await sql.query('DROP USER IF EXISTS ?@?', [user, host]).catch(() => undefined);
      await sql.end();
    }
    await fixture?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * The Migration Map's document inside its webview (found among the open webviews by its svg), once it has
   * drawn its tables. On failure: a screenshot, and what each webview showed (the map's status line and
   * error, which say whether the graph never arrived, failed, or was still being laid out), the editor
   * tabs and the notifications; the browser console (webviews included) is in map-browser-console.log.
   */
  async function mapFrame(timeoutMs = 60_000): Promise<FrameLocator> {
    try {
      return await until(
        'the Migration Map webview',
        async () => {
          const outer = page.frameLocator('iframe.webview') as unknown as { nth(i: number): FrameLocator };
          const n = await page.locator('iframe.webview').count();
          const seen: string[] = [];
          for (let i = 0; i < n; i++) {
            const inner = outer.nth(i).frameLocator('iframe#active-frame');
            if (!(await inner.locator('svg#map').count())) {
              seen.push(`webview ${i}: ${(await inner.locator('title').count()) ? 'not the map' : 'not loaded'}`);
              continue;
            }
            const nodes = await inner.locator('svg#map g.node').count();
            if (nodes) return inner;
            const status = await inner
              .locator('#status')
              .innerText({ timeout: 2000 })
              .catch(() => '?');
            const error = await inner
              .locator('#error')
              .textContent({ timeout: 2000 })
              .catch(() => '');
            seen.push(`webview ${i}: the map, no tables drawn; status "${status}"${error ? `; error "${error}"` : ''}`);
          }
          throw new Error(seen.length ? seen.join('; ') : 'no webview open');
        },
        timeoutMs,
      );
    } catch (e) {
      const shot = await wb.screenshot('map-missing').catch(() => '(no screenshot)');
      throw new Error(
        `${(e as Error).message}\n${await wb.describe()}\nscreenshot: ${shot}; browser console: ${consoleLogPath}`,
      );
    }
  }

  const mapTabOpen = async () => (await page.locator('.tab', { hasText: 'Migration Map' }).count()) > 0;

  /** Open the map from the Schema Explorer's context menu (again, if a re-rendering tree swallowed the click). */
  async function openMapFrom(schema: string): Promise<FrameLocator> {
    await wb.contextMenuUntil(await explorerSchema(schema), 'Show Migration Map', mapTabOpen);
    return mapFrame();
  }

  /** The text of the operation report webview that mentions `schema.` (empty until there is one). */
  async function reportText(schema: string): Promise<string> {
    const outer = page.frameLocator('iframe.webview.ready') as unknown as { nth(i: number): FrameLocator };
    for (let i = 0, n = await page.locator('iframe.webview.ready').count(); i < n; i++) {
      const body = outer.nth(i).frameLocator('iframe#active-frame').locator('body[data-outcome]');
      if (!(await body.count())) continue;
      const text = await body.innerText();
      if (text.includes(`${schema}.`)) return text;
    }
    return '';
  }

  async function explorerSchema(name: string) {
    // Right after start-up the workbench may still swallow the first click on the activity bar.
    await until(
      'the DataJoint view container',
      async () => {
        await page.keyboard.press('Escape');
        await wb.showDataJoint();
        return true;
      },
      120_000,
      1000,
    );
    const conn = wb.treeRow('Schema Explorer', 'map e2e');
    await wb.expand(conn);
    const row = wb.treeRow('Schema Explorer', new RegExp(`^\\s*${name}(?!_)`));
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    return row;
  }

  async function states(frame: FrameLocator): Promise<Record<string, string>> {
    const nodes = frame.locator('svg#map g.node');
    const out: Record<string, string> = {};
    for (let i = 0, n = await nodes.count(); i < n; i++)
      out[(await nodes.nth(i).getAttribute('data-id')) ?? `?${i}`] =
        (await nodes.nth(i).getAttribute('data-state')) ?? '';
    return out;
  }

  const inList = (xs: string[]) => xs.map(() => '?').join(', ');

  it('opens the Migration Map of the fixture pipeline: one node per table, one edge per foreign key', async () => {
    const [[{ n: tables }]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (${inList(schemas)}) AND TABLE_NAME NOT LIKE '~%'`,
      schemas,
    )) as unknown as [{ n: number }[]];
    const [[{ n: fks }]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (${inList(schemas)})
       AND UNIQUE_CONSTRAINT_SCHEMA IN (${inList(schemas)}) AND TABLE_NAME NOT LIKE '~%' AND REFERENCED_TABLE_NAME NOT LIKE '~%'`,
      [...schemas, ...schemas],
    )) as unknown as [{ n: number }[]];
    assert.ok(Number(tables) > 5 && Number(fks) > 5, `the fixture has tables (${tables}) and foreign keys (${fks})`);

    const frame = await openMapFrom(lab);
    await until('every table drawn', async () => (await frame.locator('svg#map g.node').count()) === Number(tables));
    assert.equal(await frame.locator('svg#map path.edge').count(), Number(fks), 'one edge per foreign key');
    assert.equal(await frame.locator('svg#map rect.cluster').count(), 3, 'one cluster per schema of the pipeline');
    assert.match(await page.locator('.tab', { hasText: 'Migration Map' }).first().innerText(), /Migration Map/);
    // Tiers drawn as dj.Diagram does: a part table, a computed and a lookup table.
    assert.equal((await frame.locator('g.node.tier-part').count()) > 0, true);
    assert.equal((await frame.locator('g.node.tier-computed ellipse').count()) > 0, true);
    assert.equal((await frame.locator('g.node.tier-lookup rect').count()) > 0, true);
    const before = await states(frame);
    assert.ok(
      Object.values(before).every((s) => s === 'not-created'),
      `nothing is created yet: ${JSON.stringify(before)}`,
    );
    await wb.screenshot('map-migration-map-not-created');

    // Keyboard: arrows move between tables, Enter selects the table in the Schema Explorer; so does a click.
    const species = frame.locator(`g.node[data-id="${lab}.#species"]`);
    await species.press('ArrowDown');
    const focused = frame.locator('g.node:focus');
    const below = await until('a table below focused', async () => {
      const id = (await focused.count()) === 1 ? await focused.getAttribute('data-id') : null;
      return id && id !== `${lab}.#species` ? id : null;
    });
    await page.keyboard.press('Enter');
    const selected = page.locator(
      '.pane:has(.pane-header:has-text("Schema Explorer")) .monaco-list-row[aria-selected="true"]',
    );
    /** Wait until the explorer's selected row is the table; a failure says what was selected instead. */
    const selectedIs = async (cls: string) => {
      try {
        await until(`${cls} selected in the Schema Explorer`, async () => {
          const text = (await selected.count()) ? await selected.first().innerText() : '(nothing selected)';
          // The row reads `<Class><tier> · …` (label and description with no space between them).
          const label = text.trim();
          if (!label.startsWith(cls) || /^[a-z0-9_.]/.test(label.slice(cls.length)))
            throw new Error(`selected: ${text}`);
          return true;
        });
      } catch (e) {
        await wb.screenshot('map-reveal-failed');
        throw e;
      }
    };
    await selectedIs(className(below.slice(below.indexOf('.') + 1)));
    const other = below === `${lab}.user` ? 'subject' : 'user';
    await frame.locator(`g.node[data-id="${lab}.${other}"]`).click();
    await selectedIs(className(other));
    await wb.screenshot('map-reveal-in-explorer');
  });

  it('the Migration Map follows the copy (CLI) and turns "compared equal" after Compare from the UI', async () => {
    // The map stays open from the first test; opened here if that test failed before it, so this one still tells.
    if (!(await mapTabOpen())) await openMapFrom(lab);
    const flags = ['--schemas', schemas.join(','), '--suffix', '_v2', '--stores', fixture!.storesFile, '--yes'];
    const made = await runCli(['db', 'create-parallel', ...flags]);
    assert.equal(made.code, 0, made.err + made.out);
    const state = defaultStatePath(
      workspace,
      '127.0.0.1',
      testServer.port,
      schemas.map((s) => `${s}_v2`),
    );
    const copied = await runCli(['db', 'copy', ...flags, '--state', state]);
    assert.equal(copied.code, 0, copied.err + copied.out);
    await wb.command('DataJoint: Refresh');
    const frame = await mapFrame();
    await until(
      'every node copied',
      async () => {
        const s = await states(frame);
        return Object.values(s).every((x) => x === 'copied') ? s : null;
      },
      90_000,
    );
    await wb.screenshot('map-migration-map-copied');

    for (const s of schemas) {
      await wb.contextMenu(await explorerSchema(s), 'Compare');
      await until(`the compare report of ${s}`, async () => /Compare/.test(await reportText(s)), 180_000, 1000);
    }
    await wb.command('DataJoint: Show Migration Map');
    await wb.pick(lab);
    const map = await mapFrame();
    const equal = await until(
      'every node compared equal',
      async () => {
        const s = await states(map);
        return Object.values(s).every((x) => x === 'equal') ? s : null;
      },
      240_000,
      1000,
    );
    assert.equal(Object.keys(equal).length, await map.locator('svg#map g.node').count());
    assert.match(
      (await map.locator('g.node[data-state="equal"]').first().getAttribute('aria-label')) ?? '',
      /compared equal/,
    );
    await wb.screenshot('map-migration-map-compared-equal');
  });

  it('a planted difference shows in the Differences view and on the Migration Map', async () => {
    const [[row]] = (await sql.query(
      `SELECT subject_id FROM \`${lab}_v2\`.\`subject\` ORDER BY subject_id LIMIT 1`,
    )) as unknown as [{ subject_id: number }[]];
    await sql.query(`UPDATE \`${lab}_v2\`.\`subject\` SET notes = 'planted difference' WHERE subject_id = ?`, [
      row.subject_id,
    ]);
    await wb.contextMenu(await explorerSchema(lab), 'Compare');
    await until('the new compare report', async () => /planted difference/.test(await reportText(lab)), 180_000, 1000);
    const header = page.locator('.pane-header', { hasText: 'Differences' }).first();
    await header.waitFor({ state: 'visible' });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const tableRow = wb.treeRow('Differences', /subject/);
    await tableRow.waitFor({ state: 'visible', timeout: 180_000 });
    const diff = wb.treeRow('Differences', new RegExp(`subject_id=${row.subject_id}`));
    await diff.waitFor({ state: 'visible' });
    const text = await diff.innerText();
    assert.match(text, /notes/);
    assert.match(text, /planted difference/);
    assert.ok(await wb.treeRow('Differences', new RegExp(`^\\s*${lab}`)).isVisible(), 'grouped under the schema');
    await wb.screenshot('map-differences-view');

    // Open in the map: the subject node shows its differences.
    await wb.contextMenu(diff, 'Open in the Migration Map');
    const map = await mapFrame();
    await until(
      'the subject node turns "differences"',
      async () => (await map.locator(`g.node[data-id="${lab}.subject"]`).getAttribute('data-state')) === 'differences',
      60_000,
    );
    await wb.screenshot('map-migration-map-differences');
  });
});

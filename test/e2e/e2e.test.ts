// End-to-end: the packaged .vsix in a real VS Code (code-server + Chromium via Playwright), against the
// real MariaDB loaded with the dj014 fixture. Drives the flows a person would and asserts on the page;
// screenshots of each step go to test-output/e2e/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { repoRoot, fixturesDir } from '../helpers/paths';
import { loadFixture, testServer, type LoadedFixture } from '../db/harness';
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

const shotsDir = path.join(repoRoot, 'test-output', 'e2e');
const vsix = path.join(repoRoot, 'datajoint-migrate.vsix');

describe('DataJoint Migrate in a real VS Code (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let fixture: LoadedFixture | undefined;
  let server: CodeServer | undefined;
  let browser: { close(): Promise<void> } | undefined;
  let page: Page;
  let wb: Workbench;
  let tmp: string;
  let workspace: string;
  const user = `djm_e2e_${randomBytes(3).toString('hex')}`;
  const password = `Pw-${randomBytes(9).toString('hex')}`;
  let lab: string;

  before(async () => {
    ensureInstalled();
    runNpm(['run', 'package']);
    assert.ok(fs.existsSync(vsix), 'npm run package produced the .vsix');
    fs.rmSync(shotsDir, { recursive: true, force: true });
    fixture = await loadFixture('dj014');
    lab = fixture.schemas[0];
    // A user of its own, with a password typed into the UI, limited to the test's schemas.
    const admin = await mysql.createConnection(testServer);
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
        await admin.query(`GRANT ALL PRIVILEGES ON \`${fixture.prefix.replace(/_/g, '\\_')}%\`.* TO ?@?`, [user, host]);
      }
    } finally {
      await admin.end();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-e2e-'));
    workspace = path.join(tmp, 'pipeline');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.copyFileSync(path.join(fixturesDir, 'dj014', 'pipeline014.py'), path.join(workspace, 'pipeline014.py'));
    fs.chmodSync(path.join(workspace, 'pipeline014.py'), 0o644);
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'datajoint.storesFile': fixture.storesFile, 'datajoint.trace.server': 'messages' }, null, 2),
    );
    const userDataDir = path.join(tmp, 'ud');
    const extensionsDir = path.join(tmp, 'ext');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify(
        {
          'security.workspace.trust.enabled': false,
          'workbench.startupEditor': 'none',
          'telemetry.telemetryLevel': 'off',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'workbench.tips.enabled': false,
          'workbench.enableExperiments': false,
          'update.mode': 'none',
          'editor.codeActionWidget.includeNearbyQuickFixes': true,
          'chat.disableAIFeatures': true,
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
        },
        null,
        2,
      ),
    );
    installExtension(vsix, extensionsDir, userDataDir);
    server = await startCodeServer(workspace, userDataDir, extensionsDir);
    const launched = await launchBrowser();
    browser = launched.browser;
    page = launched.page;
    wb = new Workbench(page, shotsDir);
    fs.mkdirSync(shotsDir, { recursive: true });
    const consoleLog = fs.createWriteStream(path.join(shotsDir, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`${m.text?.() ?? ''}\n`));
    page.on('pageerror', (e) => consoleLog.write(`pageerror: ${e.message ?? ''}\n`));
    await wb.open(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  });

  after(async () => {
    if (wb) await wb.screenshot('final').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    // Keep VS Code's logs (language server, extension host, Output channels) as evidence beside the screenshots.
    if (tmp && fs.existsSync(path.join(tmp, 'ud', 'logs')))
      fs.cpSync(path.join(tmp, 'ud', 'logs'), path.join(shotsDir, 'logs'), { recursive: true });
    if (server) fs.writeFileSync(path.join(shotsDir, 'code-server.log'), server.log());
    const admin = await mysql.createConnection(testServer).catch(() => undefined);
    if (admin) {
      for (const host of ['127.0.0.1', 'localhost'])
        await admin.query('DROP USER IF EXISTS ?@?', [user, host]).catch(() => undefined);
      await admin.end();
    }
    await fixture?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows DataJoint diagnostics in the Problems panel for the fixture pipeline', async () => {
    await wb.openFile('pipeline014.py');
    await wb.command('View: Focus Problems');
    const problems = page.locator('.markers-panel');
    const text = await until(
      'a DJ code in the Problems panel',
      async () => {
        const t = await problems.innerText();
        return /DJ001/.test(t) ? t : null;
      },
      120_000,
    );
    await wb.screenshot('problems-panel');
    assert.match(text, /DJ001/);
    assert.match(text, /dj\.Schema/);
  });

  it('applies a quick fix and the file on disk changes exactly as expected', async () => {
    const file = path.join(workspace, 'pipeline014.py');
    const before = fs.readFileSync(file, 'utf8');
    const lines = before.split('\n');
    const lineNo = lines.findIndex((l) => /\bdj\.schema\(/.test(l));
    assert.ok(lineNo >= 0, 'the fixture has a dj.schema( call');
    const col = lines[lineNo].indexOf('dj.schema(') + 4;
    const expected = [
      ...lines.slice(0, lineNo),
      lines[lineNo].replace('dj.schema(', 'dj.Schema('),
      ...lines.slice(lineNo + 1),
    ].join('\n');
    await wb.goTo(lineNo + 1, col);
    await wb.command('Quick Fix...');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: /DJ001/ }).first();
    await item.waitFor({ state: 'visible' });
    await wb.screenshot('quick-fix-menu');
    await item.click();
    await page.keyboard.press('Control+S');
    const after = await until(
      'the fixed file on disk',
      async () => {
        const t = fs.readFileSync(file, 'utf8');
        return t !== before ? t : null;
      },
      30_000,
    );
    await wb.screenshot('after-quick-fix');
    assert.equal(after, expected);
  });

  it('offers "Add connection" in the empty explorer and adds one, password into secret storage', async () => {
    await wb.showDataJoint();
    const welcome = page.locator('.pane:has(.pane-header:has-text("Schema Explorer")) .welcome-view-content');
    await welcome.waitFor({ state: 'visible' });
    assert.match(await welcome.innerText(), /No DataJoint database connections yet/);
    await wb.screenshot('welcome-view');
    await welcome.locator('.monaco-button', { hasText: 'Add connection' }).first().click();
    await wb.answer('e2e mariadb', /1\/7/);
    await wb.pick('MySQL / MariaDB');
    await wb.answer('127.0.0.1', /2\/7/);
    await wb.answer(String(testServer.port), /3\/7/);
    await wb.answer(user, /4\/7/);
    await wb.pick('No TLS');
    await wb.pick(/Use the datajoint\.storesFile setting/);
    await wb.quickInput().waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /7\/7/ }).waitFor({ state: 'visible' });
    assert.equal(
      await page.locator('.quick-input-widget input[type="password"]').count(),
      1,
      'the password box masks what is typed',
    );
    await wb.quickInput().fill(password);
    await wb.screenshot('password-box');
    await wb.quickInput().press('Enter');
    const settings = await until('the connection in workspace settings', async () => {
      const s = JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      return Array.isArray(s['datajoint.connections']) && s['datajoint.connections'].length ? s : null;
    });
    assert.deepEqual((settings['datajoint.connections'] as Record<string, unknown>[])[0], {
      name: 'e2e mariadb',
      host: '127.0.0.1',
      port: testServer.port,
      user,
      tls: false,
      id: 'e2e-mariadb',
    });
  });

  it('expands the explorer down to a column and shows int unsigned → int64', async () => {
    await wb.showDataJoint();
    const conn = wb.treeRow('Schema Explorer', 'e2e mariadb');
    await wb.expand(conn);
    const schema = wb.treeRow('Schema Explorer', new RegExp(`^\\s*${lab}`));
    await schema.waitFor({ state: 'visible' });
    assert.match(await schema.innerText(), /0\.14\.6/);
    await wb.expand(schema);
    const subject = wb.treeRow('Schema Explorer', /Subject\s*Manual/);
    await wb.expand(subject);
    const column = wb.treeRow('Schema Explorer', /subject_id/);
    await column.waitFor({ state: 'visible' });
    const text = await column.innerText();
    await wb.screenshot('explorer-column');
    assert.match(text, /int unsigned → int64/);
  });

  async function report(): Promise<{
    outcome: string;
    differences: number;
    text: string;
    body: ReturnType<Workbench['webviewBody']>;
  }> {
    const body = wb.webviewBody();
    await body.waitFor({ state: 'attached', timeout: 120_000 });
    return {
      outcome: (await body.getAttribute('data-outcome')) ?? '',
      differences: Number(await body.getAttribute('data-differences')),
      text: await body.innerText(),
      body,
    };
  }

  async function closeEditors(): Promise<void> {
    await wb.command('View: Close All Editors');
  }

  it('creates the parallel schema from the context menu after showing the plan', async () => {
    await closeEditors();
    const schema = wb.treeRow('Schema Explorer', new RegExp(`^\\s*${lab}`));
    await wb.contextMenu(schema, 'Create Parallel Schema');
    const message = await until('the confirmation dialog', async () =>
      (await page.locator('.monaco-dialog-box').isVisible()) ? page.locator('.monaco-dialog-box').innerText() : null,
    );
    const planText = await wb.editorText();
    await wb.screenshot('create-parallel-plan');
    assert.match(planText, /CREATE DATABASE IF NOT EXISTS/);
    assert.match(message, new RegExp(`${lab}_v2`));
    await wb.dialogButton('Run');
    const r = await until(
      'the create-parallel report',
      async () => {
        const x = await report();
        return /Create Parallel Schema/.test(x.text) ? x : null;
      },
      120_000,
    );
    await wb.screenshot('create-parallel-report');
    assert.equal(r.outcome, 'ok', r.text);
    const conn = await mysql.createConnection(testServer);
    try {
      const [rows] = await conn.query(
        'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
        [`${lab}_v2`],
      );
      const [src] = await conn.query(
        "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE '~%' ORDER BY 1",
        [lab],
      );
      const created = (rows as { t: string }[]).map((r) => r.t);
      for (const { t } of src as { t: string }[]) assert.ok(created.includes(t), `${lab}_v2.${t} was created`);
    } finally {
      await conn.end();
    }
  });

  it('copies the schema and compares it: 0 differences with the fixture row counts', async () => {
    await closeEditors();
    const schema = wb.treeRow('Schema Explorer', new RegExp(`^\\s*${lab}`));
    await wb.contextMenu(schema, 'Copy Data');
    await wb.pick(/^Schema/);
    await wb.answer('', /restriction/);
    await page.locator('.monaco-dialog-box').waitFor({ state: 'visible' });
    await wb.screenshot('copy-plan');
    await wb.dialogButton('Run');
    const copied = await until(
      'the copy report',
      async () => {
        const x = await report();
        return /Copy Data/.test(x.text) ? x : null;
      },
      180_000,
    );
    await wb.screenshot('copy-report');
    assert.equal(copied.outcome, 'ok', copied.text);

    await closeEditors();
    await wb.contextMenu(wb.treeRow('Schema Explorer', new RegExp(`^\\s*${lab}`)), 'Compare');
    const compared = await until(
      'the compare report',
      async () => {
        const x = await report();
        return /Compare/.test(x.text) ? x : null;
      },
      180_000,
    );
    await wb.screenshot('compare-report');
    assert.equal(compared.outcome, 'ok', compared.text);
    assert.equal(compared.differences, 0);
    assert.match(compared.text, /0 differences/);
    const conn = await mysql.createConnection(testServer);
    try {
      const [tables] = await conn.query(
        "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE '~%'",
        [lab],
      );
      for (const { t } of tables as { t: string }[]) {
        const [[{ n }]] = (await conn.query(`SELECT COUNT(*) AS n FROM \`${lab}\`.\`${t}\``)) as unknown as [
          [{ n: number }],
        ];
        const row = compared.body.locator('table.tables tr', { hasText: `${lab}.${t}` }).first();
        const cells = await row.locator('td').allInnerTexts();
        assert.ok(cells.length > 3, `the report has a row for ${lab}.${t}`);
        assert.equal(
          Number(cells[3].replace(/,/g, '')),
          Number(n),
          `${t}: production rows in the report = COUNT(*) of the fixture`,
        );
        assert.equal(cells[cells.length - 1], '0', `${t}: 0 differences`);
      }
    } finally {
      await conn.end();
    }
  });

  it('verifies 2.x readiness of the parallel schema', async () => {
    await closeEditors();
    await wb.contextMenu(wb.treeRow('Schema Explorer', new RegExp(`^\\s*${lab}`)), 'Verify 2.x Readiness');
    const r = await until(
      'the verify report',
      async () => {
        const x = await report();
        return /Verify 2\.x Readiness/.test(x.text) ? x : null;
      },
      120_000,
    );
    await wb.screenshot('verify-report');
    assert.equal(r.outcome, 'ok', r.text);
  });

  it('cancels a copy that is waiting on the server, then resumes it: ephys with its in-store columns compares equal', async () => {
    const ephys = fixture!.schemas[1];
    await closeEditors();
    await wb.showDataJoint();
    const ephysRow = () => wb.treeRow('Schema Explorer', new RegExp(`^\\s*${ephys}`));
    await wb.contextMenu(ephysRow(), 'Create Parallel Schema');
    await wb.dialogButton('Run');
    await until(
      'the ephys create report',
      async () => {
        const x = await report();
        return /Create Parallel Schema/.test(x.text) && x.text.includes(`${ephys}.session`) && x.outcome === 'ok'
          ? x
          : null;
      },
      120_000,
    );
    await closeEditors();
    // Another session holds a target table, as a busy server would: the copy waits on it.
    const locker = await mysql.createConnection(testServer);
    try {
      await wb.contextMenu(ephysRow(), 'Copy Data');
      await wb.pick(/^Schema/);
      await wb.answer('', /restriction/);
      await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 60_000 });
      // Taken after planning (the dry run reads the target too), before the run.
      await locker.query(`LOCK TABLES \`${ephys}_v2\`.\`session\` WRITE`);
      await wb.dialogButton('Run');
      const cancel = page
        .locator('.notifications-toasts .notification-toast', { hasText: 'Copy Data' })
        .locator('.monaco-button', { hasText: 'Cancel' })
        .first();
      await cancel.waitFor({ state: 'visible' });
      await wb.screenshot('copy-running-cancel');
      await cancel.click();
      const cancelled = await until(
        'the cancelled copy report',
        async () => {
          const x = await report();
          return /Copy Data/.test(x.text) && x.text.includes(ephys) ? x : null;
        },
        60_000,
      );
      await wb.screenshot('copy-cancelled-report');
      assert.equal(cancelled.outcome, 'cancelled', cancelled.text);
      assert.match(cancelled.text, /run again to resume/);
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => undefined);
      await locker.end();
    }
    await closeEditors();
    await wb.contextMenu(ephysRow(), 'Copy Data');
    await wb.pick(/^Schema/);
    await wb.answer('', /restriction/);
    await wb.dialogButton('Run');
    const resumed = await until(
      'the resumed copy report',
      async () => {
        const x = await report();
        return /Copy Data/.test(x.text) && x.text.includes(ephys) && x.outcome !== 'cancelled' ? x : null;
      },
      180_000,
    );
    await wb.screenshot('copy-resumed-report');
    assert.equal(resumed.outcome, 'ok', resumed.text);
    await closeEditors();
    await wb.contextMenu(ephysRow(), 'Compare');
    const compared = await until(
      'the ephys compare report',
      async () => {
        const x = await report();
        return /Compare/.test(x.text) && x.text.includes(`${ephys}.session`) ? x : null;
      },
      180_000,
    );
    await wb.screenshot('compare-ephys-report');
    assert.equal(compared.outcome, 'ok', compared.text);
    assert.equal(compared.differences, 0);
  });

  /**
   * The accessible label of one of the lab schema's step rows in the Migration view (empty while there is
   * none). Finished steps are folded into one "n steps done" row, which is expanded to read them.
   */
  async function stepLabel(title: string): Promise<string> {
    const pane = '.pane:has(.pane-header:has-text("Migration"))';
    const step = page.locator(`${pane} .monaco-list-row[aria-label^="${lab}: ${title}:"]`).first();
    if (!(await step.count())) {
      const finished = page.locator(`${pane} .monaco-list-row[aria-label^="${lab}: finished steps:"]`).first();
      if ((await finished.count()) && (await finished.getAttribute('aria-expanded')) !== 'true') await finished.click();
    }
    return (await step.count()) ? ((await step.getAttribute('aria-label')) ?? '') : '';
  }

  it('shows each step of the schema with its last result in the Migration view', async () => {
    await closeEditors();
    await wb.showDataJoint();
    await page.locator('.pane-header', { hasText: 'Schema Explorer' }).first().click();
    const migrationHeader = page.locator('.pane-header', { hasText: 'Migration' }).first();
    if ((await migrationHeader.getAttribute('aria-expanded')) !== 'true') await migrationHeader.click();
    const row = (text: RegExp) => wb.treeRow('Migration', text);
    const schemaRow = row(new RegExp(`^\\s*${lab}(?!_v2)`));
    await until('the Migration view lists the schema with its next step', async () =>
      /next: Migrate code/.test(await schemaRow.innerText()),
    );
    await wb.expand(schemaRow);
    const stepText = stepLabel;
    // The finished steps are folded into one row that names them.
    const finished = page
      .locator(`.pane:has(.pane-header:has-text("Migration")) .monaco-list-row[aria-label^="${lab}: finished steps:"]`)
      .first();
    await until('the finished steps folded into one row', async () =>
      /\d+ steps done.*Parallel schema created, Data copied.*Compared/.test(
        (await finished.getAttribute('aria-label')) ?? '',
      ),
    );
    assert.equal(
      await page
        .locator(`.pane:has(.pane-header:has-text("Migration")) .monaco-list-row[aria-label^="${lab}: Compared:"]`)
        .count(),
      0,
      'a finished step is not listed beside the ones still to do until its row is expanded',
    );
    await until('the compare step shows its result', async () => /0 differences/.test(await stepText('Compared')));
    assert.match(await stepText('Parallel schema created'), /Declared 3 tables, 0 differences/);
    assert.match(await stepText('Data copied'), /Copied 3 tables, 0 differences/);
    assert.match(await stepText('Compared'), /Compared 3 tables, 0 differences/);
    assert.match(await stepText('Verified for 2.x'), /Verified \d+ tables, 0 differences/);
    await wb.screenshot('migration-view');
  });

  it('backs up the lab schema, swaps it (with the schemas whose keys point into it) and rolls the swap back, from the UI', async () => {
    const [, ephys, analysis] = fixture!.schemas;
    const schemaRow = (name: string) => wb.treeRow('Schema Explorer', new RegExp(`^\\s*${name}(?!_)`));
    const sql = await mysql.createConnection(testServer);
    /** table.column → type and comment: tells the 0.14.6 tables from the 2.x ones. */
    const columns = async (schema: string): Promise<Record<string, string>> => {
      const [rows] = await sql.query(
        'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty, COLUMN_COMMENT AS cm FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2',
        [schema],
      );
      return Object.fromEntries(
        (rows as { t: string; c: string; ty: string; cm: string }[]).map((r) => [`${r.t}.${r.c}`, `${r.ty} ${r.cm}`]),
      );
    };
    const tables = async (schema: string): Promise<string[]> => {
      const [rows] = await sql.query(
        'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
        [schema],
      );
      return (rows as { t: string }[]).map((r) => r.t);
    };
    /** Show one of the two views of the DataJoint container, the other collapsed to leave it room. */
    const showView = async (open: 'Schema Explorer' | 'Migration') => {
      await wb.showDataJoint();
      for (const name of ['Schema Explorer', 'Migration'] as const) {
        const header = page.locator('.pane-header', { hasText: name }).first();
        if (((await header.getAttribute('aria-expanded')) === 'true') !== (name === open)) await header.click();
      }
      await until(
        `${open} is open`,
        async () =>
          (await page.locator('.pane-header', { hasText: open }).first().getAttribute('aria-expanded')) === 'true',
        10_000,
        200,
      );
    };
    /**
     * Run a context-menu command on a schema row and wait until it has started (`started` visible). A tree
     * that re-renders while the menu opens (its schemas loading after the pane is shown) can swallow the
     * click; then the menu is opened again.
     */
    const fromMenu = async (name: string, item: string, started: () => ReturnType<Page['locator']>) => {
      for (let attempt = 1; ; attempt++) {
        await wb.contextMenu(schemaRow(name), item);
        try {
          await started().first().waitFor({ state: 'visible', timeout: 20_000 });
          return;
        } catch (e) {
          if (attempt === 3) throw e;
          await wb.screenshot(`menu-retry-${item.replace(/\W+/g, '-')}-${attempt}`);
          await page.keyboard.press('Escape');
        }
      }
    };
    const planning = (title: string) => () =>
      page.locator(
        `.notifications-toasts .notification-toast:has-text("${title}: planning"), .quick-input-widget .quick-input-title:has-text("confirm by name")`,
      );
    try {
      // ephys and analysis have foreign keys into lab, so a swap moves them together: analysis gets its parallel copy too.
      await closeEditors();
      await showView('Schema Explorer');
      const labRow = schemaRow(lab);
      // Collapsed, so the schemas below it are on screen.
      if ((await labRow.getAttribute('aria-expanded')) === 'true') await labRow.click();
      await wb.screenshot('cutover-explorer');
      await fromMenu(analysis, 'Create Parallel Schema', () => page.locator('.monaco-dialog-box'));
      await wb.dialogButton('Run');
      await until(
        'the analysis create report',
        async () => {
          const x = await report();
          return /Create Parallel Schema/.test(x.text) && x.text.includes(`${analysis}.`) && x.outcome === 'ok'
            ? x
            : null;
        },
        120_000,
      );
      await closeEditors();
      await fromMenu(analysis, 'Copy Data', () => page.locator('.quick-input-widget:visible'));
      await wb.pick(/^Schema/);
      await wb.answer('', /restriction/);
      await wb.dialogButton('Run');
      const copied = await until(
        'the analysis copy report',
        async () => {
          const x = await report();
          return /Copy Data/.test(x.text) && x.text.includes(analysis) ? x : null;
        },
        180_000,
      );
      assert.equal(copied.outcome, 'ok', copied.text);

      // Back Up: suffix, where, the plan, Run; the report says the copy is verified.
      await closeEditors();
      await fromMenu(lab, 'Back Up', () =>
        page.locator('.quick-input-widget .quick-input-title', { hasText: /name of the backup schemas/ }),
      );
      await wb.answer('_backup_e2e', /name of the backup schemas/);
      await wb.pick('On the server');
      await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 120_000 });
      const backupPlan = await wb.editorText();
      await wb.screenshot('backup-plan');
      assert.match(backupPlan, new RegExp(`${lab}_backup_e2e`));
      await wb.dialogButton('Run');
      const backedUp = await until(
        'the backup report',
        async () => {
          const x = await report();
          return /Backup/.test(x.text) && x.text.includes(`${lab}_backup_e2e`) ? x : null;
        },
        180_000,
      );
      await wb.screenshot('backup-report');
      assert.equal(backedUp.outcome, 'ok', backedUp.text);
      assert.match(backedUp.text, new RegExp(`backup ${lab}_backup_e2e verified`));
      assert.deepEqual(
        await tables(`${lab}_backup_e2e`),
        await tables(lab),
        'every table of lab, hidden ones included',
      );

      const production = await columns(lab);
      const parallel = await columns(`${lab}_v2`);
      assert.notDeepEqual(production, parallel);

      // Swap: the plan, the names typed, the "writes are frozen" question naming the schemas, the report.
      await closeEditors();
      await fromMenu(lab, 'Swap (Cut Over)', planning('Swap (Cut Over)'));
      await page
        .locator('.quick-input-widget .quick-input-title', { hasText: /confirm by name/ })
        .waitFor({ state: 'visible', timeout: 180_000 });
      const swapPlan = await wb.editorText();
      await wb.screenshot('swap-plan');
      assert.match(swapPlan, new RegExp(`Targets: ${lab}, ${ephys}, ${analysis}`));
      assert.match(swapPlan, /Finalize Schema Names/);
      // The one RENAME TABLE comes after the catch-up copy's statements: find it in the plan.
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+F');
      await page.keyboard.type('RENAME TABLE');
      await page.keyboard.press('Enter');
      const planEnd = await until(
        'the RENAME in the plan',
        async () => {
          const t = await wb.editorText();
          return /RENAME TABLE/.test(t) ? t : null;
        },
        10_000,
        200,
      );
      await wb.screenshot('swap-plan-rename');
      assert.match(planEnd, new RegExp(`\`${lab}\`\\.\`\\w+\` TO \`${lab}_old\``));
      await wb.answer(`${lab}, ${ephys}, ${analysis}`, /confirm by name/);
      await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 60_000 });
      await wb.screenshot('swap-freeze-question');
      const frozen = await wb.dialogButton('Writes are frozen: Swap');
      for (const s of [lab, ephys, analysis]) assert.ok(frozen.includes(s), `the question names ${s}: ${frozen}`);
      const swapped = await until(
        'the swap report',
        async () => {
          const x = await report();
          return /Swap \(Cut Over\)/.test(x.text) ? x : null;
        },
        300_000,
      );
      await wb.screenshot('swap-report');
      assert.equal(swapped.outcome, 'ok', swapped.text);
      assert.match(swapped.text, new RegExp(`Swapped ${lab}, ${ephys}, ${analysis}: \\d+ tables moved in one RENAME`));
      assert.match(swapped.text, /Swap and Finalize Schema Names go together/);
      const finalize = page.locator('.notifications-toasts .notification-toast', { hasText: 'Finalize Schema Names' });
      await finalize.first().waitFor({ state: 'visible' });
      assert.equal(
        await finalize.locator('.monaco-button', { hasText: 'Finalize Schema Names' }).count(),
        1,
        'the notification offers Finalize Schema Names',
      );
      assert.deepEqual(await columns(`${lab}_old`), production, `${lab}_old holds the 0.14.6 tables`);
      assert.deepEqual(await columns(lab), parallel, `${lab} now holds the 2.x tables`);
      assert.deepEqual(await tables(`${lab}_v2`), []);

      // The Migration view shows the cut-over step swapped.
      await closeEditors();
      await showView('Migration');
      const labMigration = wb.treeRow('Migration', new RegExp(`^\\s*${lab}(?!_)`));
      await labMigration.waitFor({ state: 'visible', timeout: 60_000 });
      if ((await labMigration.getAttribute('aria-expanded')) !== 'true') await wb.expand(labMigration);
      await until(
        'the cut-over step shows swapped',
        async () => /: swapped: 2\.x tables in/.test(await stepLabel('Cut over')),
        60_000,
      );
      await wb.screenshot('migration-view-swapped');

      // Unswap: names typed, the question answered, everything back where it was.
      await closeEditors();
      await showView('Schema Explorer');
      await fromMenu(lab, 'Unswap (Roll Back)', planning('Unswap (Roll Back)'));
      await page
        .locator('.quick-input-widget .quick-input-title', { hasText: /confirm by name/ })
        .waitFor({ state: 'visible', timeout: 180_000 });
      await wb.screenshot('unswap-plan');
      await wb.answer(`${lab}, ${ephys}, ${analysis}`, /confirm by name/);
      await wb.dialogButton('Writes are frozen: Roll Back');
      const rolledBack = await until(
        'the unswap report',
        async () => {
          const x = await report();
          return /Unswap \(Roll Back\)/.test(x.text) ? x : null;
        },
        300_000,
      );
      await wb.screenshot('unswap-report');
      assert.equal(rolledBack.outcome, 'ok', rolledBack.text);
      assert.match(rolledBack.text, /Rolled back/);
      assert.deepEqual(await columns(lab), production, `${lab} holds the 0.14.6 tables again`);
      assert.deepEqual(await columns(`${lab}_v2`), parallel, `${lab}_v2 holds the 2.x tables again`);
      assert.deepEqual(await tables(`${lab}_old`), []);
      await closeEditors();
      await showView('Migration');
      await until(
        'the cut-over step shows not swapped',
        async () => /: not swapped \(rolled back\)/.test(await stepLabel('Cut over')),
        60_000,
      );
      await wb.screenshot('migration-view-rolled-back');
    } finally {
      await sql.end();
      // The next steps read the Migration view.
      await showView('Migration').catch(() => undefined);
    }
  });

  it('migrates the workspace code through the refactor preview', async () => {
    await closeEditors();
    const file = path.join(workspace, 'pipeline014.py');
    const before = fs.readFileSync(file, 'utf8');
    assert.match(before, /dj\.schema\(/, 'calls the quick fix did not touch are still there');
    await wb.command('DataJoint: Migrate Workspace Code');
    const preview = page.locator('.pane:has(.pane-header:has-text("Refactor Preview"))').first();
    await preview.waitFor({ state: 'visible', timeout: 120_000 });
    await until('the preview lists the file', async () => /pipeline014\.py/.test(await preview.innerText()));
    // Changes that need confirmation start unticked: the person reviews and ticks them.
    const fileBox = preview
      .locator('.monaco-list-row', { hasText: 'pipeline014.py' })
      .first()
      .locator('.monaco-checkbox, .monaco-custom-toggle')
      .first();
    await fileBox.click();
    await until('the file is ticked', async () => (await fileBox.getAttribute('aria-checked')) === 'true', 10_000, 200);
    await wb.screenshot('refactor-preview');
    await preview.locator('.monaco-button', { hasText: 'Apply' }).first().click();
    await wb.command('File: Save All Files');
    const after = await until(
      'the migrated file on disk',
      async () => {
        const t = fs.readFileSync(file, 'utf8');
        return t !== before ? t : null;
      },
      60_000,
    );
    assert.doesNotMatch(after, /dj\.schema\(/, 'every dj.schema( became dj.Schema(');
    assert.equal((after.match(/dj\.Schema\(/g) ?? []).length, (before.match(/dj\.(schema|Schema)\(/g) ?? []).length);
    await wb.showDataJoint();
    await until('the code step is done', async () =>
      /fixes in \d+ files applied/.test(await stepLabel('Code migrated')),
    );
    await wb.screenshot('code-step-done');
  });

  it('offers the walkthrough of the published phases', async () => {
    await closeEditors();
    await wb.command('Welcome: Open Walkthrough...');
    await wb.pick(/Migrate a DataJoint 0\.14\.6 pipeline/);
    const steps = page.locator('.gettingStartedContainer');
    await steps.waitFor({ state: 'visible' });
    const text = await until('the walkthrough steps', async () => {
      const t = await steps.innerText();
      return /Pin and branch/.test(t) && /Verify and cut over/.test(t) ? t : null;
    });
    for (const title of [
      'Pin and branch',
      'Migrate the code',
      'Connect to the database',
      'Copy and compare the data',
      'Verify and cut over',
    ])
      assert.match(text, new RegExp(title));
    await wb.screenshot('walkthrough');
  });

  it('never shows or stores the password: settings, logs, history, Output channel', async () => {
    await wb.command('DataJoint: Show Output (SQL log)');
    const output = page.locator('.output-view .view-lines, .panel .view-lines').last();
    const shown = await until('SQL in the Output channel', async () => {
      const t = await output.innerText();
      return /SELECT|CREATE/.test(t) ? t : null;
    });
    await wb.screenshot('output-channel');
    assert.ok(!shown.includes(password), 'the Output channel does not show the password');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && fs.statSync(p).size < 20_000_000) files.push(p);
      }
    };
    walk(path.join(tmp, 'ud'));
    walk(workspace);
    const logs = files.filter((f) => /DataJoint Migrate/.test(path.basename(f)));
    assert.ok(logs.length > 0, 'the Output channel is persisted in the logs folder');
    assert.ok(
      logs.some((f) => /CREATE TABLE/.test(fs.readFileSync(f, 'utf8'))),
      'the Output channel logged the SQL statements',
    );
    for (const f of files)
      assert.ok(
        !fs.readFileSync(f).includes(Buffer.from(password)),
        `the password does not appear in ${path.relative(tmp, f)}`,
      );
    assert.ok(!(server?.log() ?? '').includes(password), 'code-server output does not contain the password');
  });
});

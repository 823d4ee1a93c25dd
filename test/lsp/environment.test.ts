// The language server indexes the site-packages the client sends (the interpreter selected in the Python
// extension): at start (initializationOptions) and when the interpreter changes (a notification).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import cp from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { SITE_PACKAGES_NOTIFICATION } from '../../server/src/index/sitePackages';
import { repoRoot } from '../helpers/paths';

const site = path.join(repoRoot, 'test', 'rules', 'workspace', 'installed', 'site-packages');
const SOURCE = 'import datajoint as dj\nfrom element_demo.subject import Subject\n\nkeys = Subject.fetch("KEY")\n';

/** A language server over a one-file workspace, initialised with `sitePackages` as the client would send them. */
async function startServer(source: string, sitePackages: string[]) {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'djlsp-env-'));
  fs.writeFileSync(path.join(workspace, 'analysis.py'), source);
  const server = path.join(repoRoot, 'dist', 'server.js');
  assert.ok(fs.existsSync(server), 'build first: npm run build');
  const child = cp.fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const state = { refreshes: 0 };
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => {
    state.refreshes++;
    return null;
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  const waitForRefresh = async (after: number) => {
    for (let i = 0; i < 200 && state.refreshes <= after; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(state.refreshes > after, 'the server re-indexed');
  };
  const uri = pathToFileURL(path.join(workspace, 'analysis.py')).href;
  const close = () => {
    conn.dispose();
    child.kill();
    fs.rmSync(workspace, { recursive: true, force: true });
  };
  try {
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      initializationOptions: { sitePackages },
      capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true } } },
    });
    conn.sendNotification('initialized', {});
    await waitForRefresh(0);
    conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: source },
    });
  } catch (e) {
    close();
    throw e;
  }
  return { conn, uri, state, waitForRefresh, close };
}

test('installed tables resolve with the client-sent site-packages, and stop resolving when the interpreter changes', async () => {
  const { conn, uri, state, waitForRefresh, close } = await startServer(SOURCE, [site]);
  try {
    const dj020 = async () => {
      const r = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as {
        items: Array<{ code: string; severity: number }>;
      };
      return r.items.filter((d) => d.code === 'DJ020').map((d) => d.severity);
    };
    assert.deepEqual(await dj020(), [2], 'a warning: Subject is an installed table');
    const seen = state.refreshes;
    conn.sendNotification(SITE_PACKAGES_NOTIFICATION, { sitePackages: [] });
    await waitForRefresh(seen);
    assert.deepEqual(await dj020(), [4], 'a hint: without the environment Subject is unresolved');
  } finally {
    close();
  }
});

test('DJ019 (pull diagnostics): an import of an installed package declaring bare longblob is a warning', async () => {
  const depSite = path.join(repoRoot, 'test', 'rules', 'workspace', 'dependency_longblob', 'site-packages');
  const source = 'from element_rawdata import ephys\n\nrows = ephys.Recording.fetch("KEY")\n';
  const { conn, uri, close } = await startServer(source, [depSite]);
  try {
    const r = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as {
      items: Array<{
        code: string;
        severity: number;
        message: string;
        range: { start: { line: number; character: number } };
      }>;
    };
    const dep = r.items.filter((d) => d.code === 'DJ019');
    assert.equal(dep.length, 1, JSON.stringify(r.items));
    assert.equal(dep[0].severity, 2, 'a warning');
    assert.deepEqual(dep[0].range.start, { line: 0, character: 5 });
    assert.match(dep[0].message, /element-rawdata 0\.3\.1 is not 2\.x-ready: 3 bare longblob\/blob attribute\(s\)/);
    assert.match(dep[0].message, /Upgrade it to a release made for DataJoint 2\.x, or hold the migration/);
    assert.ok(
      r.items.some((d) => d.code === 'DJ020' && d.severity === 2),
      'calls on the installed tables resolve',
    );
    const report = (await conn.sendRequest('workspace/executeCommand', {
      command: 'datajoint.migrationReport',
      arguments: [],
    })) as string;
    assert.match(
      report,
      /## Dependencies[\s\S]*\| element-rawdata \| 0\.3\.1 \| 3 \| 0 \| 0 \| 0 \| analysis\.py:1:6 \|/,
    );
  } finally {
    close();
  }
});

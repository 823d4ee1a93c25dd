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

test('installed tables resolve with the client-sent site-packages, and stop resolving when the interpreter changes', async () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'djlsp-env-'));
  fs.writeFileSync(path.join(workspace, 'analysis.py'), SOURCE);
  const server = path.join(repoRoot, 'dist', 'server.js');
  assert.ok(fs.existsSync(server), 'build first: npm run build');
  const child = cp.fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  let refreshes = 0;
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => {
    refreshes++;
    return null;
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  const waitForRefresh = async (after: number) => {
    for (let i = 0; i < 200 && refreshes <= after; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes > after, 'the server re-indexed');
  };
  try {
    const uri = pathToFileURL(path.join(workspace, 'analysis.py')).href;
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      initializationOptions: { sitePackages: [site] },
      capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true } } },
    });
    conn.sendNotification('initialized', {});
    await waitForRefresh(0);
    conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: SOURCE },
    });
    const dj020 = async () => {
      const r = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as {
        items: Array<{ code: string; severity: number }>;
      };
      return r.items.filter((d) => d.code === 'DJ020').map((d) => d.severity);
    };
    assert.deepEqual(await dj020(), [2], 'a warning: Subject is an installed table');
    const seen = refreshes;
    conn.sendNotification(SITE_PACKAGES_NOTIFICATION, { sitePackages: [] });
    await waitForRefresh(seen);
    assert.deepEqual(await dj020(), [4], 'a hint: without the environment Subject is unresolved');
  } finally {
    conn.dispose();
    child.kill();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});

// Runs inside the VS Code extension host (loaded by @vscode/test-electron through extensionTestsPath).
// A small sequential runner: each step asserts on what VS Code reports, polling rather than sleeping.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { DataJointApi } from '../../../client/src/extension';
import type { ExplorerNode } from '../../../client/src/ui/explorer';

async function until<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set by the runner`);
  return v;
};

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'datajoint-migrate');
  assert.ok(ext, 'the extension is loaded');
  const api = (await ext.activate()) as DataJointApi;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'a workspace is open');
  const schema = env('DJM_TEST_SCHEMA');

  // 1. Diagnostics and a quick fix.
  const uri = vscode.Uri.joinPath(folder, 'pipeline014.py');
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const dj001 = await until('a DJ001 diagnostic', () =>
    vscode.languages
      .getDiagnostics(uri)
      .find((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'DJ001'),
  );
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    dj001.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const fix = actions.find((a) => a.title.includes('DJ001'));
  assert.ok(fix, `a DJ001 quick fix among: ${actions.map((a) => a.title).join(' | ')}`);
  const resolved = fix.edit
    ? fix
    : (
        await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          uri,
          dj001.range,
          vscode.CodeActionKind.QuickFix.value,
          1,
        )
      ).find((a) => a.title === fix.title)!;
  const line = dj001.range.start.line;
  const before = doc.lineAt(line).text;
  assert.ok(resolved.edit && (await vscode.workspace.applyEdit(resolved.edit)), 'the quick fix applies');
  assert.equal(doc.lineAt(line).text, before.replace('dj.schema(', 'dj.Schema('));

  // 2. A connection (password through the API, as the InputBox flow would store it).
  await vscode.workspace
    .getConfiguration()
    .update('datajoint.storesFile', env('DJM_TEST_STORES'), vscode.ConfigurationTarget.Workspace);
  await vscode.workspace.getConfiguration().update(
    'datajoint.connections',
    [
      {
        id: 'test',
        name: 'test',
        host: env('DJM_TEST_HOST'),
        port: Number(env('DJM_TEST_PORT')),
        user: env('DJM_TEST_USER'),
        tls: false,
      },
    ],
    vscode.ConfigurationTarget.Workspace,
  );
  await api.connections.setPassword('test', env('DJM_TEST_PASS'));

  // 3. Explorer down to a column.
  const roots = await api.explorer.getChildren();
  const conn = roots.find((n) => n.kind === 'connection');
  assert.ok(conn);
  const schemas = await api.explorer.getChildren(conn);
  const schemaNode = schemas.find((n) => n.kind === 'schema' && n.schema.name === schema);
  assert.ok(schemaNode, `schema ${schema} listed`);
  const tables = await api.explorer.getChildren(schemaNode);
  const subject = tables.find((n) => n.kind === 'table' && n.table.name === 'subject') as ExplorerNode;
  const columns = await api.explorer.getChildren(subject);
  const id = columns.find((n) => n.kind === 'column' && n.column.name === 'subject_id')!;
  assert.match(String(api.explorer.getTreeItem(id).description), /^int unsigned → int64/);

  // 4. Create, copy, compare, verify — confirmed by the caller.
  for (const command of [
    'datajoint.db.createParallel',
    'datajoint.db.copy',
    'datajoint.db.compare',
    'datajoint.db.verify',
  ]) {
    const report = (await vscode.commands.executeCommand(command, { connectionId: 'test', schema, yes: true })) as
      | { outcome: string; tables: { differenceCount: number }[] }
      | undefined;
    assert.ok(report, `${command} returned a report`);
    assert.equal(report.outcome, 'ok', `${command}: ${JSON.stringify(report)}`);
    if (command === 'datajoint.db.compare')
      assert.equal(
        report.tables.reduce((n, t) => n + t.differenceCount, 0),
        0,
      );
  }

  // 5. The password is nowhere in the workspace settings.
  const settings = fs.readFileSync(vscode.Uri.joinPath(folder, '.vscode', 'settings.json').fsPath, 'utf8');
  if (env('DJM_TEST_PASS')) assert.ok(!settings.includes(env('DJM_TEST_PASS')));
}

// Code commands: migrate, report and fix the workspace code through the language server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { newReportId, type OperationKind, type OperationReport } from './report';
import { openReportDocument } from './reports';
import { workspaceRoot, type CommandDeps } from './commandTypes';

// ---------------------------------------------------------------------------------------------------
// Code operations (through the language server)
// ---------------------------------------------------------------------------------------------------

function requireClient(d: CommandDeps): LanguageClient | undefined {
  const client = d.client();
  if (!client?.isRunning())
    void vscode.window.showErrorMessage(
      'The DataJoint language server is not running (see the DataJoint Language Server output).',
    );
  return client?.isRunning() ? client : undefined;
}

function codeReport(
  kind: OperationKind,
  title: string,
  startedAt: string,
  files: string[],
  summary: string,
  outcome: OperationReport['outcome'],
): OperationReport {
  return {
    id: newReportId(kind),
    kind,
    title,
    where: vscode.workspace.name ?? workspaceRoot(),
    targets: files.length ? files : ['workspace'],
    startedAt,
    finishedAt: new Date().toISOString(),
    outcome,
    summary,
    tables: [],
    notes: files.map((f) => `changed ${f}`),
    statements: 0,
  };
}

/**
 * Migrate Workspace Code, or with `finalize` Finalize Schema Names (after a swap: the parallel-schema
 * suffix removed from dj.Schema names), through the language server and the refactor preview.
 */
export async function migrateWorkspaceCode(d: CommandDeps, finalize = false): Promise<void> {
  const client = requireClient(d);
  if (!client) return;
  const startedAt = new Date().toISOString();
  // The server computes every safe fix and sends one WorkspaceEdit whose change annotations need
  // confirmation, so VS Code opens the refactor preview before anything is written.
  const result = (await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: finalize
        ? 'DataJoint: finding the suffixed schema names…'
        : 'DataJoint: computing the workspace migration…',
    },
    () =>
      client.sendRequest(ExecuteCommandRequest.type, {
        command: finalize ? 'datajoint.finalizeSchemaNames' : 'datajoint.migrateWorkspace',
        arguments: [],
      }),
  )) as { files?: number; fixes?: number; applied?: boolean; failureReason?: string } | null;
  if (!result?.files) {
    void vscode.window.showInformationMessage(
      finalize
        ? 'Nothing to finalize: no dj.Schema name in this workspace carries the parallel-schema suffix.'
        : 'Nothing to migrate: no safe DataJoint fix applies in this workspace. The Problems panel lists what needs a human.',
    );
    return;
  }
  const summary = result.applied
    ? `${result.fixes} fixes in ${result.files} files applied`
    : `not applied${result.failureReason ? `: ${result.failureReason}` : ''}`;
  d.history.record(
    codeReport(
      'code',
      finalize ? 'Finalize Schema Names' : 'Migrate Workspace Code',
      startedAt,
      [],
      summary,
      result.applied ? 'ok' : 'cancelled',
    ),
  );
}

export async function showCodeReport(d: CommandDeps): Promise<void> {
  const client = requireClient(d);
  if (!client) return;
  const result = await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'datajoint.migrationReport',
    arguments: [],
  });
  const text =
    typeof result === 'string'
      ? result
      : result && typeof result === 'object' && 'markdown' in result
        ? String((result as { markdown: unknown }).markdown)
        : '```json\n' + JSON.stringify(result, null, 2) + '\n```';
  await openReportDocument(workspaceRoot(), 'code-migration', text);
}

/**
 * Config files and dependency pins: the server's `source.fixAll.datajoint` action of each matching
 * file, merged into one edit shown in the refactor preview before anything is written.
 */
export async function fixFilesWithPreview(
  d: CommandDeps,
  kind: OperationKind,
  title: string,
  glob: string,
): Promise<void> {
  if (!requireClient(d)) return;
  const startedAt = new Date().toISOString();
  const files = await vscode.workspace.findFiles(glob, '{**/node_modules/**,**/.venv/**,**/site-packages/**}', 200);
  const merged = new vscode.WorkspaceEdit();
  const changed: string[] = [];
  for (const uri of files) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        range,
        'source.fixAll.datajoint',
        1,
      )) ?? [];
    for (const a of actions) {
      if (!a.edit) continue;
      for (const [u, edits] of a.edit.entries()) {
        for (const e of edits)
          merged.replace(u, e.range, e.newText, {
            label: `${title}: ${path.basename(u.fsPath)}`,
            needsConfirmation: true,
          });
        changed.push(vscode.workspace.asRelativePath(u));
      }
    }
  }
  if (!changed.length) {
    void vscode.window.showInformationMessage(
      `${title}: nothing to change (${files.length} file${files.length === 1 ? '' : 's'} checked).`,
    );
    return;
  }
  const applied = await vscode.workspace.applyEdit(merged, { isRefactoring: true });
  d.history.record(
    codeReport(
      kind,
      title,
      startedAt,
      applied ? [...new Set(changed)] : [],
      applied ? `${new Set(changed).size} files changed` : 'not applied',
      applied ? 'ok' : 'cancelled',
    ),
  );
}

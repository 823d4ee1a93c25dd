// Every command of the extension. Database commands share one flow: choose targets (tree item or
// QuickPick) → dry-run plan in a read-only document → confirmation before any write → run under a
// cancellable progress → record the report in the history → open it.
import { GUIDE_OPTIONS, guideLetters } from '../../../common/src/guideOptions';
import * as vscode from 'vscode';
import type { ConnectionConfig } from './connectionModel';
import { describeConnection, dialectOf } from './connectionModel';
import type { ExplorerNode } from './explorer';
import { OPERATIONS, type OperationId } from './operations';
import { nextStep } from './workflow';
import type { CommandArg, CommandDeps } from './commandTypes';
import { runDbOperation } from './dbCommand';
import { fixFilesWithPreview, migrateWorkspaceCode, showCodeReport } from './codeCommands';
import { registerTrusted } from './trust';

export type { CommandDeps, ProgrammaticTarget } from './commandTypes';

export function registerCommands(d: CommandDeps): void {
  const reg = (id: string, fn: (...args: never[]) => unknown) => d.context.subscriptions.push(registerTrusted(id, fn));

  reg('datajoint.connection.add', () => d.connections.add());
  reg('datajoint.connection.edit', (n?: ExplorerNode) => d.connections.edit(n && 'conn' in n ? n.conn.id : undefined));
  reg('datajoint.connection.remove', (n?: ExplorerNode) =>
    d.connections.remove(n && 'conn' in n ? n.conn.id : undefined),
  );
  reg('datajoint.connection.test', (n?: ExplorerNode) => d.connections.test(n && 'conn' in n ? n.conn : undefined));
  reg('datajoint.connection.import', () => d.connections.importFromWorkspace());
  reg('datajoint.explorer.refresh', (n?: ExplorerNode) => {
    d.explorer.refresh(n && 'conn' in n ? n : undefined);
    d.migration.refresh();
  });
  reg('datajoint.showOutput', () => d.log.show());
  reg('datajoint.table.showDdl', async (n?: ExplorerNode) => {
    if (n?.kind !== 'table') return;
    const ddl = await d.explorer.ddl(n.conn, n.table);
    const pg = dialectOf(n.conn) === 'postgresql';
    await d.plans.open(
      `${n.table.schema}.${n.table.name}`,
      pg
        ? `-- ${n.table.schema}.${n.table.name} on ${describeConnection(n.conn)} (from the PostgreSQL catalogue; enum types shown by their values)\n${ddl}\n`
        : `-- ${n.table.schema}.${n.table.name} on ${describeConnection(n.conn)} (SHOW CREATE TABLE)\n${ddl};\n`,
    );
  });
  reg('datajoint.explorer.revealTable', async (key?: string) => {
    if (!key) return;
    const dot = key.indexOf('.');
    for (const conn of d.connections.list()) {
      const loaded = await d.explorer.load(conn).catch(() => undefined);
      const found = loaded?.schemas
        .flatMap((s) => [s.schema, ...(s.parallel ? [s.parallel] : [])])
        .find((s) => s.name === key.slice(0, dot));
      const table = found?.tables.find((t) => t.name === key.slice(dot + 1));
      if (table)
        return vscode.commands.executeCommand('datajoint.table.showDdl', {
          kind: 'table',
          conn,
          table,
          role: 'production',
          state: { state: 'target' },
        });
    }
    void vscode.window.showWarningMessage(`Table ${key} is not among the loaded schemas; refresh the explorer.`);
  });

  const db = (kind: OperationId) => (arg?: CommandArg) => runDbOperation(d, OPERATIONS[kind], arg);
  reg('datajoint.db.preflight', db('preflight'));
  reg('datajoint.db.createParallel', db('create-parallel'));
  reg('datajoint.db.copy', db('copy'));
  reg('datajoint.db.migratePointers', db('pointers'));
  reg('datajoint.db.compare', db('compare'));
  reg('datajoint.db.verify', db('verify'));
  reg('datajoint.db.backup', db('backup'));
  reg('datajoint.db.restore', db('restore'));
  reg('datajoint.db.swap', db('swap'));
  reg('datajoint.db.unswap', db('unswap'));
  reg('datajoint.db.retire', db('retire'));
  reg('datajoint.db.migrateInPlace', db('in-place'));
  // The cut-over choices in one place (the walkthrough and the palette lead here).
  reg('datajoint.db.cutOver', async (arg?: CommandArg) => {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Back Up', description: 'a verified copy on the server first', command: 'datajoint.db.backup' },
        {
          label: 'Swap (Cut Over)',
          description: `${GUIDE_OPTIONS.swap.name}: the 2.x tables take the production names; then Finalize Schema Names (${guideLetters(GUIDE_OPTIONS.swap)})`,
          command: 'datajoint.db.swap',
        },
        {
          label: 'Keep the parallel names',
          description: `${GUIDE_OPTIONS.keepV2.name}: no database change; the code keeps the suffix (${guideLetters(GUIDE_OPTIONS.keepV2)})`,
          command: '',
        },
        {
          label: 'Migrate In Place',
          description: `${GUIDE_OPTIONS.inPlace.name}: relabel where it is; 0.14.6 clients can no longer read it (${guideLetters(GUIDE_OPTIONS.inPlace)})`,
          command: 'datajoint.db.migrateInPlace',
        },
        { label: 'Unswap (Roll Back)', description: 'undo a swap', command: 'datajoint.db.unswap' },
        {
          label: 'Retire Old Schemas',
          description: 'drop <name>_old after a swap (needs a verified backup)',
          command: 'datajoint.db.retire',
        },
      ],
      { title: 'Cut over: how?', ignoreFocusOut: true },
    );
    if (choice?.command) await vscode.commands.executeCommand(choice.command, arg);
    else if (choice)
      void vscode.window.showInformationMessage(
        'Keeping the parallel names needs no database change and no code change: the migrated code already uses the suffixed schemas. Stop 0.14.6 writers once Compare reports 0 differences and Verify passes.',
      );
  });

  reg(
    'datajoint.migration.runNext',
    async (n?: { kind: string; conn: ConnectionConfig; schema: string; steps: { step: { command: string } }[] }) => {
      if (n?.kind !== 'schema') return;
      const next = nextStep(n.steps as never);
      if (next) await vscode.commands.executeCommand(next.step.command, { connectionId: n.conn.id, schema: n.schema });
    },
  );
  reg('datajoint.migration.openReport', (id?: string) => {
    const report = id ? d.history.report(id) : undefined;
    if (report) d.reports.show(report);
    else void vscode.window.showWarningMessage('That report is no longer stored.');
  });
  reg('datajoint.migration.clearHistory', async () => {
    const ok = await vscode.window.showWarningMessage(
      'Clear the operation history and its reports? The databases are not touched.',
      { modal: true },
      'Clear',
    );
    if (ok === 'Clear') d.history.clear();
  });

  reg('datajoint.code.migrateWorkspace', () => migrateWorkspaceCode(d));
  reg('datajoint.code.finalizeSchemaNames', () => migrateWorkspaceCode(d, true));
  reg('datajoint.code.showReport', () => showCodeReport(d));
  reg('datajoint.code.migrateConfig', () =>
    fixFilesWithPreview(
      d,
      'config',
      'Migrate Config File',
      '**/{dj_local_conf.json,.datajoint_config.json,datajoint.json}',
    ),
  );
  reg('datajoint.code.updatePin', () =>
    fixFilesWithPreview(
      d,
      'pin',
      'Update DataJoint Pin',
      '**/{requirements*.txt,requirements*.in,pyproject.toml,setup.cfg,setup.py,environment*.yml,environment*.yaml}',
    ),
  );
}

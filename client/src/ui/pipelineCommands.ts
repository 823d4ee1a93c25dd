// The Migration view follows pipelines: "Add pipeline…", "Show Only This Pipeline", "Hide Pipeline", and
// the schema selected in the Schema Explorer revealed in the Migration view (its pipeline added if hidden).
import * as vscode from 'vscode';
import { pipelineOf } from '../map/pipeline';
import type { ConnectionConfig } from './connectionModel';
import type { Connections } from './connections';
import type { ExplorerNode } from './explorer';
import type { MigrationNode, MigrationView } from './migrationView';
import type { PipelineChoice } from './pipelineChoice';

export interface PipelineCommandDeps {
  context: vscode.ExtensionContext;
  connections: Connections;
  migration: MigrationView;
  choice: PipelineChoice;
  explorerView: vscode.TreeView<ExplorerNode>;
  migrationView: vscode.TreeView<MigrationNode>;
}

type SchemaArg = { conn: ConnectionConfig; schema: string } | undefined;

export function registerPipelineCommands(d: PipelineCommandDeps): void {
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    d.context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('datajoint.migration.addPipeline', async (n?: { conn?: ConnectionConfig }) => {
    const conn = n?.conn ?? (await d.connections.pick('Add pipeline: which connection?'));
    if (!conn) return;
    const { shown, hidden: candidates } = await d.migration.followed(conn);
    if (!candidates.length) {
      void vscode.window.showInformationMessage(`Every pipeline on ${conn.name} is shown already.`);
      return;
    }
    const picks = await vscode.window.showQuickPick(
      candidates.map((p) => ({ label: p.name, description: p.schemas.join(', ') })),
      { title: 'Add pipeline to the Migration view', canPickMany: true },
    );
    if (picks?.length) await d.choice.set(conn.id, [...shown.map((p) => p.name), ...picks.map((p) => p.label)]);
  });
  reg('datajoint.migration.showOnlyPipeline', async (n?: SchemaArg) => {
    if (!n) return;
    const all = await d.migration.pipelinesOf(n.conn);
    await d.choice.set(n.conn.id, [pipelineOf(all, n.schema).name]);
  });
  reg('datajoint.migration.hidePipeline', async (n?: SchemaArg) => {
    if (!n) return;
    const { all, shown } = await d.migration.followed(n.conn);
    const mine = pipelineOf(all, n.schema).name;
    await d.choice.set(
      n.conn.id,
      shown.map((p) => p.name).filter((x) => x !== mine),
    );
  });

  // Selecting a schema (or one of its tables) in the explorer reveals its workflow in the Migration view.
  d.context.subscriptions.push(
    d.explorerView.onDidChangeSelection(async (e) => {
      const node = e.selection[0];
      if (!node || node.kind === 'error' || node.kind === 'connection') return;
      const schema =
        node.kind === 'schema' ? node.schema.name : node.kind === 'parallel' ? node.production.name : node.table.schema;
      const followed = await d.migration.followed(node.conn).catch(() => undefined);
      if (!followed) return;
      const { all, byDefault, shown } = followed;
      const pipeline = pipelineOf(all, schema);
      if (!all.includes(pipeline)) return; // a parallel schema's table: its production schema is listed instead
      if (!shown.includes(pipeline)) await d.choice.add(node.conn.id, pipeline.name, all, byDefault);
      if (!d.migrationView.visible) return;
      const target = (await d.migration.getChildren()).find(
        (m) => m.kind === 'schema' && m.conn.id === node.conn.id && m.schema === schema,
      );
      if (target)
        await d.migrationView
          .reveal(target, { select: true, focus: false, expand: true })
          .then(undefined, () => undefined);
    }),
  );
}

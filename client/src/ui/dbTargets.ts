// Database commands: which connection, schema and tables an operation runs on, and its cut-over options.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Tier } from '../db/model';
import type { ConnectionConfig } from './connectionModel';
import { tierLabel } from './explorerModel';
import { sourceConnections } from './targetChoice';
import type { Operation, OperationTarget } from './operations';
import { unsignedPolicyNote } from './operations/inplace';
import { defaultBackupSuffix } from '../db/backup';
import { cutOverRole } from './workflow';
import { ON_SWAPPED, setting, workspaceRoot, type CommandArg, type CommandDeps, type Resolved } from './commandTypes';

// ---------------------------------------------------------------------------------------------------
// Database operations
// ---------------------------------------------------------------------------------------------------

export async function resolveTarget(d: CommandDeps, op: Operation, arg: CommandArg): Promise<Resolved | undefined> {
  let conn: ConnectionConfig | undefined;
  let schemas: string[] = [];
  let tables: string[] | undefined;
  let tiers: Tier[] | undefined;
  let table: { schema: string; name: string; tier: Tier } | undefined;
  if (arg && 'kind' in arg && (arg.kind === 'step' || (arg.kind === 'schema' && typeof arg.schema === 'string'))) {
    conn = arg.conn;
    schemas = [arg.schema as string];
  } else if (arg && 'kind' in arg) {
    if (arg.kind === 'error') return undefined;
    conn = arg.conn;
    if (arg.kind === 'schema') schemas = [(arg.schema as { name: string }).name];
    else if (arg.kind === 'parallel') schemas = [arg.production.name];
    else if (arg.kind === 'table' || arg.kind === 'column') {
      const suffix = setting<string>('schemaSuffix', '_v2');
      // A table of a parallel schema stands for its production table.
      const schema =
        arg.role === 'parallel' && suffix && arg.table.schema.endsWith(suffix)
          ? arg.table.schema.slice(0, -suffix.length)
          : arg.table.schema;
      table = { ...arg.table, schema };
      schemas = [schema];
    }
  } else if (arg && 'connectionId' in arg) {
    conn = d.connections.get(arg.connectionId);
    if (!conn) throw new Error(`no connection with id ${arg.connectionId}`);
    schemas = [arg.schema];
    if (arg.yes)
      return {
        conn,
        target: {
          schemas,
          ...(arg.tables ? { tables: arg.tables } : {}),
          ...(arg.restriction ? { restriction: arg.restriction } : {}),
          ...(arg.cutover ? { cutover: arg.cutover } : {}),
        },
      };
  }
  conn ??= await d.connections.pick(`${op.title}: which connection?`, (c) => sourceConnections([c]).length > 0);
  if (!conn) {
    if (!sourceConnections(d.connections.list()).length)
      void vscode.window
        .showInformationMessage('Add a DataJoint connection first.', 'Add Connection')
        .then((a) => a && vscode.commands.executeCommand('datajoint.connection.add'));
    return undefined;
  }
  const loaded = await d.explorer.load(conn);
  const versions = new Map(
    loaded.schemas.flatMap((s) => [
      [s.schema.name, s.schema.version] as const,
      ...(s.parallel ? [[s.parallel.name, s.parallel.version] as const] : []),
    ]),
  );
  const production = loaded.schemas.filter(
    (s) =>
      (s.schema.version === '0.14.6' || s.schema.version === 'mixed') &&
      cutOverRole(s.schema.name, versions) === 'production',
  );
  const swapped = loaded.schemas.filter((s) => cutOverRole(s.schema.name, versions) === 'swapped');
  if (!schemas.length) {
    const choices = ON_SWAPPED.has(op.kind) ? swapped : production;
    if (!choices.length) {
      void vscode.window.showInformationMessage(
        ON_SWAPPED.has(op.kind)
          ? `${op.title}: no swapped schema on ${conn.name} (a swap leaves the 0.14.6 tables in <name>_old).`
          : `${op.title}: no 0.14.6 schema on ${conn.name}.`,
      );
      return undefined;
    }
    const picks = await vscode.window.showQuickPick(
      choices.map((s) => ({
        label: s.schema.name,
        description: ON_SWAPPED.has(op.kind)
          ? `swapped · 0.14.6 tables in ${s.schema.name}_old`
          : s.parallel
            ? `⇄ ${s.parallel.name}`
            : '',
        picked: false,
      })),
      {
        title: `${op.title}: which ${ON_SWAPPED.has(op.kind) ? 'swapped' : '0.14.6'} schemas?`,
        canPickMany: true,
        ignoreFocusOut: true,
      },
    );
    if (!picks?.length) return undefined;
    schemas = picks.map((p) => p.label);
  }
  if (op.kind === 'copy') {
    const scopes = [
      ...(table
        ? [
            { label: `Table ${table.name}`, scope: 'table' as const },
            { label: `${tierLabel(table.tier)} tables of ${table.schema}`, scope: 'tier' as const },
          ]
        : []),
      { label: `Schema${schemas.length > 1 ? 's' : ''} ${schemas.join(', ')}`, scope: 'schema' as const },
      { label: `Pipeline: every 0.14.6 schema on ${conn.name}`, scope: 'pipeline' as const },
    ];
    const scope =
      scopes.length === 1
        ? scopes[0]
        : await vscode.window.showQuickPick(scopes, { title: 'Copy Data: what to copy?', ignoreFocusOut: true });
    if (!scope) return undefined;
    if (scope.scope === 'table' && table) tables = [`${table.schema}.${table.name}`];
    if (scope.scope === 'tier' && table) tiers = [table.tier];
    if (scope.scope === 'pipeline') schemas = production.map((s) => s.schema.name);
    const restriction = await vscode.window.showInputBox({
      title: 'Copy Data: restriction (optional)',
      prompt:
        'Copy only some rows: `table: SQL condition`, e.g. `subject: subject_id < 100`. Their descendants and the rows they reference come along. Leave empty to copy everything.',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() || /^[^:]+:.+$/.test(v) ? undefined : 'Write it as `table: condition`'),
    });
    if (restriction === undefined) return undefined;
    if (restriction.trim()) {
      const i = restriction.indexOf(':');
      return {
        conn,
        target: {
          schemas,
          tables,
          tiers,
          restriction: { table: restriction.slice(0, i).trim(), where: restriction.slice(i + 1).trim() },
        },
      };
    }
  } else if (table) tables = [`${table.schema}.${table.name}`];
  const cutover = await cutOverOptions(d, op, conn, schemas, [...versions.keys()]);
  if (cutover === null) return undefined;
  return {
    conn,
    target: { schemas, ...(tables ? { tables } : {}), ...(tiers ? { tiers } : {}), ...(cutover ? { cutover } : {}) },
  };
}

/** What a cut-over operation needs beyond the schemas (asked; undefined for other operations, null when the user backed out). */
async function cutOverOptions(
  _d: CommandDeps,
  op: Operation,
  conn: ConnectionConfig,
  schemas: string[],
  names: string[],
): Promise<OperationTarget['cutover'] | null | undefined> {
  if (op.kind === 'backup') {
    const suffix = await vscode.window.showInputBox({
      title: 'Back Up: name of the backup schemas',
      prompt: `Each schema is copied to <name><suffix> on ${conn.name} and verified equal.`,
      value: defaultBackupSuffix(),
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^_\w+$/.test(v)
          ? undefined
          : 'A suffix such as _backup_20260101 (letters, digits, underscores; starting with _)',
    });
    if (!suffix) return null;
    const where = await vscode.window.showQuickPick(
      [
        { label: 'On the server', file: false },
        {
          label: 'On the server and to a SQL file…',
          description: 'loadable with the mysql client, so the backup can leave the server',
          file: true,
        },
      ],
      { title: 'Back Up: where?', ignoreFocusOut: true },
    );
    if (!where) return null;
    if (!where.file) return { backupSuffix: suffix };
    const uri = await vscode.window.showSaveDialog({
      title: 'Back Up: SQL file',
      defaultUri: vscode.Uri.file(path.join(workspaceRoot(), `${schemas.join('+')}${suffix}.sql`)),
      filters: { SQL: ['sql'] },
    });
    return uri ? { backupSuffix: suffix, toFile: uri.fsPath } : null;
  }
  if (op.kind === 'restore' || op.kind === 'retire') {
    // The backups that exist for every chosen schema (`<name>_backup_*`; for retire also `<name>_old_backup_*`).
    const suffixes = new Set<string>();
    for (const n of names) {
      for (const s of schemas) {
        for (const base of op.kind === 'retire' ? [s, `${s}_old`] : [s])
          if (n.startsWith(`${base}_backup_`)) suffixes.add(n.slice(base.length));
      }
    }
    const common = [...suffixes]
      .filter((suf) =>
        schemas.every((s) => names.includes(s + suf) || (op.kind === 'retire' && names.includes(`${s}_old${suf}`))),
      )
      .sort()
      .reverse();
    if (op.kind === 'retire') return {};
    if (!common.length) {
      void vscode.window.showWarningMessage(
        `Restore: no backup of ${schemas.join(', ')} found (expected <name>_backup_…); back up first.`,
      );
      return null;
    }
    const pick = await vscode.window.showQuickPick(
      common.map((suf) => ({ label: suf, description: schemas.map((s) => s + suf).join(', ') })),
      { title: 'Restore: from which backup?', ignoreFocusOut: true },
    );
    return pick ? { backupSuffix: pick.label } : null;
  }
  if (op.kind === 'in-place') {
    const config = vscode.workspace.getConfiguration('datajoint.migration');
    const note = unsignedPolicyNote(config.get<string>('unsignedIntegers') ?? 'widen');
    if (note) {
      const answer = await vscode.window.showWarningMessage(
        note,
        { modal: true, detail: 'Migrate In Place keeps numeric column types; the code must declare them as they are.' },
        'Switch to native',
        'Keep the setting',
      );
      if (!answer) return null;
      if (answer === 'Switch to native')
        await config.update('unsignedIntegers', 'native', vscode.ConfigurationTarget.Workspace);
    }
    const backup = await vscode.window.showQuickPick(
      [
        {
          label: `Back up first (${defaultBackupSuffix()})`,
          description: 'recommended: a verified copy on the server before anything changes',
          backup: true,
        },
        {
          label: 'No backup — I have my own',
          description: '0.14.6 clients cannot read the migrated columns; without a backup there is no way back',
          backup: false,
        },
      ],
      { title: `Migrate In Place: ${schemas.join(', ')} — backup?`, ignoreFocusOut: true },
    );
    if (!backup) return null;
    return { backup: backup.backup, backupSuffix: defaultBackupSuffix() };
  }
  return undefined;
}

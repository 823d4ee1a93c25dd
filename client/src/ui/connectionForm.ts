// The Add/Edit Connection InputBox sequence: name, server kind (MySQL/MariaDB or PostgreSQL), host, port,
// database (PostgreSQL), user, TLS, store settings, password. Returns the fields; connections.ts saves them.
import * as vscode from 'vscode';
import {
  type ConnectionConfig,
  DEFAULT_PG_PORT,
  DEFAULT_PORT,
  dialectOf,
  validateDatabase,
  validateHost,
  validateName,
  validatePort,
  validateUser,
} from './connectionModel';

/**
 * The InputBox sequence. Returns undefined when the user escapes. When editing, an empty password
 * box keeps the saved password (`password` undefined).
 */
export async function askConnection(
  list: ConnectionConfig[],
  prefill: (Partial<ConnectionConfig> & { password?: string }) | undefined,
  editing = false,
): Promise<{ conn: Omit<ConnectionConfig, 'id'>; password?: string } | undefined> {
  const steps = editing ? 'Edit' : 'Add';
  const title = (n: number | string) => `DataJoint: ${steps} Connection (${n}/7)`;
  const name = await vscode.window.showInputBox({
    title: title(1),
    prompt: 'A name for this connection',
    value: prefill?.name ?? '',
    placeHolder: 'lab server',
    ignoreFocusOut: true,
    validateInput: (v) => validateName(v, list, prefill?.id),
  });
  if (name === undefined) return undefined;
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: 'MySQL / MariaDB',
        description: 'DataJoint 0.14.6 or 2.x (mysql backend)',
        picked: dialectOf(prefill ?? {}) === 'mysql',
        dialect: 'mysql' as const,
      },
      {
        label: 'PostgreSQL',
        description: 'DataJoint 2.x (database.backend = postgresql): a migration target, browsed read-only',
        picked: dialectOf(prefill ?? {}) === 'postgresql',
        dialect: 'postgresql' as const,
      },
    ],
    { title: title('1b'), placeHolder: 'Which database server?', ignoreFocusOut: true },
  );
  if (!kind) return undefined;
  const pg = kind.dialect === 'postgresql';
  const host = await vscode.window.showInputBox({
    title: title(2),
    prompt: 'Server host',
    value: prefill?.host ?? 'localhost',
    placeHolder: 'db.example.org',
    ignoreFocusOut: true,
    validateInput: validateHost,
  });
  if (host === undefined) return undefined;
  const port = await vscode.window.showInputBox({
    title: title(3),
    prompt: 'Port',
    value: String(
      prefill?.port && dialectOf(prefill) === kind.dialect ? prefill.port : pg ? DEFAULT_PG_PORT : DEFAULT_PORT,
    ),
    ignoreFocusOut: true,
    validateInput: validatePort,
  });
  if (port === undefined) return undefined;
  let database: string | undefined;
  if (pg) {
    database = await vscode.window.showInputBox({
      title: title('3b'),
      prompt: 'PostgreSQL database holding the DataJoint schemas (2.x: database.name)',
      value: prefill?.database ?? 'postgres',
      ignoreFocusOut: true,
      validateInput: validateDatabase,
    });
    if (database === undefined) return undefined;
  }
  const user = await vscode.window.showInputBox({
    title: title(4),
    prompt: 'Database user',
    value: prefill?.user ?? '',
    ignoreFocusOut: true,
    validateInput: validateUser,
  });
  if (user === undefined) return undefined;
  const tls = await vscode.window.showQuickPick(
    [
      { label: 'No TLS', picked: !prefill?.tls, tls: false },
      { label: 'Use TLS', picked: !!prefill?.tls, tls: true },
    ],
    { title: title(5), placeHolder: 'Encrypt the connection?', ignoreFocusOut: true },
  );
  if (!tls) return undefined;
  const storesFile = await askStoresFile(title(6), prefill?.storesFile);
  if (storesFile === undefined) return undefined;
  let password = prefill?.password;
  if (password === undefined) {
    password = await vscode.window.showInputBox({
      title: title(7),
      password: true,
      ignoreFocusOut: true,
      prompt: editing
        ? 'Password (leave empty to keep the saved one). Stored in VS Code secret storage only.'
        : 'Password. Stored in VS Code secret storage only, never in settings.',
    });
    if (password === undefined) return undefined;
    if (editing && password === '') password = undefined;
  }
  return {
    conn: {
      name: name.trim(),
      ...(pg ? { dialect: 'postgresql' as const, database: database?.trim() } : {}),
      host: host.trim(),
      port: Number(port),
      user: user.trim(),
      tls: tls.tls,
      ...(storesFile ? { storesFile } : {}),
      ...(prefill?.schemas ? { schemas: prefill.schemas } : {}),
    },
    password,
  };
}

/**
 * Where copy and pointer migration find the stores: the shared `datajoint.storesFile` setting (''),
 * a DataJoint config file of the workspace that declares stores, or any file. Undefined: escaped.
 */
async function askStoresFile(title: string, current?: string): Promise<string | undefined> {
  const shared = vscode.workspace.getConfiguration('datajoint').get<string>('storesFile') || '';
  const found = await vscode.workspace.findFiles(
    '**/{dj_local_conf.json,datajoint.json,.datajoint_config.json}',
    '**/node_modules/**',
    20,
  );
  type Item = vscode.QuickPickItem & { value: string | null };
  const items: Item[] = [
    { label: 'Use the datajoint.storesFile setting', description: shared || '(not set: no stores)', value: '' },
    ...found.map((f) => ({
      label: vscode.workspace.asRelativePath(f),
      description: 'store settings from this file',
      value: vscode.workspace.asRelativePath(f),
    })),
    { label: 'Choose a file…', value: null },
  ];
  if (current && !items.some((i) => i.value === current))
    items.splice(1, 0, { label: current, description: 'current', value: current });
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Store settings for in-store columns (blob@, attach@, filepath@)',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.value !== null) return picked.value;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'DataJoint config': ['json'] },
    title: 'Store settings file',
  });
  return chosen?.[0]?.fsPath;
}

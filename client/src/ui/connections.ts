// Connections: non-secret fields in the setting `datajoint.connections`, passwords in SecretStorage under
// `datajoint.conn:<id>`. Add / Edit / Remove / Test / Import flows, and one open pool per connection.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openDb, type Db } from '../db/connection';
import { openPg, type PgDb } from '../db/connect/dialects/postgres';
import type { TargetConnection } from '../db/connect/targetPreflight';
import { loadStores, type StoreMap } from '../db/stores';
import {
  type ConnectionConfig,
  describeConnection,
  dialectOf,
  targetSpecOf,
  importConnection,
  newConnectionId,
  readConnections,
  secretKey,
} from './connectionModel';
import type { OutputLog } from './output';
import { askConnection } from './connectionForm';
import { encodeStoreSecret, s3StoresWithoutCredentials, storeSecretKey, withStoreSecrets } from './storeSecrets';

const SETTING = 'datajoint.connections';

export class Connections implements vscode.Disposable {
  private readonly pools = new Map<string, Promise<Db>>();
  private readonly pgSessions = new Map<string, Promise<PgDb>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private reportedProblems = '';

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: OutputLog,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING)) void this.reset();
      }),
      secrets.onDidChange((e) => {
        if (e.key.startsWith('datajoint.conn:')) void this.reset();
      }),
    );
    void this.updateContext();
  }

  list(): ConnectionConfig[] {
    const { connections, problems } = readConnections(vscode.workspace.getConfiguration().get(SETTING));
    const text = problems.join('\n');
    if (text !== this.reportedProblems) {
      // Said once per change, not on every tree refresh.
      this.reportedProblems = text;
      for (const p of problems) this.log.info(`settings: ${p}`);
      if (problems.length)
        void vscode.window.showWarningMessage(
          `datajoint.connections: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more, see the DataJoint Migrate output)` : ''}`,
        );
    }
    return connections;
  }

  get(id: string): ConnectionConfig | undefined {
    return this.list().find((c) => c.id === id);
  }

  private async save(list: ConnectionConfig[]): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration().update(SETTING, list, target);
    await this.reset();
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'datajoint.connectionCount', this.list().length);
  }

  private async reset(): Promise<void> {
    const pools = [...this.pools.values(), ...this.pgSessions.values()];
    this.pools.clear();
    this.pgSessions.clear();
    for (const p of pools) void p.then((db) => db.close()).catch(() => undefined);
    await this.updateContext();
    this.changed.fire();
  }

  /** The pool of a connection, opened on first use; every statement goes to the Output channel. */
  db(conn: ConnectionConfig): Promise<Db> {
    if (dialectOf(conn) === 'postgresql')
      return Promise.reject(
        new Error(`${conn.name} is a PostgreSQL connection (DataJoint 2.x); this needs a MySQL/MariaDB connection`),
      );
    let p = this.pools.get(conn.id);
    if (!p) {
      p = (async () => {
        const password = (await this.secrets.get(secretKey(conn.id))) ?? '';
        this.log.addSecret(password);
        const where = describeConnection(conn);
        this.log.info(`connecting to ${where}`);
        return openDb({ host: conn.host, port: conn.port, user: conn.user, password, tls: conn.tls }, (sql, params) =>
          this.log.sql(where, sql, params),
        );
      })();
      this.pools.set(conn.id, p);
      // A failed open is not cached: the next expand tries again.
      p.catch(() => this.pools.get(conn.id) === p && this.pools.delete(conn.id));
    }
    return p;
  }

  /** The session of a PostgreSQL connection, opened on first use (read-only browsing and targets). */
  pg(conn: ConnectionConfig): Promise<PgDb> {
    let p = this.pgSessions.get(conn.id);
    if (!p) {
      p = (async () => {
        const password = (await this.secrets.get(secretKey(conn.id))) ?? '';
        this.log.addSecret(password);
        this.log.info(`connecting to ${describeConnection(conn)}`);
        return openPg(targetSpecOf(conn, password));
      })();
      this.pgSessions.set(conn.id, p);
      p.catch(() => this.pgSessions.get(conn.id) === p && this.pgSessions.delete(conn.id));
    }
    return p;
  }

  /** A connection opened as the target of a migration (MySQL/MariaDB pool or PostgreSQL session). */
  async target(conn: ConnectionConfig): Promise<TargetConnection> {
    return dialectOf(conn) === 'postgresql'
      ? { dialect: 'postgresql', db: await this.pg(conn) }
      : { dialect: 'mysql', db: await this.db(conn) };
  }

  /**
   * Store settings for a connection: its own file, else `datajoint.storesFile`; {} when none is set. S3 stores
   * whose file has no access key pair get the one saved in secret storage for this connection, if any.
   */
  async stores(conn: ConnectionConfig): Promise<{ stores: StoreMap; file: string | null }> {
    const loaded = this.storesFromFile(conn);
    return { ...loaded, stores: await withStoreSecrets(loaded.stores, conn.id, this.secrets) };
  }

  private storesFromFile(conn: ConnectionConfig): { stores: StoreMap; file: string | null } {
    const file = conn.storesFile || vscode.workspace.getConfiguration('datajoint').get<string>('storesFile') || '';
    if (!file) return { stores: {}, file: null };
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const abs = path.resolve(root, file);
    return { stores: loadStores(abs), file: abs };
  }

  /** Save an S3 store's access key pair for a connection in secret storage (API for tests and setup scripts). */
  async setStoreCredentials(id: string, store: string, accessKey: string, secretKey: string): Promise<void> {
    this.log.addSecret(secretKey);
    await this.secrets.store(storeSecretKey(id, store), encodeStoreSecret(accessKey, secretKey));
  }

  /**
   * For each S3 store of the connection's settings without credentials, offer to save an access key pair in
   * secret storage; escaping leaves the store to the environment's credentials.
   */
  private async askStoreCredentials(conn: ConnectionConfig): Promise<void> {
    let stores: StoreMap;
    try {
      stores = this.storesFromFile(conn).stores;
    } catch (e) {
      void vscode.window.showWarningMessage(`Store settings: ${(e as Error).message}`);
      return;
    }
    for (const name of s3StoresWithoutCredentials(stores)) {
      const spec = stores[name];
      const where = `S3 store "${name}" (${spec.endpoint}, bucket ${spec.bucket})`;
      const accessKey = await vscode.window.showInputBox({
        title: `DataJoint: credentials for ${where}`,
        prompt:
          'Access key. Kept in VS Code secret storage only. Leave empty to use the environment (AWS_ACCESS_KEY_ID, DJ_STORE_<NAME>_ACCESS_KEY).',
        ignoreFocusOut: true,
      });
      if (!accessKey) continue;
      const secret = await vscode.window.showInputBox({
        title: `DataJoint: credentials for ${where}`,
        prompt: 'Secret key. Kept in VS Code secret storage only, never in settings.',
        password: true,
        ignoreFocusOut: true,
      });
      if (!secret) continue;
      await this.setStoreCredentials(conn.id, name, accessKey.trim(), secret);
    }
  }

  // -- flows ------------------------------------------------------------------------------------

  async add(prefill?: Partial<ConnectionConfig> & { password?: string }): Promise<ConnectionConfig | undefined> {
    const list = this.list();
    const fields = await askConnection(list, prefill);
    if (!fields) return undefined;
    const conn: ConnectionConfig = { ...fields.conn, id: newConnectionId(fields.conn.name, list) };
    await this.storePassword(conn.id, fields.password);
    await this.save([...list, conn]);
    await this.askStoreCredentials(conn);
    await this.test(conn, true);
    return conn;
  }

  async edit(id?: string): Promise<void> {
    const conn = id ? this.get(id) : await this.pick('Edit which connection?');
    if (!conn) return;
    const list = this.list();
    const fields = await askConnection(list, conn, true);
    if (!fields) return;
    if (fields.password !== undefined) await this.storePassword(conn.id, fields.password);
    await this.save(list.map((c) => (c.id === conn.id ? { ...fields.conn, id: conn.id } : c)));
    await this.askStoreCredentials({ ...fields.conn, id: conn.id });
    await this.test({ ...fields.conn, id: conn.id }, true);
  }

  async remove(id?: string): Promise<void> {
    const conn = id ? this.get(id) : await this.pick('Remove which connection?');
    if (!conn) return;
    const answer = await vscode.window.showWarningMessage(
      `Remove the connection "${conn.name}" (${describeConnection(conn)})? Its saved password is deleted too; the database is not touched.`,
      { modal: true },
      'Remove',
    );
    if (answer !== 'Remove') return;
    await this.secrets.delete(secretKey(conn.id));
    try {
      for (const name of Object.keys(this.storesFromFile(conn).stores))
        await this.secrets.delete(storeSecretKey(conn.id, name));
    } catch {
      // unreadable store settings: nothing of theirs to find
    }
    await this.save(this.list().filter((c) => c.id !== conn.id));
  }

  async test(connOrId?: ConnectionConfig | string, quietOnSuccess = false): Promise<boolean> {
    const conn =
      typeof connOrId === 'string' ? this.get(connOrId) : (connOrId ?? (await this.pick('Test which connection?')));
    if (!conn) return false;
    try {
      let text: string;
      if (dialectOf(conn) === 'postgresql') {
        const pgdb = await this.pg(conn);
        const rows = await pgdb.query<{ n: string }>(
          "SELECT COUNT(*) AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
        );
        text = `Connected to ${describeConnection(conn)}: PostgreSQL ${pgdb.version}, ${rows[0].n} schemas in ${conn.database}.`;
      } else {
        const db = await this.db(conn);
        const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA');
        text = `Connected to ${describeConnection(conn)}: ${db.versionString}, ${rows[0].n} schemas visible.`;
      }
      this.log.info(text);
      if (!quietOnSuccess) void vscode.window.showInformationMessage(text);
      return true;
    } catch (e) {
      const message = `Cannot connect "${conn.name}": ${(e as Error).message}`;
      this.log.info(message);
      const answer = await vscode.window.showErrorMessage(message, 'Edit Connection');
      if (answer === 'Edit Connection') await this.edit(conn.id);
      return false;
    }
  }

  /** Import host/user/port/TLS (and optionally the password) from a DataJoint config file in the workspace. */
  async importFromWorkspace(): Promise<void> {
    const files = await vscode.workspace.findFiles(
      '**/{dj_local_conf.json,datajoint.json,.datajoint_config.json}',
      '**/node_modules/**',
      50,
    );
    if (!files.length) {
      void vscode.window.showInformationMessage(
        'No dj_local_conf.json, .datajoint_config.json or datajoint.json in the workspace. Use Add Connection instead.',
      );
      return;
    }
    const picked =
      files.length === 1
        ? files[0]
        : (
            await vscode.window.showQuickPick(
              files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
              { title: 'Import a connection from which file?' },
            )
          )?.uri;
    if (!picked) return;
    let imported: ReturnType<typeof importConnection>;
    try {
      imported = importConnection(Buffer.from(await vscode.workspace.fs.readFile(picked)).toString('utf8'));
    } catch (e) {
      void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(picked)}: ${(e as Error).message}`);
      return;
    }
    let password: string | undefined;
    if (imported.password !== undefined) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'Store the password from the file in secret storage', use: true },
          { label: 'Type the password instead', use: false },
        ],
        { title: `${vscode.workspace.asRelativePath(picked)} contains a database password` },
      );
      if (!choice) return;
      if (choice.use) password = imported.password;
    }
    await this.add({
      name: path.basename(path.dirname(picked.fsPath)) || imported.host,
      host: imported.host,
      port: imported.port,
      user: imported.user,
      tls: imported.tls,
      ...(imported.dialect ? { dialect: imported.dialect, database: imported.database } : {}),
      ...(imported.hasStores ? { storesFile: vscode.workspace.asRelativePath(picked) } : {}),
      ...(password !== undefined ? { password } : {}),
    });
  }

  async pick(title: string, only?: (c: ConnectionConfig) => boolean): Promise<ConnectionConfig | undefined> {
    const list = only ? this.list().filter(only) : this.list();
    if (list.length <= 1) return list[0];
    return (
      await vscode.window.showQuickPick(
        list.map((c) => ({ label: c.name, description: describeConnection(c), c })),
        { title },
      )
    )?.c;
  }

  /** Store a connection's password without the InputBox flow (API for tests and setup scripts). */
  async setPassword(id: string, password: string): Promise<void> {
    await this.storePassword(id, password);
    await this.reset();
  }

  private async storePassword(id: string, password: string | undefined): Promise<void> {
    if (password === undefined) return;
    this.log.addSecret(password);
    await this.secrets.store(secretKey(id), password);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const p of [...this.pools.values(), ...this.pgSessions.values()])
      void p.then((db) => db.close()).catch(() => undefined);
    this.pools.clear();
    this.pgSessions.clear();
    this.changed.dispose();
  }
}

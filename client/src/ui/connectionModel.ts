// Connection settings as the extension stores them (settings `datajoint.connections`, without the password)
// and the checks the Add/Edit flow applies. No `vscode` here: unit-tested with node's runner.
import type { TargetSpec } from '../db/connect/target';

/** One entry of `datajoint.connections`. The password is in SecretStorage under `secretKey(id)`. */
export interface ConnectionConfig {
  id: string;
  name: string;
  /** `postgresql`: DataJoint 2.x's PostgreSQL backend (one PostgreSQL schema per DataJoint schema in `database`). Absent: MySQL/MariaDB. */
  dialect?: ConnectionDialect;
  /** PostgreSQL only: the database that holds the schemas (2.x's `database.name`). */
  database?: string;
  host: string;
  port: number;
  user: string;
  tls: boolean;
  /** Store settings file for this connection; falls back to `datajoint.storesFile`. */
  storesFile?: string;
  /** Only these schemas are shown (all visible ones when absent). */
  schemas?: string[];
}

export type ConnectionDialect = 'mysql' | 'postgresql';

export const DEFAULT_PORT = 3306;
export const DEFAULT_PG_PORT = 5432;

export function dialectOf(c: Pick<ConnectionConfig, 'dialect'>): ConnectionDialect {
  return c.dialect === 'postgresql' ? 'postgresql' : 'mysql';
}

/** A PostgreSQL database name: what 2.x's `database.name` may hold and a target URL can carry. */
export function validateDatabase(name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Enter the PostgreSQL database that holds the DataJoint schemas (2.x: database.name).';
  if (/[/\s]/.test(n)) return 'A database name has no slashes or spaces.';
  if (Buffer.byteLength(n) > 63) return 'PostgreSQL names are at most 63 bytes.';
  return undefined;
}

export function secretKey(id: string): string {
  return `datajoint.conn:${id}`;
}

/** Validators return a message for an InputBox, or undefined when the value is fine. */
export function validateName(name: string, others: readonly ConnectionConfig[], selfId?: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Give the connection a name.';
  if (n.length > 80) return 'Keep the name under 80 characters.';
  if (others.some((c) => c.id !== selfId && c.name.toLowerCase() === n.toLowerCase()))
    return `A connection named "${n}" already exists.`;
  return undefined;
}

export function validateHost(host: string): string | undefined {
  const h = host.trim();
  if (!h) return 'Enter the server host name or address.';
  if (/\s/.test(h)) return 'A host name has no spaces.';
  if (/^[a-z]+:\/\//i.test(h)) return 'Enter the host only, without a scheme such as mysql://.';
  if (/:\d+$/.test(h) && !h.startsWith('[')) return 'Enter the port separately (next step).';
  return undefined;
}

export function validatePort(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return 'The port is a number (MySQL uses 3306).';
  const n = Number(t);
  if (n < 1 || n > 65535) return 'The port is between 1 and 65535.';
  return undefined;
}

export function validateUser(user: string): string | undefined {
  const u = user.trim();
  if (!u) return 'Enter the database user.';
  if (u.length > 80) return 'MySQL user names are at most 80 characters.';
  return undefined;
}

/** A stable id from the name, unique among the existing ones. */
export function newConnectionId(name: string, existing: readonly ConnectionConfig[]): string {
  const base =
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'connection';
  const taken = new Set(existing.map((c) => c.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Read `datajoint.connections` as the user may have edited it by hand: keep what is usable, say
 * why the rest is skipped. A `password` field is never kept (it does not belong in settings).
 */
export function readConnections(raw: unknown): { connections: ConnectionConfig[]; problems: string[] } {
  const connections: ConnectionConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { connections, problems };
  if (!Array.isArray(raw)) return { connections, problems: ['datajoint.connections is not a list'] };
  raw.forEach((entry, i) => {
    const where = `datajoint.connections[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where} is not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name : '';
    const host = typeof e.host === 'string' ? e.host : '';
    const user = typeof e.user === 'string' ? e.user : '';
    const dialectText = e.dialect === undefined ? 'mysql' : e.dialect;
    const dialect: ConnectionDialect | null =
      dialectText === 'mysql'
        ? 'mysql'
        : dialectText === 'postgresql' || dialectText === 'postgres'
          ? 'postgresql'
          : null;
    const database = typeof e.database === 'string' ? e.database.trim() : '';
    const port = e.port === undefined ? (dialect === 'postgresql' ? DEFAULT_PG_PORT : DEFAULT_PORT) : Number(e.port);
    const issue =
      (name ? undefined : 'has no name') ??
      (dialect ? undefined : `dialect ${JSON.stringify(e.dialect)}: expected "mysql" or "postgresql"`) ??
      (dialect === 'postgresql' && validateDatabase(database)
        ? `database: ${validateDatabase(database)}`
        : undefined) ??
      (validateHost(host) && `host: ${validateHost(host)}`) ??
      (validateUser(user) && `user: ${validateUser(user)}`) ??
      (validatePort(String(port)) && `port: ${validatePort(String(port))}`);
    if (issue) {
      problems.push(`${where} ${issue}`);
      return;
    }
    if ('password' in e)
      problems.push(
        `${where} has a "password" field, which is ignored: passwords belong in secret storage (Edit Connection)`,
      );
    const id = typeof e.id === 'string' && e.id ? e.id : newConnectionId(name, connections);
    if (connections.some((c) => c.id === id)) {
      problems.push(`${where} repeats the id "${id}"`);
      return;
    }
    connections.push({
      id,
      name,
      ...(dialect === 'postgresql' ? { dialect, database } : {}),
      host: host.trim(),
      port,
      user: user.trim(),
      tls: e.tls === true,
      ...(typeof e.storesFile === 'string' && e.storesFile ? { storesFile: e.storesFile } : {}),
      ...(Array.isArray(e.schemas) ? { schemas: e.schemas.filter((s): s is string => typeof s === 'string') } : {}),
    });
  });
  return { connections, problems };
}

/** What a DataJoint config file says about the database, for "Import Connection". */
export interface ImportedConnection {
  host: string;
  port: number;
  user: string;
  tls: boolean;
  /** The file holds a password; the flow offers to move it into secret storage. */
  password?: string;
  /** The file declares stores; it can serve as the connection's store settings file. */
  hasStores: boolean;
  /** 2.x `database.backend = postgresql`, with `database.name` (default `postgres`, as in 2.x). */
  dialect?: ConnectionDialect;
  database?: string;
}

/**
 * Read `dj_local_conf.json` (0.14.6: flat dotted keys) or `datajoint.json` (2.x: nested objects or
 * flat keys). `database.host` may carry the port (`host:3307`).
 */
export function importConnection(text: string): ImportedConnection {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`not valid JSON: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
  const obj = data as Record<string, unknown>;
  const get = (key: string): unknown => {
    if (key in obj) return obj[key];
    let cur: unknown = obj;
    for (const part of key.split('.')) {
      if (typeof cur !== 'object' || cur === null) return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  };
  const hostText = typeof get('database.host') === 'string' ? (get('database.host') as string) : '';
  if (!hostText) throw new Error('no database.host in the file');
  const m = /^(.*?):(\d+)$/.exec(hostText);
  const host = m && !hostText.startsWith('[') ? m[1] : hostText;
  const portValue = get('database.port') ?? (m ? m[2] : undefined);
  const backend = get('database.backend');
  const pg = backend === 'postgresql' || backend === 'postgres';
  const port =
    portValue === undefined || portValue === null ? (pg ? DEFAULT_PG_PORT : DEFAULT_PORT) : Number(portValue);
  if (validatePort(String(port))) throw new Error(`database.port ${JSON.stringify(portValue)} is not a port number`);
  const user = typeof get('database.user') === 'string' ? (get('database.user') as string) : '';
  const password = get('database.password');
  const tls = get('database.use_tls');
  const stores = get('stores');
  return {
    host,
    port,
    user,
    tls: tls === true || (typeof tls === 'object' && tls !== null),
    ...(typeof password === 'string' && password !== '' ? { password } : {}),
    hasStores: typeof stores === 'object' && stores !== null && Object.keys(stores).length > 0,
    ...(pg
      ? {
          dialect: 'postgresql' as const,
          database: typeof get('database.name') === 'string' ? (get('database.name') as string) : 'postgres',
        }
      : {}),
  };
}

/** `user@host:port` (PostgreSQL: `…/database (PostgreSQL)`), what the UI shows for a connection (never the password). */
export function describeConnection(
  c: Pick<ConnectionConfig, 'user' | 'host' | 'port' | 'tls'> & Partial<Pick<ConnectionConfig, 'dialect' | 'database'>>,
): string {
  const pg = dialectOf(c) === 'postgresql';
  return `${c.user}@${c.host}:${c.port}${pg ? `/${c.database ?? ''}` : ''}${c.tls ? ' (TLS)' : ''}${pg ? ' (PostgreSQL)' : ''}`;
}

/** What the engines take for a connection used as a target (client/src/db/connect/target.ts). */
export function targetSpecOf(c: ConnectionConfig, password: string): TargetSpec {
  return {
    dialect: dialectOf(c),
    host: c.host,
    port: c.port,
    user: c.user,
    ...(dialectOf(c) === 'postgresql' ? { database: c.database } : {}),
    password,
    tls: c.tls,
  };
}

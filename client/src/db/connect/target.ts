// `--target URL`: where create-parallel (and, later, copy/compare/verify) write when the 2.x schemas live
// on another server: `mysql://user@host:port` or `postgresql://user@host:port/database`. The password is
// never part of the URL (it would land in shell history and logs): it comes from DJ_TARGET_PASS (set but
// empty means an empty password) or, on a terminal, from a prompt.
import fs from 'node:fs';
import { DbInputError } from '../sql';

export type TargetDialect = 'mysql' | 'postgresql';

export interface TargetUrl {
  dialect: TargetDialect;
  host: string;
  port: number;
  user: string;
  /** PostgreSQL only: the database that holds one PostgreSQL schema per DataJoint schema. */
  database?: string;
}

export interface TargetSpec extends TargetUrl {
  password: string;
  tls: boolean;
  /** PEM text of the CA that signs the server's certificate (`--target-ca FILE`); implies TLS. */
  ca?: string;
}

const SCHEMES: Record<string, TargetDialect> = {
  'mysql:': 'mysql',
  'postgresql:': 'postgresql',
  'postgres:': 'postgresql',
};
const DEFAULT_PORT: Record<TargetDialect, number> = { mysql: 3306, postgresql: 5432 };

/** Parse a target URL; every malformed part is refused with what to write instead. */
export function parseTargetUrl(text: string): TargetUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DbInputError(
      `--target ${JSON.stringify(text)} is not a URL: expected mysql://user@host:port or postgresql://user@host:port/database`,
    );
  }
  const dialect = SCHEMES[url.protocol];
  if (!dialect)
    throw new DbInputError(
      `--target: unsupported scheme ${JSON.stringify(url.protocol.replace(/:$/, ''))}; use mysql:// or postgresql://`,
    );
  if (url.password)
    throw new DbInputError(
      '--target must not contain a password (it would be kept in shell history); set DJ_TARGET_PASS',
    );
  if (url.search || url.hash) throw new DbInputError('--target takes no query string or fragment');
  const user = decodeURIComponent(url.username);
  if (!user) throw new DbInputError(`--target needs a user: ${url.protocol}//user@host…`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new DbInputError('--target needs a host');
  const port = url.port ? Number(url.port) : DEFAULT_PORT[dialect];
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DbInputError(`--target: bad port ${url.port}`);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (dialect === 'mysql') {
    if (path)
      throw new DbInputError(
        `--target ${url.protocol}//…/${path}: a MySQL target names no database (schemas are given by --schemas, --suffix and --pair)`,
      );
    return { dialect, host, port, user };
  }
  if (!path)
    throw new DbInputError(
      '--target postgresql://user@host:port/DATABASE: name the database that will hold the schemas (2.x: database.name)',
    );
  if (path.includes('/')) throw new DbInputError(`--target: database name ${JSON.stringify(path)} contains a slash`);
  return { dialect, host, port, user, database: path };
}

export interface TargetFlags {
  target?: string;
  tls?: boolean;
  /** Path of a PEM file. */
  caFile?: string;
}

/** The full target: URL, TLS settings and the password (DJ_TARGET_PASS, else a prompt, else empty). */
export async function resolveTarget(
  flags: TargetFlags & { target: string },
  env: NodeJS.ProcessEnv,
  promptSecret?: (question: string) => Promise<string>,
): Promise<TargetSpec> {
  const url = parseTargetUrl(flags.target);
  let ca: string | undefined;
  if (flags.caFile !== undefined) {
    try {
      ca = fs.readFileSync(flags.caFile, 'utf8');
    } catch (e) {
      throw new DbInputError(`--target-ca ${flags.caFile}: ${(e as Error).message}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new DbInputError(`--target-ca ${flags.caFile} holds no PEM certificate`);
  }
  let password = env.DJ_TARGET_PASS;
  if (password === undefined)
    password = promptSecret ? await promptSecret(`Password for ${url.user}@${url.host} (target): `) : '';
  return { ...url, password, tls: flags.tls === true || ca !== undefined, ca };
}

/** `dialect://user@host:port[/database]`: for reports and logs; never the password. */
export function describeTarget(t: TargetUrl): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.dialect}://${t.user}@${host}:${t.port}${t.database ? `/${t.database}` : ''}`;
}

// Loads a fixture pipeline (dj014 or dj2) into the real test server under a unique prefix, with a
// temporary copy of its stores, and drops everything again afterwards. Every database test starts here.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { openDb, type ConnectionOptions, type Db } from '../../client/src/db/connection';
import { loadStores, type StoreMap } from '../../client/src/db/stores';
import { likeEscape, q } from '../../client/src/db/sql';
import { fixturesDir } from '../helpers/paths';

export type FixtureName = 'dj014' | 'dj2';

/** The test server: the real MariaDB at 127.0.0.1:3306 (overridable with DJ_TEST_HOST/PORT/USER/PASS). */
export const testServer: ConnectionOptions = {
  host: process.env.DJ_TEST_HOST ?? '127.0.0.1',
  port: Number(process.env.DJ_TEST_PORT ?? 3306),
  user: process.env.DJ_TEST_USER ?? 'root',
  password: process.env.DJ_TEST_PASS ?? '',
};

/** The schema-name prefix each fixture dump was written with. */
const DUMP_PREFIX: Record<FixtureName, string> = { dj014: 'djfix_', dj2: 'djfix2_' };
const STORE_NAMES = ['raw', 'external-raw', 'attachments', 'files'];

export interface LoadedFixture {
  db: Db;
  /** e.g. `t8f3a1c_`; every schema the test creates should start with it so cleanup finds it. */
  prefix: string;
  /** The loaded schemas in dependency order: `<prefix>lab`, `<prefix>ephys`, `<prefix>analysis`. */
  schemas: string[];
  /** Temporary copy of the fixture's stores, one folder per store, schema folders renamed. */
  storesDir: string;
  /** The store settings for that copy, as loadStores reads them. */
  storesConfig: StoreMap;
  /** A config file describing the stores (dj_local_conf.json for dj014, datajoint.json for dj2), for --stores. */
  storesFile: string;
  /** Drop every schema starting with the prefix, close the connection, delete the temporary stores. */
  cleanup(): Promise<void>;
}

export function uniquePrefix(): string {
  return `t${randomBytes(4).toString('hex')}_`;
}

/** A throw-away session on the test server with foreign-key checks off (for loading and dropping). */
async function rawSession(multipleStatements = false, server = testServer): Promise<mysql.Connection> {
  return mysql.createConnection({ ...server, multipleStatements, charset: 'utf8mb4_general_ci' });
}

/** `server`: another server than the test server (e.g. one writing a binary log, binlogServer.ts). */
export async function loadFixture(
  which: FixtureName,
  opts: { prefix?: string; server?: ConnectionOptions } = {},
): Promise<LoadedFixture> {
  const server = opts.server ?? testServer;
  const prefix = opts.prefix ?? uniquePrefix();
  const from = DUMP_PREFIX[which];
  const dump = fs
    .readFileSync(path.join(fixturesDir, which, 'pipeline.sql'), 'utf8')
    .split(from)
    .join(prefix);
  const schemas = ['lab', 'ephys', 'analysis'].map((s) => prefix + s);

  const storesDir = await fsp.mkdtemp(path.join(os.tmpdir(), `djm-${prefix}stores-`));
  let db: Db | undefined;
  const cleanup = async (): Promise<void> => {
    await dropPrefixed(prefix, server);
    await db?.close().catch(() => undefined);
    await fsp.rm(storesDir, { recursive: true, force: true });
  };
  try {
    await copyStores(path.join(fixturesDir, which, 'stores'), storesDir, from, prefix);
    const storesFile = writeStoreConfig(which, storesDir);
    const conn = await rawSession(true, server);
    try {
      await conn.query('SET SESSION FOREIGN_KEY_CHECKS = 0');
      await conn.query(dump);
    } finally {
      await conn.end();
    }
    db = await openDb(server);
    return { db, prefix, schemas, storesDir, storesConfig: loadStores(storesFile), storesFile, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Drop every database whose name starts with `prefix` (fixtures, parallel schemas, scratch copies). */
export async function dropPrefixed(prefix: string, server = testServer): Promise<void> {
  if (!/^t[0-9a-f]+_$/.test(prefix))
    throw new Error(`refusing to drop schemas for prefix ${prefix}: not a test prefix`);
  const conn = await rawSession(false, server);
  try {
    await conn.query('SET SESSION FOREIGN_KEY_CHECKS = 0');
    const [rows] = await conn.query(
      'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
      [likeEscape(prefix) + '%'],
    );
    for (const { s } of rows as { s: string }[]) await conn.query(`DROP DATABASE ${q(s)}`);
  } finally {
    await conn.end();
  }
}

/** Copy a fixture's stores, renaming schema folders (`djfix_ephys` → `<prefix>ephys`) at any depth. */
export async function copyStores(src: string, dest: string, from: string, to: string): Promise<void> {
  for (const entry of await fsp.readdir(src, { withFileTypes: true })) {
    const name = entry.name.startsWith(from) ? to + entry.name.slice(from.length) : entry.name;
    const s = path.join(src, entry.name);
    const d = path.join(dest, name);
    if (entry.isDirectory()) {
      await fsp.mkdir(d, { recursive: true });
      await copyStores(s, d, from, to);
    } else {
      await fsp.copyFile(s, d);
      await fsp.chmod(d, 0o644); // the fixture files are read-only; tests may need to rewrite copies
    }
  }
}

/** The configuration the fixture was written with (fixtures README), as the library's own config file. */
function writeStoreConfig(which: FixtureName, storesDir: string): string {
  const stores: Record<string, Record<string, unknown>> = {};
  for (const name of STORE_NAMES) {
    const location = path.join(storesDir, name);
    fs.mkdirSync(location, { recursive: true });
    stores[name] = { protocol: 'file', location, ...(name === 'files' ? { stage: location } : {}) };
  }
  if (which === 'dj014') {
    const file = path.join(storesDir, 'dj_local_conf.json');
    fs.writeFileSync(file, JSON.stringify({ 'database.host': testServer.host, stores }, null, 2));
    return file;
  }
  const file = path.join(storesDir, 'datajoint.json');
  fs.writeFileSync(file, JSON.stringify({ stores: { default: 'raw', ...stores } }, null, 2));
  return file;
}

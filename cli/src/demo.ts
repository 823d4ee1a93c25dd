// dj-migrate demo [--prefix demo_] [--fixture DIR] [--host H] [--port P] [--user U]
// The whole migration on the bundled 0.14.6 fixture pipeline, against a local server, in well under a
// minute: load the pipeline under `<prefix>lab/ephys/analysis` with its stores in a temporary folder,
// migrate a copy of its code, create the 2.x parallel schemas, copy, compare, verify, and print the
// numbers. Safe to run again: it replaces only schemas that look like an earlier demo's.
// Exit 0 when compare finds no difference and verify passes, 1 otherwise, 2 on errors (no server, ...).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { CliIO } from './io';
import { parse, str, UsageError } from './args';
import { openDb, splitHostPort, type ConnectionOptions, type Db } from '../../client/src/db/connection';
import { loadStores } from '../../client/src/db/stores';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import { compare } from '../../client/src/db/compare';
import { verifySchemas } from '../../client/src/db/verify';
import { summariseCompare } from '../../client/src/db/swap';
import { checkIdentifier, q } from '../../client/src/db/sql';
import { fixProject } from './code/fix';

export const summary = 'run the whole migration on the bundled fixture pipeline against a local server';

const OPTIONS = {
  prefix: { type: 'string' },
  fixture: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
} as const;

const FIXTURE_PREFIX = 'djfix_';
const SCHEMAS = ['lab', 'ephys', 'analysis'];
const SUFFIX = '_v2';

export async function runDemo(argv: string[], io: CliIO): Promise<number> {
  const started = Date.now();
  const { flags } = parse(argv, OPTIONS);
  const prefix = str(flags, 'prefix') ?? 'demo_';
  if (!/^[a-z][a-z0-9_]*_$/.test(prefix))
    throw new UsageError(`--prefix ${prefix}: lower-case letters, digits and _, ending in _`);
  const fixture = path.resolve(io.cwd, str(flags, 'fixture') ?? defaultFixture());
  const dumpFile = path.join(fixture, 'pipeline.sql');
  if (!fs.existsSync(dumpFile))
    throw new UsageError(`no fixture pipeline at ${fixture} (expected pipeline.sql, pipeline014.py and stores/)`);
  const conn = connectionFrom(flags, io.env);
  const schemas = SCHEMAS.map((s) => checkIdentifier(prefix + s, 'schema'));
  const targets = schemas.map((s) => s + SUFFIX);
  const step = (text: string) => io.err(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

  let db: Db;
  try {
    db = await openDb(conn);
  } catch (e) {
    io.err(
      `dj-migrate demo: ${(e as Error).message}\n` +
        `The demo needs a MySQL 8 or MariaDB server it can write to (it creates ${schemas.join(', ')} and their ${SUFFIX} copies). ` +
        'Start one locally, or point the demo at one with DJ_HOST, DJ_USER and DJ_PASS (or --host/--port/--user).',
    );
    return 2;
  }
  try {
    step(`connected to ${db.describe()} (${db.versionString})`);
    await dropEarlierDemo(db, conn, [...schemas, ...targets], fixture);

    step(`loading the 0.14.6 pipeline as ${schemas.join(', ')}`);
    const dump = fs.readFileSync(dumpFile, 'utf8').split(FIXTURE_PREFIX).join(prefix);
    const loader = await mysql.createConnection({ ...conn, multipleStatements: true, charset: 'utf8mb4_general_ci' });
    try {
      await loader.query(dump);
    } finally {
      await loader.end();
    }

    const work = path.join(os.tmpdir(), 'dj-migrate-demo', prefix.replace(/_$/, ''));
    fs.rmSync(work, { recursive: true, force: true });
    const storesDir = path.join(work, 'stores');
    copyRenamed(path.join(fixture, 'stores'), storesDir, FIXTURE_PREFIX, prefix);
    const storesFile = path.join(work, 'dj_local_conf.json');
    const stores: Record<string, Record<string, string>> = {};
    for (const name of fs.readdirSync(storesDir)) {
      const location = path.join(storesDir, name);
      stores[name] = { protocol: 'file', location, ...(name === 'files' ? { stage: location } : {}) };
    }
    fs.writeFileSync(storesFile, JSON.stringify({ 'database.host': conn.host, stores }, null, 2));
    const storeMap = loadStores(storesFile);
    step(`stores copied to ${storesDir}`);

    const codeDir = path.join(work, 'code');
    fs.mkdirSync(codeDir, { recursive: true });
    const codeFile = path.join(codeDir, 'pipeline.py');
    fs.copyFileSync(path.join(fixture, 'pipeline014.py'), codeFile);
    step('migrating a copy of the pipeline code (dj-migrate fix)');
    const { fixed } = await fixProject([codeDir], { schemaSuffix: SUFFIX, phase: 2, unsigned: 'widen' }, false);
    let fixes = 0;
    let remaining = 0;
    for (const f of fixed) {
      if (f.after !== f.before) fs.writeFileSync(f.path, f.after);
      fixes += f.applied.length;
      remaining += f.remaining.length;
    }

    step(`creating ${targets.join(', ')}`);
    const pairs = schemas.map((s, i) => ({ source: s, target: targets[i] }));
    const created = await createParallel(db, { schemas, suffix: SUFFIX, unsigned: 'widen' });
    step('copying rows');
    const copied = await copy(db, { pairs, stores: storeMap });
    if (copied.failed) {
      const why = copied.tables
        .filter((t) => t.error)
        .map((t) => `${t.source}: ${t.error}`)
        .join('\n  ');
      io.out(`Demo FAILED while copying:\n  ${why}`);
      return 1;
    }
    step('comparing production with the copy');
    const compared = await compare(db, { pairs, stores: storeMap, fileCheck: 'hash' });
    step('verifying the 2.x schemas');
    const verified = await verifySchemas(db, targets, { stores: storeMap });

    const rows = copied.tables.reduce((a, t) => a + t.rowsInserted + t.rowsAlreadyPresent, 0);
    const matched = compared.tables.reduce((a, t) => a + t.matched, 0);
    const diffs = compared.tables.reduce((a, t) => a + t.differing + t.onlyInProduction + t.onlyInTest, 0);
    const files = verified.tables.reduce((a, t) => a + t.checkedValues, 0);
    const failed = verified.tables.filter((t) => t.status === 'fail');
    const ok = compared.equal && verified.ok;
    const lines = [
      `DataJoint 0.14.6 → 2.x demo on ${db.describe()} — ${ok ? 'OK' : 'PROBLEMS FOUND'} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      `  code:    ${fixes} fix(es) applied to ${path.relative(work, codeFile)}, ${remaining} item(s) left for review (${codeFile})`,
      `  schemas: ${created.created.length} objects created in ${targets.join(', ')}`,
      `  copy:    ${copied.tables.length} tables, ${rows} rows, ${copied.fileOps} file operation(s)`,
      `  compare: ${compared.tables.length} tables, ${matched} rows matched, ${diffs} difference(s)`,
      `  verify:  ${verified.tables.length - failed.length}/${verified.tables.length} checks passed, ${files} in-store values checked against their files`,
    ];
    if (!compared.equal) lines.push(...summariseCompare(compared).map((l) => `    ✗ ${l}`));
    for (const t of failed) lines.push(`    ✗ ${t.schema}.${t.table}: ${t.reasons.join('; ')}`);
    for (const n of copied.notes) lines.push(`  note: ${n}`);
    lines.push(...nextCommands(io.env, conn, schemas, targets, storesFile));
    io.out(lines.join('\n'));
    return ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

/**
 * The commands to try next, runnable exactly as printed: with the connection the demo used (the password, if
 * any, stays in DJ_PASS) and the program name the user has — `npx dj-migrate` under `npm run demo` or npx.
 */
export function nextCommands(
  env: NodeJS.ProcessEnv,
  conn: ConnectionOptions,
  schemas: string[],
  targets: string[],
  storesFile: string,
): string[] {
  const viaNpm = env.npm_lifecycle_event === 'demo' || env.npm_command === 'exec';
  const program = viaNpm ? 'npx dj-migrate' : 'dj-migrate';
  const connection = ['--host', conn.host, '--port', String(conn.port), '--user', conn.user];
  const command = (args: string[]) => `  ${program} ${[...args, ...connection].map(shellWord).join(' ')}`;
  return [
    `Next (same connection${conn.password ? '; the password from DJ_PASS, as for the demo' : ''}): look at the 2.x schemas, or rehearse the cut-over:`,
    command(['db', 'inspect', '--schemas', targets.join(',')]),
    command(['db', 'swap', '--schemas', schemas.join(','), '--stores', storesFile, '--dry-run']),
  ];
}

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The bundled fixture, found from wherever this runs (dist/cli.js, out/cli/src/demo.js). */
function defaultFixture(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'test', 'fixtures', 'dj014');
    if (fs.existsSync(path.join(candidate, 'pipeline.sql'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new UsageError('the bundled fixture pipeline (test/fixtures/dj014) was not found; pass --fixture DIR');
}

/** Local defaults, so `npm run demo` works without flags: DJ_HOST/DJ_USER/DJ_PASS, else 127.0.0.1:3306 as root. */
function connectionFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): ConnectionOptions {
  const { host, port } = splitHostPort((flags.host as string | undefined) ?? env.DJ_HOST ?? '127.0.0.1');
  const portText = (flags.port as string | undefined) ?? port ?? '3306';
  if (!/^\d+$/.test(portText)) throw new UsageError(`--port ${portText} is not a number`);
  return {
    host,
    port: Number(portText),
    user: (flags.user as string | undefined) ?? env.DJ_USER ?? 'root',
    password: env.DJ_PASS ?? '',
  };
}

/**
 * Drop what an earlier demo left, and nothing else: every existing schema among the demo's names must
 * hold only tables the fixture pipeline declares (or 2.x's hidden tables); otherwise the demo stops.
 */
async function dropEarlierDemo(db: Db, conn: ConnectionOptions, names: string[], fixture: string): Promise<void> {
  const declared = new Set(
    [...fs.readFileSync(path.join(fixture, 'pipeline.sql'), 'utf8').matchAll(/CREATE TABLE `([^`]+)`/g)].map(
      (m) => m[1],
    ),
  );
  const rows = await db.query<{ s: string; t: string | null }>(
    'SELECT s.SCHEMA_NAME AS s, t.TABLE_NAME AS t FROM information_schema.SCHEMATA s LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME WHERE s.SCHEMA_NAME IN (?)',
    [names],
  );
  const foreign = rows.filter((r) => r.t !== null && !declared.has(r.t) && !r.t.startsWith('~'));
  if (foreign.length)
    throw new UsageError(
      `${[...new Set(foreign.map((r) => r.s))].join(', ')} exist and hold tables the demo did not create (${foreign
        .slice(0, 3)
        .map((r) => r.t)
        .join(', ')}); choose another --prefix`,
    );
  const existing = [...new Set(rows.map((r) => r.s))];
  if (!existing.length) return;
  const c = await mysql.createConnection({ ...conn });
  try {
    await c.query('SET SESSION FOREIGN_KEY_CHECKS = 0');
    for (const s of existing) await c.query(`DROP DATABASE ${q(s)}`);
  } finally {
    await c.end();
  }
}

function copyRenamed(src: string, dest: string, from: string, to: string): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const name = entry.name.startsWith(from) ? to + entry.name.slice(from.length) : entry.name;
    const s = path.join(src, entry.name);
    const d = path.join(dest, name);
    if (entry.isDirectory()) copyRenamed(s, d, from, to);
    else {
      fs.copyFileSync(s, d);
      fs.chmodSync(d, 0o644);
    }
  }
}

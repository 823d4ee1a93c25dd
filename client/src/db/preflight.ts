// `db preflight`: before anything is written, what the server is, what each migration step needs in
// privileges (and the GRANT statements a DBA would run), how much space a parallel copy takes, and
// whether every store the schemas use is configured and reachable. Reads only.
import fsp from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import type { Db } from './connection';
import type { Schema } from './model';
import { introspect } from './introspect';
import { resolvePairs, type SchemaPair } from './parallel';
import { identifyServer, mariadbWarning } from './serverSupport';
import { charsetSummary, charsetWarnings, type SchemaCharsets } from './charsets';
import { describeObject, filePath, objectStore, path014, type StoreMap, type StoreSpec } from './stores';
import type { S3ObjectStore } from './stores/s3';
import { DbInputError, lit, q, qt } from './sql';
import { refuseSameServerSameNames } from './connect/sameServer';
import { currentGrants, holds, tablesOf } from './grants';
import { preflightPgTarget, type TargetConnection } from './connect/targetPreflight';

export { grantPatternToRegExp } from './grants';

export type Level = 'ok' | 'warn' | 'fail';

export interface PreflightCheck {
  level: Level;
  message: string;
}

/** A migration step and the privileges it needs, per schema. */
export interface StepPrivileges {
  step: string;
  needs: { schema: string; privileges: string[] }[];
  /** Privileges not found for the current user, per schema (empty when the step can run). */
  missing: { schema: string; privileges: string[] }[];
  /** Not part of the parallel migration (in-place writes to the source): missing privileges only warn. */
  optional: boolean;
}

export interface StoreCheck {
  store: string;
  /** Which kinds of column use it (blob, attach, filepath). */
  kinds: string[];
  level: Level;
  message: string;
}

export interface PreflightReport {
  server: {
    flavor: string;
    version: string;
    versionString: string;
    user: string;
    maxAllowedPacket: number;
    collationServer: string;
  };
  schemas: { name: string; version: string; tables: number; rows: number; bytes: number; reasons: string[] }[];
  /** Each schema's default character set and collation, and the distinct ones of its text columns. */
  charsets: SchemaCharsets[];
  pairs: SchemaPair[];
  checks: PreflightCheck[];
  steps: StepPrivileges[];
  /** GRANT statements that would give the current user everything the steps need. */
  grants: string[];
  space: {
    /** Bytes the parallel tables will take (source data and indexes, plus JSON metadata for pointer columns). */
    parallelTablesBytes: number;
    /** Bytes written to stores by attachments (always rewritten) and, with --relocate, by blobs. */
    storeBytesAttachments: number;
    storeBytesRelocate: number;
  };
  stores: StoreCheck[];
  /** `--target` on another server: what it is and who we are there (its checks are among `checks`, marked `target:`). */
  target?: { where: string; dialect: 'mysql' | 'postgresql'; version: string; user: string };
  /** GRANT statements to run on the target server (in its own syntax); empty without a target. */
  targetGrants: string[];
  ok: boolean;
}

export interface PreflightOptions {
  schemas: string[];
  suffix: string;
  pairs?: SchemaPair[];
  /** Store settings (from --stores or the project); undefined when none were found. */
  stores?: StoreMap;
  /** The 2.x schemas live on another server (MySQL or PostgreSQL): its checks and privileges are read there. */
  target?: TargetConnection;
}

const STEPS: { step: string; on: 'source' | 'target'; privileges: string[]; optional?: boolean }[] = [
  { step: 'inspect, verify, compare, every --dry-run', on: 'source', privileges: ['SELECT'] },
  // CREATE DATABASE/TABLE, REFERENCES for the foreign keys, and INSERT/DELETE/ALTER/DROP for ~lineage,
  // which is filled under another name and renamed into place.
  {
    step: 'create-parallel',
    on: 'target',
    privileges: ['SELECT', 'CREATE', 'REFERENCES', 'INDEX', 'INSERT', 'DELETE', 'ALTER', 'DROP'],
  },
  { step: 'copy', on: 'source', privileges: ['SELECT'] },
  // CREATE TEMPORARY TABLES: pointer columns take their 2.x JSON from session-temporary tables (copy.ts).
  { step: 'copy', on: 'target', privileges: ['SELECT', 'INSERT', 'CREATE TEMPORARY TABLES'] },
  { step: 'compare', on: 'target', privileges: ['SELECT'] },
  {
    step: 'migrate-pointers (in place, on the source)',
    on: 'source',
    privileges: ['SELECT', 'UPDATE', 'ALTER', 'REFERENCES', 'INDEX'],
    optional: true,
  },
];

/** A database name in a GRANT: backticks, with `_` and `%` escaped (they are wildcards there). */
export function grantSchemaName(schema: string): string {
  return q(schema.replace(/[\\_%]/g, (c) => '\\' + c));
}

export async function preflight(db: Db, opts: PreflightOptions): Promise<PreflightReport> {
  const target = opts.target;
  const pairs = resolvePairs(opts.schemas, opts.suffix, opts.pairs, !!target);
  const schemas = await introspect(db, opts.schemas);
  const checks: PreflightCheck[] = [];

  const [vars] = await db.query<{ user: string; packet: string; coll: string; fkc: string }>(
    'SELECT CURRENT_USER() AS user, @@max_allowed_packet AS packet, @@collation_server AS coll, @@foreign_key_checks AS fkc',
  );
  const server = {
    flavor: db.flavor,
    version: db.version,
    versionString: db.versionString,
    user: vars.user,
    maxAllowedPacket: Number(vars.packet),
    collationServer: vars.coll,
  };
  checks.push(...(await mysqlServerChecks(db, '')));
  if (server.maxAllowedPacket < 16 * 1024 * 1024)
    checks.push({
      level: 'warn',
      message: `max_allowed_packet is ${server.maxAllowedPacket} bytes: rows with large blobs may not fit; copy chunks stay below it`,
    });
  for (const s of schemas) {
    const level: Level = s.version === '0.14.6' || s.version === 'mixed' ? 'ok' : 'fail';
    checks.push({ level, message: `${s.name}: ${s.version}${s.reasons.length ? ` (${s.reasons[0]})` : ''}` });
    for (const t of s.tables)
      if (t.primaryKey.length === 0)
        checks.push({ level: 'fail', message: `${t.schema}.${t.name} has no primary key` });
  }
  const charsets = charsetSummary(schemas);
  checks.push(...charsetWarnings(charsets));
  let targetInfo: PreflightReport['target'];
  let targetGrants: string[] = [];
  let targetSteps: StepPrivileges[] = [];
  let targetSide: { db: Db; user: string } | undefined;
  if (target?.dialect === 'postgresql') {
    const pgReport = await preflightPgTarget(db, target.db, { schemas: opts.schemas, suffix: opts.suffix, pairs });
    checks.push(...pgReport.checks);
    targetSteps = pgReport.steps;
    targetGrants = pgReport.grants;
    targetInfo = {
      where: target.db.describe(),
      dialect: 'postgresql',
      version: pgReport.server.version,
      user: pgReport.server.user,
    };
  } else {
    const on = target?.db ?? db;
    const prefix = target ? 'target: ' : '';
    if (target) {
      const [tv] = await on.query<{ user: string }>('SELECT CURRENT_USER() AS user');
      targetSide = { db: on, user: tv.user };
      targetInfo = { where: on.describe(), dialect: 'mysql', version: on.versionString, user: tv.user };
      checks.push(...(await mysqlServerChecks(on, prefix)));
      try {
        await refuseSameServerSameNames(db, on, pairs);
      } catch (e) {
        if (!(e instanceof DbInputError)) throw e;
        checks.push({ level: 'fail', message: `${prefix}${e.message}` });
      }
    }
    const existing = await on.query<{ name: string }>(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
      [pairs.map((p) => p.target)],
    );
    for (const e of existing)
      checks.push({
        level: 'ok',
        message: `${prefix}${e.name} exists already: create-parallel will check its tables and create only what is missing`,
      });
  }

  const {
    steps: sourceSteps,
    grants,
    targetGrants: mysqlTargetGrants,
  } = await privileges(db, server.user, pairs, target?.dialect === 'postgresql' ? 'elsewhere' : targetSide);
  if (mysqlTargetGrants.length) targetGrants = mysqlTargetGrants;
  const steps = [...sourceSteps, ...targetSteps.map((s) => ({ ...s, step: `${s.step} (on the target)` }))];
  // The PostgreSQL target's steps have their own check (preflightPgTarget), naming its user.
  const missingSteps = sourceSteps.filter((s) => s.missing.length && !s.optional);
  checks.push(
    missingSteps.length
      ? {
          level: 'fail',
          message: `${server.user} lacks privileges for: ${[...new Set(missingSteps.map((s) => s.step))].join('; ')} (GRANT statements below)`,
        }
      : { level: 'ok', message: `${server.user} has the privileges the parallel migration needs` },
  );
  for (const s of steps.filter((x) => x.missing.length && x.optional))
    checks.push({
      level: 'warn',
      message: `${server.user} cannot run ${s.step}: missing ${s.missing.map((m) => `${m.privileges.join(', ')} on ${m.schema}`).join('; ')}`,
    });

  const space = await spaceEstimate(db, schemas);
  const stores = await storeChecks(db, schemas, opts.stores);
  const all = [...checks.map((c) => c.level), ...stores.map((s) => s.level)];
  return {
    server,
    schemas: schemas.map((s) => ({
      name: s.name,
      version: s.version,
      tables: s.tables.length,
      rows: s.tables.reduce((n, t) => n + t.rowEstimate, 0),
      bytes: s.tables.reduce((n, t) => n + (t.sizeBytes ?? 0), 0),
      reasons: s.reasons,
    })),
    charsets,
    pairs,
    checks,
    steps,
    grants,
    space,
    stores,
    ...(targetInfo ? { target: targetInfo } : {}),
    targetGrants,
    ok: !all.includes('fail'),
  };
}

/** Server version checks (DataJoint 2.x needs MySQL 8; old MariaDB warned), messages prefixed for the target. */
async function mysqlServerChecks(db: Db, prefix: string): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const [major, minor] = db.version.split('.').map(Number);
  if (db.flavor === 'mysql' && major < 8)
    checks.push({ level: 'fail', message: `${prefix}MySQL ${db.version}: DataJoint 2.x needs MySQL 8.0 or later` });
  else if (db.flavor === 'mariadb' && (major < 10 || (major === 10 && minor < 5)))
    checks.push({
      level: 'warn',
      message: `${prefix}MariaDB ${db.version}: versions before 10.5 are past end of life; json columns need 10.2.7+`,
    });
  else checks.push({ level: 'ok', message: `${prefix}${db.flavor === 'mysql' ? 'MySQL' : 'MariaDB'} ${db.version}` });
  const mariadb = mariadbWarning(await identifyServer(db));
  if (mariadb) checks.push({ ...mariadb, message: prefix + mariadb.message });
  return checks;
}

function granteeOf(user: string): string {
  const at = user.lastIndexOf('@');
  return `${lit(user.slice(0, at))}@${lit(user.slice(at + 1))}`;
}

/**
 * Privileges per step. `target`: the parallel schemas are on another MySQL server (its grants are read
 * there, as its user), or `elsewhere` (PostgreSQL: checked by preflightPgTarget; target steps left out).
 */
async function privileges(
  db: Db,
  user: string,
  pairs: SchemaPair[],
  target?: { db: Db; user: string } | 'elsewhere',
): Promise<{ steps: StepPrivileges[]; grants: string[]; targetGrants: string[] }> {
  // SHOW GRANTS (with the active roles) and table-level grants: grants.ts.
  const sourceNames = target ? pairs.map((p) => p.source) : pairs.flatMap((p) => [p.source, p.target]);
  const grants = await currentGrants(db);
  const tables = await tablesOf(db, [...new Set(sourceNames)]);
  const side = {
    source: { has: (schema: string, privilege: string) => holds(grants, schema, privilege, tables.get(schema) ?? []) },
    target: { has: (_schema: string, _privilege: string) => false },
  };
  let targetGrantee = granteeOf(user);
  if (target && target !== 'elsewhere') {
    const tGrants = await currentGrants(target.db);
    const tTables = await tablesOf(target.db, [...new Set(pairs.map((p) => p.target))]);
    side.target.has = (schema, privilege) => holds(tGrants, schema, privilege, tTables.get(schema) ?? []);
    targetGrantee = granteeOf(target.user);
  } else side.target.has = side.source.has;

  const steps: StepPrivileges[] = [];
  const needed = new Map<string, Set<string>>(); // schema → privileges, for the GRANT statements
  const neededOnTarget = new Map<string, Set<string>>();
  for (const def of STEPS) {
    if (def.on === 'target' && target === 'elsewhere') continue;
    const remote = def.on === 'target' && !!target;
    const name = remote ? `${def.step} (on the target, as ${(target as { user: string }).user})` : def.step;
    const schemas = pairs.map((p) => (def.on === 'source' ? p.source : p.target));
    const step: StepPrivileges = steps.find((s) => s.step === name) ?? {
      step: name,
      needs: [],
      missing: [],
      optional: !!def.optional,
    };
    if (!steps.includes(step)) steps.push(step);
    const has = def.on === 'target' ? side.target.has : side.source.has;
    for (const schema of schemas) {
      step.needs.push({ schema, privileges: def.privileges });
      const missing = def.privileges.filter((p) => !has(schema, p));
      if (missing.length) step.missing.push({ schema, privileges: missing });
      if (def.optional) continue; // in-place writes to the source are not granted by default
      const into = remote ? neededOnTarget : needed;
      const set = into.get(schema) ?? new Set<string>();
      for (const p of missing) set.add(p);
      into.set(schema, set);
    }
  }
  const statements = (m: Map<string, Set<string>>, grantee: string) =>
    [...m]
      .filter(([, set]) => set.size)
      .map(([schema, set]) => `GRANT ${[...set].join(', ')} ON ${grantSchemaName(schema)}.* TO ${grantee}`);
  return {
    steps,
    grants: statements(needed, granteeOf(user)),
    targetGrants: statements(neededOnTarget, targetGrantee),
  };
}

async function spaceEstimate(db: Db, schemas: Schema[]): Promise<PreflightReport['space']> {
  let parallelTablesBytes = 0;
  let storeBytesAttachments = 0;
  let storeBytesRelocate = 0;
  for (const s of schemas) {
    for (const t of s.tables) {
      const pointers = t.columns.filter((c) => c.storage.form === 'pointer014').length;
      // A pointer grows from 16 bytes to roughly 160 bytes of JSON metadata.
      parallelTablesBytes += (t.sizeBytes ?? 0) + t.rowEstimate * pointers * 150;
    }
    for (const store of s.externalStores) {
      const kinds = storeKinds(s, store);
      const [row] = await db.query<{ n: string | null; name: string | null }>(
        `SELECT SUM(size) AS n, SUM(COALESCE(LENGTH(attachment_name), 0) + 1) AS name FROM ${qt(s.name, '~external_' + store)}`,
      );
      const bytes = Number(row.n ?? 0);
      if (kinds.includes('attach')) storeBytesAttachments += bytes + Number(row.name ?? 0);
      else if (kinds.includes('blob')) storeBytesRelocate += bytes;
    }
  }
  return { parallelTablesBytes, storeBytesAttachments, storeBytesRelocate };
}

function storeKinds(s: Schema, store: string): string[] {
  const kinds = new Set<string>();
  for (const t of s.tables)
    for (const c of t.columns)
      if (c.storage.form === 'pointer014' && c.storage.store === store) kinds.add(c.storage.kind);
  return [...kinds];
}

/** Every store a schema uses must be configured; a file store's root must be readable and one sampled object present. */
async function storeChecks(db: Db, schemas: Schema[], stores: StoreMap | undefined): Promise<StoreCheck[]> {
  const out: StoreCheck[] = [];
  const used = new Map<string, { kinds: Set<string>; schemas: Schema[] }>();
  for (const s of schemas)
    for (const store of new Set([
      ...s.externalStores,
      ...s.tables.flatMap((t) => t.columns.flatMap((c) => (c.storage.form === 'pointer014' ? [c.storage.store] : []))),
    ])) {
      const entry = used.get(store) ?? { kinds: new Set<string>(), schemas: [] };
      for (const k of storeKinds(s, store)) entry.kinds.add(k);
      entry.schemas.push(s);
      used.set(store, entry);
    }
  for (const [name, { kinds, schemas: inSchemas }] of [...used].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const base = { store: name, kinds: [...kinds].sort() };
    const spec = stores?.[name];
    if (!spec) {
      out.push({
        ...base,
        level: 'fail',
        message: stores
          ? `store ${name} is used but not configured in the store settings`
          : `store ${name} is used; pass --stores FILE (dj_local_conf.json or datajoint.json)`,
      });
      continue;
    }
    if (spec.protocol !== 's3' && spec.protocol !== 'file') {
      out.push({ ...base, level: 'fail', message: `store ${name}: unknown protocol` });
      continue;
    }
    if (spec.protocol === 's3') {
      out.push({ ...base, ...(await s3StoreCheck(spec)) });
      continue;
    }
    out.push({ ...base, ...(await fileStoreCheck(db, spec, inSchemas, kinds)) });
  }
  return out;
}

/** An S3 store: the endpoint answers, the credentials are accepted and the bucket exists (one HeadBucket). */
async function s3StoreCheck(spec: StoreSpec): Promise<{ level: Level; message: string }> {
  try {
    await (objectStore(spec) as S3ObjectStore).ready(null);
    return {
      level: 'ok',
      message: `store ${spec.name}: ${describeObject(spec, '')} reachable, bucket and credentials OK`,
    };
  } catch (e) {
    return { level: 'fail', message: (e as Error).message };
  }
}

async function fileStoreCheck(
  db: Db,
  spec: StoreSpec,
  schemas: Schema[],
  kinds: Set<string>,
): Promise<{ level: Level; message: string }> {
  try {
    await fsp.access(spec.location, fsConstants.R_OK);
  } catch {
    return { level: 'fail', message: `store ${spec.name}: ${spec.location} is not readable` };
  }
  let writable = true;
  try {
    await fsp.access(spec.location, fsConstants.W_OK);
  } catch {
    writable = false;
  }
  for (const s of schemas) {
    if (!s.externalStores.includes(spec.name)) continue;
    const [row] = await db.query<{ hash: Buffer; attachment_name: string | null; filepath: string | null }>(
      `SELECT hash, attachment_name, filepath FROM ${qt(s.name, '~external_' + spec.name)} ORDER BY hash LIMIT 1`,
    );
    if (!row) continue;
    const hex = row.hash.toString('hex');
    const rel = row.filepath !== null ? row.filepath : path014(spec, s.name, hex, row.attachment_name ?? undefined);
    try {
      await fsp.access(filePath(spec, rel), fsConstants.R_OK);
    } catch {
      return {
        level: 'fail',
        message: `store ${spec.name}: sampled object ${rel} (from ${s.name}) is missing under ${spec.location}; check the location and subfolding`,
      };
    }
  }
  const needsWrite = kinds.has('attach');
  if (!writable && needsWrite)
    return {
      level: 'fail',
      message: `store ${spec.name}: ${spec.location} is not writable, and attachments are rewritten into _hash/`,
    };
  // Attachments are always rewritten as name\0contents; blobs are written again only with --relocate.
  let bytes = 0;
  for (const s of schemas.filter((x) => x.externalStores.includes(spec.name))) {
    const [row] = await db.query<{ n: string | null; names: string | null }>(
      `SELECT SUM(size) AS n, SUM(COALESCE(LENGTH(attachment_name), 0) + 1) AS names FROM ${qt(s.name, '~external_' + spec.name)}`,
    );
    bytes += Number(row.n ?? 0) + (kinds.has('attach') ? Number(row.names ?? 0) : 0);
  }
  const fs = await fsp.statfs(spec.location);
  const free = Number(fs.bavail) * Number(fs.bsize);
  if (needsWrite && free < bytes)
    return {
      level: 'fail',
      message: `store ${spec.name}: rewriting its attachments needs ${bytes} bytes, ${free} are free under ${spec.location}`,
    };
  const relocateNote =
    !needsWrite && kinds.has('blob') && free < bytes
      ? `; too little free space (${free} bytes) for --relocate of ${bytes} bytes`
      : '';
  return {
    level: writable && !relocateNote ? 'ok' : 'warn',
    message: `store ${spec.name}: ${spec.location} readable${writable ? ' and writable' : ' (not writable: --relocate is impossible)'}, sampled object present${relocateNote}`,
  };
}

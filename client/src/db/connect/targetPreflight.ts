// `db preflight --target postgresql://…`: what the PostgreSQL side of a migration needs, checked before
// anything is written. The server version DataJoint 2.x supports, the privileges create-parallel, copy and
// compare use there (with the GRANT statements a DBA would run), and — read from the source — every value
// and type PostgreSQL cannot hold, by the same checks create-parallel refuses them with (pgParallel.ts).
// Reads only, on both servers.
import type { Db } from '../connection';
import { planParallel, type SchemaPair } from '../parallel';
import { DbInputError } from '../sql';
import type { PgDb } from './dialects/postgres';
import { pq } from './dialects/postgres';
import { checkUnsignedBigints } from '../schema/pgParallel';
import { pgSchemaPlan } from '../schema/pgDdl';

/** A target on another server, opened: another MySQL/MariaDB, or PostgreSQL for 2.x's postgresql backend. */
export type TargetConnection = { dialect: 'mysql'; db: Db } | { dialect: 'postgresql'; db: PgDb };

type Level = 'ok' | 'warn' | 'fail';

/** The oldest PostgreSQL DataJoint 2.x supports (its database-backends specification: PostgreSQL 15). */
export const PG_MIN_MAJOR = 15;
const PG_NAME_MAX = 63;

export interface TargetStep {
  step: string;
  needs: { schema: string; privileges: string[] }[];
  missing: { schema: string; privileges: string[] }[];
  optional: boolean;
}

export interface PgTargetReport {
  server: { version: string; user: string; database: string; encoding: string };
  checks: { level: Level; message: string }[];
  steps: TargetStep[];
  /** GRANT statements (PostgreSQL syntax) that give the target user what the steps need. */
  grants: string[];
}

interface SchemaRights {
  name: string;
  exists: boolean;
  usage: boolean;
  create: boolean;
  /** Existing tables lacking a privilege, per privilege. */
  tablesWithout: Record<'SELECT' | 'INSERT' | 'REFERENCES', string[]>;
}

async function schemaRights(db: PgDb, names: string[]): Promise<SchemaRights[]> {
  const present = await db.query<{ n: string; usage: boolean; create: boolean }>(
    `SELECT nspname AS n, has_schema_privilege(oid, 'USAGE') AS usage, has_schema_privilege(oid, 'CREATE') AS create
       FROM pg_namespace WHERE nspname = ANY($1)`,
    [names],
  );
  const tables = await db.query<{ s: string; t: string; sel: boolean; ins: boolean; ref: boolean }>(
    `SELECT n.nspname AS s, c.relname AS t, has_table_privilege(c.oid, 'SELECT') AS sel,
            has_table_privilege(c.oid, 'INSERT') AS ins, has_table_privilege(c.oid, 'REFERENCES') AS ref
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')`,
    [names],
  );
  return names.map((name) => {
    const p = present.find((r) => r.n === name);
    const mine = tables.filter((r) => r.s === name);
    return {
      name,
      exists: !!p,
      usage: !p || p.usage,
      create: !p || p.create,
      tablesWithout: {
        SELECT: mine.filter((r) => !r.sel).map((r) => r.t),
        INSERT: mine.filter((r) => !r.ins).map((r) => r.t),
        REFERENCES: mine.filter((r) => !r.ref).map((r) => r.t),
      },
    };
  });
}

/**
 * The target half of preflight on PostgreSQL. `source` is read for the values check (planned exactly as
 * create-parallel plans it, `--unsigned widen`).
 */
export async function preflightPgTarget(
  source: Db,
  target: PgDb,
  opts: { schemas: string[]; suffix: string; pairs: SchemaPair[] },
): Promise<PgTargetReport> {
  const checks: PgTargetReport['checks'] = [];
  const [info] = await target.query<{
    user: string;
    database: string;
    num: string;
    encoding: string;
    dbcreate: boolean;
  }>(
    `SELECT current_user AS user, current_database() AS database, current_setting('server_version_num') AS num,
            current_setting('server_encoding') AS encoding, has_database_privilege(current_database(), 'CREATE') AS dbcreate`,
  );
  const major = Math.floor(Number(info.num) / 10000);
  checks.push(
    major >= PG_MIN_MAJOR
      ? { level: 'ok', message: `target: PostgreSQL ${target.version} (DataJoint 2.x needs ${PG_MIN_MAJOR}+)` }
      : {
          level: 'fail',
          message: `target: PostgreSQL ${target.version}: DataJoint 2.x supports PostgreSQL ${PG_MIN_MAJOR} and later`,
        },
  );
  if (info.encoding !== 'UTF8')
    checks.push({
      level: 'warn',
      message: `target: database ${info.database} is encoded ${info.encoding}, not UTF8: text outside it cannot be copied`,
    });

  const names = opts.pairs.map((p) => p.target);
  for (const n of names)
    if (Buffer.byteLength(n) > PG_NAME_MAX)
      checks.push({
        level: 'fail',
        message: `target: schema name ${n} is longer than PostgreSQL's ${PG_NAME_MAX} bytes`,
      });

  // What create-parallel would refuse (types 2.x cannot declare here, bigint unsigned values above 2^63−1).
  try {
    const plan = await planParallel(source, {
      schemas: opts.schemas,
      suffix: opts.suffix,
      pairs: opts.pairs,
      unsigned: 'widen',
      allowSameNames: true,
    });
    const int64Ok = await checkUnsignedBigints(source, plan.tables);
    const pgPlan = pgSchemaPlan(plan.tables, int64Ok);
    checks.push({
      level: 'ok',
      message: `target: every table can be declared on PostgreSQL as 2.x declares it (${pgPlan.tables.length} tables, ${pgPlan.enums.length} enum types)`,
    });
    for (const n of pgPlan.notes) checks.push({ level: 'ok', message: `target: ${n}` });
  } catch (e) {
    if (!(e instanceof DbInputError)) throw e;
    checks.push({ level: 'fail', message: `target: ${e.message.replace(/ Nothing was written\.$/, '')}` });
  }

  const rights = await schemaRights(target, names);
  for (const r of rights.filter((x) => x.exists))
    checks.push({
      level: 'ok',
      message: `target: schema ${r.name} exists already: create-parallel will check its tables and create only what is missing`,
    });

  const dbLabel = `database ${info.database}`;
  const create: TargetStep = { step: 'create-parallel', needs: [], missing: [], optional: false };
  const copy: TargetStep = { step: 'copy', needs: [], missing: [], optional: false };
  const compare: TargetStep = { step: 'compare', needs: [], missing: [], optional: false };
  const grants: string[] = [];
  const missingNew = rights.filter((r) => !r.exists);
  if (missingNew.length) {
    create.needs.push({ schema: dbLabel, privileges: ['CREATE'] });
    if (!info.dbcreate) {
      create.missing.push({ schema: dbLabel, privileges: ['CREATE'] });
      grants.push(`GRANT CREATE ON DATABASE ${pq(info.database)} TO ${pq(info.user)}`);
    }
  }
  for (const r of rights.filter((x) => x.exists)) {
    const lacks = (xs: [string, boolean][]) => xs.filter(([, ok]) => !ok).map(([p]) => p);
    create.needs.push({ schema: r.name, privileges: ['USAGE', 'CREATE'] });
    const schemaMissing = lacks([
      ['USAGE', r.usage],
      ['CREATE', r.create],
    ]);
    if (schemaMissing.length) {
      create.missing.push({ schema: r.name, privileges: schemaMissing });
      grants.push(`GRANT ${schemaMissing.join(', ')} ON SCHEMA ${pq(r.name)} TO ${pq(info.user)}`);
    }
    const tablePrivs = (['SELECT', 'INSERT', 'REFERENCES'] as const).filter((p) => r.tablesWithout[p].length);
    copy.needs.push({ schema: r.name, privileges: ['USAGE', 'SELECT', 'INSERT'] });
    compare.needs.push({ schema: r.name, privileges: ['USAGE', 'SELECT'] });
    const onTables = (p: 'SELECT' | 'INSERT' | 'REFERENCES') =>
      r.tablesWithout[p].length ? [`${p} (${r.tablesWithout[p].length} tables)`] : [];
    const copyMissing = [...(r.usage ? [] : ['USAGE']), ...onTables('SELECT'), ...onTables('INSERT')];
    const compareMissing = [...(r.usage ? [] : ['USAGE']), ...onTables('SELECT')];
    if (copyMissing.length) copy.missing.push({ schema: r.name, privileges: copyMissing });
    if (compareMissing.length) compare.missing.push({ schema: r.name, privileges: compareMissing });
    if (tablePrivs.length)
      grants.push(`GRANT ${tablePrivs.join(', ')} ON ALL TABLES IN SCHEMA ${pq(r.name)} TO ${pq(info.user)}`);
  }
  const steps = [create, copy, compare];
  const missingSteps = steps.filter((s) => s.missing.length);
  checks.push(
    missingSteps.length
      ? {
          level: 'fail',
          message: `target: ${info.user} lacks privileges for: ${missingSteps.map((s) => s.step).join('; ')} (GRANT statements below)`,
        }
      : { level: 'ok', message: `target: ${info.user} has the privileges the parallel migration needs` },
  );
  return {
    server: { version: target.version, user: info.user, database: info.database, encoding: info.encoding },
    checks,
    steps,
    grants,
  };
}

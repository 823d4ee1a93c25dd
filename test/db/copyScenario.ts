// A copy scenario for the copy and compare tests: the dj014 pipeline as production, and empty 2.x tables
// shaped exactly as 2.x itself declared them (the dj2 fixture with its rows deleted) as the target.
import { loadFixture, uniquePrefix, type LoadedFixture } from './harness';
import type { Db } from '../../client/src/db/connection';
import type { SchemaPair } from '../../client/src/db/copy';
import { qt } from '../../client/src/db/sql';

export interface CopyScenario {
  source: LoadedFixture;
  target: LoadedFixture;
  pairs: SchemaPair[];
  db: Db;
  cleanup(): Promise<void>;
}

export async function copyScenario(): Promise<CopyScenario> {
  const source = await loadFixture('dj014');
  let target: LoadedFixture | undefined;
  try {
    target = await loadFixture('dj2', { prefix: uniquePrefix() });
    await emptyUserTables(target.db, target.schemas);
  } catch (e) {
    await target?.cleanup();
    await source.cleanup();
    throw e;
  }
  const t = target;
  return {
    source,
    target: t,
    db: source.db,
    pairs: source.schemas.map((s, i) => ({ source: s, target: t.schemas[i] })),
    cleanup: async () => {
      await t.cleanup();
      await source.cleanup();
    },
  };
}

/** Delete every row of the schemas' user tables (hidden `~` tables, e.g. `~lineage`, keep theirs). */
export async function emptyUserTables(db: Db, schemas: string[]): Promise<void> {
  await db.withConnection(async (c) => {
    await c.execute('SET SESSION FOREIGN_KEY_CHECKS = 0');
    try {
      const tables = await c.query<{ s: string; t: string }>(
        "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_NAME NOT LIKE '~%'",
        [schemas],
      );
      for (const { s, t } of tables) await c.execute(`DELETE FROM ${qt(s, t)}`);
    } finally {
      await c.execute('SET SESSION FOREIGN_KEY_CHECKS = 1');
    }
  });
}

/** Row counts of every user table of the schemas, keyed `table` (schema-independent, for comparing pairs). */
export async function rowCounts(db: Db, schemas: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [i, s] of schemas.entries()) {
    const tables = await db.query<{ t: string }>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE '~%'",
      [s],
    );
    for (const { t } of tables) {
      const [{ n }] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(s, t)}`);
      out.set(`${i}:${t}`, Number(n));
    }
  }
  return out;
}

// What every UI operation is: plan (reads only: what would change) + run (do it), over the engines in
// client/src/db, returning the UI's report shape. No `vscode` here: commands.ts wraps operations in
// confirmation, progress and cancellation; tests call them directly.
import type { Db } from '../../db/connection';
import type { Tier } from '../../db/model';
import { tableKey } from '../../db/model';
import { introspect } from '../../db/introspect';
import { outsideReferences, type RestrictSpec } from '../../db/plan';
import type { SchemaPair } from '../../db/copy';
import type { DbUnsignedPolicy } from '../../db/ddl';
import type { StoreMap } from '../../db/stores';
import type { ConfirmRequest } from '../../db/swap';
import type { OperationPlan } from '../render';
import type { OperationKind, OperationReport } from '../report';
import type { TargetConnection } from '../../db/connect/targetPreflight';

export interface OperationTarget {
  /** Production schemas, in any order. */
  schemas: string[];
  /** Only these tables (`schema.table` or bare names). */
  tables?: string[];
  tiers?: Tier[];
  /** Copy only the restriction closure of these rows. */
  restriction?: RestrictSpec;
  /** Cut-over operations (backup, restore, swap, unswap, retire, in-place). */
  cutover?: CutoverOptions;
}

export interface CutoverOptions {
  /** Backups are `<name><backupSuffix>` (backup, restore, in-place, retire). */
  backupSuffix?: string;
  /** A swap parks production tables in `<name><oldSuffix>` (default `_old`). */
  oldSuffix?: string;
  /** In-place: take a verified backup first (default true). */
  backup?: boolean;
  /** In-place: add the 2.x job-metadata columns. */
  jobColumns?: boolean;
  /** Backup: also write a SQL file the mysql client loads. */
  toFile?: string;
}

/** The 2.x schemas on another server (a configured connection): production names kept there. */
export interface ServerTarget {
  /** The target connection as the UI shows it (describeConnection). */
  where: string;
  connection: TargetConnection;
}

export interface OperationContext {
  db: Db;
  /** '' when `target` is set: on another server the production names are kept. */
  suffix: string;
  /** Absent: the 2.x schemas are on the same server as the production ones (`<name><suffix>`). */
  target?: ServerTarget;
  policy: DbUnsignedPolicy;
  stores: StoreMap;
  /** Copy checkpoints (resume after cancel); null for none. */
  statePath: string | null;
}

export interface RunHooks {
  signal: AbortSignal;
  /** A line for the progress notification; `increment` in percent of the whole operation when known. */
  progress(message: string, increment?: number): void;
  /** A file written or checked in a store (logged beside the SQL statements). */
  fileOp?(op: string): void;
  /** The engine's own confirmation (writes frozen, drop, restore, in-place), asked mid-run; absent means no. */
  confirm?(req: ConfirmRequest): Promise<boolean>;
}

export type OperationResult = Omit<OperationReport, 'id' | 'startedAt' | 'finishedAt' | 'statements'>;

export interface Operation {
  kind: OperationKind;
  title: string;
  /** Reads only; returns every statement and file operation a run would do. */
  plan(ctx: OperationContext, target: OperationTarget): Promise<OperationPlan>;
  run(ctx: OperationContext, target: OperationTarget, hooks: RunHooks): Promise<OperationResult>;
  /** Operations that only read skip the confirmation. */
  writes: boolean;
}

export function pairsFor(schemas: readonly string[], suffix: string): SchemaPair[] {
  return schemas.map((s) => ({ source: s, target: s + suffix }));
}

export async function existingSchemas(db: Db, names: readonly string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = await db.query<{ name: string }>(
    `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => '?').join(', ')})`,
    names,
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Schemas the selection references (transitively), which the copy must know as pairs for foreign keys
 * to resolve; their own tables are not copied unless selected.
 */
export async function withReferences(
  db: Db,
  schemas: readonly string[],
): Promise<{ all: string[]; selectedTables: string[] }> {
  let model = await introspect(db, [...schemas]);
  const selectedTables = model.flatMap((s) => s.tables.map((t) => tableKey(t)));
  for (;;) {
    const names = new Set(model.map((s) => s.name));
    const more = [...new Set(outsideReferences(model).map((o) => o.refSchema))].filter((n) => !names.has(n));
    if (!more.length) return { all: model.map((s) => s.name), selectedTables };
    model = [...model, ...(await introspect(db, more))];
  }
}

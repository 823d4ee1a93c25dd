// A writing UI operation holds the same per-schema run locks as the CLI's writing commands
// (client/src/db/connect/lock.ts), so a copy started from VS Code and one started from a terminal never race.
// The UI locks every name the operation could write: the selected schemas and their parallel, backup and
// `_old` names (a superset of what each operation writes: it refuses more often, never less).
import { withRunLock } from '../../db/connect/lock';
import { backupSuffixOf } from './backup';
import type { Operation, OperationContext, OperationResult, OperationTarget, RunHooks } from './types';

export function runLockSchemas(ctx: OperationContext, target: OperationTarget): string[] {
  const suffixes = ['', ctx.suffix, backupSuffixOf(target), target.cutover?.oldSuffix ?? '_old'].filter(
    (s, i) => i === 0 || s,
  );
  return [...new Set(target.schemas.flatMap((s) => suffixes.map((x) => s + x)))];
}

/** Run `op`, under the run locks when it writes; a held lock refuses before anything is done. */
export function runOperation(
  op: Operation,
  ctx: OperationContext,
  target: OperationTarget,
  hooks: RunHooks,
): Promise<OperationResult> {
  const run = () => op.run(ctx, target, hooks);
  if (!op.writes) return run();
  // A MySQL target on another server holds its own locks for the names written there (PostgreSQL: none yet).
  const t = ctx.target?.connection;
  const onTarget = t?.dialect === 'mysql' ? () => withRunLock(t.db, target.schemas, run) : run;
  return withRunLock(ctx.db, runLockSchemas(ctx, target), onTarget);
}

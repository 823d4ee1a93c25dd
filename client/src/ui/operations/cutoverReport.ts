// What the cut-over operations (backup, restore, swap, unswap, retire, in-place) share: the confirmation
// that names the schemas, a refusal as a report, and the schemas whose foreign keys tie them to a swap.
// No `vscode` here.
import type { Db } from '../../db/connection';
import type { ConfirmRequest } from '../../db/swap';
import type { OperationKind } from '../report';
import type { OperationResult, RunHooks } from './types';

/** The default name a swap parks production tables under (the CLI's `--old-suffix` default). */
export const DEFAULT_OLD_SUFFIX = '_old';

/** The engine's mid-run question, answered by the UI; without an answerer it is "no" (nothing changes). */
export function confirmer(hooks: RunHooks): (req: ConfirmRequest) => Promise<boolean> {
  return (req) => (hooks.confirm ? hooks.confirm(req) : Promise.resolve(false));
}

/**
 * True when `typed` names exactly these schemas (any order, separated by commas and/or spaces): the
 * confirmation of a destructive step is the user writing out what it touches.
 */
export function namesConfirmed(typed: string, schemas: readonly string[]): boolean {
  const given = typed.split(/[\s,]+/).filter(Boolean);
  return (
    given.length === schemas.length && new Set(given).size === given.length && given.every((g) => schemas.includes(g))
  );
}

/** The prompt that asks for those names. */
export function namesPrompt(schemas: readonly string[]): string {
  return `Type ${schemas.length > 1 ? 'the schema names' : 'the schema name'} to confirm: ${schemas.join(', ')}`;
}

/**
 * A refusal (status `refused`) as a report: nothing was changed. "Not confirmed" is the user's choice
 * (cancelled); any other reason needs attention before running again (failed).
 */
export function refusedResult(
  kind: OperationKind,
  title: string,
  where: string,
  targets: string[],
  refusals: readonly string[],
  notes: readonly string[],
): OperationResult {
  const declined = refusals.length > 0 && refusals.every((r) => /^not confirmed/.test(r));
  return {
    kind,
    title,
    where,
    targets,
    outcome: declined ? 'cancelled' : 'failed',
    summary: declined
      ? 'not confirmed; nothing was changed'
      : `refused, nothing was changed: ${refusals[0] ?? 'no reason given'}`,
    tables: [
      {
        table: targets.join(', '),
        status: 'refused',
        counts: {},
        differences: refusals.map((what) => ({ key: {}, what })),
        differenceCount: declined ? 0 : refusals.length,
      },
    ],
    notes: [...notes],
  };
}

/**
 * The schemas with foreign keys into `schemas`, transitively, added after them: a swap moves a schema's
 * tables, and the engine refuses while a table outside the move has a key into them (it would follow its
 * parent to the wrong side), so the UI offers them together.
 */
export async function withDependents(db: Db, schemas: readonly string[]): Promise<string[]> {
  const all = [...schemas];
  for (;;) {
    const rows = await db.query<{ s: string }>(
      'SELECT DISTINCT CONSTRAINT_SCHEMA AS s FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA IN (?) AND CONSTRAINT_SCHEMA NOT IN (?) ORDER BY 1',
      [all, all],
    );
    if (!rows.length) return all;
    all.push(...rows.map((r) => r.s));
  }
}

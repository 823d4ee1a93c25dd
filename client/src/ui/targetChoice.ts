// Where Create Parallel / Copy / Compare / Verify put or find the 2.x schemas: the same server under the
// suffix (as always), or another configured connection — another MySQL/MariaDB host, or PostgreSQL for
// DataJoint 2.x's postgresql backend — where the production names are kept (as `--target` does on the
// command line). No `vscode` here: the quick pick is built from these items, the tests call them directly.
import type { SchemaPair } from '../db/parallel';
import { type ConnectionConfig, describeConnection, dialectOf } from './connectionModel';

/** Operations that let the user pick the target server (Preflight then checks that server too). */
export const TARGET_CHOICE_OPERATIONS: ReadonlySet<string> = new Set([
  'preflight',
  'create-parallel',
  'copy',
  'compare',
  'verify',
]);

export type TargetChoice = { kind: 'same-server' } | { kind: 'connection'; connectionId: string };

export interface TargetChoiceItem {
  label: string;
  description: string;
  detail?: string;
  choice: TargetChoice;
}

/**
 * The quick-pick items, the same server first. PostgreSQL connections are targets only; a connection never
 * targets itself (that is the first item).
 */
export function targetChoiceItems(
  source: ConnectionConfig,
  all: readonly ConnectionConfig[],
  suffix: string,
): TargetChoiceItem[] {
  const items: TargetChoiceItem[] = [
    {
      label: `Same server (suffix ${suffix})`,
      description: describeConnection(source),
      detail: `the 2.x schemas are <name>${suffix} next to the production schemas`,
      choice: { kind: 'same-server' },
    },
  ];
  for (const c of all) {
    if (c.id === source.id) continue;
    const pg = dialectOf(c) === 'postgresql';
    items.push({
      label: c.name,
      description: describeConnection(c),
      detail: pg
        ? `DataJoint 2.x on PostgreSQL: one PostgreSQL schema per DataJoint schema in database ${c.database}, production names kept`
        : 'another MySQL/MariaDB server: the production names are kept',
      choice: { kind: 'connection', connectionId: c.id },
    });
  }
  return items;
}

/** The 2.x schema names for a choice: `<name><suffix>` on the same server, the production names elsewhere. */
export function targetPairs(schemas: readonly string[], choice: TargetChoice, suffix: string): SchemaPair[] {
  const into = choice.kind === 'same-server' ? suffix : '';
  return schemas.map((s) => ({ source: s, target: s + into }));
}

/** The suffix the engines get for a choice ('' elsewhere: the names are kept, `allowSameNames`). */
export function engineSuffix(choice: TargetChoice, suffix: string): { suffix: string; allowSameNames: boolean } {
  return choice.kind === 'same-server' ? { suffix, allowSameNames: false } : { suffix: '', allowSameNames: true };
}

/**
 * Why a connection cannot be the source of a migration (0.14.6 only ever ran on MySQL/MariaDB), or
 * undefined when it can.
 */
export function sourceProblem(c: ConnectionConfig): string | undefined {
  if (dialectOf(c) !== 'postgresql') return undefined;
  return `${c.name} is a PostgreSQL connection: it holds DataJoint 2.x schemas, never 0.14.6 ones. Run the migration from the MySQL connection of the 0.14.6 schemas and choose ${c.name} as its target.`;
}

/** Which connections can be the source (the Migration workflow's starting point): MySQL/MariaDB ones. */
export function sourceConnections(all: readonly ConnectionConfig[]): ConnectionConfig[] {
  return all.filter((c) => dialectOf(c) !== 'postgresql');
}

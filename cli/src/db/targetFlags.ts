// `--target URL [--target-tls] [--target-ca FILE]`: a target on another server (client/src/db/connect/target.ts).
// With a target, the parallel schemas keep the production names unless --suffix or --pair is given.
import type { CliIO } from '../io';
import { str, type ParsedArgs } from '../args';
import { suffixFrom } from './target';
import { resolveTarget, type TargetSpec } from '../../../client/src/db/connect/target';
import { openDb, type Db } from '../../../client/src/db/connection';
import { openPg, type PgDb } from '../../../client/src/db/connect/dialects/postgres';

type Flags = ParsedArgs['flags'];

export const TARGET_OPTIONS = {
  target: { type: 'string' },
  'target-tls': { type: 'boolean' },
  'target-ca': { type: 'string' },
} as const;

/** The target named by the flags, or undefined when there is none (everything then works as before). */
export async function targetFrom(flags: Flags, io: CliIO): Promise<TargetSpec | undefined> {
  const url = str(flags, 'target');
  if (url === undefined) return undefined;
  return resolveTarget(
    { target: url, tls: flags['target-tls'] === true, caFile: str(flags, 'target-ca') },
    io.env,
    io.promptSecret,
  );
}

export type OpenTarget = { dialect: 'mysql'; db: Db } | { dialect: 'postgresql'; db: PgDb };

/** Open the target, run `fn`, always close it. */
export async function withTarget<T>(t: TargetSpec, fn: (target: OpenTarget) => Promise<T>): Promise<T> {
  if (t.dialect === 'postgresql') {
    const db = await openPg(t);
    try {
      return await fn({ dialect: 'postgresql', db });
    } finally {
      await db.close();
    }
  }
  const db = await openDb({ host: t.host, port: t.port, user: t.user, password: t.password, tls: t.tls, ca: t.ca });
  try {
    return await fn({ dialect: 'mysql', db });
  } finally {
    await db.close();
  }
}

/**
 * The suffix of the parallel schemas: none with complete --pair lists; with a target on another server,
 * --suffix or none (the production names are kept); otherwise --suffix or the project's (default `_v2`).
 */
export function parallelSuffix(flags: Flags, cwd: string, schemas: readonly string[], hasTarget: boolean): string {
  const pairs = Array.isArray(flags.pair) ? flags.pair.length : typeof flags.pair === 'string' ? 1 : 0;
  if (pairs === schemas.length) return '';
  if (hasTarget) return typeof flags.suffix === 'string' ? flags.suffix : '';
  return suffixFrom(flags, cwd);
}

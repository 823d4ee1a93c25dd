// What every db command that creates or reads parallel schemas needs from its flags: the target naming
// (--suffix / --pair, defaulting to the project settings), the unsigned-integer policy, and a connection.
import type { CliIO } from '../io';
import { str, UsageError, type ParsedArgs } from '../args';
import { loadProjectSettings } from '../../../common/src/projectSettings';
import { connectionOptionsFrom, openDb, type Db } from '../../../client/src/db/connection';
import type { SchemaPair } from '../../../client/src/db/parallel';
import type { DbUnsignedPolicy } from '../../../client/src/db/ddl';
import { withRunLock } from '../../../client/src/db/connect/lock';
import { MAX_JOBS } from '../../../client/src/db/inPool';

type Flags = ParsedArgs['flags'];

/** `--suffix`, else the project's schemaSuffix (default `_v2`). An empty suffix is refused. */
export function suffixFrom(flags: Flags, cwd: string): string {
  const suffix = str(flags, 'suffix') ?? loadProjectSettings(cwd).schemaSuffix;
  if (!suffix)
    throw new UsageError(
      'the schema suffix is empty: database commands never write into the source schemas (use --suffix _v2 or --pair a:b)',
    );
  return suffix;
}

/** `--pair a:b` (repeatable) as source → target pairs. */
export function pairsFrom(flags: Flags): SchemaPair[] {
  const raw = flags.pair;
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return items.map((p) => {
    const m = /^([^:]+):([^:]+)$/.exec(p);
    if (!m) throw new UsageError(`--pair ${p}: expected source:target`);
    return { source: m[1], target: m[2] };
  });
}

/** `--unsigned widen|native`, else the project's unsignedIntegers. `uint` cannot be declared by 2.x. */
export function unsignedFrom(flags: Flags, cwd: string): DbUnsignedPolicy {
  const value = str(flags, 'unsigned') ?? loadProjectSettings(cwd).unsignedIntegers;
  if (value === 'widen' || value === 'native') return value;
  if (value === 'uint')
    throw new UsageError(
      'the unsigned-integer policy is uint, but no 2.x release has uint8/16/32/64 types: a table declared with them cannot be created. Use --unsigned widen (default) or native',
    );
  throw new UsageError(`--unsigned ${value}: expected widen or native`);
}

/** Open a connection from the flags and environment, run `fn`, and always close it. */
export async function withDb<T>(flags: Flags, io: CliIO, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(await connectionOptionsFrom(flags, io.env, io.promptSecret));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * withDb for a writing command: holds the run lock of every schema in `writes` (connect/lock.ts) for the
 * whole run, so a second run on the same schemas is refused instead of racing this one. Dry runs write
 * nothing and take no lock.
 */
export async function withLockedDb<T>(
  flags: Flags,
  io: CliIO,
  writes: readonly string[],
  fn: (db: Db) => Promise<T>,
): Promise<T> {
  return withDb(flags, io, (db) => (flags['dry-run'] === true ? fn(db) : withRunLock(db, writes, () => fn(db))));
}

/** Ctrl-C cancels a long operation cleanly: the engine sees an aborted signal (and kills its running statement). */
export function onInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', abort) };
}

/** `--jobs N`: tables at once (copy, compare); default 2. */
export function jobsFrom(flags: Flags): number {
  const text = str(flags, 'jobs');
  if (text === undefined) return 2;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS)
    throw new UsageError(`--jobs ${text}: expected a whole number from 1 to ${MAX_JOBS}`);
  return n;
}

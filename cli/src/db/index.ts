// Registry of `dj-migrate db <command>` handlers. Each command lives in its own file and exports
// `run(argv: string[], io: CliIO): Promise<number>` returning the exit code (0 ok, 1 differences/failures, 2 errors).
import type { CliIO } from '../io';
import * as compare from './compare';
import * as copy from './copy';
import * as createParallel from './create-parallel';
import * as inspect from './inspect';
import * as preflight from './preflight';
import * as migratePointers from './migrate-pointers';
import * as verify from './verify';
import * as swap from './swap';
import * as unswap from './unswap';
import * as backup from './backup';
import * as restore from './restore';
import * as migrateInPlace from './migrate-in-place';
import * as retire from './retire';

export type DbCommand = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

export const dbCommands: Record<string, DbCommand> = {
  compare,
  copy,
  'create-parallel': createParallel,
  inspect,
  preflight,
  'migrate-pointers': migratePointers,
  verify,
  swap,
  unswap,
  backup,
  restore,
  'migrate-in-place': migrateInPlace,
  retire,
};

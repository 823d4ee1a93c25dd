// The database operations the UI offers, one file each. Extension point: a new operation adds a file
// here and an entry to OPERATIONS (and a step in workflow.ts when it is one of the workflow's steps).
import { backupOp } from './backup';
import { compareData } from './compare';
import { copyData } from './copy';
import { createParallelOp } from './createParallel';
import { inPlaceOp } from './inplace';
import { migrateExternalPointers } from './pointers';
import { preflight } from './preflight';
import { restoreOp } from './restore';
import { retireOp } from './retire';
import { swapOp } from './swap';
import type { Operation } from './types';
import { unswapOp } from './unswap';
import { verify } from './verify';

export * from './types';
export { runOperation, runLockSchemas } from './runLocked';

export type OperationId =
  | 'preflight'
  | 'create-parallel'
  | 'copy'
  | 'pointers'
  | 'compare'
  | 'verify'
  | 'backup'
  | 'restore'
  | 'swap'
  | 'unswap'
  | 'retire'
  | 'in-place';

export const OPERATIONS: Readonly<Record<OperationId, Operation>> = {
  preflight,
  'create-parallel': createParallelOp,
  copy: copyData,
  pointers: migrateExternalPointers,
  compare: compareData,
  verify,
  backup: backupOp,
  restore: restoreOp,
  swap: swapOp,
  unswap: unswapOp,
  retire: retireOp,
  'in-place': inPlaceOp,
};

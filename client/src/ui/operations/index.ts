// The database operations the UI offers, one file each. Extension point: the cut-over operations
// (backup, swap, in-place; issue 5) add a file here and an entry to OPERATIONS (and a step in workflow.ts).
import { compareData } from './compare';
import { copyData } from './copy';
import { createParallelOp } from './createParallel';
import { migrateExternalPointers } from './pointers';
import { preflight } from './preflight';
import type { Operation } from './types';
import { verify } from './verify';

export * from './types';

export const OPERATIONS: Readonly<Record<'preflight' | 'create-parallel' | 'copy' | 'pointers' | 'compare' | 'verify', Operation>> = {
  preflight,
  'create-parallel': createParallelOp,
  copy: copyData,
  pointers: migrateExternalPointers,
  compare: compareData,
  verify,
};

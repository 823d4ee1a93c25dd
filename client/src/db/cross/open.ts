// Open the target side named by `--target` (side.ts): another MySQL/MariaDB server, or PostgreSQL.
import type { TargetSpec } from '../connect/target';
import { DbInputError } from '../sql';
import { openMysqlSide } from './mysqlSide';
import type { TargetSide } from './side';

export async function openTargetSide(t: TargetSpec): Promise<TargetSide> {
  if (t.dialect === 'mysql') return openMysqlSide(t);
  throw new DbInputError('copy, compare and verify into PostgreSQL are not available in this build');
}

// Open the target side named by `--target` (side.ts): another MySQL/MariaDB server, or PostgreSQL.
import type { TargetSpec } from '../connect/target';
import { openMysqlSide } from './mysqlSide';
import { openPgSide } from './pgSide';
import type { TargetSide } from './side';

export async function openTargetSide(t: TargetSpec): Promise<TargetSide> {
  if (t.dialect === 'mysql') return openMysqlSide(t);
  return openPgSide(t);
}

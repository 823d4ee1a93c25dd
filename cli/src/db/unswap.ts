// dj-migrate db unswap --schemas a,b,c [--suffix _v2] [--old-suffix _old] [--accept-differences] [--dry-run] [--yes]
// Roll a swap back the same way: the 2.x tables return to <name>_v2 and <name>_old's tables take the
// production names again, in one atomic RENAME. Refused when the 2.x tables hold rows the old ones lack
// (written after the swap), unless --accept-differences. Exit 0 rolled back (or dry run), 1 refused, 2 error.
import type { CliIO } from '../io';
import { runCutOver } from './swap';

export const summary = 'roll a swap back: <name> → <name>_v2, <name>_old → <name>, one atomic RENAME';

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runCutOver(argv, io, 'unswap');
}

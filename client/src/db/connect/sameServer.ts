// A `--target mysql://…` may point back at the source server under another address. With the production
// names kept (no --suffix), creating there would write into the source schemas: refuse that.
import type { Db } from '../connection';
import { DbInputError } from '../sql';

async function identity(db: Db): Promise<string> {
  const [row] = await db.query<{ h: string; p: string | number; d: string }>(
    'SELECT @@hostname AS h, @@port AS p, @@datadir AS d',
  );
  return `${row.h}\u0000${row.p}\u0000${row.d}`;
}

/** Throws when `target` is the very server `source` is connected to and some target name equals a source name. */
export async function refuseSameServerSameNames(
  source: Db,
  target: Db,
  pairs: readonly { source: string; target: string }[],
): Promise<void> {
  const same = pairs.filter((p) => p.source === p.target).map((p) => p.source);
  if (!same.length) return;
  if ((await identity(source)) === (await identity(target)))
    throw new DbInputError(
      `--target is the source server itself, and ${same.join(', ')} would be created under the production name: give --suffix (or --pair)`,
    );
}

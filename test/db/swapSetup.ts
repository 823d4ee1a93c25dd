// What the swap tests start from: the dj014 fixture, its 2.x parallel schemas created and copied by the engine,
// the swap options they share, and the writes planted after the pre-freeze pass.
import assert from 'node:assert/strict';
import { loadFixture, type LoadedFixture } from './harness';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import type { SwapOptions } from '../../client/src/db/swap';
import type { ConnectionOptions, Db } from '../../client/src/db/connection';
import { qt } from '../../client/src/db/sql';

export interface CopiedPipeline {
  fx: LoadedFixture;
  /** `<schema>_v2`, in the fixture's schema order. */
  v2: string[];
  /** `<schema>_old`. */
  old: string[];
}

export async function copiedPipeline(server?: ConnectionOptions): Promise<CopiedPipeline> {
  const fx = await loadFixture('dj014', { server });
  const v2 = fx.schemas.map((s) => s + '_v2');
  const old = fx.schemas.map((s) => s + '_old');
  await createParallel(fx.db, { schemas: fx.schemas, suffix: '_v2', unsigned: 'widen' });
  const r = await copy(fx.db, {
    pairs: fx.schemas.map((s, i) => ({ source: s, target: v2[i] })),
    stores: fx.storesConfig,
  });
  assert.equal(r.failed, false);
  return { fx, v2, old };
}

export function swapOptions(fx: LoadedFixture, extra: Partial<SwapOptions> = {}): SwapOptions {
  return {
    schemas: fx.schemas,
    suffix: '_v2',
    oldSuffix: '_old',
    stores: fx.storesConfig,
    confirm: async () => true,
    lockWaitSeconds: 2,
    ...extra,
  };
}

/**
 * Writes planted after the pre-freeze pass (from a swap's confirm callback), which the freeze must catch: an insert,
 * an update, a delete, a key change that cascades to ephys.session.experimenter, a change of a part table's own key,
 * and an in-store pointer of a row other rows reference now naming another stored object.
 */
export async function plantWritesAfterPass(db: Db, lab: string, ephys: string): Promise<void> {
  await db.execute(`INSERT INTO ${qt(lab, 'user')} (username, full_name, active) VALUES ('planted', 'P', 1)`);
  await db.execute(`UPDATE ${qt(lab, 'subject')} SET notes = 'changed after the pass' WHERE subject_id = 101`);
  await db.execute(
    `DELETE FROM ${qt(ephys, 'session__note')} WHERE subject_id = 100 AND session_date = '2024-06-02' AND note_idx = 0`,
  );
  await db.execute(`UPDATE ${qt(lab, 'user')} SET username = 'alicia' WHERE username = 'alice'`);
  await db.execute(
    `UPDATE ${qt(ephys, 'session__note')} SET note_idx = 7 WHERE subject_id = 100 AND session_date = '2024-06-01' AND note_idx = 1`,
  );
  const [other] = await db.query<{ lfp: Buffer }>(
    `SELECT lfp FROM ${qt(ephys, 'recording')} WHERE subject_id = 100 AND session_date = '2024-06-02'`,
  );
  await db.execute(
    `UPDATE ${qt(ephys, 'recording')} SET lfp = ? WHERE subject_id = 100 AND session_date = '2024-06-01'`,
    [other.lfp],
  );
}

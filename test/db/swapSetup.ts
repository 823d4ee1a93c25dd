// What the swap tests start from: the dj014 fixture, its 2.x parallel schemas created and copied by the engine,
// and the swap options they share.
import assert from 'node:assert/strict';
import { loadFixture, type LoadedFixture } from './harness';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import type { SwapOptions } from '../../client/src/db/swap';
import type { ConnectionOptions } from '../../client/src/db/connection';

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

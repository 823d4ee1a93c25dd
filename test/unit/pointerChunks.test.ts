// Compare's pointer chunks not held up by the file checks (client/src/db/pointerChunks.ts): a chunk is agreed only
// once its files settle, in order; when an unsettled chunk's files fail, every chunk checked after it (which may
// have skipped a pair the failed one remembered) is compared row by row too; and no more chunks wait unsettled
// than the agreement allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PointerChunks } from '../../client/src/db/pointerChunks';
import type { ChunkPointers, PointerAgreement } from '../../client/src/db/comparePointerSql';

/** An agreement whose verdicts are scripted per chunk; each chunk's files settle when the test releases them. */
function scripted(verdicts: { now: boolean; files: boolean }[], limit: number) {
  const release: Array<() => void> = [];
  let n = 0;
  const agreement = {
    agreeSoon: async () => {
      const v = verdicts[n++];
      const files = new Promise<boolean>((resolve) => release.push(() => resolve(v.files)));
      return { now: v.now, files };
    },
    unsettledLimit: () => limit,
  } as unknown as PointerAgreement;
  return { agreement, release };
}

const read = { prod: [], test: [], alike: true } as ChunkPointers;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Takes every chunk (chunk i spans keys i*10 … (i+1)*10), releasing chunk i's files once chunk `releaseAfter(i)`
 * has been taken (or at the end), and records what was agreed and what was compared row by row.
 */
async function run(verdicts: { now: boolean; files: boolean }[], limit: number, releaseAfter: (i: number) => number) {
  const { agreement, release } = scripted(verdicts, limit);
  const agreed: number[] = [];
  const byRow: number[] = [];
  const chunks = new PointerChunks(
    agreement,
    (rows) => agreed.push(rows),
    async (lower) => {
      byRow.push(Number(lower?.[0] ?? 0));
    },
  );
  const released = new Set<number>();
  const releaseDue = (taken: number) => {
    for (let k = 0; k < release.length; k++)
      if (!released.has(k) && releaseAfter(k) <= taken) {
        released.add(k);
        release[k]();
      }
  };
  for (let i = 0; i < verdicts.length; i++) {
    let done = false;
    const taking = chunks.take(i === 0 ? null : [i * 10], [(i + 1) * 10], 10 + i, read).then(() => {
      done = true;
    });
    await tick();
    // A take that must wait for older files: release them until it returns.
    for (let k = 0; !done && k < release.length; k++) {
      if (!released.has(k)) {
        released.add(k);
        release[k]();
      }
      await tick();
    }
    await taking;
    releaseDue(i);
    await tick(); // the next chunk's reads take a while
  }
  for (let k = 0; k < release.length; k++) if (!released.has(k)) release[k]();
  await chunks.settle();
  return { agreed, byRow };
}

test('chunks whose node checks and files agree are each counted once, in order, after their files settle', async () => {
  for (const limit of [1, 3, 1000]) {
    const r = await run(
      Array.from({ length: 6 }, () => ({ now: true, files: true })),
      limit,
      (i) => i + 4,
    );
    assert.deepEqual(r.agreed, [10, 11, 12, 13, 14, 15], `limit ${limit}`);
    assert.deepEqual(r.byRow, []);
  }
});

test('files failing after later chunks were checked: it and every later unsettled chunk are compared by row', async () => {
  // Chunk 1's files settle (and fail) only after chunks 2 and 3 were checked: both may have skipped its pairs.
  const r = await run(
    [
      { now: true, files: true },
      { now: true, files: false },
      { now: true, files: true },
      { now: true, files: true },
      { now: true, files: true },
    ],
    1000,
    (i) => (i === 1 ? 3 : i),
  );
  assert.deepEqual(r.byRow, [10, 20, 30]);
  assert.deepEqual(r.agreed, [10, 14]);
});

test('with one chunk allowed unsettled, taking the next waits for the earlier files', async () => {
  const { agreement, release } = scripted(
    [
      { now: true, files: true },
      { now: true, files: true },
    ],
    1,
  );
  const agreed: number[] = [];
  const chunks = new PointerChunks(
    agreement,
    (rows) => agreed.push(rows),
    async () => undefined,
  );
  await chunks.take(null, [10], 10, read);
  let second = false;
  const taking = chunks.take([10], [20], 11, read).then(() => {
    second = true;
  });
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(second, false, 'two unsettled chunks would be one too many');
  assert.deepEqual(agreed, []);
  release[0]();
  await taking;
  assert.deepEqual(agreed, [10]);
  release[1]();
  assert.equal(await chunks.settle(), true);
  assert.deepEqual(agreed, [10, 11]);
});

test('a chunk node refuses is compared row by row after the earlier ones settle; the last settles at the end', async () => {
  const r = await run(
    [
      { now: true, files: true },
      { now: false, files: true },
      { now: true, files: true },
      { now: true, files: false },
    ],
    1000,
    (i) => i + 1,
  );
  assert.deepEqual(r.byRow, [10, 30]);
  assert.deepEqual(r.agreed, [10, 12]);
});

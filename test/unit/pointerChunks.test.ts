// Compare's pointer chunks not held up by the stat worker (client/src/db/pointerChunks.ts): a chunk is agreed
// only once its files settle, and when an earlier chunk's files fail, the chunk checked after it (which may have
// skipped a pair the earlier one remembered) is compared row by row too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PointerChunks } from '../../client/src/db/pointerChunks';
import type { ChunkPointers, PointerAgreement } from '../../client/src/db/comparePointerSql';

/** An agreement whose verdicts are scripted per chunk: node's verdict, and the files' (settled when released). */
function scripted(verdicts: { now: boolean; files: boolean }[]) {
  const release: Array<() => void> = [];
  let n = 0;
  const agreement = {
    agreeSoon: async () => {
      const v = verdicts[n++];
      const files = new Promise<boolean>((resolve) => release.push(() => resolve(v.files)));
      return { now: v.now, files };
    },
  } as unknown as PointerAgreement;
  return { agreement, release };
}

const read = { prod: [], test: [], alike: true } as ChunkPointers;

async function run(verdicts: { now: boolean; files: boolean }[]) {
  const { agreement, release } = scripted(verdicts);
  const agreed: number[] = [];
  const byRow: number[] = [];
  const chunks = new PointerChunks(
    agreement,
    (rows) => agreed.push(rows),
    async (lower) => {
      byRow.push(Number(lower?.[0] ?? 0));
    },
  );
  // Files settle only after the next chunk's node checks ran (the worker still busy), as on a large table.
  const releaseLater = () => setImmediate(() => release.forEach((r) => r()));
  for (let i = 0; i < verdicts.length; i++) {
    releaseLater();
    await chunks.take(i === 0 ? null : [i * 10], [(i + 1) * 10], 10, read);
  }
  releaseLater();
  await chunks.settle();
  return { agreed, byRow };
}

test('chunks whose node checks and files agree are each counted once, after their files settle', async () => {
  const r = await run([
    { now: true, files: true },
    { now: true, files: true },
    { now: true, files: true },
  ]);
  assert.deepEqual(r.agreed, [10, 10, 10]);
  assert.deepEqual(r.byRow, []);
});

test('an earlier chunk whose files fail is compared row by row, and so is the chunk checked after it', async () => {
  const r = await run([
    { now: true, files: true },
    { now: true, files: false },
    { now: true, files: true },
    { now: true, files: true },
  ]);
  assert.deepEqual(r.byRow, [10, 20]);
  assert.deepEqual(r.agreed, [10, 10]);
});

test('a chunk node refuses is compared row by row at once; the last chunk settles at the end', async () => {
  const r = await run([
    { now: false, files: true },
    { now: true, files: true },
    { now: true, files: false },
  ]);
  assert.deepEqual(r.byRow, [0, 20]);
  assert.deepEqual(r.agreed, [10]);
});

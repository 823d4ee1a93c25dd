// The files of a parallel check, cut into chunks that the threads claim one at a time (dynamic load balancing).

/** The smallest chunk a thread claims: a chunk's files are indexed in import order among themselves only. */
export const MIN_CHUNK = 8;

/**
 * Consecutive runs of `files` for `n` threads to claim one at a time, each a share of what is left (large first,
 * small last), so the threads run out of work together whatever each one's speed (a worker's code is not yet
 * optimised at first, and the machine's other threads take turns). With one thread, one chunk.
 */
export function chunkOut<T>(files: readonly T[], n: number): T[][] {
  if (n <= 1) return [files.slice()];
  const chunks: T[][] = [];
  for (let at = 0; at < files.length; ) {
    const size = Math.max(MIN_CHUNK, Math.ceil((files.length - at) / n));
    chunks.push(files.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** Claim chunks (an index shared by every thread, advanced atomically) until none is left; hand each to `take`. */
export function claimChunks<T>(claimed: Int32Array, chunks: readonly T[], take: (chunk: T) => void): void {
  for (let c = Atomics.add(claimed, 0, 1); c < chunks.length; c = Atomics.add(claimed, 0, 1)) take(chunks[c]);
}

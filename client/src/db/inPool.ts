// Bounded concurrency: store requests (copy converts up to a few objects of a chunk at once), and the number of
// tables `db copy` / `db compare` run at once (--jobs).

export /** Runs `fn` over `items` with at most `limit` running; the first failure stops new work and is thrown. */
async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Tables copied at once: at most MAX_JOBS (the connection pool of 8 keeps sessions free for KILL QUERY and progress). */
export const MAX_JOBS = 6;

export function jobsOf(jobs: number | undefined): number {
  return Math.max(1, Math.min(MAX_JOBS, Math.floor(jobs ?? 1)));
}

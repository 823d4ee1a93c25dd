// A statement timer for `npm run bench:db` (DJM_BENCH_TRACE=1): wraps a Db so that every statement run while
// `on` is true is timed, and prints the statements that took longest, grouped by their text. Used to see
// which statements of the cut-over freeze grow with the size of the tables.
import type { Db, DbConnection, Queryable } from './connection';

export interface StatementTrace {
  db: Db;
  on: boolean;
  /** Lines: total ms, count, statement text (shortened), slowest first; clears what was gathered. */
  take(top?: number): string[];
}

export function traceStatements(db: Db): StatementTrace {
  const seen = new Map<string, { ms: number; n: number }>();
  const trace: StatementTrace = {
    db,
    on: false,
    take(top = 12) {
      const rows = [...seen.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
      seen.clear();
      return rows.map(([sql, s]) => `${s.ms.toFixed(0).padStart(6)} ms ${String(s.n).padStart(4)}× ${sql}`);
    },
  };
  const note = (sql: string, ms: number) => {
    if (!trace.on) return;
    const key = sql.replace(/\s+/g, ' ').slice(0, 160);
    const s = seen.get(key) ?? { ms: 0, n: 0 };
    s.ms += ms;
    s.n++;
    seen.set(key, s);
  };
  const timed = async <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      note(sql, performance.now() - t);
    }
  };
  const wrap = <Q extends Queryable>(q: Q): Q => ({
    ...q,
    query: <T>(sql: string, params?: readonly unknown[]) => timed(sql, () => q.query<T>(sql, params)),
    execute: (sql: string, params?: readonly unknown[]) => timed(sql, () => q.execute(sql, params)),
    stream: (sql: string, params?: readonly unknown[]) => ({
      [Symbol.asyncIterator]: async function* () {
        const t = performance.now();
        try {
          yield* q.stream(sql, params);
        } finally {
          note(`(stream) ${sql}`, performance.now() - t);
        }
      },
    }),
  });
  trace.db = {
    ...wrap(db),
    withConnection: <T>(fn: (c: DbConnection) => Promise<T>) => db.withConnection((c) => fn(wrap(c))),
  } as Db;
  return trace;
}

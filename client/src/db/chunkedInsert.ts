// `INSERT … SELECT` of a whole table in primary-key chunks, for a target that starts empty (backup clones):
// each chunk is `… WHERE key > last ORDER BY key LIMIT n`, its upper key the largest key now in the target
// (one index dive), so the source is read once, as by a single statement, while each statement stays short
// (no long-held undo, no statement running for an hour, progress between chunks, cancellation between them).
import type { DbConnection } from './connection';
import type { Table } from './model';
import { q, qList, qt } from './sql';
import { ChunkSizer, type ChunkSizerOptions, and, keyAfter, keyColumns, keyOf, keySelect, orderBy } from './chunks';
import type { Key } from './state';

export interface ChunkedInsertResult {
  rows: number;
  chunks: number;
}

/**
 * Copy every row of `source` into the (empty) table `targetSchema.source.name` with the same column list.
 * Throws on any warning (a value would have changed). `onChunk` reports rows so far.
 */
export async function insertSelectInChunks(
  c: DbConnection,
  source: Table,
  targetSchema: string,
  opts: { signal?: AbortSignal; onChunk?: (rows: number) => void; chunk?: ChunkSizerOptions } = {},
): Promise<ChunkedInsertResult> {
  const cols = qList(source.columns.map((x) => x.name));
  const src = qt(source.schema, source.name);
  const tgt = qt(targetSchema, source.name);
  const statement = async (sql: string, params: unknown[]) => {
    const r = await c.execute(sql, params);
    if (r.warningStatus > 0)
      throw new Error(
        `copying ${source.schema}.${source.name} raised ${r.warningStatus} warning(s); a value would have changed`,
      );
    return r.affectedRows;
  };
  if (!source.primaryKey.length)
    return { rows: await statement(`INSERT INTO ${tgt} (${cols}) SELECT ${cols} FROM ${src}`, []), chunks: 1 };
  const types = new Map(source.columns.map((x) => [x.name, x.dataType]));
  const keyCols = keyColumns(source.primaryKey, (n) => types.get(n) ?? '');
  const sizer = new ChunkSizer({
    maxBytes: 256 * 1024 * 1024,
    avgRowBytes: source.rowEstimate > 0 && source.sizeBytes ? source.sizeBytes / source.rowEstimate : undefined,
    ...opts.chunk,
  });
  let last: Key | null = null;
  let rows = 0;
  let chunks = 0;
  for (;;) {
    if (opts.signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
    const n = sizer.next();
    const began = Date.now();
    const fromS = and(last ? keyAfter(keyCols, last, 's') : null);
    const got = await statement(
      `INSERT INTO ${tgt} (${cols}) SELECT ${source.columns.map((x) => `s.${q(x.name)}`).join(', ')} FROM ${src} AS s WHERE ${fromS.sql} ${orderBy(keyCols, 's')} LIMIT ${n}`,
      fromS.params,
    );
    rows += got;
    chunks++;
    opts.onChunk?.(rows);
    if (got < n) break;
    const fromT = and(last ? keyAfter(keyCols, last, 't') : null);
    const [top] = await c.query(
      `SELECT ${keySelect(keyCols, 't')} FROM ${tgt} AS t WHERE ${fromT.sql} ${orderBy(keyCols, 't', 'DESC')} LIMIT 1`,
      fromT.params,
    );
    last = keyOf(top, keyCols.length);
    sizer.observe(got, Date.now() - began);
  }
  return { rows, chunks };
}

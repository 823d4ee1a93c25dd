// Bringing chosen key ranges of the 2.x parallel tables level with production (`db swap`'s delta copy): rows
// added, changed or deleted in production since they were copied. Everything runs on the server except the
// conversion of new stored objects (copy.ts). Order matters for foreign keys (DataJoint's are ON UPDATE
// CASCADE, ON DELETE RESTRICT; a key change in production arrives here as a new key plus a vanished one):
//   1. missing rows are inserted, parents first (copy.ts with the ranges as filters);
//   2. changed plain columns are updated in place, parents first (`UPDATE … JOIN`), and rows whose in-store
//      pointer changed get the 2.x JSON of the new object (converted as the copy converts it);
//   3. rows production no longer has are deleted, children first.
// Only the parallel (target) schemas (and, for new stored objects, the 2.x store layout) are written. A unique secondary index that a key change keeps can make
// step 1 fail on a duplicate; the swap is then refused and nothing is moved.
import type { Db, DbConnection } from '../connection';
import { tableKey } from '../model';
import { q, qt } from '../sql';
import { type KeyColumn, type Predicate, keyColumnsFor, keyJoin, keyRange } from '../chunks';
import { type CopyReport, type PlannedTable, planCopy, runCopy, type SchemaPair } from '../copy';
import { compare } from '../compare';
import type { StoreMap } from '../stores';
import type { Key } from '../state';
import { convertPointerCell, type PointerContext } from '../convert';
import type { ExternalRow } from '../pointers';

export interface KeySpan {
  lower: Key | null;
  upper: Key | null;
}

export interface DeltaCounts {
  inserted: number;
  updated: number;
  deleted: number;
  /** Rows whose in-store pointer changed: their JSON rewritten for the new object. */
  rewritten: number;
}

export interface DeltaResult extends DeltaCounts {
  copy: CopyReport;
}

/** `((range1) OR (range2) …)` on `alias`. */
export function anyRange(cols: readonly KeyColumn[], spans: KeySpan[], alias: string): Predicate {
  const parts = spans.map((r) => keyRange(cols, r.lower, r.upper, alias));
  return { sql: `(${parts.map((p) => `(${p.sql})`).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

/**
 * Apply production's changes within `spans` (production `schema.table` → key ranges) to the parallel tables.
 * Throws when a statement fails or warns; what was applied stays (the next swap re-checks it).
 */
export async function applyDelta(
  db: Db,
  opts: { pairs: SchemaPair[]; stores: StoreMap; spans: Map<string, KeySpan[]>; signal?: AbortSignal },
): Promise<DeltaResult> {
  const counts: DeltaCounts = { inserted: 0, updated: 0, deleted: 0, rewritten: 0 };
  if (!opts.spans.size)
    return { ...counts, copy: { tables: [], cancelled: false, failed: false, notes: [], fileOps: 0 } };
  const plan = await planCopy(db, { pairs: opts.pairs, stores: opts.stores, filters: filtersFor(opts.spans) });
  // planCopy needs the key columns to build the filters; rebuild them now that they are known.
  const filters = new Map(
    plan.tables.map((t) => [tableKey(t.source), anyRange(t.keyCols, spanOf(opts.spans, t), 's')]),
  );
  for (const t of plan.tables) t.filter = filters.get(tableKey(t.source)) ?? null;

  const copied = await runCopy(db, plan, { pairs: opts.pairs, stores: opts.stores, filters, signal: opts.signal });
  if (copied.failed || copied.cancelled)
    throw new Error(
      `the delta copy did not finish: ${
        copied.tables
          .filter((t) => t.error)
          .map((t) => `${t.source}: ${t.error}`)
          .join('; ') || 'cancelled'
      }`,
    );
  counts.inserted = copied.tables.reduce((a, t) => a + t.rowsInserted, 0);
  await db.withConnection(async (c) => {
    for (const t of plan.tables) {
      counts.updated += await updateChanged(c, t, spanOf(opts.spans, t));
      counts.rewritten += await rewriteChangedPointers(db, c, t, opts);
    }
    for (const t of [...plan.tables].reverse()) counts.deleted += await deleteVanished(c, t, spanOf(opts.spans, t));
  });
  return { ...counts, copy: copied };
}

function spanOf(spans: Map<string, KeySpan[]>, t: PlannedTable): KeySpan[] {
  return spans.get(tableKey(t.source)) ?? [];
}

/** Placeholder filters that only select the tables (planCopy keeps tables that have a filter). */
function filtersFor(spans: Map<string, KeySpan[]>): Map<string, Predicate> {
  return new Map([...spans.keys()].map((k) => [k, { sql: 'TRUE', params: [] }]));
}

function targetKeyCols(t: PlannedTable): readonly KeyColumn[] {
  return keyColumnsFor(t.keyCols, t.source.columns, t.target.columns);
}

async function run(c: DbConnection, sql: string, params: unknown[]): Promise<number> {
  const r = await c.execute(sql, params);
  if (r.warningStatus > 0) {
    const w = await c.query<{ Level: string; Code: number; Message: string }>('SHOW WARNINGS');
    throw new Error(
      `the delta copy produced warnings: ${w.map((x) => `${x.Level} ${x.Code}: ${x.Message}`).join('; ')}`,
    );
  }
  return r.affectedRows;
}

/** Step 2: plain (verbatim) non-key columns that differ, set from production. */
async function updateChanged(c: DbConnection, t: PlannedTable, spans: KeySpan[]): Promise<number> {
  const cols = t.columns.filter((x) => x.kind === 'verbatim' && !t.source.primaryKey.includes(x.name));
  if (!cols.length || !spans.length) return 0;
  const range = anyRange(t.keyCols, spans, 's');
  return run(
    c,
    `UPDATE ${qt(t.target.schema, t.target.name)} AS t JOIN ${qt(t.source.schema, t.source.name)} AS s ON ${keyJoin(t.keyCols, 's', 't')} ` +
      `SET ${cols.map((x) => `t.${q(x.name)} = s.${q(x.name)}`).join(', ')} ` +
      `WHERE ${range.sql} AND NOT (${cols.map((x) => `t.${q(x.name)} <=> s.${q(x.name)}`).join(' AND ')})`,
    range.params,
  );
}

/** Step 3: target rows in the ranges whose key production no longer has. */
async function deleteVanished(c: DbConnection, t: PlannedTable, spans: KeySpan[]): Promise<number> {
  if (!spans.length) return 0;
  // Single-table DELETE without an alias (MariaDB 10 rejects `DELETE t FROM db.x AS t` without a default
  // database, and an alias in single-table DELETE needs MySQL 8.0.16): the table is named in full instead.
  const target = qt(t.target.schema, t.target.name);
  const range = anyRange(targetKeyCols(t), spans, target);
  return run(
    c,
    `DELETE FROM ${target} WHERE ${range.sql} AND NOT EXISTS ` +
      `(SELECT 1 FROM ${qt(t.source.schema, t.source.name)} AS s WHERE ${keyJoin(t.keyCols, 's', target)})`,
    range.params,
  );
}

/**
 * Step 2 for in-store columns: rows whose pointer no longer names the object the target's JSON names (found
 * by compare, without file checks) get the JSON of the new object, converted as the copy converts it.
 */
async function rewriteChangedPointers(
  db: Db,
  c: DbConnection,
  t: PlannedTable,
  opts: { pairs: SchemaPair[]; stores: StoreMap; spans: Map<string, KeySpan[]> },
): Promise<number> {
  const pointers = new Map(
    t.columns.filter((x): x is PointerPlan => x.kind === 'pointer').map((x) => [x.name, x] as const),
  );
  const spans = spanOf(opts.spans, t);
  if (!pointers.size || !spans.length) return 0;
  const found = await compare(db, {
    pairs: opts.pairs,
    tables: [tableKey(t.source)],
    ranges: new Map([[tableKey(t.source), spans]]),
    fileCheck: 'none',
    maxDifferences: Number.MAX_SAFE_INTEGER,
  });
  const ctx: PointerContext = {
    sourceSchema: t.source.schema,
    targetSchema: t.target.schema,
    stores: opts.stores,
    relocate: false,
    dryRun: false,
  };
  const binary = new Set(t.source.columns.filter((x) => /binary/i.test(x.dataType)).map((x) => x.name));
  const names = t.source.primaryKey;
  const where = names.map((k) => `${q(k)} = ?`).join(' AND ');
  let n = 0;
  for (const d of found.tables.flatMap((x) => x.differences)) {
    const p = pointers.get(d.column);
    if (!p) continue;
    const key = names.map((k) => {
      const v = d.key[k];
      return binary.has(k) && typeof v === 'string' && v.startsWith('0x') ? Buffer.from(v.slice(2), 'hex') : v;
    });
    const [row] = await c.query(
      `SELECT s.${q(p.name)} AS __p, ${EXTERNAL.map((f) => `e.${q(f)} AS ${q(f)}`).join(', ')} FROM ${qt(t.source.schema, t.source.name)} AS s ` +
        `LEFT JOIN ${qt(t.source.schema, `~external_${p.store}`)} AS e ON e.${q('hash')} = s.${q(p.name)} WHERE ${names.map((k) => `s.${q(k)} = ?`).join(' AND ')}`,
      key,
    );
    if (!row) continue; // gone from production since: step 3 deletes it
    const ext = row.hash ? (row as unknown as ExternalRow) : null;
    const cell = await convertPointerCell(p, (row.__p as Buffer | null) ?? null, ext, ctx);
    n += await run(c, `UPDATE ${qt(t.target.schema, t.target.name)} SET ${q(p.name)} = ? WHERE ${where}`, [
      cell.json,
      ...key,
    ]);
  }
  return n;
}

type PointerPlan = Extract<PlannedTable['columns'][number], { kind: 'pointer' }>;
const EXTERNAL = ['hash', 'size', 'attachment_name', 'filepath', 'contents_hash', 'timestamp'] as const;

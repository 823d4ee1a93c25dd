// The source side of a cross-server copy or compare: the 0.14.6 rows of one table in primary-key chunks, as
// canonical rows (side.ts). In-store pointers come with their `~external_<store>` row (one LEFT JOIN per
// pointer column) and become 2.x JSON through convert.ts, each distinct object converted once per table.
import { inPool } from '../inPool';
import type { Db, Row } from '../connection';
import { q, qt } from '../sql';
import { and, keyAfter, keyOf, keyRange, keySelect, orderBy, valueBytes } from '../chunks';
import type { Key } from '../state';
import { type ColumnPlan, type PointerContext, convertPointerCell } from '../convert';
import { externalRow } from '../copyObjectRows';
import type { ExternalRow } from '../pointers';
import { MissingFiles, missingSharedFile } from '../sharedFiles';
import type { StoreMap } from '../stores';
import { type CachedCell, ConvertedCache } from '../convertedCache';
import { canonFromMysql, canonToMysql, mysqlReadExpr } from './canon';
import type { CrossPlannedTable } from './plan';
import type { CanonKey, CanonRow } from './side';

type PointerPlan = Extract<ColumnPlan, { kind: 'pointer' }>;

const EXTERNAL_FIELDS = ['hash', 'size', 'attachment_name', 'filepath', 'contents_hash', 'timestamp'] as const;
const OBJECTS_IN_FLIGHT = 8;
/**
 * What a row costs in this process beyond its values' wire bytes (valueBytes): the driver's row object and
 * the canonical array, a slot and a header per value, the key. Measured on the bench's 0.14.6 `trial`
 * (9 columns): about 760 bytes per row while both forms live, against 322 wire bytes.
 */
const HEAP_BYTES_PER_ROW = 160;
const HEAP_BYTES_PER_VALUE = 32;

/** Rows of one chunk; pointer cells hold the raw pointer until `convert` replaces them with JSON. */
export interface SourceChunk {
  rows: CanonRow[];
  /** Native keys (chunks.ts keySelect) of the rows, for checkpoints and ranges. */
  keys: Key[];
  /** Per row, per pointer column: the pointer and its `~external` row. */
  pointers: { pointer: Buffer; ext: ExternalRow | null }[][];
  /** Roughly what the chunk holds in memory (wire bytes of its values and the objects around them). */
  bytes: number;
}

export interface PointerSettings {
  stores?: StoreMap;
  destStores?: StoreMap;
  relocate?: boolean;
}

export class SourceRows {
  private readonly src: string;
  private readonly pointerCols: { plan: PointerPlan; index: number }[];
  private readonly converted = new ConvertedCache();
  readonly missing = new MissingFiles();
  /** File operations done (or, in a dry run, planned) since the last `takeFileOps`, and in all. */
  private fileOpsSince: string[] = [];
  fileOpCount = 0;
  /** Store objects written, with their bytes. */
  objects = 0;
  objectBytes = 0;

  constructor(
    private readonly db: Db,
    private readonly t: CrossPlannedTable,
    private readonly settings: PointerSettings,
  ) {
    this.src = qt(t.source.schema, t.source.name);
    this.pointerCols = t.columns.flatMap((plan, index) => (plan.kind === 'pointer' ? [{ plan, index }] : []));
  }

  private selectSql(): string {
    const { t } = this;
    const cols = t.target.columns.map((c, i) =>
      t.columns[i].kind === 'pointer'
        ? `s.${q(c.name)} AS ${q(`c${i}`)}`
        : `${mysqlReadExpr(c, 's', q(c.name))} AS ${q(`c${i}`)}`,
    );
    const ext = this.pointerCols.flatMap((_, j) => EXTERNAL_FIELDS.map((f) => `e${j}.${q(f)} AS ${q(`e${j}_${f}`)}`));
    const joins = this.pointerCols
      .map(
        ({ plan }, j) =>
          `LEFT JOIN ${qt(t.source.schema, `~external_${plan.store}`)} AS e${j} ON e${j}.${q('hash')} = s.${q(plan.name)}`,
      )
      .join(' ');
    return `SELECT ${[keySelect(t.keyCols, 's'), ...cols, ...ext].join(', ')} FROM ${this.src} AS s ${joins}`;
  }

  private chunkOf(raw: Row[]): SourceChunk {
    const { t } = this;
    const chunk: SourceChunk = { rows: [], keys: [], pointers: [], bytes: 0 };
    for (const r of raw) {
      chunk.keys.push(keyOf(r, t.keyCols.length));
      const row: CanonRow = t.target.columns.map((c, i) =>
        t.columns[i].kind === 'pointer' ? (r[`c${i}`] as Buffer | null) : canonFromMysql(c.kind, r[`c${i}`]),
      );
      chunk.pointers.push(
        this.pointerCols.map((_, j) => ({
          pointer: row[this.pointerCols[j].index] as Buffer,
          ext: externalRow(r, j, 'e'),
        })),
      );
      chunk.bytes += HEAP_BYTES_PER_ROW;
      for (const v of row) chunk.bytes += valueBytes(v) + HEAP_BYTES_PER_VALUE;
      chunk.rows.push(row);
    }
    return chunk;
  }

  /** The next `n` rows after `after` in key order (and the table's filter). */
  async next(after: Key | null, n: number): Promise<SourceChunk> {
    const { t } = this;
    const p = and(after ? keyAfter(t.keyCols, after, 's') : null, t.filter);
    return this.chunkOf(
      await this.db.query(`${this.selectSql()} WHERE ${p.sql} ${orderBy(t.keyCols, 's')} LIMIT ${n}`, p.params),
    );
  }

  /** The rows in the key range (after, upTo] (null bounds open), in key order. */
  async range(after: Key | null, upTo: Key | null): Promise<SourceChunk> {
    const { t } = this;
    const p = and(keyRange(t.keyCols, after, upTo, 's'), t.filter);
    return this.chunkOf(await this.db.query(`${this.selectSql()} WHERE ${p.sql} ${orderBy(t.keyCols, 's')}`, p.params));
  }

  /** The key of the `n`th row after `after` (the upper bound of a chunk of n), or null when fewer remain. */
  async boundary(after: Key | null, n: number): Promise<Key | null> {
    const { t } = this;
    const p = and(after ? keyAfter(t.keyCols, after, 's') : null, t.filter);
    const [r] = await this.db.query(
      `SELECT ${keySelect(t.keyCols, 's')} FROM ${this.src} AS s WHERE ${p.sql} ${orderBy(t.keyCols, 's')} LIMIT 1 OFFSET ${n - 1}`,
      p.params,
    );
    return r ? keyOf(r, t.keyCols.length) : null;
  }

  /** The rows whose keys are among `keys` (canonical), any order. */
  async byKeys(keys: readonly CanonKey[]): Promise<SourceChunk> {
    const { t } = this;
    if (!keys.length) return this.chunkOf([]);
    const pk = t.target.primaryKey;
    const kinds = pk.map((k) => t.target.columns.find((c) => c.name === k)?.kind ?? 'text');
    const tuple = `(${pk.map(() => '?').join(', ')})`;
    const where = `(${pk.map((k) => `s.${q(k)}`).join(', ')}) IN (${keys.map(() => tuple).join(', ')})`;
    const p = and({ sql: where, params: keys.flatMap((k) => k.map((v, i) => canonToMysql(kinds[i], v))) }, t.filter);
    return this.chunkOf(await this.db.query(`${this.selectSql()} WHERE ${p.sql}`, p.params));
  }

  /** Rows in the table (and its filter). */
  async count(): Promise<number> {
    const p = and(this.t.filter);
    const [r] = await this.db.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${this.src} AS s WHERE ${p.sql}`,
      p.params,
    );
    return Number(r.n);
  }

  /**
   * Pointer cells → 2.x JSON. Rows for which `writes(i)` is false only get their JSON computed (no file
   * operation): they are compared, not written.
   */
  async convert(
    chunk: SourceChunk,
    writes: (row: number) => boolean,
    dryRun: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    if (!this.pointerCols.length) return;
    const { t } = this;
    const jobs = chunk.rows.flatMap((_, i) => this.pointerCols.map((_, j) => ({ i, j })));
    await inPool(jobs, OBJECTS_IN_FLIGHT, async ({ i, j }) => {
      if (signal?.aborted) throw new Error('cancelled');
      const { pointer, ext } = chunk.pointers[i][j];
      const { plan, index } = this.pointerCols[j];
      if (pointer === null) return;
      const ctx: PointerContext = {
        sourceSchema: t.source.schema,
        targetSchema: t.target.schema,
        stores: this.settings.stores ?? {},
        destStores: this.settings.destStores,
        relocate: !!this.settings.relocate,
        dryRun: dryRun || !writes(i),
      };
      const cell = await this.convertCached(j, plan, pointer, ext, ctx);
      chunk.rows[i][index] = cell.json;
    });
  }

  private async convertCached(
    j: number,
    plan: PointerPlan,
    pointer: Buffer,
    ext: ExternalRow | null,
    ctx: PointerContext,
  ): Promise<CachedCell> {
    const done = this.converted.get(j, pointer, ctx.dryRun);
    if (done) return done;
    const cell = { ...(await convertPointerCell(plan, pointer, ext, ctx)), missing: null as string | null };
    cell.missing = await missingSharedFile(plan, cell.value, ctx);
    if (cell.missing) this.missing.add(cell.missing);
    this.fileOpsSince.push(...cell.fileOps);
    this.fileOpCount += cell.fileOps.length;
    if (cell.fileOps.length && !ctx.dryRun) {
      this.objects++;
      this.objectBytes += Number(cell.value?.size ?? 0);
    }
    this.converted.set(j, pointer, ctx.dryRun, cell);
    return cell;
  }

  /** The file operations since the last call (each chunk's, for the caller to report; not kept for the table). */
  takeFileOps(): string[] {
    const ops = this.fileOpsSince;
    this.fileOpsSince = [];
    return ops;
  }
}

// What compare takes and what it reports (compare.ts runs it; the CLI, the UI and swap read the report).
import type { ChunkSizerOptions } from './chunks';
import type { SchemaPair } from './copy';
import type { Column, Tier } from './model';
import type { ValueKind } from './compareValues';
import type { Key } from './state';
import type { StoreMap } from './stores';
import type { FileCheckMode } from './comparePointers';

export interface CompareOptions {
  /** production schema → test schema */
  pairs: SchemaPair[];
  tables?: string[];
  tiers?: Tier[];
  /** Float/double tolerance: equal when the absolute or the relative difference is at most this (default 1e-6). */
  tolerance?: number;
  /** Store settings for checking the files test-side JSON points at. Without them files are not checked. */
  stores?: StoreMap;
  /**
   * `present` (default with stores): the file is there; `exists`: also of the recorded size (one stat per
   * object); `hash`: also of the right md5 (every byte read); `none`: files are not looked at.
   */
  fileCheck?: FileCheckMode;
  /** Differences listed per table (all are counted). Default 20. */
  maxDifferences?: number;
  chunk?: ChunkSizerOptions;
  /** Only these key ranges of these production tables (`schema.table`): the delta check of a cut-over. */
  ranges?: Map<string, { lower: Key | null; upper: Key | null }[]>;
  /** Tables compared at once (default 1, at most 6), each with its own queries on the pool. */
  jobs?: number;
  signal?: AbortSignal;
  onProgress?: (e: { table: string; rows: number; total: number; etaMs: number | null }) => void;
}

export interface Difference {
  key: Record<string, unknown>;
  column: string;
  production: string;
  test: string;
  reason: string;
}

export interface TableComparison {
  production: string;
  test: string;
  rowsProduction: number;
  matched: number;
  differing: number;
  onlyInProduction: number;
  onlyInTest: number;
  differences: Difference[];
  missingKeys: Record<string, unknown>[];
  extraKeys: Record<string, unknown>[];
  /** Columns that exist only on one side. */
  columnsOnlyInProduction: string[];
  columnsOnlyInTest: string[];
  chunks: number;
  /** Chunks whose checksums matched, so no row was fetched. */
  chunksByChecksum: number;
  /** Chunks whose in-store pointers were settled by the two range reads (comparePointerSql.ts), no row fetched by key. */
  chunksByPointerJoin: number;
  /**
   * Distinct objects whose file a listing of the store's folder vouched for (fileCheck=present on a whole table
   * that points at much of its store); the others were looked at one by one.
   */
  filesListed?: number;
  ms: number;
}

export interface CompareReport {
  tables: TableComparison[];
  equal: boolean;
  notes: string[];
}

/** How one column is read and compared. */
export interface ColumnRule {
  name: string;
  /** Same stored form on both sides: covered by the chunk checksum. */
  checksum: boolean;
  /** A blob/attach pointer against 2.x JSON: settled per chunk by comparePointerSql.ts when it agrees. */
  bySql?: boolean;
  kind: ValueKind;
  prod: Column;
  test: Column;
}

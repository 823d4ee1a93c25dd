// The target side of a migration into another server (`--target URL`): what the cross-server copy,
// compare and verify (cross/*.ts) need from the server that holds the 2.x schemas, whatever its engine.
// The source is always the 0.14.6 MySQL/MariaDB server (connection.ts); the target is another MySQL/MariaDB
// host (cross/mysqlSide.ts) or PostgreSQL (implemented on the same interface).
//
// Rows cross between the sides in one canonical form, so that the copy writes exactly what it read and
// compare judges both sides with the same rules (compareValues.ts):
//
// | kind      | canonical value                                   | compared                      |
// |-----------|---------------------------------------------------|-------------------------------|
// | int       | decimal string, no leading zeros (`"-12"`, `"18446744073709551615"`) | exactly (any width) |
// | bool      | `"0"` / `"1"` (2.x `bool` = MySQL tinyint(1); PostgreSQL boolean) | exactly            |
// | float     | JS number: the exact double (MySQL FLOAT read as `col + 0e0`) | within a tolerance      |
// | decimal   | normalized decimal string (normalizeDecimal: `"1.50"` → `"1.5"`) | exactly                |
// | text      | JS string                                          | exactly                       |
// | enum      | the label, JS string (never the index)             | exactly                       |
// | bytes     | Buffer (blob, longblob, internal attach, binary)   | by bytes                      |
// | uuid      | lowercase `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`   | exactly                       |
// | date      | `YYYY-MM-DD`                                       | exactly                       |
// | datetime  | `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC, trailing fraction zeros removed (an instant) | exactly |
// | time      | `[-]HH:MM:SS[.ffffff]`, trailing fraction zeros removed | exactly                  |
// | json      | JSON text                                          | by parsed value               |
// | json2x    | 2.x JSON text of an in-store value (`{"hash":…}`, `{"path":…}`) | content hash / path |
//
// NULL is `null` in every kind. A row is an array of values in the order of `CrossTable.columns`; a key is
// the values of the primary-key columns in `CrossTable.primaryKey` order (canonical, like the row).
import type { TargetDialect } from '../connect/target';
import type { Key } from '../state';

export type CanonKind =
  | 'int'
  | 'bool'
  | 'float'
  | 'decimal'
  | 'text'
  | 'enum'
  | 'bytes'
  | 'uuid'
  | 'date'
  | 'datetime'
  | 'time'
  | 'json'
  | 'json2x';

export type CanonValue = null | string | number | Buffer;
export type CanonRow = CanonValue[];
/** Primary-key values, canonical, in `CrossTable.primaryKey` order. */
export type CanonKey = CanonValue[];

export interface CanonColumn {
  name: string;
  kind: CanonKind;
  /** json2x: the 2.x codec (`blob`, `attach`, `filepath`, …): file paths compare by path, others by hash. */
  codec?: string;
  /** float: single precision in the source (FLOAT): compared with a single-precision tolerance. */
  single?: boolean;
}

/** One table as the cross-server engine moves it: the target's schema and name, and the columns written. */
export interface CrossTable {
  schema: string;
  name: string;
  columns: CanonColumn[];
  /** Names of the primary-key columns (a subset of `columns`). */
  primaryKey: string[];
}

/** What a target holds for one table: its column names and primary key (planning checks them). */
export interface TargetTableInfo {
  columns: string[];
  primaryKey: string[];
}

/**
 * A digest of the rows in a key range (same-engine sides only): equal count and digest mean equal rows, and
 * neither side's rows are fetched. Computed over the columns of `CrossTable.columns` in their stored form.
 */
export interface RangeDigest {
  count: number;
  digest: string;
}

/**
 * The server that receives the 2.x schemas. Every method reads or writes that server only; the source is
 * read by the engine itself. Implementations quote identifiers and pass values as parameters.
 */
export interface TargetSide {
  readonly dialect: TargetDialect;
  /** `dialect://user@host:port[/database]`, never the password. */
  describe(): string;
  /** The names among `names` that exist as schemas on the target. */
  existingSchemas(names: readonly string[]): Promise<string[]>;
  /** The table's columns and primary key, or null when the target has no such table. */
  tableInfo(schema: string, name: string): Promise<TargetTableInfo | null>;
  /** Rows in the table (exact). */
  rowCount(t: CrossTable): Promise<number>;
  /** Every target row whose primary key is one of `keys`, canonical, in any order. */
  readKeys(t: CrossTable, keys: readonly CanonKey[]): Promise<CanonRow[]>;
  /**
   * The first `limit` rows after `after` in the target's own primary-key order (null: from the start), in
   * that order. Used to find rows the target holds and the source does not.
   */
  readChunk(t: CrossTable, after: CanonKey | null, limit: number): Promise<CanonRow[]>;
  /**
   * Insert rows that are all new, in one transaction, with the engine's bulk path (multi-row INSERT, COPY …
   * FROM STDIN). A row whose key exists fails the whole call (never skipped, never overwritten). Returns the
   * rows inserted. `signal` aborts the running statement; the transaction is then rolled back.
   */
  writeRows(t: CrossTable, rows: readonly CanonRow[], signal?: AbortSignal): Promise<number>;
  /** Dry run: the statement `writeRows` would run for `rows` rows, with a placeholder for the values. */
  describeWrite(t: CrossTable, rows: number): string;
  /**
   * Set when the target orders primary keys exactly as the source does (same engine, same collations): the
   * engine may then read key ranges instead of key lists, and compare chunks by digest.
   */
  readonly sameKeyOrder?: SameOrderSide;
  close(): Promise<void>;
}

/**
 * The extra abilities of a side that orders keys like the source. Range bounds are source keys as
 * chunks.ts `keySelect` reads them (enum keys by index, floats exact), `(after, upTo]`, null = open.
 */
export interface SameOrderSide {
  readRange(t: CrossTable, after: Key | null, upTo: Key | null): Promise<CanonRow[]>;
  /**
   * The digest of `columns` (the key and the columns both sides store alike) over the range, computed by the
   * same SQL the engine runs on the source (cross/mysqlDigest.ts).
   */
  rangeDigest(t: CrossTable, columns: readonly string[], after: Key | null, upTo: Key | null): Promise<RangeDigest>;
}

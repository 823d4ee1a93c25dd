// The shapes of a 0.14.6 type and of its 2.x declaration.

/** How a 0.14.6 type is interpreted (declare.py categories). */
export type Kind014 =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'string'
  | 'json'
  | 'enum'
  | 'bool'
  | 'temporal'
  | 'blob' // tinyblob/blob/mediumblob/longblob: serialized DataJoint blob
  | 'uuid'
  | 'attach' // internal attachment (longblob, :attach:)
  | 'blob@' // blob@store
  | 'attach@' // attach@store
  | 'filepath@' // filepath@store
  | 'adapted' // <name>
  | 'native2x' // already a 2.x core type or codec spelling (int32, <blob>, ...)
  | 'unknown';

/** The user's choice for unsigned integers (setting datajoint.migration.unsignedIntegers). */
export type UnsignedPolicy = 'widen' | 'native' | 'uint';

/** A 0.14.6 attribute type, parsed. */
export interface Type014 {
  kind: Kind014;
  /** The text as written (or as reconstructed from a database column). */
  text: string;
  /** Lower-cased base word: int, tinyint, varchar, longblob, blob, attach, filepath, ... */
  base: string;
  unsigned: boolean;
  autoIncrement: boolean;
  /** Text inside the parentheses, if any (display width, precision, enum values...). */
  args?: string;
  /** Store name for blob@s / attach@s / filepath@s. */
  store?: string;
  /** Adapter / codec name for <name>. */
  adapter?: string;
}

/** What 2.x declares for a migrated attribute. */
export interface Type2x {
  /** What to write in a 2.x definition: int64, <blob>, <blob@raw>, varchar(32), bigint unsigned, ... */
  spelling: string;
  /** The `:label:` 2.x puts at the front of the column comment, or null for a native type (no label). */
  label: string | null;
  /** The MySQL column type 2.x creates: bigint, longblob, json, varchar(32), bigint unsigned, ... */
  sql: string;
  /** True when 2.x treats it as a native type (accepted with a warning). */
  native: boolean;
  /** 1 = API/types/config, 2 = in-store types (blob@, attach@, filepath@). */
  phase: 1 | 2;
  /** Human-readable warnings (widening, bigint unsigned kept native, uint fails on 2.0.0+, ...). */
  notes: string[];
  /** True when the 2.x spelling/sql would fail in every 2.x release (e.g. uint32 under the 'uint' policy). */
  failsIn2x?: boolean;
}

// The schema model every database command works on: what introspection reads from information_schema,
// decoded into DataJoint terms (tier, column storage, 0.14.6 type / 2.x label, version verdict).
import type { Type014 } from '../../../common/src/djtypes';

/** `unknown`: a table whose name follows no DataJoint tier pattern (created by some other tool). */
export type Tier = 'manual' | 'lookup' | 'imported' | 'computed' | 'part' | 'hidden' | 'unknown';
export type SchemaVersion = '0.14.6' | '2.x' | 'mixed' | 'not-datajoint' | 'empty';

/** How a column's value is stored, whatever the DataJoint version that wrote it. */
export type ColumnStorage =
  | { form: 'plain' }
  | { form: 'uuid' }
  | { form: 'json' }
  /** A serialized DataJoint blob in the row (0.14.6 unlabelled blob types, or 2.x `:<blob>:`). */
  | { form: 'blob' }
  /** `name\0contents` in the row (0.14.6 `:attach:`, 2.x `:<attach>:`). */
  | { form: 'attach' }
  /** 0.14.6 external: binary(16) UUID with a foreign key to `~external_<store>`. */
  | { form: 'pointer014'; kind: 'blob' | 'attach' | 'filepath'; store: string }
  /** 2.x in-store codec: JSON metadata (`:<blob@s>:` and friends). */
  | { form: 'json2x'; codec: 'blob' | 'attach' | 'filepath' | 'hash' | 'npy' | 'object'; store: string }
  /** 0.14.6 adapter or 2.x custom codec `:<name>:` / `:<name@store>:`. */
  | { form: 'adapted'; name: string; store?: string };

export interface Column {
  name: string;
  /** COLUMN_TYPE as the server reports it: `int(10) unsigned` (MariaDB) or `int unsigned` (MySQL 8.0.19+). */
  columnType: string;
  /** DATA_TYPE, lower case; `json` also for MariaDB's longtext + CHECK json_valid. */
  dataType: string;
  nullable: boolean;
  /** The default as SQL text ready for a DEFAULT clause (`'x'`, `5`, `current_timestamp()`), or null for none. */
  default: string | null;
  /** EXTRA: `auto_increment`, `on update current_timestamp()`, ... (MySQL 8's DEFAULT_GENERATED removed). */
  extra: string;
  charset: string | null;
  collation: string | null;
  /** The comment without the `:label:` prefix. */
  comment: string;
  storage: ColumnStorage;
  /** The 0.14.6 reading of this column (common/src/djtypes.ts columnTo014). */
  type014?: Type014;
  /** The `:label:` text (without colons) when the comment has one, e.g. `int32`, `<blob@raw>`, `uuid`, `blob@raw`. */
  label2x?: string | null;
}

export interface ForeignKey {
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  onUpdate: string;
  onDelete: string;
}

export interface Index {
  name: string;
  unique: boolean;
  columns: string[];
}

export interface Table {
  schema: string;
  name: string;
  tier: Tier;
  comment: string;
  charset: string;
  collation: string;
  columns: Column[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  /** Secondary indexes, PRIMARY excluded. */
  indexes: Index[];
  /** information_schema.TABLES.TABLE_ROWS: an InnoDB estimate, good for progress and space, not for counts. */
  rowEstimate: number;
  /** DATA_LENGTH + INDEX_LENGTH in bytes (estimate). */
  sizeBytes?: number;
}

export interface Schema {
  name: string;
  charset: string;
  collation: string;
  /** User tables (names not starting with `~`). */
  tables: Table[];
  /** `~log`, `~jobs`, `~external_*`, `~lineage`, `~~<job table>`. */
  hidden: Table[];
  /** Store names that have a `~external_<store>` table. */
  externalStores: string[];
  version: SchemaVersion;
  /** Why the verdict is what it is, one sentence each. */
  reasons: string[];
}

/** `schema.table` for messages and map keys. */
export function tableKey(t: { schema: string; name: string }): string {
  return `${t.schema}.${t.name}`;
}

const BASE = '[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*';
const TIER_PATTERNS: [Tier, RegExp][] = [
  ['part', new RegExp(`^(?:#|_|__)?${BASE}__${BASE}$`)],
  ['computed', new RegExp(`^__${BASE}$`)],
  ['imported', new RegExp(`^_${BASE}$`)],
  ['lookup', new RegExp(`^#${BASE}$`)],
  ['manual', new RegExp(`^${BASE}$`)],
];

/**
 * The DataJoint tier a table name implies (storage-formats.md A1), or null when the name follows no
 * DataJoint pattern (a table some other tool created). Names starting with `~` are hidden tables.
 */
export function tierOf(tableName: string): Tier | null {
  if (tableName.startsWith('~')) return 'hidden';
  for (const [tier, re] of TIER_PATTERNS) if (re.test(tableName)) return tier;
  return null;
}

/** The master table of a part table name (`__a__b` → `__a`), or null. */
export function masterOf(partName: string): string | null {
  const m = new RegExp(`^((?:#|_|__)?${BASE})__${BASE}$`).exec(partName);
  return m ? m[1] : null;
}

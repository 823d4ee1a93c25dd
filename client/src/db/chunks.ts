// Walking a table along its primary key in key-range chunks (the "nibbling" of pt-table-checksum and
// gh-ost): each chunk is `key > last AND key <= upper`, so chunks never overlap, never skip a row, and
// a walk can resume from the last committed key. Chunk sizes adapt toward a time target and stay
// bounded in bytes.
//
// Row-value comparison is written out (`a >= ? AND (a > ? OR (a = ? AND b > ?))`) instead of
// `(a, b) > (?, ?)`: MariaDB 10.x does not use an index range for row constructors and would scan
// the whole primary key for every chunk; the expanded form is a range scan on MySQL 8 and MariaDB.
// Enum key columns are compared by their index (`e > 2`), the order ORDER BY uses; comparing them
// to their text would order alphabetically and skip or repeat rows.
import { q } from './sql';
import type { Key, KeyValue } from './state';

export interface KeyColumn {
  name: string;
  /** True for enum columns: their key value is the 1-based index (`col+0`), the order ORDER BY uses. */
  byIndex: boolean;
  /**
   * Compare under this collation instead of the column's own (and convert to its character set first when
   * given): applying another table's key ranges must follow that table's order, or ranges would overlap.
   */
  collate?: { collation: string; charset?: string };
  /**
   * Floating-point columns are read as `col + 0e0`, the exact double: MariaDB prints FLOAT with 6 digits,
   * and a rounded-up boundary (0.99999994 printed as 1) would make the next chunk skip rows.
   */
  floating?: boolean;
}

/** The primary-key columns of a table, as chunk keys. */
export function keyColumns(primaryKey: readonly string[], dataTypeOf: (column: string) => string): KeyColumn[] {
  if (primaryKey.length === 0) throw new Error('a table without a primary key cannot be walked in chunks');
  return primaryKey.map((name) => {
    const type = dataTypeOf(name);
    return {
      name,
      byIndex: /^(enum|set)$/i.test(type),
      ...(/^(float|double|real)$/i.test(type) ? { floating: true } : {}),
    };
  });
}

/**
 * The key columns for applying ranges taken from one table (`from`) to another (`to`): where a key
 * column's collation differs, the comparison uses `from`'s, so the ranges partition both tables the same
 * way. Returns `cols` itself when nothing differs (the usual case: parallel tables copy collations).
 */
export function keyColumnsFor(
  cols: readonly KeyColumn[],
  from: readonly { name: string; charset: string | null; collation: string | null }[],
  to: readonly { name: string; charset: string | null; collation: string | null }[],
): readonly KeyColumn[] {
  const adjusted = cols.map((k) => {
    const a = from.find((c) => c.name === k.name);
    const b = to.find((c) => c.name === k.name);
    if (!a?.collation || !b?.collation || a.collation === b.collation) return k;
    return {
      ...k,
      collate: { collation: a.collation, charset: a.charset !== b.charset ? (a.charset ?? undefined) : undefined },
    };
  });
  return adjusted.some((k) => k.collate) ? adjusted : cols;
}

/** `a.`x`` or `x` */
function col(alias: string | undefined, name: string): string {
  return alias ? `${alias}.${q(name)}` : q(name);
}

/** The select list that reads a key: enum columns as their index. Aliases are `__k0`, `__k1`, … */
export function keySelect(cols: readonly KeyColumn[], alias?: string): string {
  const read = (c: KeyColumn) =>
    c.byIndex ? `(${col(alias, c.name)}+0)` : c.floating ? `(${col(alias, c.name)} + 0e0)` : col(alias, c.name);
  return cols.map((c, i) => `${read(c)} AS ${q('__k' + i)}`).join(', ');
}

/** Read the key out of a row selected with `keySelect`. */
export function keyOf(row: Record<string, unknown>, n: number): Key {
  const key: Key = [];
  for (let i = 0; i < n; i++) key.push(asKeyValue(row['__k' + i]));
  return key;
}

function asKeyValue(v: unknown): KeyValue {
  if (typeof v === 'string' || typeof v === 'number' || Buffer.isBuffer(v)) return v;
  if (typeof v === 'bigint') return v.toString();
  throw new Error(`unexpected primary-key value ${String(v)}`);
}

/** `ORDER BY a, b` (enum columns order by index natively). */
export function orderBy(cols: readonly KeyColumn[], alias?: string, direction: 'ASC' | 'DESC' = 'ASC'): string {
  return 'ORDER BY ' + cols.map((c) => `${col(alias, c.name)} ${direction}`).join(', ');
}

export interface Predicate {
  sql: string;
  params: unknown[];
}

/** key > `after`, written so both MySQL 8 and MariaDB use a range scan. */
export function keyAfter(cols: readonly KeyColumn[], after: Key, alias?: string): Predicate {
  return keyCompare(cols, after, alias, '>');
}

/** key <= `upTo`. */
export function keyAtMost(cols: readonly KeyColumn[], upTo: Key, alias?: string): Predicate {
  return keyCompare(cols, upTo, alias, '<=');
}

/** A key column as compared in range predicates. */
function keyExpr(c: KeyColumn, alias: string | undefined): string {
  if (!c.collate) return col(alias, c.name);
  const { collation, charset } = c.collate;
  if (!/^\w+$/.test(collation) || (charset !== undefined && !/^\w+$/.test(charset)))
    throw new Error(`unexpected collation ${collation}`);
  const value = charset ? `CONVERT(${col(alias, c.name)} USING ${charset})` : col(alias, c.name);
  return `(${value} COLLATE ${collation})`;
}

function keyCompare(cols: readonly KeyColumn[], key: Key, alias: string | undefined, op: '>' | '<='): Predicate {
  if (key.length !== cols.length) throw new Error(`key has ${key.length} values for ${cols.length} key columns`);
  const strict = op === '>' ? '>' : '<';
  const lead = op === '>' ? '>=' : '<=';
  const params: unknown[] = [];
  // Innermost first: last column uses the full operator, outer columns `c strict v OR (c = v AND inner)`.
  let inner = '';
  for (let i = cols.length - 1; i >= 0; i--) {
    const c = keyExpr(cols[i], alias);
    if (i === cols.length - 1) {
      inner = `${c} ${op} ?`;
    } else {
      inner = `${c} ${strict} ? OR (${c} = ? AND (${inner}))`;
    }
  }
  // Parameters appear in text order: for column i (outer to inner) `strict ?` then `= ?`, last column once.
  for (let i = 0; i < cols.length; i++) {
    params.push(key[i]);
    if (i < cols.length - 1) params.push(key[i]);
  }
  if (cols.length === 1) return { sql: `(${inner})`, params };
  // A leading single-column bound gives the optimizer a simple range on the first key column.
  return { sql: `(${keyExpr(cols[0], alias)} ${lead} ? AND (${inner}))`, params: [key[0], ...params] };
}

/** The conjunction of predicates, skipping absent ones; `TRUE` when none. */
export function and(...preds: (Predicate | null | undefined)[]): Predicate {
  const present = preds.filter((p): p is Predicate => !!p && p.sql !== '');
  if (present.length === 0) return { sql: 'TRUE', params: [] };
  return { sql: present.map((p) => p.sql).join(' AND '), params: present.flatMap((p) => p.params) };
}

/** The half-open key range (lower, upper]; null bounds are open. A `keySetSpan` matches exactly its keys. */
export function keyRange(cols: readonly KeyColumn[], lower: Key | null, upper: Key | null, alias?: string): Predicate {
  const set = lower && lower === upper ? keySets.get(lower) : undefined;
  if (set) return keyIn(cols, set, alias);
  return and(lower ? keyAfter(cols, lower, alias) : null, upper ? keyAtMost(cols, upper, alias) : null);
}

// Key sets (the keys a binary log names) travel where key ranges do, as a span whose two bounds are one tag:
// `(k, k]` is empty as a range, so the tag cannot be mistaken for one, and an empty tag key fails loudly
// (wrong number of key values) anywhere a bound is used as a key.
const keySets = new WeakMap<Key, readonly Key[]>();

/** A span (for `keyRange` and everything built on it) that matches exactly these keys. */
export function keySetSpan(keys: readonly Key[]): { lower: Key; upper: Key } {
  if (!keys.length) throw new Error('a key set needs at least one key');
  const tag: Key = [];
  keySets.set(tag, keys);
  return { lower: tag, upper: tag };
}

/** The keys of a `keySetSpan`, else null. */
export function keySetOf(span: { lower: Key | null; upper: Key | null }): readonly Key[] | null {
  return span.lower && span.lower === span.upper ? (keySets.get(span.lower) ?? null) : null;
}

/** `((a = ? AND b = ?) OR …)`: point lookups on the primary key on both MySQL 8 and MariaDB. */
function keyIn(cols: readonly KeyColumn[], keys: readonly Key[], alias?: string): Predicate {
  const params: unknown[] = [];
  const parts = keys.map((k) => {
    if (k.length !== cols.length) throw new Error(`key has ${k.length} values for ${cols.length} key columns`);
    params.push(...k);
    return `(${cols.map((c) => `${keyExpr(c, alias)} = ?`).join(' AND ')})`;
  });
  return { sql: `(${parts.join(' OR ')})`, params };
}

/** Equality of the key columns of two aliases: `s.a = t.a AND s.b = t.b` (NOT NULL keys, so `=` is exact). */
export function keyJoin(cols: readonly KeyColumn[], left: string, right: string): string {
  return cols.map((c) => `${col(left, c.name)} = ${col(right, c.name)}`).join(' AND ');
}

export interface ChunkSizerOptions {
  /** Time each chunk should take (default 500 ms, as pt-table-checksum). */
  targetMs?: number;
  /** Rows in the first chunk (default 1000). */
  initialRows?: number;
  minRows?: number;
  maxRows?: number;
  /** Upper bound on a chunk's bytes, e.g. half of max_allowed_packet. */
  maxBytes?: number;
  /** Average bytes per row (information_schema AVG_ROW_LENGTH or measured). */
  avgRowBytes?: number;
}

/**
 * Chooses the next chunk's row count: the observed rows/ms (exponentially weighted, so one slow chunk
 * does not collapse the size) times the time target, bounded by rows and by bytes.
 */
export class ChunkSizer {
  readonly targetMs: number;
  private readonly minRows: number;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private avgRowBytes: number;
  private rate: number | null = null; // rows per ms
  private current: number;

  constructor(opts: ChunkSizerOptions = {}) {
    this.targetMs = opts.targetMs ?? 500;
    // A floor of 100 rows: below that, the fixed cost of each statement dominates, and shrinking
    // further would only make every chunk slower per row.
    this.maxRows = Math.max(1, opts.maxRows ?? 200_000);
    this.minRows = Math.min(this.maxRows, Math.max(1, opts.minRows ?? 100));
    this.maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
    this.avgRowBytes = Math.max(1, opts.avgRowBytes ?? 256);
    this.current = this.bound(opts.initialRows ?? 1000);
  }

  /** Rows to take in the next chunk. */
  next(): number {
    return this.current;
  }

  /** Bytes-per-row learned from real data (e.g. the bytes of a chunk just read). */
  observeBytes(rows: number, bytes: number): void {
    if (rows > 0 && bytes > 0) this.avgRowBytes = Math.max(1, Math.max(this.avgRowBytes * 0.5, bytes / rows));
    this.current = this.bound(this.current);
  }

  /** Record how long a chunk of `rows` took. */
  observe(rows: number, ms: number): void {
    if (rows <= 0) return;
    const r = rows / Math.max(ms, 1);
    this.rate = this.rate === null ? r : 0.5 * this.rate + 0.5 * r;
    const wanted = Math.round(this.rate * this.targetMs);
    // Grow at most 4x and shrink at most 2x per step: one fast chunk on cached pages must not
    // overshoot, and one slow chunk (a lock wait, a busy server) must not collapse the size.
    this.current = this.bound(Math.max(Math.min(wanted, this.current * 4), Math.floor(this.current / 2)));
  }

  private bound(rows: number): number {
    const byBytes = Math.floor(this.maxBytes / this.avgRowBytes);
    return Math.max(this.minRows, Math.min(this.maxRows, Math.max(1, byBytes), Math.max(1, Math.round(rows))));
  }
}

/** Bytes a value takes on the wire, roughly (for bounding parameterised INSERT batches). */
export function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 4;
  if (Buffer.isBuffer(v)) return v.length * 2 + 4; // worst case: hex in text protocol
  if (typeof v === 'string') return Buffer.byteLength(v) * 2 + 4; // escaping may double
  return 24;
}

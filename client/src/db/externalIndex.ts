// Compare's copy of a 0.14.6 `~external_<store>` table, held in node for one table's compare: which hashes have a
// row, and the `contents_hash` of 0.11 carry-overs (rows with a filepath and a contents hash, whose 2.x `hash` is
// the contents hash). With it, production's pointer reads (comparePointerSql.ts) need no join: on MariaDB 10.11
// the LEFT JOIN cost ~3 s of server CPU per 1,000,000 rows (one primary-key lookup each, ~3 µs) against ~0.15 s
// for reading a 667,666-row `~external_raw` once and ~0.4 s for the pointer scan itself.
//
// The table is read once, when the compare of a whole table starts: a pointer whose `~external` row appears later
// is taken for dangling, its chunk does not agree and the row-by-row path (with the join) settles it; a row
// deleted later is still seen, as a join at that moment would have seen it (compare reads no snapshot across
// chunks either). Hashes are kept as four 32-bit words in an open-addressing table (no strings: 16 bytes a slot,
// at most three quarters full); over MAX_OBJECTS rows it is given up and the join used.
import type { Db } from './connection';
import { q, qt } from './sql';
import { hexDigit } from './hash';

/** Above this many `~external` rows (a 64 MB table at most) the join is used instead. */
export const MAX_OBJECTS = 2_000_000;
/**
 * Above this many rows with a filepath and a contents hash (0.11 carry-overs, or a store that also holds
 * `filepath@` rows: each kept as two strings, ~150 bytes) the join is used instead.
 */
const MAX_CARRIED = 100_000;
/** `~external` rows per read while loading. */
const LOAD_BATCH = 20_000;

/** What a pointer's `~external` row says: the digest its 2.x hash must spell, or that it dangles. */
export class ExternalIndex {
  private words: Int32Array;
  private mask: number;
  private count = 0;
  /** Hex hash → hex contents hash, for the carry-overs (rare). */
  private readonly carried = new Map<string, string>();
  private readonly key = new Int32Array(4);

  constructor(capacity = 1 << 16) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.words = new Int32Array(slots * 4);
    this.mask = slots - 1;
  }

  /**
   * The table of `schema`.`~external_<store>`, or null when it has more than `max` rows (or MAX_CARRIED carried
   * ones) or does not exist (the caller joins instead).
   */
  static async load(db: Db, schema: string, store: string, max = MAX_OBJECTS): Promise<ExternalIndex | null> {
    const table = qt(schema, `~external_${store}`);
    const [est] = await db.query<{ n: string | null }>(
      'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [schema, `~external_${store}`],
    );
    if (!est || Number(est.n ?? 0) > max) return null;
    const index = new ExternalIndex(Math.ceil(Number(est.n ?? 0) * 1.4));
    // In key-ordered batches rather than one stream: a streamed row costs a promise (the driver's stream, read
    // as an async iterator), about as much again as parsing it.
    let after: Buffer | null = null;
    for (;;) {
      const rows: { h: Buffer; c: string | null }[] = await db.query(
        `SELECT ${q('hash')} AS h, IF(${q('filepath')} IS NOT NULL AND ${q('contents_hash')} IS NOT NULL, HEX(${q('contents_hash')}), NULL) AS c FROM ${table}${after ? ` WHERE ${q('hash')} > ?` : ''} ORDER BY ${q('hash')} LIMIT ${LOAD_BATCH}`,
        after ? [after] : [],
      );
      for (const { h, c } of rows) {
        if (!Buffer.isBuffer(h) || h.length !== 16) return null;
        if (c !== null) index.carry(h.toString('hex'), String(c));
        else index.addWords(h.readInt32BE(0), h.readInt32BE(4), h.readInt32BE(8), h.readInt32BE(12));
      }
      if (index.count > max || index.carried.size > MAX_CARRIED) return null;
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1].h;
    }
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** Adds a hash given as 32 hex digits. */
  add(hex: string): void {
    if (!this.parse(hex)) throw new Error(`not a 16-byte hash: ${hex}`);
    const k = this.key;
    this.addWords(k[0], k[1], k[2], k[3]);
  }

  /** Marks `hex` as a 0.11 carry-over whose 2.x hash is `contentsHex` (both 32 hex digits). */
  carry(hex: string, contentsHex: string): void {
    this.add(hex);
    this.carried.set(hex.toUpperCase(), contentsHex.toUpperCase());
  }

  /**
   * The pointer tag the join would have given (comparePointerSql.ts): `hex` + '0' as read becomes the carry-over's
   * contents hash + '0', or `hex` + '1' when no row has the hash. The same string when it stands (no allocation).
   */
  tagOf(read: string): string {
    if (read.length !== 33 || !this.parse(read)) return read;
    if (!this.has()) return `${read.slice(0, 32)}1`;
    if (this.carried.size) {
      const c = this.carried.get(read.slice(0, 32).toUpperCase());
      if (c !== undefined) return `${c}0`;
    }
    return read;
  }

  /** Parses 32 hex digits at the start of `s` into this.key; false when they are not hex. */
  private parse(s: string): boolean {
    for (let w = 0; w < 4; w++) {
      let v = 0;
      for (let i = w * 8, end = i + 8; i < end; i++) {
        const d = hexDigit(s.charCodeAt(i));
        if (d < 0) return false;
        v = (v << 4) | d;
      }
      this.key[w] = v;
    }
    return true;
  }

  /** Whether this.key is held. */
  private has(): boolean {
    const k = this.key;
    const a = k[0];
    const b = k[1];
    const c = k[2];
    const d = k[3];
    if ((a | b | c | d) === 0) return this.zero;
    const w = this.words;
    for (let s = this.slotOf(a, b); ; s = (s + 1) & this.mask) {
      const o = s * 4;
      if (w[o] === a && w[o + 1] === b && w[o + 2] === c && w[o + 3] === d) return true;
      if ((w[o] | w[o + 1] | w[o + 2] | w[o + 3]) === 0) return false;
    }
  }

  /** The all-zero hash (the empty slot's spelling) is remembered apart. */
  private zero = false;

  private addWords(a: number, b: number, c: number, d: number): void {
    if ((a | b | c | d) === 0) {
      if (!this.zero) this.count++;
      this.zero = true;
      return;
    }
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const w = this.words;
    for (let s = this.slotOf(a, b); ; s = (s + 1) & this.mask) {
      const o = s * 4;
      if ((w[o] | w[o + 1] | w[o + 2] | w[o + 3]) === 0) {
        w[o] = a;
        w[o + 1] = b;
        w[o + 2] = c;
        w[o + 3] = d;
        this.count++;
        return;
      }
      if (w[o] === a && w[o + 1] === b && w[o + 2] === c && w[o + 3] === d) return;
    }
  }

  /** MD5 words are already uniform; mixing guards against hashes that are not (UUIDs of paths are MD5s too). */
  private slotOf(a: number, b: number): number {
    return (Math.imul(a ^ (b >>> 15), 0x9e3779b1) >>> 0) & this.mask;
  }

  private grow(): void {
    const old = this.words;
    this.words = new Int32Array(old.length * 2);
    this.mask = this.words.length / 4 - 1;
    const zero = this.zero;
    this.count = 0;
    for (let o = 0; o < old.length; o += 4)
      if ((old[o] | old[o + 1] | old[o + 2] | old[o + 3]) !== 0)
        this.addWords(old[o], old[o + 1], old[o + 2], old[o + 3]);
    if (zero) this.count++;
  }
}

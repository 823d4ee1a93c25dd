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
/** A slot's size not given, or too large for 32 bits (kept apart). */
const UNKNOWN = 0xffffffff;
const OVERFLOW = 0xfffffffe;
/** find()'s answers besides a slot. */
const ABSENT = -1;
const ZERO = -2;
/** `~external` rows per read while loading. */
const LOAD_BATCH = 20_000;

/** What a pointer's `~external` row says: the digest its 2.x hash must spell, or that it dangles. */
export class ExternalIndex {
  private words: Int32Array;
  /** Per slot, the row's `size` (UNKNOWN when not given; OVERFLOW: in `bigSizes`). */
  private sizes: Uint32Array;
  private readonly bigSizes = new Map<number, number>();
  private zeroSize = UNKNOWN;
  private mask: number;
  private count = 0;
  /** Hex hash → hex contents hash, for the carry-overs (rare). */
  private readonly carried = new Map<string, string>();
  private readonly key = new Int32Array(4);
  /** Per slot, 1 when a listing of the store's folder found the object's file (markPresent); null until then. */
  private present: Uint8Array | null = null;
  private zeroPresent = false;

  constructor(capacity = 1 << 16) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.words = new Int32Array(slots * 4);
    this.sizes = new Uint32Array(slots).fill(UNKNOWN);
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
      const rows: { h: Buffer; z: string | number; c: string | null }[] = await db.query(
        `SELECT ${q('hash')} AS h, ${q('size')} AS z, IF(${q('filepath')} IS NOT NULL AND ${q('contents_hash')} IS NOT NULL, HEX(${q('contents_hash')}), NULL) AS c FROM ${table}${after ? ` WHERE ${q('hash')} > ?` : ''} ORDER BY ${q('hash')} LIMIT ${LOAD_BATCH}`,
        after ? [after] : [],
      );
      for (const { h, z, c } of rows) {
        if (!Buffer.isBuffer(h) || h.length !== 16) return null;
        const size = Number(z);
        if (c !== null) index.carry(h.toString('hex'), String(c), size);
        else index.addWords(h.readInt32BE(0), h.readInt32BE(4), h.readInt32BE(8), h.readInt32BE(12), size);
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

  /** Adds a hash given as 32 hex digits, with its row's `size` when known. */
  add(hex: string, size = -1): void {
    if (!this.parse(hex)) throw new Error(`not a 16-byte hash: ${hex}`);
    const k = this.key;
    this.addWords(k[0], k[1], k[2], k[3], size);
  }

  /** Marks `hex` as a 0.11 carry-over whose 2.x hash is `contentsHex` (both 32 hex digits). */
  carry(hex: string, contentsHex: string, size = -1): void {
    this.add(hex, size);
    this.carried.set(hex.toUpperCase(), contentsHex.toUpperCase());
  }

  /**
   * The pointer tag the join would have given (comparePointerSql.ts): `hex` + '0' as read becomes the carry-over's
   * contents hash + '0', or `hex` + '1' when no row has the hash. The same string when it stands (no allocation).
   */
  tagOf(read: string): string {
    this.lastAt = ABSENT;
    if (read.length !== 33 || !this.parse(read)) return read;
    const at = (this.lastAt = this.find());
    if (at === ABSENT) return `${read.slice(0, 32)}1`;
    if (this.carried.size) {
      const c = this.carried.get(read.slice(0, 32).toUpperCase());
      if (c !== undefined) return `${c}0`;
    }
    return read;
  }

  /**
   * Notes which held hashes have a file: `digests` holds 16 bytes per object found (statWorker.ts listDigests).
   * Digests the table does not hold are passed over (files without a row: orphans, or written since).
   */
  markPresent(digests: Uint8Array): void {
    const present = (this.present ??= new Uint8Array(this.mask + 1));
    const k = this.key;
    for (let o = 0; o + 16 <= digests.length; o += 16) {
      for (let w = 0; w < 4; w++) {
        const b = o + w * 4;
        k[w] = (digests[b] << 24) | (digests[b + 1] << 16) | (digests[b + 2] << 8) | digests[b + 3];
      }
      const s = this.find();
      if (s === ZERO) this.zeroPresent = true;
      else if (s >= 0) present[s] = 1;
    }
  }

  /** Whether markPresent saw the file of the held hash written as 32 hex digits at the start of `hex`. */
  isPresent(hex: string): boolean {
    return this.parse(hex) && this.presentAt(this.find());
  }

  /** Where tagOf's last call found its hash (for presentAt), or -1: saves parsing and finding it again. */
  lastAt = ABSENT;

  /** The `size` of the row held at `at` (lastAt), or -1 when not known. */
  sizeAt(at: number): number {
    const s = at === ZERO ? this.zeroSize : at >= 0 ? this.sizes[at] : UNKNOWN;
    if (s === UNKNOWN) return -1;
    return s === OVERFLOW ? (this.bigSizes.get(at) ?? -1) : s;
  }

  /** Whether markPresent saw the file of the hash held at `at` (lastAt). */
  presentAt(at: number): boolean {
    if (this.present === null) return false;
    return at === ZERO ? this.zeroPresent : at >= 0 && this.present[at] === 1;
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

  /** The slot holding this.key, ZERO for the all-zero hash when held, else ABSENT. */
  private find(): number {
    const k = this.key;
    const a = k[0];
    const b = k[1];
    const c = k[2];
    const d = k[3];
    if ((a | b | c | d) === 0) return this.zero ? ZERO : ABSENT;
    const w = this.words;
    for (let s = this.slotOf(a, b); ; s = (s + 1) & this.mask) {
      const o = s * 4;
      if (w[o] === a && w[o + 1] === b && w[o + 2] === c && w[o + 3] === d) return s;
      if ((w[o] | w[o + 1] | w[o + 2] | w[o + 3]) === 0) return ABSENT;
    }
  }

  /** The all-zero hash (the empty slot's spelling) is remembered apart. */
  private zero = false;

  private addWords(a: number, b: number, c: number, d: number, size: number): void {
    if ((a | b | c | d) === 0) {
      if (!this.zero) this.count++;
      this.zero = true;
      this.zeroSize = size >= 0 && size < OVERFLOW ? size : UNKNOWN;
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
        this.setSize(s, size);
        return;
      }
      if (w[o] === a && w[o + 1] === b && w[o + 2] === c && w[o + 3] === d) return;
    }
  }

  private setSize(slot: number, size: number): void {
    if (!(size >= 0) || !Number.isSafeInteger(size)) this.sizes[slot] = UNKNOWN;
    else if (size < OVERFLOW) this.sizes[slot] = size;
    else {
      this.sizes[slot] = OVERFLOW;
      this.bigSizes.set(slot, size);
    }
  }

  /** MD5 words are already uniform; mixing guards against hashes that are not (UUIDs of paths are MD5s too). */
  private slotOf(a: number, b: number): number {
    return (Math.imul(a ^ (b >>> 15), 0x9e3779b1) >>> 0) & this.mask;
  }

  private grow(): void {
    // Presence is noted once the table is complete; a later growth forgets it (isPresent then says no, and the
    // caller looks at the file itself).
    this.present = null;
    this.zeroPresent = false;
    const old = this.words;
    const oldSizes = this.sizes;
    const oldBig = new Map(this.bigSizes);
    this.bigSizes.clear();
    this.words = new Int32Array(old.length * 2);
    this.sizes = new Uint32Array(oldSizes.length * 2).fill(UNKNOWN);
    this.mask = this.words.length / 4 - 1;
    const zero = this.zero;
    this.count = 0;
    for (let o = 0; o < old.length; o += 4) {
      if ((old[o] | old[o + 1] | old[o + 2] | old[o + 3]) === 0) continue;
      const s = oldSizes[o / 4];
      const size = s === UNKNOWN ? -1 : s === OVERFLOW ? (oldBig.get(o / 4) ?? -1) : s;
      this.addWords(old[o], old[o + 1], old[o + 2], old[o + 3], size);
    }
    if (zero) this.count++;
  }
}

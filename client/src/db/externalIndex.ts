// Compare's copy of a 0.14.6 `~external_<store>` table, held in node for one table's compare: which hashes have a
// row, and the `contents_hash` of 0.11 carry-overs (rows with a filepath and a contents hash, whose 2.x `hash` is
// the contents hash). With it, production's pointer reads (comparePointerSql.ts) need no join: on MariaDB 10.11
// the LEFT JOIN cost ~3 s of server CPU per 1,000,000 rows (one primary-key lookup each, ~3 µs) against ~0.15 s
// for reading a 667,666-row `~external_raw` once and ~0.4 s for the pointer scan itself.
//
// The table is read once, when the compare of a whole table starts: a pointer whose `~external` row appears later
// is taken for dangling, its chunk does not agree and the row-by-row path (with the join) settles it; a row
// deleted later is still seen, as a join at that moment would have seen it (compare reads no snapshot across
// chunks either). Each row is one slot of an open-addressing table (no strings; at most three quarters full): its
// hash as four 32-bit words, its `size`, and two flags (a listing found its file; compare saw it before), side by
// side so that a lookup touches one place in memory (with the size and flags in arrays of their own, each row's
// lookup missed the cache three times). Over MAX_OBJECTS rows it is given up and the join used.
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
/** Int32 words per slot: hash (4), size, flags. */
const STRIDE = 6;
const SIZE = 4;
const FLAGS = 5;
/** Flags: a listing found the file (markPresent); compare saw the hash before (seenBefore). */
const PRESENT = 1;
const SEEN = 2;
/** A size not given, or too large for 31 bits (kept apart, in bigSizes). */
const UNKNOWN = -1;
const BIG = -2;
/** find()'s answers besides a slot. */
const ABSENT = -1;
const ZERO = -2;
/**
 * A probe this long while adding means the hashes are not uniform in their leading bits: slots are then taken from a
 * mix of the words instead (slotOf). Uniform hashes at three quarters full run a few hundred slots at most in a
 * table of millions (linear probing's longest run grows with the log of its size); until the switch, hashes that
 * are not cost at most this many steps each.
 */
const LONG_PROBE = 2048;
/** `~external` rows per read while loading. */
const LOAD_BATCH = 20_000;

/** What a pointer's `~external` row says: the digest its 2.x hash must spell, or that it dangles. */
export class ExternalIndex {
  private words: Int32Array;
  private readonly bigSizes = new Map<number, number>();
  private mask: number;
  /** 32 − log2(slots): a hash's slot is its leading bits (slotOf). */
  private shift: number;
  /** Slots from a mix of the words, after a long probe (slotOf). */
  private mixed = false;
  private count = 0;
  /** Hex hash → hex contents hash, for the carry-overs (rare). */
  private readonly carried = new Map<string, string>();
  private readonly key = new Int32Array(4);
  /** Whether markPresent has run since the table last grew (before, or after a growth, no file is known). */
  private listed = false;
  /** The all-zero hash (the empty slot's spelling) is kept apart: held, size, flags. */
  private zero = false;
  private zeroSize = UNKNOWN;
  private zeroFlags = 0;

  constructor(capacity = 1 << 16) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.words = new Int32Array(slots * STRIDE);
    this.mask = slots - 1;
    this.shift = 32 - Math.log2(slots);
  }

  /**
   * The table of `schema`.`~external_<store>`, or null when it has more than `max` rows (or MAX_CARRIED carried
   * ones) or does not exist (the caller joins instead).
   */
  static async load(
    db: Db,
    schema: string,
    store: string,
    max = MAX_OBJECTS,
    estimated?: number | null,
  ): Promise<ExternalIndex | null> {
    const table = qt(schema, `~external_${store}`);
    const est = estimated === undefined ? await ExternalIndex.estimate(db, schema, store) : estimated;
    if (est === null || est > max) return null;
    const index = new ExternalIndex(Math.ceil(est * 1.4));
    // In key-ordered batches rather than one stream: a streamed row costs a promise (the driver's stream, read
    // as an async iterator), about as much again as parsing it. The next batch is asked for as soon as one comes
    // in, so the server reads it while node indexes this one (one after the other, each waited for the other).
    const batch = (after: Buffer | null) => {
      const read = db.query<{ h: Buffer; z: string | number; c: string | null }>(
        `SELECT ${q('hash')} AS h, ${q('size')} AS z, IF(${q('filepath')} IS NOT NULL AND ${q('contents_hash')} IS NOT NULL, HEX(${q('contents_hash')}), NULL) AS c FROM ${table}${after ? ` WHERE ${q('hash')} > ?` : ''} ORDER BY ${q('hash')} LIMIT ${LOAD_BATCH}`,
        after ? [after] : [],
      );
      read.catch(() => undefined); // awaited below; never unhandled when the load gives up first
      return read;
    };
    let reading = batch(null);
    for (;;) {
      const rows = await reading;
      const more = rows.length === LOAD_BATCH;
      if (more) reading = batch(rows[rows.length - 1].h);
      for (const { h, z, c } of rows) {
        if (!Buffer.isBuffer(h) || h.length !== 16) return null;
        const size = Number(z);
        if (c !== null) index.carry(h.toString('hex'), String(c), size);
        else index.addWords(h.readInt32BE(0), h.readInt32BE(4), h.readInt32BE(8), h.readInt32BE(12), size);
      }
      if (index.count > max || index.carried.size > MAX_CARRIED) return null;
      if (!more) break;
    }
    return index;
  }

  /** The server's estimate of the rows of `schema`.`~external_<store>` (information_schema), null when it does not exist. */
  static async estimate(db: Db, schema: string, store: string): Promise<number | null> {
    const [est] = await db.query<{ n: string | null }>(
      'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [schema, `~external_${store}`],
    );
    return est ? Number(est.n ?? 0) : null;
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
   * Where it found the hash is left in lastAt.
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

  /** Where tagOf's last call found its hash (for sizeAt, presentAt, seenBefore), or -1. */
  lastAt = ABSENT;

  /**
   * Notes which held hashes have a file: `digests` holds 16 bytes per object found (statWorker.ts listDigests).
   * Digests the table does not hold are passed over (files without a row: orphans, or written since).
   */
  markPresent(digests: Uint8Array): void {
    this.listed = true;
    const k = this.key;
    for (let o = 0; o + 16 <= digests.length; o += 16) {
      for (let w = 0; w < 4; w++) {
        const b = o + w * 4;
        k[w] = (digests[b] << 24) | (digests[b + 1] << 16) | (digests[b + 2] << 8) | digests[b + 3];
      }
      const at = this.find();
      if (at === ZERO) this.zeroFlags |= PRESENT;
      else if (at >= 0) this.words[at * STRIDE + FLAGS] |= PRESENT;
    }
  }

  /** Whether markPresent saw the file of the held hash written as 32 hex digits at the start of `hex`. */
  isPresent(hex: string): boolean {
    return this.parse(hex) && this.presentAt(this.find());
  }

  /** Whether markPresent saw the file of the hash held at `at` (lastAt). */
  presentAt(at: number): boolean {
    return this.listed && (this.flagsAt(at) & PRESENT) !== 0;
  }

  /** Whether the hash held at `at` (lastAt) was seen by an earlier call; it is seen from now on. */
  seenBefore(at: number): boolean {
    if (at === ZERO) {
      const seen = (this.zeroFlags & SEEN) !== 0;
      this.zeroFlags |= SEEN;
      return seen;
    }
    if (at < 0) return false;
    const f = at * STRIDE + FLAGS;
    const seen = (this.words[f] & SEEN) !== 0;
    this.words[f] |= SEEN;
    return seen;
  }

  /** The `size` of the row held at `at` (lastAt), or -1 when not known. */
  sizeAt(at: number): number {
    const s = at === ZERO ? this.zeroSize : at >= 0 ? this.words[at * STRIDE + SIZE] : UNKNOWN;
    return s === BIG ? (this.bigSizes.get(at) ?? -1) : s;
  }

  private flagsAt(at: number): number {
    return at === ZERO ? this.zeroFlags : at >= 0 ? this.words[at * STRIDE + FLAGS] : 0;
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
      const o = s * STRIDE;
      if (w[o] === a && w[o + 1] === b && w[o + 2] === c && w[o + 3] === d) return s;
      if ((w[o] | w[o + 1] | w[o + 2] | w[o + 3]) === 0) return ABSENT;
    }
  }

  private addWords(a: number, b: number, c: number, d: number, size: number): void {
    const stored = Number.isSafeInteger(size) && size >= 0 ? (size < 2 ** 31 ? size : BIG) : UNKNOWN;
    if ((a | b | c | d) === 0) {
      if (!this.zero) this.count++;
      this.zero = true;
      this.zeroSize = stored === BIG ? UNKNOWN : stored;
      return;
    }
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.rehash(this.words.length * 2);
    const w = this.words;
    for (let s = this.slotOf(a, b), probes = 0; ; s = (s + 1) & this.mask) {
      if (++probes > LONG_PROBE && !this.mixed) {
        this.mixed = true;
        this.rehash(this.words.length);
        this.addWords(a, b, c, d, size);
        return;
      }
      const o = s * STRIDE;
      if ((w[o] | w[o + 1] | w[o + 2] | w[o + 3]) === 0) {
        w[o] = a;
        w[o + 1] = b;
        w[o + 2] = c;
        w[o + 3] = d;
        w[o + SIZE] = stored;
        if (stored === BIG) this.bigSizes.set(s, size);
        this.count++;
        return;
      }
      if (w[o] === a && w[o + 1] === b && w[o + 2] === c && w[o + 3] === d) return;
    }
  }

  /**
   * The hash's leading bits, so that a table built from hashes in order (load reads them so) and a listing marked
   * against it in order (markPresent: a listing's folders and names come sorted) go through memory in order: on the
   * benchmark's 667,666 objects ~0.1 s to build where a mixed slot missed the cache on every row (~0.2 s), and
   * ~0.02 s to mark against ~0.15 s. MD5 digests are uniform; hashes that are not (a long probe while adding) are
   * spread by a mix of their words instead.
   */
  private slotOf(a: number, b: number): number {
    return this.mixed ? (Math.imul(a ^ (b >>> 15), 0x9e3779b1) >>> 0) & this.mask : a >>> this.shift;
  }

  /** The same hashes in a table of `length` words (twice the slots: a growth; as many: slots taken anew). */
  private rehash(length: number): void {
    // Files are noted once the table is complete; a growth forgets them (presentAt then says no, and the caller
    // looks at the file itself), and what was seen.
    this.listed = false;
    this.zeroFlags = 0;
    const old = this.words;
    const oldBig = new Map(this.bigSizes);
    this.bigSizes.clear();
    this.words = new Int32Array(length);
    this.mask = this.words.length / STRIDE - 1;
    this.shift = 32 - Math.log2(this.mask + 1);
    // (The all-zero hash is not in the table; a rehash started from addWords within this one counts it again.)
    this.count = this.zero ? 1 : 0;
    for (let o = 0; o < old.length; o += STRIDE) {
      if ((old[o] | old[o + 1] | old[o + 2] | old[o + 3]) === 0) continue;
      const s = old[o + SIZE];
      const size = s === BIG ? (oldBig.get(o / STRIDE) ?? -1) : s;
      this.addWords(old[o], old[o + 1], old[o + 2], old[o + 3], size);
    }
  }
}

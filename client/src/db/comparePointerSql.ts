// Compare's fast path for in-store pointer columns (blob@S and attach@S against their 2.x JSON). Per chunk two
// key-ordered range reads run at once: production joined to `~external_<store>`, which works out which digest
// each 2.x `hash` must spell (the `contents_hash` of a 0.11 carry-over, else the pointer itself) and which
// pointers dangle, and test's JSON; both with the row's checksum text, so node matches the two sides position
// by position (read()). The client checks each distinct (digest, JSON) pair once (base32 spelling, store, and
// the file when stores are configured); passed pairs are remembered across chunks by their JSON text, so a
// shared object is checked once per table. A pair spelled as the copy spells it is read by position
// (pointerJsonFast.ts) and its file stat'ed on a worker thread (statWorker.ts), or, with fileCheck=present on a
// table that points at much of its store, found in a listing of the store's folder made once on that thread;
// any other is parsed and checked in full (comparePointers.ts). It says only whether the whole chunk agrees,
// while the next chunk's reads run on the server (compare.ts). A chunk that does not agree is compared row by row (compare.ts), which reports
// each difference with its key.
//
// The base32 spelling is left to the client: written in SQL (26 SUBSTR/ASCII terms per row) it measured
// 3–4× the cost of the whole row checksum on MariaDB 10.11, while here it runs once per distinct object.
// File paths (filepath@S) are not on this path: their identity is the path plus an optional hash.
import type { Db, Row } from './connection';
import type { Column, Table } from './model';
import { q, qt } from './sql';
import { type KeyColumn, keyOf, keyRange, keySelect, orderBy, type Predicate } from './chunks';
import type { Key } from './state';
import { comparePointerCell, type FileCheck } from './comparePointers';
import { RecentMap, SeenBefore } from './recentMap';
import { QuickPointerCheck, sizeConfirms } from './pointerJsonFast';
import { digestsUnder, sizesOf } from './statWorker';
import { inPool } from './inPool';
import { asText } from './compareValues';
import { ExternalIndex, MAX_OBJECTS } from './externalIndex';
import { type RowTexts, rowReader, rowTextSelect, sameRowTexts } from './pointerRowTexts';

type Pointer014 = Extract<Column['storage'], { form: 'pointer014' }>;

/** A pointer column this path can settle: a 0.14.6 blob/attach pointer against 2.x JSON. */
export function pointerBySql(prod: Column, test: Column): boolean {
  return prod.storage.form === 'pointer014' && prod.storage.kind !== 'filepath' && test.storage.form === 'json2x';
}

/**
 * Pairs remembered as checked (bounded, roughly the least recently seen forgotten first; forgetting only means
 * checking again). Each holds its JSON text and tag, about 300 bytes with the map's own: 14,000 are ~4 MB, and
 * still keep the objects rows share. (50,000 were ~15 MB live through a whole table, and the heap grew to
 * several times that between full collections.)
 */
const REMEMBERED = 14_000;
/** File checks in flight at once (each a stat, or a GET/HEAD on S3). */
const FILES_IN_FLIGHT = 16;
/** Files per message to the stat worker. */
const STAT_BATCH = 2048;
/**
 * With fileCheck=present, a store's folder is listed (statWorker.ts listDigests) rather than a file stat'ed per
 * object when its `~external` table has at least this many rows and at most LIST_RATIO times the table's: a
 * listing costs per file in the folder, a stat per object checked (~4× a listed name on the benchmark's VM).
 */
const LIST_AT_LEAST = 4096;
const LIST_RATIO = 4;
/** Chunks that may wait for a listing: 1,000 of 5,000 rows cover ~5,000,000 rows, ~4 bytes a row held. */
const LISTING_AHEAD = 1000;
/**
 * Rows agreeSoon checks between turns of the event loop: a production read that came in meanwhile is then parsed and
 * the next chunk's reads start (readFrom chains them on it) ~1 ms later instead of after the chunk (~6 ms).
 */
const ROWS_PER_TURN = 1024;

export class PointerAgreement {
  private readonly passed: RecentMap<string, string>[];
  /** Per column with a store index, pairs passed by their digest's slot there (it decides the tag) → JSON text. */
  private readonly passedAt: RecentMap<number, string>[];
  /** Per column, the digests seen before: a pair is remembered as passed from its second sighting on. */
  private readonly seen: SeenBefore[];
  /** Per column, the check of pairs spelled as the copy spells them (pointerJsonFast.ts), or null. */
  private readonly quick: (QuickPointerCheck | null)[];
  private readonly tagNames: string[];
  /** Per column, production's `size` from the join (when joined). */
  private readonly sizeNames: string[];
  /** Per column, whether it holds blobs (whose JSON size is their `~external` size; an attachment's is not). */
  private readonly blobs: boolean[];
  private readonly jsonNames: string[];
  /** Files are not looked at, or only stat'ed on local stores: every check is synchronous. */
  private readonly localFiles: boolean;
  /** Settles once useIndexes() has read the stores' `~external` tables (externalIndex.ts); null: always joined. */
  private indexesRead: Promise<void> | null = null;
  /** Per column, its store's index once read (production's tags then come without the join, see tagAt), or null. */
  private indexes: (ExternalIndex | null)[] = [];
  /**
   * Per column, when its store's folder is being listed (fileCheck=present): settles once the index knows which
   * objects have a file (ExternalIndex.markPresent); `done` from then on. null: files are stat'ed one by one.
   */
  private listings: (Listing | null)[] = [];
  /** Pairs whose file a listing vouched for (CompareReport's filesListed). */
  filesListed = 0;

  constructor(
    private readonly db: Db,
    private readonly p: Table,
    private readonly t: Table,
    private readonly keyCols: readonly KeyColumn[],
    private readonly columns: { prod: Column; test: Column }[],
    private readonly files: FileCheck,
    /** Per row, the production and test sides' checksum strings or their parts (pointerRowTexts.ts): equal, equal rows. */
    private readonly rowText: RowTexts,
  ) {
    this.passed = columns.map(() => this.remembered());
    this.passedAt = columns.map(() => this.remembered());
    this.seen = columns.map(() => new SeenBefore());
    this.quick = columns.map(({ prod }) => {
      const st = prod.storage as Pointer014;
      return QuickPointerCheck.of(st.store, files.mode, files.stores?.[st.store]);
    });
    this.tagNames = columns.map((_, i) => 't' + i);
    this.sizeNames = columns.map((_, i) => 'z' + i);
    this.blobs = columns.map(({ prod }) => (prod.storage as Pointer014).kind === 'blob');
    this.jsonNames = columns.map((_, i) => 'j' + i);
    this.localFiles =
      files.mode === 'none' ||
      ((files.mode === 'exists' || files.mode === 'present') &&
        Object.values(files.stores ?? {}).every((s) => s.protocol === 'file'));
  }

  /**
   * Reads each store's `~external` table once (externalIndex.ts) instead of joining it in every chunk: for the
   * compare of a whole table (its rows counted by `count`, when the estimates do not settle it), not for a few key
   * ranges (a cut-over's delta), where the joins are few, nor when a store's table has more than twice as many rows as
   * this table (reading it would cost more than the joins).
   */
  useIndexes(count: () => Promise<number>, estimate: number): void {
    const stores = [...new Set(this.columns.map(({ prod }) => (prod.storage as Pointer014).store))];
    const read = Promise.all(
      stores.map(async (s) => {
        const estimated = await ExternalIndex.estimate(this.db, this.p.schema, s);
        // Loaded at once when the estimates already say it will be used (the server's `estimate` of the table's
        // rows), and then judged by them: no COUNT(*) (~0.15 s of server CPU per 1,000,000 rows), where a wrong
        // estimate costs only speed (the joins, or an index larger than needed). Else once the rows are counted.
        const early = estimated !== null && estimate > 0 && estimated <= Math.min(MAX_OBJECTS, 2 * estimate);
        const first = early ? null : await count();
        const cap = first === null ? MAX_OBJECTS : Math.min(MAX_OBJECTS, 2 * first);
        const loading = ExternalIndex.load(this.db, this.p.schema, s, cap, estimated);
        const rows = first ?? estimate;
        const max = Math.min(MAX_OBJECTS, 2 * rows);
        // The listing starts from the server's estimate, so that it runs while the index loads; else (an estimate
        // can be stale: MySQL 8 caches it for a day) from the index's count.
        const listed = estimated !== null && estimated <= max ? this.listStore(s, estimated, rows, loading) : null;
        const loaded = await loading;
        const index = loaded && loaded.size <= max ? loaded : null;
        const listing = listed ?? (index ? this.listStore(s, index.size, rows, loading) : null);
        return [s, { index, listing }] as const;
      }),
    ).then((all) => {
      const byStore = new Map(all);
      this.indexes = this.columns.map(({ prod }) => byStore.get((prod.storage as Pointer014).store)?.index ?? null);
      this.listings = this.columns.map(({ prod }, i) => {
        const listing = this.indexes[i] ? byStore.get((prod.storage as Pointer014).store)?.listing : null;
        // (One that already failed is left out: its chunks stat their files.)
        return listing && !(listing.done && !listing.ok) ? listing : null;
      });
    });
    read.catch(() => undefined); // awaited by prodRows()
    this.indexesRead = read;
  }

  /**
   * fileCheck=present on a whole table that points at much of its store (`objects`: its `~external` rows, or their
   * estimate): the store's folder of this schema is listed once on the stat worker (`<root>/<schema>`, where 0.14.6
   * keeps the schema's blobs), and its index notes which objects have a file. null: files are stat'ed one by one,
   * as they are after a listing that fails.
   */
  private listStore(
    store: string,
    objects: number,
    rows: number,
    loaded: Promise<ExternalIndex | null>,
  ): Listing | null {
    const root = this.quick[this.columns.findIndex(({ prod }) => (prod.storage as Pointer014).store === store)]?.root;
    if (this.files.mode !== 'present' || !root) return null;
    if (objects < LIST_AT_LEAST || objects > LIST_RATIO * rows) return null;
    const spec = this.files.stores![store];
    const listing: Listing = { marked: Promise.resolve(false), done: false, ok: false };
    const digests = digestsUnder(`${root}/${this.p.schema}`, spec.subfolding014, objects);
    listing.marked = Promise.all([digests, loaded]).then(([found, index]) => {
      if (found && index) index.markPresent(found);
      // Chunks that waited for a failed listing are compared row by row; later ones stat their files.
      else this.listings = this.listings.map((l) => (l === listing ? null : l));
      listing.ok = found !== null && index !== null;
      listing.done = true;
      return listing.ok;
    });
    listing.marked.catch(() => undefined);
    return listing;
  }

  /**
   * The chunk's rows of both sides, each in key order, on two sessions at once: production's per column `t<i>`
   * (digest in hex + dangling flag) and test's `j<i>` (JSON text), both with the row's checksum text (keys, the
   * checksummed columns), or its parts (pointerRowTexts.ts). `alike` when the two lists are as long and the texts of
   * each position are the same: then the same keys pair up position by position (a key is unique on each
   * side, and both sides sort by the same key columns in the same collation), and agree() compares each
   * position's pointer with its JSON. Any other case is left to the row-by-row path (compare.ts), which pairs
   * rows by key and reports each difference.
   *
   * Read apart rather than joined: the server joining test and `~external_*` to production on the key cost
   * several times the two range scans (MariaDB 10.11, 300,000 rows: ~2.3 s server CPU against ~0.9 s), the
   * key lookups into test and the byte comparison of the two row texts being the most of it; matching by
   * position in node costs a comparison of two byte strings per row.
   * Not grouped on the server: a GROUP BY carrying the JSON text (TEXT) needs an on-disk internal temporary
   * table on MariaDB (its MEMORY engine holds no TEXT); with it the 1M-row benchmark's compare ran many times
   * longer (a loaded machine, not a clean measurement).
   */
  async read(lower: Key | null, upper: Key | null): Promise<ChunkPointers> {
    const [prod, test] = await Promise.all([
      this.prodRows(keyRange(this.keyCols, lower, upper, 's'), ''),
      this.testRows(lower, upper),
    ]);
    return this.paired(prod, test);
  }

  /**
   * read() of the (at most) `n` production rows after `lower`, the chunk's upper key taken from the last of them
   * (null when fewer came: the end of the table) instead of looked up first: a `LIMIT 1 OFFSET n-1` probe per
   * chunk read the table's rows once more (~0.35 s of server CPU per 1,000,000 rows). `upper` settles with
   * production's rows, the test side is read after them. The last chunk (upper null) reads the test side to
   * its end, so rows only in test after production's last key are still seen.
   */
  readFrom(lower: Key | null, n: number): { upper: Promise<Key | null>; chunk: Promise<ChunkPointers> } {
    const prod = this.prodRows(keyRange(this.keyCols, lower, null, 's'), ` LIMIT ${n}`);
    const upper = prod.then((rows) => (rows.length === n ? keyOf(rows[n - 1], this.keyCols.length) : null));
    const chunk = upper.then(async (u) => this.paired(await prod, await this.testRows(lower, u)));
    upper.catch(() => undefined); // both awaited by the caller; never unhandled if the walk stops first
    chunk.catch(() => undefined);
    return { upper, chunk };
  }

  /** Production's side of read(): `t<i>` per pointer column, `k`, and (with a limit) the key. */
  private async prodRows(range: Predicate, limit: string): Promise<Row[]> {
    const { p } = this;
    await this.indexesRead;
    const joins: string[] = [];
    const prodSel = this.columns.map(({ prod }, i) => {
      const st = prod.storage as Pointer014;
      const e = `e${i}`;
      const ptr = `s.${q(prod.name)}`;
      // Spelled as the join spells a pointer with a row and no carry-over; index.tagOf corrects the others.
      if (this.indexes[i]) return `CONCAT(HEX(${ptr}), '0') AS ${q('t' + i)}`;
      joins.push(`LEFT JOIN ${qt(p.schema, '~external_' + st.store)} AS ${e} ON ${e}.${q('hash')} = ${ptr}`);
      const digest = `IF(${e}.${q('filepath')} IS NOT NULL AND ${e}.${q('contents_hash')} IS NOT NULL, ${e}.${q('contents_hash')}, ${ptr})`;
      return `CONCAT(HEX(${digest}), IF(${e}.${q('hash')} IS NULL, '1', '0')) AS ${q('t' + i)}, ${e}.${q('size')} AS ${q(this.sizeNames[i])}`;
    });
    prodSel.push(rowTextSelect(this.rowText, 'prod'));
    if (limit) prodSel.push(keySelect(this.keyCols, 's'));
    return rowReader(this.db, this.rowText)(
      `SELECT ${prodSel.join(', ')} FROM ${qt(p.schema, p.name)} AS s ${joins.join(' ')} WHERE ${range.sql} ${orderBy(this.keyCols, 's')}${limit}`,
      range.params,
    );
  }

  /** The test side of read(): `j<i>` per pointer column and `k`. */
  private testRows(lower: Key | null, upper: Key | null): Promise<Row[]> {
    const { t } = this;
    const range = keyRange(this.keyCols, lower, upper, 'x');
    const testSel = this.columns.map(({ test }, i) => `x.${q(test.name)} AS ${q('j' + i)}`);
    testSel.push(rowTextSelect(this.rowText, 'test'));
    return rowReader(this.db, this.rowText)(
      `SELECT ${testSel.join(', ')} FROM ${qt(t.schema, t.name)} AS x WHERE ${range.sql} ${orderBy(this.keyCols, 'x')}`,
      range.params,
    );
  }

  /** The `size` the `~external` row of blob column `i`'s pointer in `row` records (-1: not known or not a blob), right after tagAt. */
  private recordedSize(row: Row, i: number): number {
    // Only a blob's JSON size must be its row's (comparePointers.ts): the others need no lookup.
    if (!this.blobs[i]) return -1;
    const index = this.indexes[i];
    if (index) return index.sizeAt(index.lastAt);
    const z = row[this.sizeNames[i]];
    return z === null || z === undefined ? -1 : Number(z);
  }

  /** Production's tag of column `i` in `row`, as the join spells it (corrected by the store's index, if read). */
  private tagAt(row: Row, i: number): string | null {
    const read = row[this.tagNames[i]] as string | null;
    const index = this.indexes[i];
    return read === null || !index ? read : index.tagOf(read);
  }

  /** The two sides, `alike` when they pair up position by position. */
  private paired(prod: Row[], test: Row[]): ChunkPointers {
    return { prod, test, alike: sameRowTexts(this.rowText, prod, test) };
  }

  /** True when every row's pointers agree with the test side's JSON (and files, when checked). */
  async agree(chunk: ChunkPointers): Promise<boolean> {
    const { now, files } = await this.agreeSoon(chunk);
    return (await files) && now;
  }

  /**
   * agree() without waiting for the stat worker: `now` is node's verdict on the chunk, `files` settles when every
   * file sent to the worker is confirmed (everything remembered is forgotten when one is not). Pairs are
   * remembered before their files settle, so a chunk checked before an earlier chunk's `files` settled may have
   * skipped a pair of it: when the earlier one fails, the later one must be checked again too (compare.ts).
   */
  async agreeSoon({ prod, test }: ChunkPointers): Promise<{ now: boolean; files: Promise<boolean> }> {
    if (!this.localFiles) return { now: await this.agreeInPool(prod, test), files: Promise.resolve(true) };
    // Pairs spelled as the copy spells them are remembered as passed at once and their files sent to the stat
    // worker a batch at a time (statWorker.ts) while the next rows are looked at; if a file does not confirm,
    // the chunk does not agree and everything remembered is forgotten (a later chunk checks again). Others
    // take the full check here, synchronously.
    const n = this.columns.length;
    const batches: Promise<boolean>[] = [];
    let files: string[] = [];
    let want: Batched[] = [];
    // Pairs whose file a listing of the store's folder answers for (fileCheck=present): their digests, per column,
    // looked up once the listing is in (at once when it already is).
    let listed: number[][] | null = null;
    const send = () => {
      if (!files.length) return;
      const [f, w] = [files, want];
      [files, want] = [[], []];
      batches.push(sizesOf(f).then((sizes) => this.settle(w, sizes)));
    };
    let failed = false;
    rows: for (let r = 0; r < prod.length; r++) {
      if (r % ROWS_PER_TURN === ROWS_PER_TURN - 1) await new Promise((turn) => setImmediate(turn));
      for (let i = 0; i < n; i++) {
        const tag = this.tagAt(prod[r], i);
        const json = test[r][this.jsonNames[i]];
        if (json === null || tag === null) {
          if ((failed = (await this.check({ i, tag, json, text: null, recorded: -1 })) !== null)) break rows;
          continue;
        }
        const text = typeof json === 'string' ? json : asText(json);
        // Only a digest seen before can have a remembered pair (looking up the JSON text costs its hash). With an
        // index, the row's slot remembers (tagAt just found it), and the pair is remembered by the slot; else a
        // fingerprint of the tag, and by the JSON text.
        const index = this.indexes[i];
        const slot = index ? index.lastAt : -1;
        const again = index ? index.seenBefore(slot) : this.seen[i].check(tag);
        if (again && (index ? this.passedAt[i].get(slot) === text : this.passed[i].get(text) === tag)) continue;
        const quick = this.quick[i];
        // Not dangling ('0' after the digest) and spelled as the copy spells it.
        const listing = this.listings[i];
        // A listed store's own digest (not a carry-over's contents hash, which tagAt put in its place).
        const listedIn = listing && tag === prod[r][this.tagNames[i]] ? this.p.schema : null;
        const recorded = this.recordedSize(prod[r], i);
        const spelledAs =
          quick !== null && tag.length === 33 && tag.charCodeAt(32) === 48 ? quick.spelled(text, tag, listedIn) : null;
        // A blob's JSON records its `~external` row's size: any other size is the full check's to word.
        const spelled = spelledAs && recorded >= 0 && spelledAs.size !== recorded ? null : spelledAs;
        if (spelled?.listed) {
          // Where the index holds the digest (found by tagAt): 4 bytes kept per pair until the listing is in.
          if (listing!.done && index!.presentAt(slot)) this.filesListed++;
          else {
            listed ??= this.columns.map(() => []);
            listed[i].push(slot);
          }
        } else if (spelled?.file) {
          files.push(spelled.file);
          want.push({ i, tag, json, text, recorded, size: spelled.size });
          if (files.length >= STAT_BATCH) send();
        } else if (!spelled && (failed = (await this.check({ i, tag, json, text, recorded })) !== null)) break rows;
        if (again && index) this.passedAt[i].set(slot, text);
        else if (again) this.passed[i].set(text, tag);
      }
    }
    send();
    if (listed) batches.push(this.afterListing(listed));
    const settled = Promise.all(batches).then((all) => {
      const confirmed = all.every(Boolean);
      if ((failed || !confirmed) && all.length) this.forget();
      return confirmed;
    });
    settled.catch(() => undefined); // awaited by the caller; never an unhandled rejection if the walk stops first
    return { now: !failed, files: settled };
  }

  /**
   * Whether every digest of `listed` (per column) has a file by its store's listing; a listing that failed, or a
   * file it did not see (written since, or missing), makes the chunk not agree: the row-by-row path (compare.ts)
   * then looks at each file itself and reports what is missing.
   */
  private async afterListing(listed: number[][]): Promise<boolean> {
    for (let i = 0; i < listed.length; i++) {
      if (!listed[i].length) continue;
      if (!(await this.listings[i]!.marked)) return false;
      const index = this.indexes[i]!;
      for (const at of listed[i]) if (!index.presentAt(at)) return false;
    }
    for (const l of listed) this.filesListed += l.length;
    return true;
  }

  /**
   * How many chunks may wait unsettled (pointerChunks.ts): while a store's folder is being listed, a chunk keeps
   * only its digests' places (4 bytes each), and node goes on through the table meanwhile; else one, whose
   * stats run while node checks the next.
   */
  unsettledLimit(): number {
    return this.listings.some((l) => l && !l.done) ? LISTING_AHEAD : 1;
  }

  /** Whether the worker's sizes confirm the batch; a file that does not is looked at by the full check. */
  private async settle(want: Batched[], sizes: Float64Array): Promise<boolean> {
    for (let k = 0; k < want.length; k++) {
      if (sizeConfirms(sizes[k], want[k].size, this.files.mode !== 'present')) continue;
      if (await this.check(want[k])) return false;
    }
    return true;
  }

  private forget(): void {
    for (let i = 0; i < this.passed.length; i++) {
      this.passed[i] = this.remembered();
      this.passedAt[i] = this.remembered();
    }
  }

  private remembered<K>(): RecentMap<K, string> {
    return new RecentMap<K, string>(Math.max(1000, Math.floor(REMEMBERED / this.columns.length)));
  }

  /** S3 or md5 checks: the chunk's distinct pairs, a few at a time. */
  private async agreeInPool(prod: Row[], test: Row[]): Promise<boolean> {
    // Keyed by the JSON text (already one string per row: no key to build), the digest and dangling flag as the
    // value; a pair is settled only when both match what was checked.
    const pending: Pending[] = [];
    const seen = this.columns.map(() => new Map<string, string>());
    for (let r = 0; r < prod.length; r++) {
      for (let i = 0; i < this.columns.length; i++) {
        const tag = this.tagAt(prod[r], i);
        const json = test[r][this.jsonNames[i]];
        if (json === null || tag === null) {
          pending.push({ i, tag, json, text: null, recorded: -1 });
          continue;
        }
        const text = typeof json === 'string' ? json : asText(json);
        if (this.passed[i].get(text) === tag || seen[i].get(text) === tag) continue;
        seen[i].set(text, tag);
        pending.push({ i, tag, json, text, recorded: this.recordedSize(prod[r], i) });
      }
    }
    let agree = true;
    await inPool(pending, FILES_IN_FLIGHT, async (c) => {
      if (!agree) return;
      if (await this.check(c)) agree = false;
      else this.remember(c);
    });
    return agree;
  }

  /** The full check of one pair (comparePointers.ts), as compare.ts's row-level path would see it. */
  private check(c: Pending): string | null | Promise<string | null> {
    // The digest stands for both the pointer and the hash.
    const digest = c.tag === null ? null : Buffer.from(c.tag.slice(0, 32), 'hex');
    const dangling = c.tag !== null && c.tag.charCodeAt(32) === 49; // '1'
    const cells = {
      __c0: digest,
      __e0_hash: dangling ? null : digest,
      __e0_filepath: null,
      __e0_contents_hash: null,
      __e0_size: c.recorded >= 0 ? c.recorded : null,
    };
    return comparePointerCell(this.columns[c.i].prod.storage, cells, 0, c.json, this.files);
  }

  private remember(c: Pending): void {
    if (c.text !== null && c.tag !== null && this.seen[c.i].check(c.tag)) this.passed[c.i].set(c.text, c.tag);
  }
}

/** A chunk's pointer reads (read()): production's and test's rows in key order. */
export interface ChunkPointers {
  prod: Row[];
  test: Row[];
  /** Same number of rows, and the same keys and checksummed columns position by position. */
  alike: boolean;
}

/** A store's folder being listed: `marked` settles once its index knows which objects have a file (`ok`). */
interface Listing {
  marked: Promise<boolean>;
  done: boolean;
  ok: boolean;
}

/** A pair whose file the stat worker looks at, and the size it must have. */
interface Batched extends Pending {
  size: number;
}

/** A (digest, JSON) pair of a chunk not yet known to agree. */
interface Pending {
  i: number;
  /** The digest in hex and 1 when the pointer dangles (no `~external_*` row), as the join spells it; null for a NULL pointer. */
  tag: string | null;
  json: unknown;
  /** The JSON text (the remembered pair is text → tag), null for a NULL. */
  text: string | null;
  /** The `size` its `~external` row records, -1 when not known. */
  recorded: number;
}

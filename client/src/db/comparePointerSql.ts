// Compare's fast path for in-store pointer columns (blob@S and attach@S against their 2.x JSON): the server
// joins production to test on the key and to `~external_<store>`, and works out which digest each 2.x `hash`
// must spell (the `contents_hash` of a 0.11 carry-over, else the pointer itself) and which pointers dangle.
// The client gets per row and pointer column the digest in hex with a dangling flag, and the JSON text, plus one
// flag for the row's other columns (compare.ts), and no key; it checks each distinct (digest, JSON) pair once
// (base32 spelling, store, and the file when stores are configured: one synchronous stat on a local store;
// passed pairs are remembered across chunks by their JSON text, so a shared object is checked once per
// table), and says only whether the whole chunk agrees, while the
// next chunk's reads run on the server (compare.ts). A chunk that does not agree is compared row by row
// (compare.ts), which reports each difference with its key.
//
// The base32 spelling is left to the client: written in SQL (26 SUBSTR/ASCII terms per row) it measured
// 3–4× the cost of the whole row checksum on MariaDB 10.11, while here it runs once per distinct object.
// File paths (filepath@S) are not on this path: their identity is the path plus an optional hash.
import type { Db, Row } from './connection';
import type { Column, Table } from './model';
import { q, qt } from './sql';
import { type KeyColumn, keyJoin, keyRange } from './chunks';
import type { Key } from './state';
import { comparePointerCell, type FileCheck } from './comparePointers';
import { ENTRY_BYTES, LruMap } from './lruMap';
import { inPool } from './inPool';
import { asText } from './compareValues';

/** A pointer column this path can settle: a 0.14.6 blob/attach pointer against 2.x JSON. */
export function pointerBySql(prod: Column, test: Column): boolean {
  return prod.storage.form === 'pointer014' && prod.storage.kind !== 'filepath' && test.storage.form === 'json2x';
}

/**
 * Pairs remembered as checked (bounded, least recently seen forgotten first; forgetting only means checking
 * again). Each holds its JSON text, a few hundred bytes, so the bound is in bytes: 4 MB keep ~14,000 pairs,
 * the objects rows share among them. (50,000 pairs by count were ~15 MB live through a whole table, and the
 * heap grew to several times that between full collections.)
 */
const REMEMBERED = 50_000;
const REMEMBERED_BYTES = 4 * 2 ** 20;
/** File checks in flight at once (each a stat, or a GET/HEAD on S3). */
const FILES_IN_FLIGHT = 16;

export class PointerAgreement {
  private readonly passed: LruMap<string, string>[];
  /** Files are not looked at, or only stat'ed on local stores: every check is synchronous. */
  private readonly localFiles: boolean;

  constructor(
    private readonly db: Db,
    private readonly p: Table,
    private readonly t: Table,
    private readonly keyCols: readonly KeyColumn[],
    private readonly columns: { prod: Column; test: Column }[],
    private readonly files: FileCheck,
    /** Per row, the production and test sides' checksum strings (compare.ts): equal bytes mean equal rows. */
    private readonly rowText: { prod: string; test: string } | null = null,
  ) {
    this.passed = columns.map(
      () =>
        new LruMap<string, string>(Math.max(1000, Math.floor(REMEMBERED / columns.length)), {
          maxBytes: REMEMBERED_BYTES / columns.length,
          bytesOf: (text, tag) => text.length + tag.length + ENTRY_BYTES,
        }),
    );
    this.localFiles =
      files.mode === 'none' ||
      (files.mode === 'exists' && Object.values(files.stores ?? {}).every((s) => s.protocol === 'file'));
  }

  /**
   * The chunk's rows, per column `d<i>` (digest), `g<i>` (1 = dangling), `j<i>` (test JSON text), and their
   * number. Not grouped on the server: a GROUP BY carrying the JSON text (TEXT) needs an on-disk internal
   * temporary table on MariaDB (its MEMORY engine holds no TEXT); with it the 1M-row benchmark's compare
   * ran many times longer (a loaded machine, not a clean measurement).
   */
  async read(lower: Key | null, upper: Key | null): Promise<{ rows: Row[]; n: number; alike: boolean }> {
    const { p, t } = this;
    const range = keyRange(this.keyCols, lower, upper, 's');
    const joins: string[] = [];
    const sel = this.columns.map(({ prod, test }, i) => {
      const st = prod.storage as Extract<Column['storage'], { form: 'pointer014' }>;
      const e = `e${i}`;
      const ptr = `s.${q(prod.name)}`;
      joins.push(`LEFT JOIN ${qt(p.schema, '~external_' + st.store)} AS ${e} ON ${e}.${q('hash')} = ${ptr}`);
      const digest = `IF(${e}.${q('filepath')} IS NOT NULL AND ${e}.${q('contents_hash')} IS NOT NULL, ${e}.${q('contents_hash')}, ${ptr})`;
      return `CONCAT(HEX(${digest}), IF(${e}.${q('hash')} IS NULL, '1', '0')) AS ${q('t' + i)}, x.${q(test.name)} AS ${q('j' + i)}`;
    });
    // The columns the chunk checksums cover, compared row by row in the same join: 1 when the two sides'
    // checksum strings (keys, NULL bitmap) are the same bytes.
    if (this.rowText)
      sel.push(`CAST(${this.rowText.prod} AS BINARY) = CAST(${this.rowText.test} AS BINARY) AS ${q('k')}`);
    const rows = await this.db.query(
      `SELECT ${sel.join(', ')} FROM ${qt(p.schema, p.name)} AS s JOIN ${qt(t.schema, t.name)} AS x ON ${keyJoin(this.keyCols, 's', 'x')} ${joins.join(' ')} WHERE ${range.sql}`,
      range.params,
    );
    let alike = true;
    if (this.rowText) for (const r of rows) if (Number(r.k) !== 1) alike = false;
    return { rows, n: rows.length, alike };
  }

  /** True when every row's pointers agree with the test side's JSON (and files, when checked). */
  async agree(rows: Row[]): Promise<boolean> {
    // Keyed by the JSON text (already one string per row: no key to build), the digest and dangling flag as the
    // value; a pair is settled only when both match what was checked.
    const pending: Pending[] = [];
    const seen = this.columns.map(() => new Map<string, string>());
    for (const r of rows) {
      for (let i = 0; i < this.columns.length; i++) {
        const tag = r['t' + i] as string | null;
        const json = r['j' + i];
        if (json === null || tag === null) {
          pending.push({ i, tag, json, text: null });
          continue;
        }
        const text = typeof json === 'string' ? json : asText(json);
        // get() also makes a remembered pair the most recently seen
        if (this.passed[i].get(text) === tag || seen[i].get(text) === tag) continue;
        seen[i].set(text, tag);
        pending.push({ i, tag, json, text });
      }
    }
    // The row compare.ts's row-level path would see: the digest stands for both the pointer and the hash.
    const cells = (c: Pending) => {
      const digest = c.tag === null ? null : Buffer.from(c.tag.slice(0, 32), 'hex');
      const dangling = c.tag !== null && c.tag.charCodeAt(32) === 49; // '1'
      return {
        __c0: digest,
        __e0_hash: dangling ? null : digest,
        __e0_filepath: null,
        __e0_contents_hash: null,
        __e0_size: null,
      };
    };
    const check = (c: Pending) => comparePointerCell(this.columns[c.i].prod.storage, cells(c), 0, c.json, this.files);
    if (this.localFiles) {
      // One synchronous stat per pair (comparePointers.ts): no promise, no pool. (On the thread pool, a few at a
      // time, the stats cost ~40% more CPU: the compare's whole node CPU measured 3.6–4.0 s against 2.6–2.7 s.)
      for (const c of pending) {
        let reason = check(c);
        if (reason instanceof Promise) reason = await reason;
        if (reason) return false;
        this.remember(c);
      }
      return true;
    }
    let agree = true;
    await inPool(pending, FILES_IN_FLIGHT, async (c) => {
      if (!agree) return;
      if (await check(c)) agree = false;
      else this.remember(c);
    });
    return agree;
  }

  private remember(c: Pending): void {
    if (c.text !== null && c.tag !== null) this.passed[c.i].set(c.text, c.tag);
  }
}

/** A (digest, JSON) pair of a chunk not yet known to agree. */
interface Pending {
  i: number;
  /** The digest in hex and 1 when the pointer dangles (no `~external_*` row), as the join spells it; null for a NULL pointer. */
  tag: string | null;
  json: unknown;
  /** The JSON text (the remembered pair is text → tag), null for a NULL. */
  text: string | null;
}

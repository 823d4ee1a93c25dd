// Compare's fast path for in-store pointer columns (blob@S and attach@S against their 2.x JSON): the server
// joins production to test on the key and to `~external_<store>`, and works out which digest each 2.x `hash`
// must spell (the `contents_hash` of a 0.11 carry-over, else the pointer itself) and which pointers dangle.
// The client gets three cells per row and no key; it checks each distinct (digest, JSON) pair once (base32
// spelling, store, and the file when stores are configured: one synchronous stat on a local store; passed pairs are remembered across chunks,
// so a shared object is checked once per table), and says only whether the whole chunk agrees, while the
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
import { LruMap } from './lruMap';
import { inPool } from './inPool';

/** A pointer column this path can settle: a 0.14.6 blob/attach pointer against 2.x JSON. */
export function pointerBySql(prod: Column, test: Column): boolean {
  return prod.storage.form === 'pointer014' && prod.storage.kind !== 'filepath' && test.storage.form === 'json2x';
}

/**
 * Pairs remembered as checked (bounded, least recently seen forgotten first; forgetting only means checking
 * again). Each holds its JSON text, a few hundred bytes: 50,000 keep the objects rows share.
 */
const REMEMBERED = 50_000;
/** File checks in flight at once (each a stat, or a GET/HEAD on S3). */
const FILES_IN_FLIGHT = 16;

export class PointerAgreement {
  private readonly passed = new LruMap<string, true>(REMEMBERED);
  /** Files are not looked at, or only stat'ed on local stores: every check is synchronous. */
  private readonly localFiles: boolean;

  constructor(
    private readonly db: Db,
    private readonly p: Table,
    private readonly t: Table,
    private readonly keyCols: readonly KeyColumn[],
    private readonly columns: { prod: Column; test: Column }[],
    private readonly files: FileCheck,
  ) {
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
  async read(lower: Key | null, upper: Key | null): Promise<{ rows: Row[]; n: number }> {
    const { p, t } = this;
    const range = keyRange(this.keyCols, lower, upper, 's');
    const joins: string[] = [];
    const sel = this.columns.map(({ prod, test }, i) => {
      const st = prod.storage as Extract<Column['storage'], { form: 'pointer014' }>;
      const e = `e${i}`;
      const ptr = `s.${q(prod.name)}`;
      joins.push(`LEFT JOIN ${qt(p.schema, '~external_' + st.store)} AS ${e} ON ${e}.${q('hash')} = ${ptr}`);
      return (
        `IF(${e}.${q('filepath')} IS NOT NULL AND ${e}.${q('contents_hash')} IS NOT NULL, ${e}.${q('contents_hash')}, ${ptr}) AS ${q('d' + i)}, ` +
        `(${ptr} IS NOT NULL AND ${e}.${q('hash')} IS NULL) AS ${q('g' + i)}, x.${q(test.name)} AS ${q('j' + i)}`
      );
    });
    const rows = await this.db.query(
      `SELECT ${sel.join(', ')} FROM ${qt(p.schema, p.name)} AS s JOIN ${qt(t.schema, t.name)} AS x ON ${keyJoin(this.keyCols, 's', 'x')} ${joins.join(' ')} WHERE ${range.sql}`,
      range.params,
    );
    return { rows, n: rows.length };
  }

  /** True when every row's pointers agree with the test side's JSON (and files, when checked). */
  async agree(rows: Row[]): Promise<boolean> {
    const pending = new Map<string, { i: number; digest: Buffer | null; dangling: boolean; json: unknown }>();
    for (const r of rows) {
      for (let i = 0; i < this.columns.length; i++) {
        const digest = r['d' + i] as Buffer | null;
        const json = r['j' + i];
        const dangling = Number(r['g' + i]) === 1;
        const id = `${i}|${digest ? digest.toString('latin1') : '-'}|${dangling ? 1 : 0}|${json === null ? '-' : String(json)}`;
        // get() also makes a remembered pair the most recently seen
        if (!this.passed.get(id) && !pending.has(id)) pending.set(id, { i, digest, dangling, json });
      }
    }
    // The row compare.ts's row-level path would see: the digest stands for both the pointer and the hash.
    const check = (c: { i: number; digest: Buffer | null; dangling: boolean; json: unknown }) =>
      comparePointerCell(
        this.columns[c.i].prod.storage,
        {
          __c0: c.digest,
          __e0_hash: c.dangling ? null : c.digest,
          __e0_filepath: null,
          __e0_contents_hash: null,
          __e0_size: null,
        },
        0,
        c.json,
        this.files,
      );
    if (this.localFiles) {
      // One synchronous stat per pair (comparePointers.ts): no promise, no pool.
      for (const [id, c] of pending) {
        let reason = check(c);
        if (reason instanceof Promise) reason = await reason;
        if (reason) return false;
        this.remember(id);
      }
      return true;
    }
    let agree = true;
    await inPool([...pending], FILES_IN_FLIGHT, async ([id, c]) => {
      if (!agree) return;
      if (await check(c)) agree = false;
      else this.remember(id);
    });
    return agree;
  }

  private remember(id: string): void {
    this.passed.set(id, true);
  }
}

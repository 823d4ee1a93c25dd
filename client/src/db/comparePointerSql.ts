// Compare's fast path for in-store pointer columns (blob@S and attach@S against their 2.x JSON): the server
// joins production to test on the key and to `~external_<store>`, and works out which digest each 2.x `hash`
// must spell (the `contents_hash` of a 0.11 carry-over, else the pointer itself) and which pointers dangle.
// The client gets three cells per row and no key, checks each distinct (digest, JSON) pair once (base32
// spelling, store, and the file when stores are configured; passed pairs are remembered across chunks, so
// a shared object is checked once per table), and says only whether the whole chunk agrees. A chunk
// that does not agree is compared row by row (compare.ts), which reports each difference with its key.
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
  private readonly passed = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly p: Table,
    private readonly t: Table,
    private readonly keyCols: readonly KeyColumn[],
    private readonly columns: { prod: Column; test: Column }[],
    private readonly files: FileCheck,
  ) {}

  /** The chunk's rows: per column `d<i>` (digest), `g<i>` (1 = dangling), `j<i>` (test JSON text). */
  read(lower: Key | null, upper: Key | null): Promise<Row[]> {
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
    return this.db.query(
      `SELECT ${sel.join(', ')} FROM ${qt(p.schema, p.name)} AS s JOIN ${qt(t.schema, t.name)} AS x ON ${keyJoin(this.keyCols, 's', 'x')} ${joins.join(' ')} WHERE ${range.sql}`,
      range.params,
    );
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
        if (this.passed.delete(id)) this.passed.add(id);
        else if (!pending.has(id)) pending.set(id, { i, digest, dangling, json });
      }
    }
    let agree = true;
    await inPool([...pending], FILES_IN_FLIGHT, async ([id, c]) => {
      if (!agree) return;
      // The row compare.ts's row-level path would see: the digest stands for both the pointer and the hash.
      const row: Row = {
        __c0: c.digest,
        __e0_hash: c.dangling ? null : c.digest,
        __e0_filepath: null,
        __e0_contents_hash: null,
        __e0_size: null,
      };
      let reason = comparePointerCell(this.columns[c.i].prod.storage, row, 0, c.json, this.files);
      if (reason instanceof Promise) reason = await reason;
      if (reason) agree = false;
      else {
        if (this.passed.size >= REMEMBERED) this.passed.delete(this.passed.values().next().value as string);
        this.passed.add(id);
      }
    });
    return agree;
  }
}

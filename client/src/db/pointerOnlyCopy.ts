// `db copy` of a pointer-only blob@S column on a file store (no --relocate, no adapter, not a dry run): the
// usual bulk case, where every object becomes the same small JSON pointing at the 0.14.6 file. Instead of
// the per-object pipeline of pointers.ts (async conversion, one call per object), the server spells each of the
// chunk's distinct objects' JSON once (base32 by MID from a binary alphabet, constant parts JSON-escaped here
// and passed as parameters) into a session MEMORY table keyed by a hash index, which the chunk's INSERT … SELECT
// joins;
// the client reads back only the pointers, and looks at the shared files with a synchronous access() that yields to
// the event loop between slices, so the server runs the chunk's statements meanwhile. Objects the template does
// not cover (0.11 carry-overs with `filepath`, attachments in a blob column, dangling pointers, sizes past 2^53)
// go through pointers.ts as before, which converts or refuses them with its usual message.
//
// Measured per 50,000-row chunk (server thread CPU, MariaDB 10.11, 2/3 distinct objects): the JSON in an InnoDB
// temporary LONGTEXT table cost 400 ms to fill and 270 ms to join; in a MEMORY VARBINARY table ~150 ms less,
// and the join then costs what the baseline INSERT … SELECT does. Distinct pointers are read in hash order, so
// the ~external lookups walk its primary key forwards (about a quarter less CPU than in arrival order).
//
// The JSON bytes must equal JSON.stringify of pointers.ts's hashJson (key order, no spaces): verify and
// compare read the text, and test/db/pointerOnlyCopy.test.ts checks the two agree for random hashes and
// odd names, through the MEMORY table as the copy uses it.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ColumnPlan, PointerContext } from './convert';
import type { DbConnection, Row } from './connection';
import type { Predicate } from './chunks';
import { q } from './sql';
import type { StoreSpec } from './stores';
import { filePath } from './stores/fileStore';
import { ENTRY_BYTES, LruMap } from './lruMap';

type PointerPlan = Extract<ColumnPlan, { kind: 'pointer' }>;

/** The file store whose pointer-only JSON this column can take from the template, else null. */
export function pointerOnlyStore(p: PointerPlan, ctx: PointerContext): StoreSpec | null {
  if (p.pointerKind !== 'blob' || p.adapter || ctx.relocate || ctx.dryRun) return null;
  const store = ctx.stores[p.store];
  return store && store.protocol === 'file' ? store : null;
}

/**
 * The integers base32Sql reads from a binary(16) expression: its three 40-bit slices and its last byte. They are
 * selected once per object in a derived table (the server would evaluate a repeated expression each time).
 */
export function base32Ints(bin: string): string[] {
  const slice = (i: number) => `CAST(CONV(HEX(SUBSTRING(${bin}, ${i * 5 + 1}, 5)), 16, 10) AS UNSIGNED)`;
  return [slice(0), slice(1), slice(2), `ASCII(SUBSTRING(${bin}, 16, 1))`];
}

/** Every pair of RFC 4648 base32 letters (lower case), in order: the pair of 10-bit value v is at 2v + 1. */
const BASE32_PAIRS = (() => {
  const a = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  for (const x of a) for (const y of a) out += x + y;
  return out;
})();

/**
 * SQL for base32Hash of the binary(16) whose base32Ints are the columns `x`: each 10-bit group of a slice picks
 * its two letters from a binary table of all letter pairs by MID, and the last byte (its bits shifted left by 2,
 * as the unpadded encoding of 128 bits does) picks the last two. Measured per 34,000 objects on MariaDB 10.11:
 * 13 MIDs of pairs cost about half of 26 MIDs of single letters, which cost ~70 ms against ~190 ms for CONV to
 * base 32 and 32 nested REPLACEs of its digits. `>>`, `<<` bind tighter than `&` on MariaDB and MySQL alike.
 */
export function base32Sql(x: readonly string[]): string {
  const pairs = `_binary'${BASE32_PAIRS}'`;
  const pair = (group: string) => `MID(${pairs}, 2 * (${group}) + 1, 2)`;
  const out: string[] = [];
  for (let i = 0; i < 3; i++) for (let k = 0; k < 4; k++) out.push(pair(`${x[i]} >> ${30 - 10 * k} & 1023`));
  out.push(pair(`${x[3]} << 2`));
  return `CONCAT(${out.join(', ')})`;
}

/**
 * JSON.stringify of `{hash, path, schema, store, size}` for a plain 0.14.6 blob, spelled by the server: the
 * constant parts (schema names, store name) are JSON-escaped here and passed as parameters; only base32, hex
 * and digits are computed in SQL.
 */
export class PointerOnlyJson {
  readonly head: string;
  readonly tail: string;
  private readonly folds: readonly number[];

  /** The longest JSON this template spells, in bytes (a size has at most 16 digits: it is at most 2^53 - 1). */
  readonly maxBytes: number;

  constructor(store: StoreSpec, sourceSchema: string, targetSchema: string) {
    this.folds = store.subfolding014;
    // The path's constant part (schema + '/'), escaped, without its closing quote: hex digits need no escape.
    const dir = JSON.stringify(`${sourceSchema}/`).slice(0, -1);
    this.head = `","path":${dir}`;
    this.tail = `","schema":${JSON.stringify(targetSchema)},"store":${JSON.stringify(store.name)},"size":`;
    const hexPath = 32 + this.folds.reduce((n, f) => n + f + 1, 0);
    this.maxBytes =
      '{"hash":"'.length + 26 + Buffer.byteLength(this.head) + hexPath + Buffer.byteLength(this.tail) + 16 + 1;
  }

  /** The path under the store root: `<schema>/<folds>/<hex>`, as path014 spells it. */
  relative(sourceSchema: string, hex: string): string {
    return `${sourceSchema}/${this.folded(hex)}`;
  }

  /** `<folds>/<hex>` with `sep` between the parts. */
  folded(hex: string, sep = '/'): string {
    let out = '';
    let at = 0;
    for (const f of this.folds) {
      out += hex.slice(at, at + f) + sep;
      at += f;
    }
    return out + hex;
  }

  /**
   * The JSON of pointer `bin` (binary(16)) whose base32Ints are the columns `ints`, of size `size` (a bigint
   * expression), and its parameters.
   */
  sql(bin: string, ints: readonly string[], size: string): { sql: string; params: string[] } {
    const hex = `LOWER(HEX(${bin}))`;
    const parts: string[] = [];
    let at = 0;
    for (const f of this.folds) {
      parts.push(`SUBSTRING(${hex}, ${at + 1}, ${f})`, "'/'");
      at += f;
    }
    return {
      sql: `CONCAT('{"hash":"', ${base32Sql(ints)}, ?, ${[...parts, hex].join(', ')}, ?, CAST(${size} AS CHAR), '}')`,
      params: [this.head, this.tail],
    };
  }
}

/**
 * Where one pointer column's JSON is in a chunk's INSERT … SELECT (source alias `s`): an expression, the
 * condition that it is there, and the joins that bring it.
 */
export interface ChunkObjects {
  json: string;
  present: string;
  joins: string[];
}

/** The session's InnoDB object table `j<i>` of column `i`: the JSON the client converted (pointers.ts). */
export function convertedObjects(i: number, table: string, column: string): ChunkObjects {
  const json = `j${i}.${q('json')}`;
  return {
    json,
    present: `${json} IS NOT NULL`,
    joins: [`LEFT JOIN ${table} AS j${i} ON j${i}.${q('h')} = s.${q(column)}`],
  };
}

/** The statements of one chunk, on the copy's session (killable, printed in a dry run). */
export interface ChunkSession {
  c: DbConnection;
  read(sql: string, params: unknown[]): Promise<Row[]>;
  write(sql: string, params: unknown[]): Promise<unknown>;
}

/** The longest JSON a MEMORY table holds (its rows are fixed-width): longer names take the general path. */
const MAX_TEMPLATE_BYTES = 2048;

/** One pointer-only column of a table copy: the chunk's distinct objects, their JSON, their files. */
export class PointerOnlyColumn {
  readonly template: PointerOnlyJson;
  readonly files: SharedFileStats;
  /** Whether the last chunk filled had objects the template does not cover (converted by pointers.ts). */
  others = false;
  private created = false;

  constructor(
    store: StoreSpec,
    ctx: PointerContext,
    /** The session MEMORY table of the chunk's objects (`h`, `json` VARBINARY, NULL when not covered). */
    readonly table: string,
    /** The most rows a chunk has: its distinct objects fit in the MEMORY table. */
    private readonly maxRows: number,
    onMissing: (described: string) => void,
    /** Another session's column of the same table: its files are looked at once for both. */
    files?: SharedFileStats,
  ) {
    this.template = new PointerOnlyJson(store, ctx.sourceSchema, ctx.targetSchema);
    this.files = files ?? new SharedFileStats(store, ctx.sourceSchema, this.template, onMissing);
  }

  /** False when the names are so long that a fixed-width MEMORY row would be wasteful. */
  get usable(): boolean {
    return this.template.maxBytes <= MAX_TEMPLATE_BYTES;
  }

  /**
   * Creates the MEMORY table (once per copy) for up to maxRows objects: a MEMORY table's capacity is the
   * session's max_heap_table_size when it is created, raised here for that moment if too small.
   */
  async create(c: DbConnection): Promise<void> {
    if (this.created) return;
    // Whole MiB: the server takes the variable in 1 KiB blocks.
    const need = Math.ceil((this.maxRows * (this.template.maxBytes + 128) * 1.5) / 2 ** 20) * 2 ** 20;
    const [{ v }] = await c.query<{ v: string }>('SELECT @@SESSION.max_heap_table_size AS v');
    const raise = Number(v) < need;
    if (raise) await c.execute('SET SESSION max_heap_table_size = ?', [need]);
    try {
      await c.execute(
        `CREATE TEMPORARY TABLE IF NOT EXISTS ${this.table} (${q('h')} binary(16) NOT NULL, ` +
          `${q('json')} varbinary(${this.template.maxBytes}) NULL, PRIMARY KEY (${q('h')}) USING HASH) ENGINE=MEMORY`,
      );
      this.created = true;
    } finally {
      if (raise) await c.execute('SET SESSION max_heap_table_size = ?', [Number(v)]);
    }
  }

  async drop(c: DbConnection): Promise<void> {
    if (this.created) await c.execute(`DROP TEMPORARY TABLE IF EXISTS ${this.table}`);
    this.created = false;
  }

  /**
   * Fills the MEMORY table with the distinct non-null values of `column` in `FROM from WHERE where` (the
   * chunk), each with its JSON when its ~external row is a plain blob the template covers, else NULL (those
   * are converted by pointers.ts). Parameters: these, then the WHERE's.
   */
  fillSql(column: string, from: string, where: string, external: string): { sql: string; params: string[] } {
    const e = (f: string) => `e.${q(f)}`;
    const ints = [0, 1, 2, 3].map((i) => q(`__x${i}`));
    const json = this.template.sql(
      `d.${q('__q')}`,
      ints.map((x) => `d.${x}`),
      e('size'),
    );
    const plain = `${e('hash')} IS NOT NULL AND ${e('attachment_name')} IS NULL AND ${e('filepath')} IS NULL AND ${e('size')} <= ${Number.MAX_SAFE_INTEGER}`;
    // DISTINCT over the pointer alone, then the join (DISTINCT over the joined row measured 4-5× slower); in
    // pointer order (a LIMIT keeps the ORDER BY of a derived table), so the lookups walk ~external's key forwards.
    // The outer derived table (kept apart by its LIMIT) selects each object's base32Ints once.
    const all = 'LIMIT 18446744073709551615';
    const pointers = `SELECT DISTINCT ${column} AS ${q('__q')} FROM ${from} WHERE ${where} AND ${column} IS NOT NULL`;
    const x = base32Ints(`d0.${q('__q')}`).map((v, i) => `${v} AS ${ints[i]}`);
    const distinct = `(SELECT d0.${q('__q')}, ${x.join(', ')} FROM (${pointers} ORDER BY 1 ${all}) AS d0 ${all})`;
    return {
      sql:
        `INSERT INTO ${this.table} (${q('h')}, ${q('json')}) SELECT d.${q('__q')}, IF(${plain}, ${json.sql}, NULL) ` +
        `FROM ${distinct} AS d LEFT JOIN ${external} AS e ON ${e('hash')} = d.${q('__q')}`,
      params: json.params,
    };
  }

  /**
   * One chunk (`range` of `from` AS s): the MEMORY table filled and read back, its files queued; returns where
   * the chunk's JSON is, and the pointers to convert into the object table `converted` (joined only then).
   */
  async fill(
    chunk: ChunkSession,
    o: { i: number; column: string; from: string; range: Predicate; external: string; converted: ChunkObjects },
  ): Promise<{ objects: ChunkObjects; others: Buffer[] }> {
    await this.create(chunk.c);
    await chunk.write(`TRUNCATE TABLE ${this.table}`, []);
    const fill = this.fillSql(`s.${q(o.column)}`, `${o.from} AS s`, o.range.sql, o.external);
    await chunk.write(fill.sql, [...fill.params, ...o.range.params]);
    const others = await this.take((sql, params) => chunk.read(sql, params));
    const f = `f${o.i}.${q('json')}`;
    const join = `LEFT JOIN ${this.table} AS f${o.i} ON f${o.i}.${q('h')} = s.${q(o.column)}`;
    const j = o.converted;
    const objects = others.length
      ? {
          json: `COALESCE(CONVERT(${f} USING utf8mb4), ${j.json})`,
          present: `(${f} IS NOT NULL OR ${j.present})`,
          joins: [join, ...j.joins],
        }
      : { json: `CONVERT(${f} USING utf8mb4)`, present: `${f} IS NOT NULL`, joins: [join] };
    return { objects, others };
  }

  /** The MEMORY table read back: files queued for a look; the pointers not covered returned. */
  async take(read: (sql: string, params: unknown[]) => Promise<Row[]>): Promise<Buffer[]> {
    const objects = await read(
      `SELECT ${q('h')} AS ${q('__q')}, ${q('json')} IS NULL AS ${q('__o')} FROM ${this.table}`,
      [],
    );
    const others: Buffer[] = [];
    for (const o of objects) {
      const pointer = o.__q as Buffer;
      if (Number(o.__o) === 1) others.push(pointer);
      else this.files.add(pointer.toString('hex'));
    }
    this.others = others.length > 0;
    return others;
  }
}

/**
 * The shared files of one table, looked at once each with a synchronous access() in slices (the event loop
 * runs the copy's statements between slices). Missing ones are reported through `onMissing` with the same
 * description as sharedFiles.ts gives.
 */
export class SharedFileStats {
  private readonly queue: string[] = [];
  /** Objects looked at, the most recently seen kept (a shared object is seen again and again). */
  private readonly seen = new LruMap<string, true>(200_000, {
    maxBytes: 4 * 2 ** 20,
    bytesOf: (hex) => hex.length + ENTRY_BYTES,
  });
  private running: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly base: string;

  constructor(
    private readonly store: StoreSpec,
    private readonly sourceSchema: string,
    private readonly template: PointerOnlyJson,
    private readonly onMissing: (described: string) => void,
  ) {
    // filePath refuses a schema that would leave the store root; below it, hex folds cannot.
    this.base = filePath(store, sourceSchema);
  }

  /** Queue one object (by its hex) for a look; repeats across chunks are looked at once. */
  add(hex: string): void {
    if (this.seen.get(hex)) return;
    this.seen.set(hex, true);
    this.queue.push(hex);
    this.running ??= this.drain();
  }

  /** Resolves when every queued file has been looked at; rethrows an unexpected stat error. */
  async done(): Promise<void> {
    while (this.running) await this.running;
    if (this.failure) throw this.failure;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const slice = this.queue.splice(0, 256);
        for (const hex of slice) {
          if (!exists(this.base + path.sep + this.template.folded(hex, path.sep)))
            this.onMissing(filePath(this.store, this.template.relative(this.sourceSchema, hex)));
        }
        await yieldToLoop();
      }
    } catch (e) {
      this.failure ??= e;
      this.queue.length = 0;
    } finally {
      this.running = null;
    }
  }
}

/** Whether the file is there: access(F_OK) costs about three quarters of a stat (no Stats object is built). */
function exists(full: string): boolean {
  try {
    fs.accessSync(full, fs.constants.F_OK);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}

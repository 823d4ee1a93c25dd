// `db copy` of a pointer-only blob@S column on a file store (no --relocate, no adapter, not a dry run): the
// usual bulk case, where every object becomes the same small JSON pointing at the 0.14.6 file. Instead of
// the per-object pipeline of pointers.ts (async conversion, one call per object), the chunk's distinct
// objects are read with only what the JSON needs (pointer, size, whether the ~external row is anything
// but a plain blob), the JSON text is spelled by a template whose constant parts (schema names, store name)
// are JSON-escaped once, and the shared files are looked at by a synchronous stat that yields to the event
// loop between slices, so the server runs the chunk's statements meanwhile. Objects the template does not
// cover (0.11 carry-overs with `filepath`, attachments in a blob column, dangling pointers, sizes past 2^53)
// go through pointers.ts as before, which converts or refuses them with its usual message.
//
// The JSON bytes must equal JSON.stringify of pointers.ts's hashJson (key order, no spaces): verify and
// compare read the text, and test/unit/pointerOnlyCopy.test.ts checks the two agree for random hashes and
// odd names. (Spelling base32 in SQL instead measured 6-15 µs per object on MariaDB 10.11 — 32 nested
// REPLACEs over CONV(…, 16, 32), or 26 SUBSTRs — against well under 1 µs here.)
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ColumnPlan, PointerContext } from './convert';
import type { Row } from './connection';
import { q } from './sql';
import type { StoreSpec } from './stores';
import { filePath } from './stores/fileStore';

type PointerPlan = Extract<ColumnPlan, { kind: 'pointer' }>;

/** The file store whose pointer-only JSON this column can take from the template, else null. */
export function pointerOnlyStore(p: PointerPlan, ctx: PointerContext): StoreSpec | null {
  if (p.pointerKind !== 'blob' || p.adapter || ctx.relocate || ctx.dryRun) return null;
  const store = ctx.stores[p.store];
  return store && store.protocol === 'file' ? store : null;
}

/** The 0.14.6 base32 alphabet as CONV(…, 16, 32) spells digits, and as RFC 4648 (lower case) does. */
const CONV_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * SQL for base32Hash of a binary(16) expression: three 40-bit slices and the last 8 bits (shifted to 10) through
 * CONV to base 32, then each CONV digit replaced by its RFC 4648 letter. Digits go first, so the digits 2-7
 * the last six replacements write are never replaced again; REPLACE matches case-sensitively on MariaDB and
 * MySQL 8 alike, so upper-case CONV letters and the lower-case letters written never mix. CONV, HEX, LPAD,
 * SUBSTRING and REPLACE behave the same on MariaDB 10.x and MySQL 8 (checked against their manuals).
 */
export function base32Sql(bin: string): string {
  const hex = `HEX(${bin})`;
  const slice = (i: number) => `LPAD(CONV(SUBSTRING(${hex}, ${i * 10 + 1}, 10), 16, 32), 8, '0')`;
  const last = `LPAD(CONV(CONV(SUBSTRING(${hex}, 31, 2), 16, 10) * 4, 10, 32), 2, '0')`;
  let e = `CONCAT(${slice(0)}, ${slice(1)}, ${slice(2)}, ${last})`;
  for (let i = 0; i < 32; i++) e = `REPLACE(${e}, '${CONV_DIGITS[i]}', '${BASE32[i]}')`;
  return e;
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

  constructor(store: StoreSpec, sourceSchema: string, targetSchema: string) {
    this.folds = store.subfolding014;
    // The path's constant part (schema + '/'), escaped, without its closing quote: hex digits need no escape.
    const dir = JSON.stringify(`${sourceSchema}/`).slice(0, -1);
    this.head = `","path":${dir}`;
    this.tail = `","schema":${JSON.stringify(targetSchema)},"store":${JSON.stringify(store.name)},"size":`;
  }

  /** The path under the store root: `<schema>/<folds>/<hex>`, as path014 spells it. */
  relative(sourceSchema: string, hex: string): string {
    return `${sourceSchema}/${this.folded(hex)}`;
  }

  private folded(hex: string): string {
    let out = '';
    let at = 0;
    for (const f of this.folds) {
      out += `${hex.slice(at, at + f)}/`;
      at += f;
    }
    return out + hex;
  }

  /** The JSON of pointer `bin` (binary(16)) and size `size` (a bigint expression), and its parameters. */
  sql(bin: string, size: string): { sql: string; params: string[] } {
    const hex = `LOWER(HEX(${bin}))`;
    const parts: string[] = [];
    let at = 0;
    for (const f of this.folds) {
      parts.push(`SUBSTRING(${hex}, ${at + 1}, ${f})`, "'/'");
      at += f;
    }
    return {
      sql: `CONCAT('{"hash":"', ${base32Sql(bin)}, ?, ${[...parts, hex].join(', ')}, ?, CAST(${size} AS CHAR), '}')`,
      params: [this.head, this.tail],
    };
  }
}

/** One pointer-only column of a table copy: the chunk's distinct objects, their JSON, their files. */
export class PointerOnlyColumn {
  readonly template: PointerOnlyJson;
  readonly files: SharedFileStats;

  constructor(store: StoreSpec, ctx: PointerContext, onMissing: (described: string) => void) {
    this.template = new PointerOnlyJson(store, ctx.sourceSchema, ctx.targetSchema);
    this.files = new SharedFileStats(store, ctx.sourceSchema, this.template, onMissing);
  }

  /**
   * Fills the session's object table with the chunk's distinct pointers (`distinct`, a derived table of
   * `__q`), each with its JSON when its ~external row is a plain blob the template covers, else NULL (those
   * are converted by pointers.ts). Parameters: these, then the derived table's.
   */
  fillSql(objects: string, distinct: string, external: string): { sql: string; params: string[] } {
    const e = (f: string) => `e.${q(f)}`;
    const json = this.template.sql(`d.${q('__q')}`, e('size'));
    const plain = `${e('hash')} IS NOT NULL AND ${e('attachment_name')} IS NULL AND ${e('filepath')} IS NULL AND ${e('size')} <= ${Number.MAX_SAFE_INTEGER}`;
    return {
      sql:
        `INSERT INTO ${objects} (${q('h')}, ${q('json')}) SELECT d.${q('__q')}, IF(${plain}, ${json.sql}, NULL) ` +
        `FROM ${distinct} AS d LEFT JOIN ${external} AS e ON ${e('hash')} = d.${q('__q')}`,
      params: json.params,
    };
  }

  /** The object table read back (`__q` pointer, `__o` 1 = not covered): files queued for a look; the others returned. */
  take(objects: Row[]): Buffer[] {
    const others: Buffer[] = [];
    for (const o of objects) {
      const pointer = o.__q as Buffer;
      if (Number(o.__o) === 1) others.push(pointer);
      else this.files.add(pointer.toString('hex'));
    }
    return others;
  }
}

/**
 * The shared files of one table, looked at once each with a synchronous stat in slices (the event loop
 * runs the copy's statements between slices). Missing ones are reported through `onMissing` with the same
 * description as sharedFiles.ts gives.
 */
export class SharedFileStats {
  private readonly queue: string[] = [];
  private readonly seen = new Set<string>();
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
    if (this.seen.has(hex)) return;
    if (this.seen.size >= 200_000) this.seen.clear();
    this.seen.add(hex);
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
          const rel = this.template.relative(this.sourceSchema, hex);
          const below = rel.slice(this.sourceSchema.length + 1);
          if (!exists(this.base + path.sep + below.split('/').join(path.sep)))
            this.onMissing(filePath(this.store, rel));
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

function exists(full: string): boolean {
  try {
    return fs.statSync(full, { throwIfNoEntry: false }) !== undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw e;
  }
}

// Compare's quick look at a 2.x pointer JSON as `db copy` spells it (pointerOnlyCopy.ts: key order hash, path,
// schema, store, size; no spaces, no escapes): the text is read by position instead of JSON.parse, and the file
// is looked at (statWorker.ts, sizeConfirms) at its path joined to the store root by hand (the path has no `.`/`..`/empty parts, so this is
// what filePath's path.resolve gives). It only ever confirms: any other spelling, a digest or store that does
// not match, a missing file or another size answers "not confirmed", and the caller runs the full check
// (comparePointers.ts), which finds and words the difference. Per distinct object on the benchmark this
// measured about half the node CPU of JSON.parse + filePath + the full check.
import path from 'node:path';
import type { StoreSpec } from './stores';
import type { FileCheckMode } from './comparePointers';
import { DIRECTORY } from './statWorker';
import { hexDigit } from './hash';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const HEAD = '{"hash":"';
const PATH = '","path":"';
const SCHEMA = '","schema":"';
/** A relative path whose parts are all plain names: no `.`, `..` or empty part, no backslash, not absolute. */
const PLAIN_PATH = /^(?!\.\.?(?:\/|$))(?:[^/\\]+\/(?!\.\.?(?:\/|$)))*[^/\\]+$/;
/** What JSON strings must escape (control characters), or an escape: such text takes the full parse. */
const ESCAPED = /[\u0000-\u001f\\]/;

/**
 * Whether `text` spells at `at` the base32Hash of the 16 bytes written as the 32 hex digits of `hex` (upper or
 * lower case), compared letter by letter: no string is built per row.
 */
export function spellsBase32OfHex(text: string, at: number, hex: string): boolean {
  if (hex.length < 32 || text.length < at + 26) return false;
  let buffer = 0;
  let bits = 0;
  let k = at;
  for (let i = 0; i < 32; i++) {
    const d = hexDigit(hex.charCodeAt(i));
    if (d < 0) return false;
    buffer = ((buffer << 4) | d) & 0xfff;
    bits += 4;
    if (bits >= 5) {
      if (text.charCodeAt(k++) !== ALPHABET.charCodeAt((buffer >>> (bits - 5)) & 31)) return false;
      bits -= 5;
    }
  }
  return text.charCodeAt(k) === ALPHABET.charCodeAt((buffer << (5 - bits)) & 31);
}

/** The checks of one store's pointers: the rows alone (fileCheck=none), or also the file on a file store (exists). */
export class QuickPointerCheck {
  /** `","store":"<store>","size":` as JSON.stringify spells the store name. */
  private readonly storeTail: string;

  private constructor(
    store: string,
    /** The store's root, null when files are not looked at. */
    readonly root: string | null,
    /** 0.14.6's subfolding of this store (for canonicalAt). */
    private readonly folding: readonly number[] = [],
  ) {
    this.storeTail = `","store":${JSON.stringify(store)},"size":`;
  }

  /** null when this store's checks cannot be done quickly (fileCheck=hash, S3, a relative or odd root). */
  static of(store: string, mode: FileCheckMode, spec: StoreSpec | undefined): QuickPointerCheck | null {
    if (mode === 'none') return new QuickPointerCheck(store, null);
    if ((mode !== 'exists' && mode !== 'present') || !spec || spec.protocol !== 'file' || path.sep !== '/') return null;
    const root = spec.location;
    if (!path.isAbsolute(root) || root === '/' || path.resolve(root) !== root) return null;
    return new QuickPointerCheck(store, root, spec.subfolding014);
  }

  /**
   * Whether the pointer JSON `text`, which spelled() confirmed, has as its path the one 0.14.6 gives the blob
   * whose digest is `hex` in schema `db`: `<db>/<h[0:2]>/<h[2:4]>/<h>` for subfolding [2, 2] (hex in lower case),
   * so the file is the one a listing of `<root>/<db>` names after the digest (statWorker.ts listDigests).
   */
  canonicalAt(text: string, hex: string, db: string): boolean {
    let k = HEAD.length + 26 + PATH.length;
    if (!text.startsWith(db, k) || text.charCodeAt(k + db.length) !== 47 /* / */) return false;
    k += db.length + 1;
    let h = 0;
    // `| 32` spells a hex digit of either case in lower case (digits keep theirs); `hex` is known to be hex.
    for (const width of this.folding) {
      for (let end = h + width; h < end; h++) if (text.charCodeAt(k++) !== (hex.charCodeAt(h) | 32)) return false;
      if (text.charCodeAt(k++) !== 47) return false;
    }
    for (let i = 0; i < 32; i++) if (text.charCodeAt(k++) !== (hex.charCodeAt(i) | 32)) return false;
    return text.startsWith(SCHEMA, k);
  }

  /**
   * When `text` is the copy's spelling of a pointer to the object whose digest is `hex` in this store: the file
   * whose size must be `size` (a directory passes, as in checkFile), or file null when files are not looked at,
   * or `listed` (file null) when `listedIn` names the schema whose folder is listed and the path is the one
   * 0.14.6 gives the digest there (canonicalAt): the listing answers for the file. null: not confirmed.
   */
  spelled(
    text: string,
    hex: string,
    listedIn: string | null = null,
  ): { file: string | null; size: number; listed: boolean } | null {
    if (!text.startsWith(HEAD) || ESCAPED.test(text)) return null;
    if (!spellsBase32OfHex(text, HEAD.length, hex)) return null;
    const pathAt = HEAD.length + 26;
    if (!text.startsWith(PATH, pathAt)) return null;
    const pathStart = pathAt + PATH.length;
    const pathEnd = text.indexOf('"', pathStart);
    if (pathEnd < 0 || !text.startsWith(SCHEMA, pathEnd)) return null;
    const schemaEnd = text.indexOf('"', pathEnd + SCHEMA.length);
    if (schemaEnd < 0 || !text.startsWith(this.storeTail, schemaEnd)) return null;
    const sizeStart = schemaEnd + this.storeTail.length;
    if (text.charCodeAt(text.length - 1) !== 125 /* } */) return null;
    const size = digitsAt(text, sizeStart, text.length - 1);
    if (size < 0) return null;
    if (this.root === null) return { file: null, size, listed: false };
    if (listedIn !== null && this.canonicalAt(text, hex, listedIn)) return { file: null, size, listed: true };
    const rel = text.slice(pathStart, pathEnd);
    if (!PLAIN_PATH.test(rel)) return null;
    return { file: `${this.root}/${rel}`, size, listed: false };
  }
}

/** The number written in `text` from `start` to `end` (0, or 1–15 digits without a leading 0), else -1. */
function digitsAt(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 1 || n > 15 || (n > 1 && text.charCodeAt(start) === 48)) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Whether a file's size as the stat worker gives it (statWorker.ts) confirms a spelled pointer's (a directory
 * passes, as in checkFile); with `sized` false (fileCheck=present) any file does.
 */
export function sizeConfirms(actual: number, expected: number, sized = true): boolean {
  return actual === expected || actual === DIRECTORY || (!sized && actual >= 0);
}

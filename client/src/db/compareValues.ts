// Values compared by meaning across the two versions' formats (compare.ts): what kind of value a column
// holds, whether both sides store it alike (then a server-side checksum decides), how to read it losslessly,
// and the comparisons themselves (integers across widths, floats within a tolerance, exact decimals, JSON by
// parsed value, 2.x in-store JSON by content hash).
import type { Column } from './model';
import { q } from './sql';

export type ValueKind = 'int' | 'float' | 'decimal' | 'text' | 'bytes' | 'temporal' | 'json' | 'pointer' | 'json2x';

export function valueKind(c: Column): ValueKind {
  const st = c.storage;
  if (st.form === 'pointer014') return 'pointer';
  if (st.form === 'json2x') return 'json2x';
  if (st.form === 'json' || c.dataType === 'json') return 'json';
  const dt = c.dataType.toLowerCase();
  if (/^(tinyint|smallint|mediumint|int|integer|bigint)$/.test(dt)) return 'int';
  if (/^(float|double|real)$/.test(dt)) return 'float';
  if (/^(decimal|numeric)$/.test(dt)) return 'decimal';
  if (/^(date|datetime|timestamp|time|year)$/.test(dt)) return 'temporal';
  if (/(blob|binary)$/.test(dt)) return 'bytes';
  return 'text';
}

export function sameStoredForm(a: Column, b: Column, kind: ValueKind): boolean {
  switch (kind) {
    case 'int':
      return true;
    case 'float':
      return a.dataType === b.dataType;
    case 'decimal':
      return a.columnType.replace(/\s*unsigned/, '') === b.columnType.replace(/\s*unsigned/, '');
    case 'temporal':
      return a.columnType === b.columnType;
    case 'bytes':
      return true;
    case 'text':
      return a.charset === b.charset;
    case 'json':
      return a.dataType === b.dataType && a.columnType === b.columnType;
    case 'json2x':
      return true;
    default:
      return false;
  }
}

/**
 * A column's contribution to a row checksum. Numbers and times print without `#`, so the separator keeps
 * them apart; strings and bytes are preceded by their length, so `('a#','b')` and `('a','#b')` differ.
 * Strings go in as bytes (columns of different collations cannot be concatenated as text).
 */
export function checksumExpr(c: Column, alias: string): string {
  const ref = `${alias}.${q(c.name)}`;
  switch (valueKind(c)) {
    case 'int':
    case 'decimal':
    case 'temporal':
      return ref;
    case 'float':
      return `(${ref} + 0e0)`;
    case 'bytes':
      return `LENGTH(${ref}), ${ref}`;
    default:
      return `LENGTH(${ref}), CAST(${ref} AS BINARY)`;
  }
}

/** What to select for a column so both sides give comparable, lossless values. */
export function readExpr(c: Column, alias: string): string {
  const ref = `${alias}.${q(c.name)}`;
  return /^(float|real)$/i.test(c.dataType) ? `(${ref} + 0e0)` : ref;
}

/** Two non-pointer cells of a column of this kind (the test side's column decides 2.x JSON codecs): null when equal. */
export function compareCells(kind: ValueKind, test: Column, a: unknown, b: unknown, tol: number): string | null {
  if (a === null || b === null) return a === b ? null : 'NULL on one side';
  switch (kind) {
    case 'int':
      return BigInt(String(a)) === BigInt(String(b)) ? null : 'integer differs';
    case 'float':
      return floatsEqual(Number(a), Number(b), tol) ? null : `differs by more than ${tol}`;
    case 'decimal':
      return normalizeDecimal(String(a)) === normalizeDecimal(String(b)) ? null : 'decimal differs';
    case 'temporal':
      return normalizeTemporal(String(a)) === normalizeTemporal(String(b)) ? null : 'time differs';
    case 'bytes':
      return toBuffer(a).equals(toBuffer(b)) ? null : 'bytes differ';
    case 'json':
      return compareJsonText(asText(a), asText(b));
    case 'json2x':
      return compareJson2x(test.storage.form === 'json2x' ? test.storage.codec : null, asText(a), asText(b));
    default:
      return asText(a) === asText(b) ? null : 'text differs';
  }
}

export function floatsEqual(a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  // NaN never equals; an infinity equals only itself (the relative test would call it equal to anything).
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(a - b);
  return diff <= tol || diff <= tol * Math.max(Math.abs(a), Math.abs(b));
}

export function normalizeDecimal(s: string): string {
  let t = s.trim();
  let neg = false;
  if (t.startsWith('-')) {
    neg = true;
    t = t.slice(1);
  } else if (t.startsWith('+')) t = t.slice(1);
  let [int, frac = ''] = t.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return neg && body !== '0' ? '-' + body : body;
}

export function normalizeTemporal(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
}

export function asText(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

/**
 * JSON by parsed value. A value whose one side is a JSON *string* holding the other side's JSON text
 * (double encoding, as 2.x writes on MariaDB when given a string for a json column) is a difference:
 * DataJoint 2.x returns a str there, not the dict 0.14.6 returned.
 */
export function compareJsonText(a: string, b: string): string | null {
  let x: unknown;
  let y: unknown;
  try {
    x = JSON.parse(a);
    y = JSON.parse(b);
  } catch {
    return a === b ? null : 'not valid JSON and the text differs';
  }
  if (deepEqual(x, y)) return null;
  const decoded = (v: unknown) => {
    if (typeof v !== 'string') return undefined;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  };
  if (deepEqual(decoded(y), x)) return 'double-encoded JSON in test: a JSON string holding the production value';
  if (deepEqual(decoded(x), y)) return 'double-encoded JSON in production: a JSON string holding the test value';
  return 'JSON value differs';
}

/** Two 2.x in-store values: the same object (hash), or for file paths the same path. */
export function compareJson2x(codec: string | null, a: string, b: string): string | null {
  let x: Record<string, unknown>;
  let y: Record<string, unknown>;
  try {
    x = JSON.parse(a) as Record<string, unknown>;
    y = JSON.parse(b) as Record<string, unknown>;
  } catch {
    return a === b ? null : 'not valid JSON';
  }
  if (codec === 'filepath')
    return x.path === y.path && (x.hash === undefined || y.hash === undefined || x.hash === y.hash)
      ? null
      : 'file path differs';
  return x.hash === y.hash ? null : `content hash differs: ${String(x.hash)} vs ${String(y.hash)}`;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && a.every((v, i) => deepEqual(v, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b as object, k) &&
        deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

export function canonicalKeyPart(v: unknown): string {
  if (Buffer.isBuffer(v)) return 'x' + v.toString('hex');
  return 's' + String(v);
}

/** A key value for a report: as the server returned it, binary as 0x-hex. */
export function keyValueOut(v: unknown): unknown {
  return Buffer.isBuffer(v) ? '0x' + v.toString('hex') : v;
}

export function printable(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v))
    return v.length > 64 ? `0x${v.subarray(0, 32).toString('hex')}… (${v.length} bytes)` : '0x' + v.toString('hex');
  const s = String(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

// Canonical values (side.ts): from what a MySQL/MariaDB session returns, and compared the way same-server
// compare compares (compareValues.ts). Shared by every side: a side converts its driver's values with these
// helpers where they fit and compares nothing itself.
import type { Column } from '../model';
import {
  compareJson2x,
  compareJsonText,
  floatsEqual,
  normalizeDecimal,
  normalizeTemporal,
  printable,
} from '../compareValues';
import type { CanonColumn, CanonKind, CanonValue } from './side';

/** Relative/absolute tolerance for doubles, and for values that were single precision on either side. */
export const DOUBLE_TOLERANCE = 1e-12;
export const SINGLE_TOLERANCE = 1e-6;

/** The canonical kind of a MySQL column (source or MySQL target), from its declared type and storage. */
export function canonKindOf(c: Column): CanonKind {
  const st = c.storage;
  if (st.form === 'json2x' || st.form === 'pointer014') return 'json2x';
  if (st.form === 'uuid') return 'uuid';
  const dt = c.dataType.toLowerCase();
  if (st.form === 'json' || dt === 'json') return 'json';
  if (c.label2x === 'bool') return 'bool';
  if (/^(tinyint|smallint|mediumint|int|integer|bigint|year)$/.test(dt)) return 'int';
  if (/^(float|double|real)$/.test(dt)) return 'float';
  if (/^(decimal|numeric)$/.test(dt)) return 'decimal';
  if (dt === 'date') return 'date';
  if (dt === 'datetime' || dt === 'timestamp') return 'datetime';
  if (dt === 'time') return 'time';
  if (dt === 'enum') return 'enum';
  if (/(blob|binary)$/.test(dt)) return 'bytes';
  return 'text';
}

/** A MySQL column as a canonical column (json2x codec from the storage form; FLOAT marked single). */
export function canonColumnOf(c: Column): CanonColumn {
  const kind = canonKindOf(c);
  const st = c.storage;
  const codec = st.form === 'json2x' ? st.codec : st.form === 'pointer014' ? st.kind : undefined;
  return {
    name: c.name,
    kind,
    ...(codec ? { codec } : {}),
    ...(kind === 'float' && /^float/i.test(c.dataType) ? { single: true } : {}),
  };
}

/** What to select from a MySQL table for a canonical column (`alias.col`, FLOAT exact). */
export function mysqlReadExpr(c: CanonColumn, alias: string, quoted: string): string {
  return c.kind === 'float' ? `(${alias}.${quoted} + 0e0)` : `${alias}.${quoted}`;
}

/** A value as mysql2 returned it (big numbers and dates as strings, binary as Buffer) → canonical. */
export function canonFromMysql(kind: CanonKind, v: unknown): CanonValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int':
    case 'bool':
      return String(v);
    case 'float':
      return typeof v === 'number' ? v : Number(String(v));
    case 'decimal':
      return normalizeDecimal(String(v));
    case 'bytes':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    case 'uuid':
      return uuidText(v);
    case 'datetime':
    case 'time':
      return normalizeTemporal(text(v));
    default:
      return text(v);
  }
}

/** A canonical value as a MySQL parameter for a column of this kind. */
export function canonToMysql(kind: CanonKind, v: CanonValue): unknown {
  if (v === null) return null;
  if (kind === 'uuid') return Buffer.from(String(v).replace(/-/g, ''), 'hex');
  return v;
}

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

/** 16 bytes (0.14.6/MySQL binary(16)) or any uuid spelling → lowercase hyphenated text. */
export function uuidText(v: unknown): string {
  const hex = Buffer.isBuffer(v) && v.length === 16 ? v.toString('hex') : text(v).replace(/[-{}]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a uuid: ${printable(v)}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** null when equal by the column's rules, else why they differ. */
export function compareCanon(c: CanonColumn, a: CanonValue, b: CanonValue, tolerance?: number): string | null {
  if (a === null || b === null) return a === b ? null : a === null ? 'NULL in source' : 'NULL in target';
  switch (c.kind) {
    case 'float': {
      const tol = tolerance ?? (c.single ? SINGLE_TOLERANCE : DOUBLE_TOLERANCE);
      return floatsEqual(Number(a), Number(b), tol) ? null : `${printable(a)} vs ${printable(b)}`;
    }
    case 'int':
    case 'bool':
      return BigInt(String(a)) === BigInt(String(b)) ? null : `${printable(a)} vs ${printable(b)}`;
    case 'decimal':
      return normalizeDecimal(String(a)) === normalizeDecimal(String(b)) ? null : `${printable(a)} vs ${printable(b)}`;
    case 'bytes': {
      const x = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
      const y = Buffer.isBuffer(b) ? b : Buffer.from(String(b));
      return x.equals(y) ? null : `${printable(x)} vs ${printable(y)}`;
    }
    case 'json':
      return compareJsonText(String(a), String(b));
    case 'json2x':
      return compareJson2x(c.codec ?? null, String(a), String(b));
    case 'datetime':
    case 'time':
      return normalizeTemporal(String(a)) === normalizeTemporal(String(b))
        ? null
        : `${printable(a)} vs ${printable(b)}`;
    default:
      return a === b ? null : `${printable(a)} vs ${printable(b)}`;
  }
}

/** A key as text for maps (bytes as hex, everything else by its canonical text). */
export function keyText(key: readonly CanonValue[]): string {
  return key
    .map((v) => (v === null ? 'n' : Buffer.isBuffer(v) ? 'x' + v.toString('hex') : 's' + String(v)))
    .join('\u0000');
}

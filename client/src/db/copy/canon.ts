// Canonical values for comparing a 0.14.6 MySQL row with its 2.x PostgreSQL copy: each side's value is
// turned into one form that means the same, decided by the PostgreSQL column's base type (the target says what
// the value has become):
//   integers → decimal text (a `bigint` beyond 2^53 stays exact); boolean → '1' / '0' (0.14.6 tinyint);
//   real → the exact float32 as a number; double → number; numeric → normalised decimal text;
//   date/timestamp → their text without trailing fractional zeros (both sides run at UTC, so equal text is an
//   equal instant); uuid → its 16 bytes (0.14.6 binary(16)); bytea → bytes; jsonb → { json: parsed value };
//   character(n) → without trailing blanks (MySQL strips them); other text and enums → the text.
import type { PgColumnInfo } from '../connect/dialects/pgIntrospect';
import { deepEqual, floatsEqual, normalizeDecimal, normalizeTemporal } from '../compareValues';

export type Canon = null | string | number | Buffer | { json: unknown };

export type CanonKind =
  | 'int'
  | 'bool'
  | 'float32'
  | 'float'
  | 'decimal'
  | 'temporal'
  | 'uuid'
  | 'bytes'
  | 'json'
  | 'char'
  | 'text';

/** How a PostgreSQL column's values are canonicalised (by its base type). */
export function canonKindPg(c: Pick<PgColumnInfo, 'udt' | 'isEnum'>): CanonKind {
  if (c.isEnum) return 'text';
  switch (c.udt) {
    case 'int2':
    case 'int4':
    case 'int8':
      return 'int';
    case 'bool':
      return 'bool';
    case 'float4':
      return 'float32';
    case 'float8':
      return 'float';
    case 'numeric':
      return 'decimal';
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      return 'temporal';
    case 'uuid':
      return 'uuid';
    case 'bytea':
      return 'bytes';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'bpchar':
      return 'char';
    default:
      return 'text';
  }
}

/** One value from PostgreSQL's text output (bytea already bytes) to its canonical form. */
export function canonPg(kind: CanonKind, v: unknown): Canon {
  if (v === null || v === undefined) return null;
  const s = Buffer.isBuffer(v) ? v : String(v);
  switch (kind) {
    case 'int':
      return BigInt(s as string).toString();
    case 'bool':
      return s === 't' || s === 'true' ? '1' : '0';
    case 'float32':
      return Math.fround(Number(s));
    case 'float':
      return Number(s);
    case 'decimal':
      return normalizeDecimal(s as string);
    case 'temporal':
      return normalizeTemporal(s as string);
    case 'uuid':
      return Buffer.from((s as string).replace(/-/g, ''), 'hex');
    case 'bytes':
      return Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8');
    case 'json':
      return { json: JSON.parse(s as string) };
    case 'char':
      return (s as string).replace(/ +$/, '');
    default:
      return s as string;
  }
}

/**
 * A value as the MySQL connection returns it (big integers, decimals and dates as text, binary as Buffers,
 * FLOAT read as `col + 0e0`, JSON as text) in the canonical form of the PostgreSQL column kind it maps to.
 */
export function canonMysql(kind: CanonKind, v: unknown): Canon {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'bool':
      return BigInt(Buffer.isBuffer(v) ? v.readUIntBE(0, Math.min(v.length, 6)) : String(v)) === 0n ? '0' : '1';
    case 'uuid':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v).replace(/-/g, ''), 'hex');
    case 'bytes':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    case 'json':
      return { json: JSON.parse(Buffer.isBuffer(v) ? v.toString('utf8') : String(v)) };
    case 'float32':
    case 'float':
      return typeof v === 'number' ? (kind === 'float32' ? Math.fround(v) : v) : canonPg(kind, String(v));
    default:
      return canonPg(kind, Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  }
}

/** null when equal in meaning, else why not (floats within `tol`, relative or absolute). */
export function canonDiffers(kind: CanonKind, a: Canon, b: Canon, tol = 1e-6): string | null {
  if (a === null || b === null) return a === b ? null : 'NULL on one side';
  switch (kind) {
    case 'float32':
    case 'float':
      return floatsEqual(a as number, b as number, tol) ? null : `differs by more than ${tol}`;
    case 'uuid':
    case 'bytes':
      return (a as Buffer).equals(b as Buffer) ? null : 'bytes differ';
    case 'json':
      return deepEqual((a as { json: unknown }).json, (b as { json: unknown }).json) ? null : 'JSON value differs';
    default:
      return a === b ? null : kind === 'int' || kind === 'bool' ? 'integer differs' : 'text differs';
  }
}

// One row as a line of PostgreSQL's COPY text format (`COPY … FROM STDIN`), with values as 2.x writes them on
// PostgreSQL (dj2pg/data.sql): native boolean (`t`/`f` from 0.14.6's tinyint 0/1), native uuid (from
// 0.14.6's binary(16)), bytea in hex, jsonb as its text, NULL as `\N`. Values arrive as the MySQL connection
// returns them (connection.ts: big integers, decimals and dates as strings, binary as Buffers, JSON as text) or
// as the canonical values of cross/side.ts (the same, with uuids as text and booleans as "0"/"1").
import type { PgColumn } from '../schema/pgDdl';
import { DbInputError } from '../sql';

/** Escape text for a COPY text field: backslash, tab, newline, carriage return. */
export function copyEscape(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);
}

function uuidText(value: unknown, where: string): string {
  if (Buffer.isBuffer(value)) {
    if (value.length !== 16) throw new DbInputError(`${where}: a uuid needs 16 bytes, found ${value.length}`);
    const h = value.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const s = String(value).toLowerCase();
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/.test(s))
    throw new DbInputError(`${where}: ${JSON.stringify(value)} is not a uuid`);
  return s;
}

function boolText(value: unknown, where: string): string {
  const s = Buffer.isBuffer(value) ? String(value.readUIntBE(0, value.length)) : String(value);
  if (s === '1' || s === 'true') return 't';
  if (s === '0' || s === 'false') return 'f';
  throw new DbInputError(`${where}: ${s} is not a boolean (0 or 1); PostgreSQL's boolean cannot hold it`);
}

/** One field, escaped for COPY text. */
export function copyField(value: unknown, column: PgColumn, where = column.name): string {
  if (value === null || value === undefined) return '\\N';
  switch (column.type) {
    case 'boolean':
      return boolText(value, where);
    case 'uuid':
      return uuidText(value, where);
    case 'bytea':
      if (!Buffer.isBuffer(value)) throw new DbInputError(`${where}: expected bytes for a bytea column`);
      return `\\\\x${value.toString('hex')}`;
    default: {
      if (value instanceof Date) throw new DbInputError(`${where}: dates must arrive as text (dateStrings)`);
      const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
      if (text.includes('\u0000'))
        throw new DbInputError(`${where}: text with a NUL character; PostgreSQL's text types cannot hold it`);
      return copyEscape(text);
    }
  }
}

/** A whole row (values in column order) as one COPY text line, newline included. */
export function copyLine(values: readonly unknown[], columns: readonly PgColumn[], where = ''): string {
  if (values.length !== columns.length)
    throw new DbInputError(`${where}: ${values.length} values for ${columns.length} columns`);
  return `${values.map((v, i) => copyField(v, columns[i], `${where}.${columns[i].name}`)).join('\t')}\n`;
}

// Quoting and formatting helpers shared by every database module. Identifiers are always quoted with
// `q`, values always travel as parameters; `lit` exists only for DDL text where MySQL accepts no
// parameter (COMMENT, DEFAULT) and for printing dry-run SQL.
import { format as mysqlFormat } from 'mysql2';

/** A user-facing error about bad input (a name, a flag, a schema); the CLI prints its message and exits 2. */
export class DbInputError extends Error {
  override name = 'DbInputError';
}

/** Quote one identifier: wrap in backticks, doubling any backtick inside. */
export function q(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** `schema`.`table`, each part quoted. */
export function qt(schema: string, table: string): string {
  return q(schema) + '.' + q(table);
}

/** A comma-separated list of quoted identifiers. */
export function qList(names: readonly string[]): string {
  return names.map(q).join(', ');
}

/**
 * Refuse names that are legal for MySQL but that we will not handle: a backtick (people type them by
 * accident when copying SQL), control characters, trailing spaces (MySQL rejects them), over-long names.
 */
export function checkIdentifier(name: string, what: string): string {
  if (name.length === 0) throw new DbInputError(`${what} name is empty`);
  if (name.includes('`'))
    throw new DbInputError(
      `${what} name ${JSON.stringify(name)} contains a backtick; remove it (names are quoted automatically)`,
    );
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name))
    throw new DbInputError(`${what} name ${JSON.stringify(name)} contains a control character`);
  if (/\s$/.test(name)) throw new DbInputError(`${what} name ${JSON.stringify(name)} ends with a space`);
  if ([...name].length > 64)
    throw new DbInputError(`${what} name ${JSON.stringify(name)} is longer than 64 characters`);
  return name;
}

/**
 * A SQL string literal for DDL text. Doubles `'` and escapes `\` (DataJoint's sql_mode does not set
 * NO_BACKSLASH_ESCAPES, so a backslash would otherwise start an escape sequence).
 */
export function lit(value: string): string {
  return (
    "'" +
    value
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "''")
      .replace(/\u0000/g, '\\0') +
    "'"
  );
}

/** Inline parameters into SQL text, for printing what a dry run would execute. */
export function formatSql(sql: string, params?: readonly unknown[]): string {
  if (!params || params.length === 0) return sql;
  return mysqlFormat(sql, params as Parameters<typeof mysqlFormat>[1]);
}

/** `?, ?, ?` for n parameters. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Escape `%`, `_` and `\` for use in a LIKE pattern passed as a parameter. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

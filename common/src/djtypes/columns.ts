// Database columns: types and comments as the server reports them, compared and composed.
import type { Kind014, Type014 } from './types';
import { parseType014 } from './parse014';

// ---------------------------------------------------------------------------------------------
// Database columns
// ---------------------------------------------------------------------------------------------

/** The label at the front of a column comment (`:label:rest`), as both versions parse it. */
export function splitLabel(comment: string): { label: string | null; rest: string } {
  const m = /^:([^:]+):([\s\S]*)$/.exec(comment ?? '');
  return m ? { label: m[1], rest: m[2] } : { label: null, rest: comment ?? '' };
}

/**
 * Reconstruct the 0.14.6 type of a column from `information_schema.COLUMNS.COLUMN_TYPE` and
 * `COLUMN_COMMENT`, on MariaDB (`int(11)`, json as `longtext`) and MySQL 8 (`int`, `json`).
 * - `:uuid:`, `:attach:`, `:blob@s:`, `:attach@s:`, `:filepath@s:`, `:<adapter>:` labels decide the type;
 * - unlabelled blobs are serialized blobs; `tinyint(1)` is `bool`;
 * - `longtext` is `json`: 0.14.6 rejects text types, and MariaDB reports a json column as longtext
 *   (with CHECK json_valid; check it when the table may not come from DataJoint);
 * - a 2.x label (`:int64:`, `:<blob@raw>:`) gives kind `native2x` (the column was already migrated).
 * `auto_increment` is not part of COLUMN_TYPE: callers read it from EXTRA.
 */
export function columnTo014(columnType: string, comment: string): Type014 {
  const { label } = splitLabel(comment);
  if (label !== null) {
    const fromLabel = parseType014(label);
    const special: Kind014[] = ['uuid', 'attach', 'blob@', 'attach@', 'filepath@', 'adapted', 'native2x'];
    if (special.includes(fromLabel.kind)) return fromLabel;
  }
  const type = lowerOutsideQuotes(columnType.trim());
  if (/^tinyint\s*\(\s*1\s*\)$/.test(type)) return { ...parseType014('bool'), text: 'bool' };
  if (type === 'longtext') return { ...parseType014('json'), text: 'json' };
  const text = type
    .replace(/^(tinyint|smallint|mediumint|bigint|int)\s*\(\s*\d+\s*\)/, '$1')
    .replace(/^year\s*\(\s*4\s*\)$/, 'year');
  return parseType014(text);
}

/**
 * A column type in one spelling for comparing what a server reports with what 2.x declares:
 * lower-case, integer display widths removed (MariaDB `int(11)`, `tinyint(4)`, `year(4)`; MySQL 8.0.19+ omits them),
 * MySQL synonyms resolved (`integer`, `bool`, `numeric`, `real`), no blanks outside quotes.
 * MariaDB reports `json` as `longtext`; `json` normalizes to itself, so compare with `sameColumnType`.
 */
export function normalizeColumnType(columnType: string): string {
  let out = collapseOutsideQuotes(lowerOutsideQuotes(columnType.trim()));
  out = out
    .replace(/^(tinyint|smallint|mediumint|bigint|int)\(\d+\)/, '$1')
    .replace(/^year\(4\)$/, 'year')
    .replace(/^integer\b/, 'int')
    .replace(/^bool(ean)?$/, 'tinyint')
    .replace(/^numeric\b/, 'decimal')
    .replace(/^real\b/, 'double')
    .replace(/^double precision\b/, 'double');
  if (out === 'decimal' || out === 'decimal unsigned') out = out.replace('decimal', 'decimal(10,0)');
  out = out.replace(/^decimal\((\d+)\)/, 'decimal($1,0)');
  return out;
}

/** Lower-case except inside quoted text (enum values keep their case). */
function lowerOutsideQuotes(s: string): string {
  let out = '';
  let quote: string | null = null;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else {
      out += ch.toLowerCase();
    }
  }
  return out;
}

/** Blanks after `(` and `,` and before `(`, `)` and `,` removed and runs of blanks collapsed, outside quoted text. */
function collapseOutsideQuotes(s: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      out += ch;
      if (ch === quote) {
        if (s[i + 1] === quote) {
          out += s[++i];
          continue;
        }
        quote = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      const prev = out[out.length - 1];
      let j = i;
      while (j + 1 < s.length && /\s/.test(s[j + 1])) j++;
      const next = s[j + 1];
      i = j;
      if (prev === undefined || next === undefined || '(,'.includes(prev) || '(),'.includes(next)) continue;
      out += ' ';
      continue;
    }
    out += ch;
  }
  return out;
}

/** True when two column types are the same MySQL column (json ≡ MariaDB's longtext). */
export function sameColumnType(a: string, b: string): boolean {
  const na = normalizeColumnType(a);
  const nb = normalizeColumnType(b);
  if (na === nb) return true;
  const jsonLike = (x: string) => x === 'json' || x === 'longtext';
  return jsonLike(na) && jsonLike(nb);
}

/** The comment 2.x writes for an attribute: `:label:comment`, or the plain comment for native types. */
export function composeComment2x(label: string | null, comment: string): string {
  return label === null ? comment : `:${label}:${comment}`;
}

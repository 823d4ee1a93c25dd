// Parsing a 0.14.6 type as written in a definition (declare.py categories).
import type { Kind014, Type014 } from './types';

// ---------------------------------------------------------------------------------------------
// Parsing a 0.14.6 type (as written in a definition)
// ---------------------------------------------------------------------------------------------

/** Codecs that ship with 2.x (`builtin_codecs/`); `<name>` with another name is a 0.14.6 adapter. */
export const BUILTIN_CODECS: ReadonlySet<string> = new Set(['blob', 'attach', 'hash', 'object', 'npy', 'filepath']);
/** Codecs that 2.x accepts only with `@store` (`get_dtype(is_store=False)` raises). */
export const STORE_ONLY_CODECS: ReadonlySet<string> = new Set(['hash', 'object', 'npy', 'filepath']);

/** 2.x core type → MySQL column type (`adapters/mysql.py` CORE_TYPE_MAP). */
export const CORE_SQL: Readonly<Record<string, string>> = {
  int64: 'bigint',
  int32: 'int',
  int16: 'smallint',
  int8: 'tinyint',
  float32: 'float',
  float64: 'double',
  bool: 'tinyint',
  uuid: 'binary(16)',
  bytes: 'longblob',
  json: 'json',
  date: 'date',
};

/** MySQL's numbered integer synonyms. `int8` is BIGINT in MySQL (so in 0.14.6) but TINYINT in 2.x. */
const INT_SYNONYMS: Readonly<Record<string, string>> = {
  int1: 'tinyint',
  int2: 'smallint',
  int3: 'mediumint',
  int4: 'int',
};

export const RE = {
  codec: /^<\s*([^<>@\s]*)\s*(?:@\s*([^<>\s]*)\s*)?>$/,
  integer:
    /^(tinyint|smallint|mediumint|bigint|integer|int)(?:\s*\(\s*(\d+)\s*\))?(\s+unsigned)?(\s+auto_increment)?$/i,
  intSynonym: /^(int[12348])(\s+unsigned)?(\s+auto_increment)?$/i,
  core2x: /^(int64|int32|int16|float32|float64|bytes)$/i,
  uint: /^uint(8|16|24|32|64)$/i,
  decimal: /^(decimal|numeric)(?:\s*\(([^()]*)\))?(\s+unsigned)?$/i,
  float: /^(double\s+precision|double|float|real)(?:\s*\(([^()]*)\))?(\s+unsigned)?$/i,
  string: /^(varchar|char)\s*\(([^()]*)\)$/i,
  text: /^(tiny|medium|long)?text$/i,
  enum: /^enum\s*\((.+)\)$/is,
  temporal: /^(datetime|date|timestamp|time|year)(?:\s*\(\s*(\d+)\s*\))?$/i,
  blob: /^(tiny|small|medium|long)?blob$/i,
  inStore: /^(blob|attach|filepath)\s*@\s*([a-z][-\w]*)$/i,
} as const;

/**
 * Parse a type as written in a 0.14.6 definition (the text between `:` and `#`), case-insensitively,
 * following 0.14.6 `declare.py` TYPE_PATTERN. Already-2.x spellings (`int32`, `<blob@raw>`) give kind
 * `native2x`; `int8` is an integer (MySQL BIGINT), as 0.14.6 read it.
 */
export function parseType014(text: string): Type014 {
  const raw = text.trim();
  const s = raw; // patterns allow any blanks; args (enum values) must keep theirs
  const lower = raw.replace(/\s+/g, ' ').toLowerCase();
  const t = (kind: Kind014, base: string, extra: Partial<Type014> = {}): Type014 => ({
    kind,
    text: raw,
    base,
    unsigned: false,
    autoIncrement: false,
    ...extra,
  });
  let m: RegExpMatchArray | null;

  if ((m = s.match(RE.codec))) {
    const name = m[1];
    if (m[2] !== undefined) return t('native2x', name.toLowerCase(), { store: m[2], adapter: name });
    if (BUILTIN_CODECS.has(name)) return t('native2x', name, { adapter: name });
    return t('adapted', name.toLowerCase(), { adapter: name });
  }
  if (lower === 'serial') return t('integer', 'serial', { unsigned: true, autoIncrement: true });
  if ((m = s.match(RE.integer))) {
    const base = m[1].toLowerCase() === 'integer' ? 'int' : m[1].toLowerCase();
    return t('integer', base, { args: m[2], unsigned: !!m[3], autoIncrement: !!m[4] });
  }
  if ((m = s.match(RE.intSynonym))) {
    const word = m[1].toLowerCase();
    return t('integer', INT_SYNONYMS[word] ?? word, { unsigned: !!m[2], autoIncrement: !!m[3] });
  }
  if (RE.core2x.test(s)) return t('native2x', lower);
  if ((m = s.match(RE.decimal))) {
    return t('decimal', m[1].toLowerCase(), { args: m[2]?.trim(), unsigned: !!m[3] });
  }
  if ((m = s.match(RE.float))) {
    return t('float', m[1].toLowerCase().replace(/\s+/, ' '), { args: m[2]?.trim(), unsigned: !!m[3] });
  }
  if ((m = s.match(RE.string))) return t('string', m[1].toLowerCase(), { args: m[2].trim() });
  if (RE.text.test(s)) return t('string', lower);
  if (lower === 'json') return t('json', 'json');
  if ((m = s.match(RE.enum))) return t('enum', 'enum', { args: m[1] });
  if (lower === 'bool' || lower === 'boolean') return t('bool', lower);
  if ((m = s.match(RE.temporal))) return t('temporal', m[1].toLowerCase(), { args: m[2] });
  if (RE.blob.test(s)) return t('blob', lower);
  if (lower === 'uuid') return t('uuid', 'uuid');
  if (lower === 'attach') return t('attach', 'attach');
  if ((m = s.match(RE.inStore))) {
    const base = m[1].toLowerCase();
    return t(`${base}@` as Kind014, base, { store: m[2] });
  }
  return t('unknown', lower.match(/^[a-z0-9_]+/)?.[0] ?? lower);
}

/**
 * What a `uint8/16/32/64` spelling (the published guide's, invalid in every 2.x release and in 0.14.6)
 * was meant to be: the matching MySQL unsigned integer. Null for any other text.
 */
export function uintIntent(text: string): Type014 | null {
  const m = text.trim().match(RE.uint);
  if (!m) return null;
  const base = ({ 8: 'tinyint', 16: 'smallint', 24: 'mediumint', 32: 'int', 64: 'bigint' } as Record<string, string>)[
    m[1]
  ];
  return { kind: 'integer', text: `${base} unsigned`, base, unsigned: true, autoIncrement: false };
}

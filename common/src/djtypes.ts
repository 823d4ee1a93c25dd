// The one mapping from DataJoint 0.14.6 attribute types to what DataJoint 2.x declares.
// Used by the definition rules (code) and by create-parallel (database DDL), so both agree.
// Evidence: ../shared/spec/api-changes.md §2.1 and ../shared/spec/storage-formats.md A2, B6, C.1.

/** How a 0.14.6 type is interpreted (declare.py categories). */
export type Kind014 =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'string'
  | 'json'
  | 'enum'
  | 'bool'
  | 'temporal'
  | 'blob' // tinyblob/blob/mediumblob/longblob: serialized DataJoint blob
  | 'uuid'
  | 'attach' // internal attachment (longblob, :attach:)
  | 'blob@' // blob@store
  | 'attach@' // attach@store
  | 'filepath@' // filepath@store
  | 'adapted' // <name>
  | 'native2x' // already a 2.x core type or codec spelling (int32, <blob>, ...)
  | 'unknown';

/** The user's choice for unsigned integers (setting datajoint.migration.unsignedIntegers). */
export type UnsignedPolicy = 'widen' | 'native' | 'uint';

/** A 0.14.6 attribute type, parsed. */
export interface Type014 {
  kind: Kind014;
  /** The text as written (or as reconstructed from a database column). */
  text: string;
  /** Lower-cased base word: int, tinyint, varchar, longblob, blob, attach, filepath, ... */
  base: string;
  unsigned: boolean;
  autoIncrement: boolean;
  /** Text inside the parentheses, if any (display width, precision, enum values...). */
  args?: string;
  /** Store name for blob@s / attach@s / filepath@s. */
  store?: string;
  /** Adapter / codec name for <name>. */
  adapter?: string;
}

/** What 2.x declares for a migrated attribute. */
export interface Type2x {
  /** What to write in a 2.x definition: int64, <blob>, <blob@raw>, varchar(32), bigint unsigned, ... */
  spelling: string;
  /** The `:label:` 2.x puts at the front of the column comment, or null for a native type (no label). */
  label: string | null;
  /** The MySQL column type 2.x creates: bigint, longblob, json, varchar(32), bigint unsigned, ... */
  sql: string;
  /** True when 2.x treats it as a native type (accepted with a warning). */
  native: boolean;
  /** 1 = API/types/config, 2 = in-store types (blob@, attach@, filepath@). */
  phase: 1 | 2;
  /** Human-readable warnings (widening, bigint unsigned kept native, uint fails on 2.0.0+, ...). */
  notes: string[];
  /** True when the 2.x spelling/sql would fail in every 2.x release (e.g. uint32 under the 'uint' policy). */
  failsIn2x?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Parsing a 0.14.6 type (as written in a definition)
// ---------------------------------------------------------------------------------------------

/** Codecs that ship with 2.x (`builtin_codecs/`); `<name>` with another name is a 0.14.6 adapter. */
export const BUILTIN_CODECS: ReadonlySet<string> = new Set(['blob', 'attach', 'hash', 'object', 'npy', 'filepath']);
/** Codecs that 2.x accepts only with `@store` (`get_dtype(is_store=False)` raises). */
const STORE_ONLY_CODECS: ReadonlySet<string> = new Set(['hash', 'object', 'npy', 'filepath']);

/** 2.x core type → MySQL column type (`adapters/mysql.py` CORE_TYPE_MAP). */
const CORE_SQL: Readonly<Record<string, string>> = {
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

const RE = {
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

// ---------------------------------------------------------------------------------------------
// 0.14.6 type → 2.x declaration
// ---------------------------------------------------------------------------------------------

export interface ToType2xOptions {
  /**
   * The 0.14.6 `attribute_type` of each `AttributeAdapter`, by adapter name (e.g. `{ graph: 'longblob' }`),
   * when the caller could read it. Decides the column type of `<name>` attributes.
   */
  adapterTypes?: Readonly<Record<string, string>>;
}

const SIGNED_CORE: Readonly<Record<string, string>> = {
  tinyint: 'int8',
  smallint: 'int16',
  int: 'int32',
  bigint: 'int64',
};
/** Lossless widening of unsigned integers into signed core types; bigint unsigned has none. */
const WIDENED: Readonly<Record<string, string>> = {
  tinyint: 'int16',
  smallint: 'int32',
  mediumint: 'int32',
  int: 'int64',
};
const UINT_SPELLING: Readonly<Record<string, string>> = {
  tinyint: 'uint8',
  smallint: 'uint16',
  mediumint: 'uint32',
  int: 'uint32',
  bigint: 'uint64',
};

const NOTE = {
  nativeWarning:
    '2.x accepts this native type and logs "Native type … is used … Consider using a core DataJoint type".',
  widened: (from: string, to: string) =>
    `widened: \`${from}\` → \`${to}\` (${CORE_SQL[to]}); every existing value fits, but new tables get a different column type than 0.14.6 created.`,
  bigintUnsigned: '`bigint unsigned` has no lossless core type in 2.x (int64 loses values above 2**63-1); kept native.',
  uintFails: (spelling: string) =>
    `\`${spelling}\` is the published migration guide's spelling, but no uint* type exists in any 2.x release: declaring it raises "Unsupported attribute type ${spelling}" (removed before v2.0.0, PR #1335). Use the widen or native policy.`,
  int8Means:
    "`int8` in 0.14.6 is MySQL's synonym for BIGINT; in 2.x `int8` is TINYINT, so keeping it would shrink the column silently. Rewritten to int64 (bigint).",
  autoIncrement: 'auto_increment has no core equivalent in 2.x; kept native.',
  tinyint1: '`tinyint(1)` is how MySQL stores a bool: if this is a flag, `bool` is the 2.x spelling (same column).',
  decimalUnsigned:
    'decimal(p,s) unsigned is rejected by 2.x ("Unsupported attribute type"); the unsigned qualifier is dropped, which also admits negative values.',
  decimalNativeUnsigned:
    '2.x rejects `decimal(p,s) unsigned`; `numeric(p,s) unsigned` is the identical MySQL column, accepted as a native type.',
  decimalImplicit: (spelling: string) =>
    `needs a human: MySQL reads this as \`${spelling}\` (scale 0, integer values only); 2.x needs the precision and scale written out. \`${spelling}\` keeps the column identical — check it is what was meant.`,
  floatNative:
    'float/double with precision arguments or `unsigned` have no core equivalent; kept native (float32/float64 would change the column).',
  real: '`real` is DOUBLE unless the server runs with sql_mode REAL_AS_FLOAT.',
  doublePrecision: '`double precision` was rejected by 0.14.6 too; it is MySQL DOUBLE, i.e. float64.',
  text: 'text types were rejected by 0.14.6; 2.x passes them through as native types.',
  blobBigger: (base: string) =>
    `\`${base}\` becomes LONGBLOB when a table is declared by 2.x (existing columns keep their type).`,
  blobComment:
    'existing columns also need their comment relabelled `:<blob>:` (the definition alone does not change how 2.x reads a table that exists).',
  nativeTemporal: (base: string) => `\`${base}\` is a native type in 2.x (accepted with a warning).`,
  inStore:
    'phase 2: existing rows hold 0.14.6 UUID pointers into ~external_<store>; they must be migrated to 2.x JSON metadata.',
  filepath:
    '<filepath@…> changes semantics: insert takes a path relative to the store location (no upload) and fetch returns an ObjectRef.',
  adapterUnknown: "the adapter's attribute_type is unknown here; assumed longblob (the usual case).",
  adapterCodec: (name: string) =>
    `needs a registered dj.Codec with name = "${name}" (0.14.6 AttributeAdapters are not read by 2.x).`,
  defaultStore:
    'a bare `@` (default store) declares fine but every write fails in 2.x ≤ 2.3.2 ("Storage \'\' is requested but not configured"); name the store.',
  storeRequired: (name: string) => `<${name}> requires @store in 2.x.`,
  unknown: 'not a type 0.14.6 or 2.x accepts.',
};

function core(spelling: string, sql: string, notes: string[] = [], phase: 1 | 2 = 1): Type2x {
  return { spelling, label: spelling, sql, native: false, phase, notes };
}
function nativeType(spelling: string, sql: string, notes: string[] = []): Type2x {
  return { spelling, label: null, sql, native: true, phase: 1, notes: [...notes, NOTE.nativeWarning] };
}

/**
 * What 2.x should declare for a 0.14.6 attribute type under the chosen unsigned-integer policy.
 * The label is the exact text 2.x writes between colons at the front of the column comment; null for
 * native types. `sql` never includes `auto_increment` (see `Type014.autoIncrement`).
 */
export function toType2x(t: Type014, policy: UnsignedPolicy = 'widen', opts: ToType2xOptions = {}): Type2x {
  switch (t.kind) {
    case 'integer':
      return integerTo2x(t, policy);
    case 'decimal':
      return decimalTo2x(t, policy);
    case 'float':
      return floatTo2x(t);
    case 'string': {
      if (t.base === 'char' || t.base === 'varchar') {
        const spelling = `${t.base}(${t.args})`;
        return core(spelling, spelling);
      }
      return nativeType(t.base, t.base, [NOTE.text]);
    }
    case 'json':
      return core('json', 'json');
    case 'enum': {
      const spelling = `enum(${t.args})`;
      return core(spelling, spelling);
    }
    case 'bool':
      return core('bool', 'tinyint', t.base === 'boolean' ? ['2.x rejects `boolean`; `bool` is the same column.'] : []);
    case 'temporal': {
      const spelling = t.args !== undefined ? `${t.base}(${t.args})` : t.base;
      if (t.base === 'date' || t.base === 'datetime') return core(spelling, spelling);
      return nativeType(spelling, spelling, [NOTE.nativeTemporal(t.base)]);
    }
    case 'blob': {
      const notes = t.base === 'longblob' ? [NOTE.blobComment] : [NOTE.blobBigger(t.base), NOTE.blobComment];
      return core('<blob>', 'longblob', notes);
    }
    case 'uuid':
      return core('uuid', 'binary(16)');
    case 'attach':
      return core('<attach>', 'longblob', ['existing columns also need their comment relabelled `:<attach>:`.']);
    case 'blob@':
      return core(`<blob@${t.store}>`, 'json', [NOTE.inStore], 2);
    case 'attach@':
      return core(
        `<attach@${t.store}>`,
        'json',
        [NOTE.inStore, 'attachment objects must also be rewritten as name + NUL + contents under _hash/.'],
        2,
      );
    case 'filepath@':
      return core(`<filepath@${t.store}>`, 'json', [NOTE.inStore, NOTE.filepath], 2);
    case 'adapted':
      return adaptedTo2x(t, policy, opts);
    case 'native2x':
      return native2xTo2x(t);
    case 'unknown': {
      const intent = uintIntent(t.text);
      const notes = intent ? [NOTE.uintFails(t.text.trim().toLowerCase())] : [NOTE.unknown];
      return {
        spelling: t.text,
        label: null,
        sql: intent ? intent.text : t.text,
        native: false,
        phase: 1,
        notes,
        failsIn2x: true,
      };
    }
  }
}

function integerTo2x(t: Type014, policy: UnsignedPolicy): Type2x {
  const nativeSpelling = `${t.base}${t.unsigned && t.base !== 'serial' ? ' unsigned' : ''}`;
  if (t.autoIncrement) {
    const sql = t.base === 'serial' ? 'bigint unsigned' : nativeSpelling;
    const spelling = t.base === 'serial' ? 'serial' : `${nativeSpelling} auto_increment`;
    return nativeType(spelling, sql, [NOTE.autoIncrement]);
  }
  if (t.base === 'int8') return core('int64', 'bigint', [NOTE.int8Means]);
  if (!t.unsigned) {
    if (t.base === 'mediumint') {
      if (policy === 'native') return nativeType('mediumint', 'mediumint', ['there is no 24-bit core type.']);
      return core('int32', 'int', ['there is no 24-bit core type; mediumint widened to int32 (int).']);
    }
    const spelling = SIGNED_CORE[t.base];
    return core(spelling, CORE_SQL[spelling], t.base === 'tinyint' && t.args === '1' ? [NOTE.tinyint1] : []);
  }
  if (t.base === 'bigint') {
    if (policy === 'uint') return uintType('uint64', 'bigint unsigned');
    return nativeType('bigint unsigned', 'bigint unsigned', [NOTE.bigintUnsigned]);
  }
  switch (policy) {
    case 'native':
      return nativeType(nativeSpelling, nativeSpelling, ['kept native by the unsigned-integer policy.']);
    case 'uint':
      if (t.base === 'mediumint')
        return core('int32', 'int', ['the guide has no uint spelling for mediumint unsigned; widened to int32.']);
      return uintType(UINT_SPELLING[t.base], nativeSpelling);
    case 'widen': {
      const spelling = WIDENED[t.base];
      return core(spelling, CORE_SQL[spelling], [NOTE.widened(nativeSpelling, spelling)]);
    }
  }
}

function uintType(spelling: string, intendedSql: string): Type2x {
  return {
    spelling,
    label: null,
    sql: intendedSql,
    native: false,
    phase: 1,
    notes: [NOTE.uintFails(spelling)],
    failsIn2x: true,
  };
}

function decimalTo2x(t: Type014, policy: UnsignedPolicy): Type2x {
  const parts = (t.args ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 2 && parts.every((p) => /^\d+$/.test(p))) {
    const spelling = `decimal(${t.args})`;
    if (!t.unsigned)
      return core(
        spelling,
        spelling,
        t.base === 'numeric' ? ['`numeric` is MySQL DECIMAL; 2.x treats only `decimal(p,s)` as core.'] : [],
      );
    if (policy === 'native') {
      const keep = `numeric(${t.args}) unsigned`;
      return nativeType(keep, keep, [NOTE.decimalNativeUnsigned]);
    }
    return core(spelling, spelling, [NOTE.decimalUnsigned]);
  }
  const precision = parts.length >= 1 && /^\d+$/.test(parts[0]) ? parts[0] : '10';
  const spelling = `decimal(${precision},0)`;
  const notes = [NOTE.decimalImplicit(spelling)];
  if (t.unsigned) notes.push(NOTE.decimalUnsigned);
  return core(spelling, spelling, notes);
}

function floatTo2x(t: Type014): Type2x {
  if (t.base === 'double precision') {
    if (t.args === undefined && !t.unsigned) return core('float64', 'double', [NOTE.doublePrecision]);
  } else if (t.args === undefined && !t.unsigned) {
    if (t.base === 'float') return core('float32', 'float');
    return core('float64', 'double', t.base === 'real' ? [NOTE.real] : []);
  }
  const base = t.base === 'double precision' ? 'double' : t.base;
  const spelling = `${base}${t.args !== undefined ? `(${t.args})` : ''}${t.unsigned ? ' unsigned' : ''}`;
  return nativeType(spelling, spelling, [NOTE.floatNative]);
}

function adaptedTo2x(t: Type014, policy: UnsignedPolicy, opts: ToType2xOptions): Type2x {
  const name = t.adapter ?? t.base;
  const declared = opts.adapterTypes?.[name];
  const notes = [NOTE.adapterCodec(name)];
  if (declared === undefined) {
    notes.push(NOTE.adapterUnknown);
    return core(`<${name}>`, 'longblob', notes);
  }
  const inner = parseType014(declared);
  if (inner.store !== undefined && (inner.kind === 'blob@' || inner.kind === 'attach@' || inner.kind === 'filepath@')) {
    return core(`<${name}@${inner.store}>`, 'json', [...notes, NOTE.inStore], 2);
  }
  const innerType = toType2x(inner, policy);
  return { ...core(`<${name}>`, innerType.sql, notes), failsIn2x: innerType.failsIn2x };
}

function native2xTo2x(t: Type014): Type2x {
  if (t.text.trim().startsWith('<')) {
    const name = t.adapter ?? t.base;
    if (t.store === undefined) {
      if (STORE_ONLY_CODECS.has(name)) {
        return {
          spelling: `<${name}>`,
          label: `<${name}>`,
          sql: 'json',
          native: false,
          phase: 2,
          notes: [NOTE.storeRequired(name)],
          failsIn2x: true,
        };
      }
      const notes = BUILTIN_CODECS.has(name) ? [] : [NOTE.adapterCodec(name), NOTE.adapterUnknown];
      return core(`<${name}>`, 'longblob', notes);
    }
    const spelling = `<${name}@${t.store}>`;
    const notes = t.store === '' ? [NOTE.defaultStore] : [];
    if (!BUILTIN_CODECS.has(name)) notes.push(NOTE.adapterCodec(name));
    return core(spelling, 'json', notes, 2);
  }
  const spelling = t.text.trim().toLowerCase();
  return core(spelling, CORE_SQL[spelling] ?? spelling);
}

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

// ---------------------------------------------------------------------------------------------
// 2.x labels (what `db verify` reads back)
// ---------------------------------------------------------------------------------------------

/** A decoded `:label:` of a 2.x column comment. */
export interface Label2x {
  /** The text between the colons, or null when the comment has no label. */
  label: string | null;
  /** The comment after the label. */
  rest: string;
  /** core: a 2.x core type; codec: `<name>` / `<name@store>`; legacy: a 0.14.6 label; invalid: anything else. */
  kind: 'none' | 'core' | 'codec' | 'legacy' | 'invalid';
  /** True when 2.x reads the column as intended (core types, codecs with valid store use, no label). */
  valid: boolean;
  /** Core type name (int64, varchar, decimal, …) for core labels. */
  core?: string;
  /** Codec name and store for codec labels; store '' is the bare default-store form `<x@>`. */
  codec?: string;
  store?: string;
  /** True for a codec that ships with 2.x (blob, attach, hash, object, npy, filepath). */
  builtin?: boolean;
  /** Why the label is invalid, or what still needs care (default store, custom codec). */
  reason?: string;
}

/** 2.x core type patterns (`declare.py` CORE_TYPES), matched case-insensitively from the start. */
const CORE_LABELS: ReadonlyArray<[string, RegExp]> = [
  ['float32', /^float32$/i],
  ['float64', /^float64$/i],
  ['int64', /^int64$/i],
  ['int32', /^int32$/i],
  ['int16', /^int16$/i],
  ['int8', /^int8$/i],
  ['bool', /^bool$/i],
  ['uuid', /^uuid$/i],
  ['json', /^jsonb?$/i],
  ['bytes', /^bytes$/i],
  ['date', /^date$/i],
  ['datetime', /^datetime(\s*\(\d+\))?$/i],
  ['char', /^char\s*\(\d+\)$/i],
  ['varchar', /^varchar\s*\(\d+\)$/i],
  ['enum', /^enum\s*\(.+\)$/is],
  ['decimal', /^decimal\s*\(\d+\s*,\s*\d+\)$/i],
];

/** Decode the 2.x label of a column comment and say whether 2.x can use it. */
export function parse2xLabel(comment: string): Label2x {
  const { label, rest } = splitLabel(comment);
  if (label === null) return { label, rest, kind: 'none', valid: true };
  const coreHit = CORE_LABELS.find(([, re]) => re.test(label));
  if (coreHit) return { label, rest, kind: 'core', valid: true, core: coreHit[0] };
  if (label.startsWith('<')) {
    const m = label.match(RE.codec);
    if (!m) return { label, rest, kind: 'invalid', valid: false, reason: `malformed codec label ${label}` };
    const codec = m[1];
    const store = m[2];
    const builtin = BUILTIN_CODECS.has(codec);
    const base: Label2x = {
      label,
      rest,
      kind: 'codec',
      valid: true,
      codec,
      builtin,
      ...(store !== undefined ? { store } : {}),
    };
    if (builtin && STORE_ONLY_CODECS.has(codec) && store === undefined) {
      return { ...base, valid: false, reason: NOTE.storeRequired(codec) };
    }
    if (store === '') return { ...base, reason: NOTE.defaultStore };
    if (!builtin) return { ...base, reason: NOTE.adapterCodec(codec) };
    return base;
  }
  if (/^(attach|(blob|attach|filepath)@.+)$/i.test(label)) {
    return {
      label,
      rest,
      kind: 'legacy',
      valid: false,
      reason: `0.14.6 label: 2.x reads the column as raw bytes until it is relabelled :${toType2x(parseType014(label)).label}:`,
    };
  }
  if (/^u?int(24|8|16|32|64)$/i.test(label)) {
    return {
      label,
      rest,
      kind: 'invalid',
      valid: false,
      reason: `\`${label}\` is not a 2.x core type (written by datajoint.migrate, ignored by 2.x)`,
    };
  }
  if (/^external/i.test(label)) {
    return {
      label,
      rest,
      kind: 'invalid',
      valid: false,
      reason: 'pre-0.12 external label: 2.x raises "Legacy datatype" when it reads the heading',
    };
  }
  return {
    label,
    rest,
    kind: 'invalid',
    valid: false,
    reason: `\`${label}\` is not a 2.x core type or codec; 2.x ignores it`,
  };
}

// The mapping from a parsed 0.14.6 type to what DataJoint 2.x declares.
import type { Type014, Type2x, UnsignedPolicy } from './types';
import { BUILTIN_CODECS, CORE_SQL, STORE_ONLY_CODECS, parseType014, uintIntent } from './parse014';

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

export const NOTE = {
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

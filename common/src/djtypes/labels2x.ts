// 2.x column-comment labels, decoded as `db verify` reads them back.
import { BUILTIN_CODECS, RE, STORE_ONLY_CODECS, parseType014 } from './parse014';
import { NOTE, toType2x } from './to2x';
import { splitLabel } from './columns';

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

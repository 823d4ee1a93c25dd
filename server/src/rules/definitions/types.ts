// The type findings of one attribute: which rule applies, what 2.x would declare, and whether the
// replacement can be offered under the user's options.
import { parseType014, toType2x, uintIntent, type Type014, type Type2x } from '../../../../common/src/djtypes';
import type { RuleMeta, Safety, Severity } from '../meta';
import type { AttributeLine } from './lines';
import * as R from './metas';
import type { DefFinding, DefinitionOptions } from './index';
import { SpellingMemo } from './spellingMemo';

export type WrittenFor = '0.14.6' | '2.x' | 'unknown';

export interface TypeContext {
  opts: DefinitionOptions;
  /** Which version the rest of the definition is written for. */
  writtenFor: WrittenFor;
}

interface Verdict {
  meta: RuleMeta;
  message: string;
  replacement?: string;
  safety?: Safety;
  severity?: Severity;
}

const quote = (s: string) => `\`${s}\``;

// Verdicts by spelling and everything `judge` reads (spellingMemo.ts).
const verdicts = new SpellingMemo<Omit<DefFinding, 'start' | 'end'> | null>();

export function typeFindings(attr: AttributeLine, ctx: TypeContext): DefFinding[] {
  if (attr.dynamicType || attr.type.text === '') return [];
  const { opts } = ctx;
  const key = `${attr.type.text}\0${ctx.writtenFor}\0${opts.unsigned}\0${opts.phase}\0${opts.defaultStore ?? '\0'}\0${opts.filepathDefaultStore ?? '\0'}`;
  const found = verdicts.get(key, () => typeFinding(attr.type.text, ctx));
  if (!found) return [];
  // Fields in the order a finding is built everywhere else (reports list them as they come).
  const f: DefFinding = {
    code: found.code,
    message: found.message,
    start: attr.type.start,
    end: attr.type.end,
    severity: found.severity,
    safety: found.safety,
    phase: found.phase,
  };
  if (found.replacement !== undefined) f.replacement = found.replacement;
  if (found.fixTitle !== undefined) f.fixTitle = found.fixTitle;
  return [f];
}

function typeFinding(written: string, ctx: TypeContext): Omit<DefFinding, 'start' | 'end'> | null {
  const t = parseType014(written);
  const target = toType2x(t, ctx.opts.unsigned);
  const verdict = judge(written, t, target, ctx);
  if (!verdict) return null;
  // A native type in a definition written for 2.x was chosen deliberately: nothing to migrate.
  if (ctx.writtenFor === '2.x' && (verdict.meta === R.NATIVE_KEPT || verdict.meta === R.BIGINT_UNSIGNED)) return null;
  const finding: Omit<DefFinding, 'start' | 'end'> = {
    code: verdict.meta.code,
    message: verdict.message,
    severity: verdict.severity ?? verdict.meta.severity,
    safety: verdict.safety ?? verdict.meta.safety,
    phase: verdict.meta.phase,
  };
  if (verdict.replacement !== undefined && verdict.replacement !== written) {
    finding.replacement = verdict.replacement;
    finding.fixTitle = `Replace ${quote(written)} with ${quote(verdict.replacement)}`;
  } else {
    finding.safety = 'manual';
  }
  return finding;
}

function renamed(meta: RuleMeta, written: string, target: Type2x, extra: Partial<Verdict> = {}): Verdict {
  const why = target.notes.length ? ` (${target.notes.join(' ')})` : '';
  return {
    meta,
    message: `${quote(written)} → ${quote(target.spelling)}: ${meta.title}${why}`,
    replacement: target.spelling,
    ...extra,
  };
}

/** Lower-case keyword, same text otherwise: only the case differs from the 2.x spelling. */
function onlyCaseDiffers(written: string, spelling: string): boolean {
  return written !== spelling && written.toLowerCase() === spelling.toLowerCase();
}

function judge(written: string, t: Type014, target: Type2x, ctx: TypeContext): Verdict | null {
  const { opts } = ctx;
  const sameText = written === target.spelling;
  switch (t.kind) {
    case 'integer': {
      if (t.autoIncrement) return native(written, target);
      if (t.base === 'int8') {
        if (ctx.writtenFor === '2.x') return null;
        const meaning = `${quote(written)} is BIGINT in 0.14.6 (MySQL synonym) but TINYINT in 2.x`;
        if (ctx.writtenFor === '0.14.6') {
          // Unsafe: a half-migrated definition (e.g. `tinyint` already fixed to `int8` by a quick fix, `int` not yet)
          // looks like 0.14.6 too, so the guess must be confirmed by a person, never applied by fix-all.
          return renamed(R.INT8, written, target, {
            safety: 'unsafe',
            message: `${meaning}; this definition looks written for 0.14.6, where ${quote('int64')} keeps its column (if the \`int8\` came from a migration, keep it).`,
          });
        }
        return {
          meta: R.INT8,
          severity: 'hint',
          safety: 'manual',
          message: `${meaning}. If this definition was written for 0.14.6, write ${quote('int64')}; if for 2.x, nothing to do (\`dj-migrate fix\` writes \`int8\` for \`tinyint\`, and the rest of this definition does not tell which it is).`,
        };
      }
      if (t.unsigned && t.base === 'bigint') {
        const uint =
          opts.unsigned === 'uint'
            ? ' The `uint` policy\'s `uint64` raises "Unsupported attribute type" in every 2.x release.'
            : '';
        return {
          meta: R.BIGINT_UNSIGNED,
          message: `${quote(written)}: ${R.BIGINT_UNSIGNED.title}. int64 would lose values above 2**63-1.${uint}`,
        };
      }
      if (t.unsigned || t.base === 'mediumint') {
        if (target.failsIn2x) {
          return {
            meta: R.INTEGER_WIDENING,
            severity: 'warning',
            message: `${quote(written)}: the \`uint\` policy would write ${quote(target.spelling)}, which every 2.x release rejects ("Unsupported attribute type"). Choose the widen or native policy.`,
          };
        }
        if (target.native) {
          if (sameText) return null;
          return {
            meta: R.NATIVE_KEPT,
            message: `${quote(written)} is kept native (unsigned-integer policy \`native\`); 2.x accepts it with a warning.`,
          };
        }
        // The `widen` policy is the user's choice, shared with create-parallel (same mapping): safe to apply.
        return renamed(R.INTEGER_WIDENING, written, target, { safety: 'safe' });
      }
      return sameText ? null : renamed(R.INTEGER_NAMES, written, target);
    }
    case 'float':
      if (target.native) return native(written, target);
      return renamed(t.base === 'double precision' ? R.DOUBLE_PRECISION : R.FLOAT_NAMES, written, target);
    case 'decimal': {
      if (sameText) return null;
      if (target.native) return renamed(R.DECIMAL, written, target, { safety: 'safe' });
      const p = /^decimal\s*\(\s*\d+\s*,\s*\d+\s*\)$/i.test(written);
      if (p) return renamed(R.CORE_CASE, written, target);
      if (t.base === 'numeric' && !t.unsigned && t.args?.includes(','))
        return renamed(R.DECIMAL, written, target, { safety: 'safe', severity: 'info' });
      // decimal(p,s) unsigned → decimal(p,s): 2.x rejects the original; every stored value fits (safe).
      if (t.unsigned && /^\s*\d+\s*,\s*\d+\s*$/.test(t.args ?? ''))
        return renamed(R.DECIMAL, written, target, { safety: 'safe' });
      return renamed(R.DECIMAL, written, target);
    }
    case 'bool':
      if (t.base === 'boolean') return renamed(R.BOOLEAN, written, target);
      return sameText ? null : renamed(R.CORE_CASE, written, target);
    case 'string':
      if (target.native) return { meta: R.TEXT, message: `${quote(written)}: ${R.TEXT.title}.` };
      return sameText ? null : renamed(R.CORE_CASE, written, target);
    case 'json':
    case 'uuid':
    case 'enum':
      return sameText ? null : renamed(R.CORE_CASE, written, target);
    case 'temporal':
      if (target.native) return native(written, target);
      return sameText ? null : renamed(R.CORE_CASE, written, target);
    case 'blob': {
      const why =
        t.base === 'blob'
          ? '2.x rejects plain `blob` ("Unsupported attribute type"); `<blob>` is the serialized codec (LONGBLOB).'
          : `in 2.x \`${t.base}\` is a raw-bytes column: inserting an array silently stores its text repr (≤2.3.2) and fetch returns bytes; \`<blob>\` is the serialized codec.`;
      return {
        meta: R.BLOB,
        replacement: target.spelling,
        message: `${quote(written)} → ${quote(target.spelling)}: ${why} ${target.notes.join(' ')}`,
      };
    }
    case 'attach':
      return renamed(R.ATTACH, written, target);
    case 'blob@':
    case 'attach@':
    case 'filepath@': {
      const meta = t.kind === 'filepath@' ? R.FILEPATH : R.IN_STORE;
      if (opts.phase === 1) {
        return {
          meta,
          severity: 'info',
          message: `${quote(written)} → ${quote(target.spelling)} is deferred to phase 2: existing rows hold 0.14.6 pointers into ~external_${t.store} that must be migrated to 2.x JSON metadata together with this change.`,
        };
      }
      // The definition must change to be declarable at all; the new insert/fetch semantics of file paths are
      // reported where values are inserted (DJ121), so the definition fix itself is safe in phase 2.
      return renamed(meta, written, target, { safety: 'safe' });
    }
    case 'adapted':
      return {
        meta: R.ADAPTED,
        message: `${quote(written)}: 2.x needs a registered \`dj.Codec\` with name = "${t.adapter}" (0.14.6 AttributeAdapters are not read). The definition itself stays.`,
      };
    case 'native2x':
      return judgeNative2x(written, t, target, opts);
    case 'unknown': {
      const intent = uintIntent(written);
      if (intent) {
        if (opts.unsigned === 'uint') {
          return {
            meta: R.UINT,
            message: `${quote(written)} raises "Unsupported attribute type" in every 2.x release; with the \`uint\` policy no fix is offered — choose widen or native.`,
          };
        }
        const fixed = toType2x(intent, opts.unsigned);
        return renamed(R.UINT, written, fixed, {
          message: `${quote(written)} does not exist in any 2.x release ("Unsupported attribute type"); ${quote(fixed.spelling)} follows the \`${opts.unsigned}\` policy.`,
          safety: fixed.native ? 'safe' : 'unsafe',
        });
      }
      return {
        meta: R.UNSUPPORTED,
        message: `${quote(written)}: not a type 0.14.6 or 2.x accepts ("Unsupported attribute type").`,
      };
    }
  }
}

function native(written: string, target: Type2x): Verdict {
  const extra = target.notes.filter((n) => !/Native type|is a native type in 2\.x/.test(n)).join(' ');
  return {
    meta: R.NATIVE_KEPT,
    message:
      `${quote(written)} has no 2.x core equivalent and stays native: 2.x accepts it and logs a warning when the table is declared. ${extra}`.trim(),
  };
}

function judgeNative2x(written: string, t: Type014, target: Type2x, opts: DefinitionOptions): Verdict | null {
  if (!written.startsWith('<'))
    return onlyCaseDiffers(written, target.spelling) ? renamed(R.CORE_CASE, written, target) : null;
  const name = t.adapter ?? t.base;
  if (target.failsIn2x)
    return {
      meta: R.UNSUPPORTED,
      message: `${quote(written)}: <${name}> requires @store in 2.x (e.g. <${name}@store>).`,
    };
  if (t.store === '') {
    const store = name === 'filepath' ? (opts.filepathDefaultStore ?? opts.defaultStore) : opts.defaultStore;
    const base = `${quote(written)}: declaring works, but every write fails in 2.x ≤ 2.3.2 ("Storage '' is requested but not configured").`;
    if (!store)
      return { meta: R.DEFAULT_STORE, safety: 'manual', message: `${base} Name the store, e.g. <${name}@raw>.` };
    return {
      meta: R.DEFAULT_STORE,
      replacement: `<${name}@${store}>`,
      message: `${base} The configured default store is \`${store}\`.`,
    };
  }
  if (!['blob', 'attach', 'hash', 'object', 'npy', 'filepath'].includes(name)) {
    return {
      meta: R.ADAPTED,
      severity: 'info',
      message: `${quote(written)}: needs a registered \`dj.Codec\` with name = "${name}".`,
    };
  }
  return null;
}

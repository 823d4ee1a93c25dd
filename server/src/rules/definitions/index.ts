// DJ100-DJ129: a pure, string-level analyser of DataJoint table definitions. The Python rule engine
// finds the definition strings and maps the offsets; this module only sees the string's content.
import { parseType014, type Type014 } from '../../../../common/src/djtypes';
import type { UnsignedPolicy } from '../../../../common/src/djtypes';
import type { Finding, RuleMeta } from '../meta';
import { readDefinition, type AttributeLine } from './lines';
import { COMPUTED_NATIVE_PK, DIVIDER, INT8, definitionRules as metas } from './metas';
import { typeFindings, type WrittenFor } from './types';
import { SpellingMemo } from './spellingMemo';

export interface DefinitionOptions {
  unsigned: UnsignedPolicy;
  phase: 1 | 2;
  tier?: 'manual' | 'lookup' | 'imported' | 'computed' | 'part';
  /** `stores.default` from the configuration, offered for a bare `<blob@>` / `<attach@>`. */
  defaultStore?: string;
  /** `stores.filepath_default`, offered for a bare `<filepath@>` (falls back to `defaultStore`). */
  filepathDefaultStore?: string;
}

/** A finding inside a definition string; `start`/`end` are offsets into that text. */
export interface DefFinding extends Omit<Finding, 'fix'> {
  /** Text to put between start and end. */
  replacement?: string;
  fixTitle?: string;
}

export const definitionRules: RuleMeta[] = metas;

export function analyzeDefinition(text: string, opts: DefinitionOptions): DefFinding[] {
  const lines = readDefinition(text);
  const attrs = lines.flatMap((l) => (l.kind === 'attribute' ? [l.attr] : []));
  const ctx = { opts, writtenFor: writtenFor(attrs, opts.phase) };
  const findings: DefFinding[] = [];
  for (const line of lines) {
    if (line.kind === 'divider' && line.marker === '___') {
      findings.push({
        code: DIVIDER.code,
        message: DIVIDER.title,
        start: line.span.start,
        end: line.span.end,
        severity: DIVIDER.severity,
        safety: DIVIDER.safety,
        phase: DIVIDER.phase,
        replacement: '---',
        fixTitle: 'Replace `___` with `---`',
      });
    } else if (line.kind === 'attribute') {
      findings.push(...typeFindings(line.attr, ctx));
      if (line.attr.inKey && (opts.tier === 'imported' || opts.tier === 'computed'))
        findings.push(nativePk(line.attr, opts.tier));
    }
  }
  if (ctx.writtenFor === '0.14.6') holdBackWithInt8Guess(findings);
  return findings.sort((a, b) => a.start - b.start);
}

/**
 * In a definition judged 0.14.6 that still has an `int8` (BIGINT there; the `int64` guess is unsafe), a safe fix
 * writing a 2.x-only spelling is held back to the unsafe set: applied alone (fix-all, a quick fix), it would make the
 * definition read as 2.x, and the `int8` would then be taken for 2.x's TINYINT with no finding left.
 */
function holdBackWithInt8Guess(findings: DefFinding[]): void {
  const guess = findings.find((f) => f.code === INT8.code && f.replacement !== undefined);
  if (!guess) return;
  for (const f of findings)
    if (f !== guess && f.safety === 'safe' && f.replacement !== undefined && eraOf(f.replacement, 2) === '2.x') {
      f.safety = 'unsafe';
      f.message += ` Unsafe here: applied without the \`int8\` → \`int64\` fix, it would make this definition read as 2.x, where \`int8\` is TINYINT.`;
    }
}

function nativePk(attr: AttributeLine, tier: 'imported' | 'computed'): DefFinding {
  const m = COMPUTED_NATIVE_PK;
  const tierName = tier === 'imported' ? 'an Imported' : 'a Computed';
  return {
    code: m.code,
    start: attr.name.start,
    end: attr.name.end,
    severity: m.severity,
    safety: m.safety,
    phase: m.phase,
    message:
      `\`${attr.name.text}\` is a primary-key attribute of ${tierName} table that does not come from a \`->\` parent. ` +
      'Every 2.x release (v2.0.0–v2.3.2) raises "Auto-populated table … has non-FK primary key attribute(s)" when this table is declared, ' +
      'unless dj.config.jobs.allow_new_pk_fields_in_computed_tables = True. Tables that already exist are not affected. ' +
      'The 2.x design moves these rows into a Part table (`-> master` plus this attribute).',
  };
}

/**
 * Which version the definition was written for, judged from its other attributes: 0.14.6 when it uses
 * spellings 2.x would rewrite (signed MySQL integer/float names, blobs, attach, `x@store`, `boolean`) and no
 * 2.x-only spelling; 2.x when it uses a 2.x-only spelling (`int32`, `<blob>`, …); unknown otherwise.
 * Only `int8` depends on it (BIGINT in 0.14.6, TINYINT in 2.x). Fixes never turn a 0.14.6 verdict into
 * 2.x while an `int8` is left: the `int8` fix is applied in the same round as the others, and the safe fixes that
 * would turn it are held back with it (holdBackWithInt8Guess).
 */
function writtenFor(attrs: AttributeLine[], phase: 1 | 2): WrittenFor {
  let old = false;
  let new2x = false;
  for (const a of attrs) {
    if (a.dynamicType) continue;
    const era = eraOf(a.type.text, phase);
    if (era === '2.x') new2x = true;
    else if (era === '0.14.6') old = true;
  }
  return new2x ? (old ? 'unknown' : '2.x') : old ? '0.14.6' : 'unknown';
}

// Each spelling is parsed once per process (spellingMemo.ts).
const eras = new SpellingMemo<WrittenFor>();

/**
 * What one type spelling says of the definition's version (`unknown`: nothing). In phase 1 the store spellings
 * (`blob@raw`, `attach@s`, `filepath@s`) say nothing: they are left for phase 2, so a definition migrated in phase 1
 * keeps them beside its 2.x spellings (an `int8` fixed from `tinyint` there is 2.x's TINYINT).
 */
function eraOf(text: string, phase: 1 | 2): WrittenFor {
  return eras.get(`${phase}${text}`, () => {
    const t = parseType014(text);
    if (t.kind === 'native2x') return '2.x';
    if (['blob@', 'attach@', 'filepath@'].includes(t.kind)) return phase === 2 ? '0.14.6' : 'unknown';
    if (['blob', 'attach'].includes(t.kind) || t.base === 'boolean') return '0.14.6';
    return hasCoreEquivalent(t) ? '0.14.6' : 'unknown';
  });
}

/** A MySQL spelling a 2.x author would have written as a core type (unsigned and 24-bit ones may be kept native). */
function hasCoreEquivalent(t: Type014): boolean {
  if (t.kind === 'integer') return !t.unsigned && !t.autoIncrement && t.base !== 'int8' && t.base !== 'mediumint';
  return t.kind === 'float' && t.args === undefined && !t.unsigned;
}

/**
 * The definition with every fix applied (repeatedly, until nothing changes). `include: 'safe'` applies only
 * safe fixes, as fix-all does; the default applies unsafe ones too (what the migration writes).
 */
export function mapDefinitionTypes(text: string, opts: DefinitionOptions, include: 'safe' | 'all' = 'all'): string {
  let current = text;
  for (let round = 0; round < 10; round++) {
    const fixes = analyzeDefinition(current, opts).filter(
      (f) => f.replacement !== undefined && f.safety !== 'manual' && (include === 'all' || f.safety === 'safe'),
    );
    if (fixes.length === 0) return current;
    let next = current;
    let lastStart = Infinity;
    for (const f of [...fixes].sort((a, b) => b.start - a.start)) {
      if (f.end > lastStart) continue; // overlapping fix: the next round picks it up
      next = next.slice(0, f.start) + f.replacement + next.slice(f.end);
      lastStart = f.start;
    }
    if (next === current) return current;
    current = next;
  }
  throw new Error('definition fixes did not converge');
}

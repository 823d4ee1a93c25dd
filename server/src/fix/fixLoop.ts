// Fix-until-stable for Python text: apply the chosen fixes, re-analyse, repeat; a round that would add a
// syntax error is retried fix by fix, and a fix that breaks parsing is dropped.
import type { CodeEngine } from '../engine';
import type { EngineOptions } from '../rules/context';
import type { Finding } from '../rules/meta';
import { INT8 } from '../rules/definitions/metas';
import { applyEdits, selectFixes } from './apply';

export interface FixOptions {
  /** Also apply unsafe fixes (CLI --unsafe, or a single quick fix chosen by the user). */
  unsafe: boolean;
  /** Restrict to these codes (e.g. "Fix all DJ021 in file"). */
  codes?: Set<string>;
  maxRounds?: number;
}

export interface FixResult {
  text: string;
  applied: Finding[]; // with offsets into the text of the round they were applied in
  remaining: Finding[]; // findings of the final text
  rounds: number;
  converged: boolean;
  rejected: Finding[]; // fixes dropped because their result did not parse
}

/** A finding whose fix the given options allow: in phase, safe (or unsafe when asked), of the requested codes. */
export function fixAllowed(f: Finding, phase: 1 | 2, fix: FixOptions): boolean {
  return (
    !!f.fix &&
    f.phase <= phase &&
    (f.safety === 'safe' || (fix.unsafe && f.safety === 'unsafe')) &&
    (!fix.codes || fix.codes.has(f.code))
  );
}

export function fixPython(
  engine: CodeEngine,
  path: string,
  text: string,
  options: EngineOptions,
  fix: FixOptions,
): FixResult {
  const accept = (f: Finding) => fixAllowed(f, options.phase, fix);
  const applied: Finding[] = [];
  const rejected: Finding[] = [];
  const rejectedKeys = new Set<string>();
  const baseErrors = engine.errorCount(text);
  let current = text;
  const maxRounds = fix.maxRounds ?? 10;
  for (let round = 1; round <= maxRounds; round++) {
    const findings = engine.analyzePython(path, current, options);
    const candidates = findings.filter((f) => accept(f) && !rejectedKeys.has(keyOf(f, current)));
    const { chosen, edits } = selectFixes(candidates, () => true);
    if (!chosen.length)
      return {
        text: current,
        applied,
        remaining: leftOf(text, findings),
        rounds: round - 1,
        converged: true,
        rejected,
      };
    let next = applyEdits(current, edits);
    if (engine.errorCount(next) > baseErrors) {
      // Find the culprits one by one.
      next = current;
      for (const f of chosen) {
        const attempt = applyEdits(next, f.fix!.edits);
        if (engine.errorCount(attempt) > baseErrors) {
          rejected.push(f);
          rejectedKeys.add(keyOf(f, current));
        } else {
          applied.push(f);
          next = attempt;
          break; // offsets of the others are stale now; re-analyse
        }
      }
      if (next === current && !chosen.some((f) => !rejectedKeys.has(keyOf(f, current)))) continue;
    } else applied.push(...chosen);
    current = next;
  }
  const remaining = leftOf(text, engine.analyzePython(path, current, options));
  return { text: current, applied, remaining, rounds: maxRounds, converged: !remaining.some(accept), rejected };
}

/**
 * The findings of the fixed text that are left for a person. An `int8` question (DJ111) is not one when the text
 * had no `int8` before the fixes: every `int8` is then one they wrote for `tinyint`, 2.x's TINYINT as meant.
 */
function leftOf(before: string, findings: Finding[]): Finding[] {
  return /\bint8\b/.test(before) ? findings : findings.filter((f) => f.code !== INT8.code);
}

function keyOf(f: Finding, text: string): string {
  return `${f.code}:${text.slice(f.start, f.end)}:${f.start}`;
}

// What a rule sees while it checks one file, and how it reports.
import type { Node } from 'web-tree-sitter';
import type { UnsignedPolicy } from '../../../common/src/djtypes';
import { OVERRIDABLE } from '../index/classBody';
import type { FileIndex } from '../index/fileIndex';
import { overrideFor } from '../index/overrides';
import { isWithin } from '../python/syntax';
import { matchStarts } from '../lowerBound';
import { unresolvedReason } from './receivers';
import type { Finding, RuleMeta, Severity, TextEdit } from './meta';
import type { DependencyWarning } from './dependencies/importRule';
import type { MethodCall } from './fetch/calls';

export interface EngineOptions {
  phase: 1 | 2;
  unsigned: UnsignedPolicy;
  /** Suffix for parallel schemas ('' disables the schema-name rule). */
  schemaSuffix: string;
  /** Cut-over: remove the suffix from schema names instead of adding it. */
  finalize: boolean;
  /** 'informational' when the workspace pins DataJoint 0.14.x and migration is not enabled. */
  mode: 'migrate' | 'informational';
  /** Store to offer for a bare default-store codec such as `<blob@>`. */
  defaultStore?: string;
  /** Installed packages 2.x would mishandle, by top-level import name (DJ019 at every import of them). */
  dependencies?: Record<string, DependencyWarning>;
}

export const DEFAULT_OPTIONS: EngineOptions = {
  phase: 1,
  unsigned: 'widen',
  schemaSuffix: '_v2',
  finalize: false,
  mode: 'migrate',
};

/**
 * Whether a finding is shown in a phase: findings of the chosen phase or earlier, plus information and hints of
 * later phases (phase 1 says, as information, which in-store types are deferred to phase 2 and why).
 */
export function shownInPhase(f: Finding, phase: 1 | 2): boolean {
  return f.phase <= phase || f.severity === 'info' || f.severity === 'hint';
}

/**
 * A stretch of the text an incremental analysis re-checks: matches starting in [from, to) are searched for in the text
 * up to `readTo` (the end of the statement after it), so one running past `to` is found whole.
 */
export interface ScannedRange {
  from: number;
  to: number;
  readTo: number;
}

export interface Rule {
  metas: RuleMeta[];
  check(ctx: RuleContext): void;
}

export interface ReportOptions {
  message?: string;
  edits?: TextEdit[];
  fixTitle?: string;
  /** The receiver could not be resolved: report as a hint whose fix is unsafe, marked unverified. */
  uncertain?: boolean;
  /**
   * Only the method's name suggests DataJoint (e.g. a plain `.fetch()` on an unresolved receiver): report as an
   * unverified hint without a fix. Implies `uncertain`.
   */
  unverified?: boolean;
  /** The unresolved receiver, named in the finding's reason. */
  receiver?: Node;
  severity?: Severity;
}

export class RuleContext {
  readonly findings: Finding[] = [];
  /**
   * Calls' method names and shapes by node id, answered once per analysis (fetch/calls.ts `methodNameIn`). Held here,
   * not in a WeakMap keyed by the context: V8 clears WeakMap entries only in full collections, so they piled up.
   */
  readonly callNames = new Map<number, string | null>();
  readonly callShapes = new Map<number, MethodCall | null>();
  /** Calls' ends (fetch/calls.ts). */
  readonly callEnds = new Map<number, number>();
  /** Where a pattern's matches start, found once per analysis: in the re-checked text, and (only if asked) all of it. */
  private readonly spots = new Map<RegExp, { scanned?: number[]; whole?: number[] }>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly index: FileIndex,
    readonly options: EngineOptions,
    /**
     * Whether findings at this offset are wanted (the incremental analysis re-checks only some statements). Only to
     * skip work: a rule may still report elsewhere, such findings are dropped.
     */
    readonly inScope: (offset: number) => boolean = () => true,
    /** Every assignment of the file, in document order (the incremental index holds only those it needs). */
    readonly allAssignments: () => Node[] = () => index.syntax.assignments,
    /** Told when a check reads every use of a name in the file (the incremental analysis re-checks it when one changes). */
    readonly readsEveryUse: (name: string) => void = () => {},
    /**
     * The text holding every offset in scope, in order (null: the whole text). Searching only these for the candidates
     * of in-scope nodes keeps an edit's regex scans to the statements it re-checks.
     */
    readonly scanned: readonly ScannedRange[] | null = null,
  ) {}

  /** The matches of `re` (a global RegExp) that start in the re-checked text, indexed into the whole text, in order. */
  matchesInScope(re: RegExp): RegExpMatchArray[] {
    if (!this.scanned) return [...this.text.matchAll(re)];
    const out: RegExpMatchArray[] = [];
    for (const { from, to, readTo } of this.scanned)
      for (const m of this.text.slice(from, readTo).matchAll(re)) {
        if (m.index! + from >= to) break;
        m.index = m.index! + from;
        out.push(m);
      }
    return out;
  }

  /**
   * Where the matches of `re` (a global RegExp, kept for reuse) start, ascending, for a look inside a node starting at
   * `at`: those of the re-checked text when the node lies in it (a node starting in a top-level statement ends in it),
   * else the whole text's.
   */
  spotsFor(re: RegExp, at: number): number[] {
    let known = this.spots.get(re);
    if (!known) this.spots.set(re, (known = {}));
    if (!this.scanned || !this.scans(at)) return (known.whole ??= matchStarts(this.text, re));
    if (!known.scanned) {
      known.scanned = []; // pushed, not mapped: see matchStarts
      for (const m of this.matchesInScope(re)) known.scanned.push(m.index!);
    }
    return known.scanned;
  }

  /** Whether an offset lies in a re-checked range. */
  private scans(at: number): boolean {
    const ranges = this.scanned!;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].to <= at) lo = mid + 1;
      else if (ranges[mid].from > at) hi = mid - 1;
      else return true;
    }
    return false;
  }

  report(meta: RuleMeta, at: Node | { start: number; end: number }, opts: ReportOptions = {}): void {
    const start = 'startIndex' in at ? at.startIndex : at.start;
    const end = 'endIndex' in at ? at.endIndex : at.end;
    if (!this.inScope(start) || this.suppressed(meta.code, start)) return;
    let severity: Severity = opts.severity ?? meta.severity;
    let safety = meta.safety;
    const uncertain = opts.uncertain || opts.unverified;
    if (uncertain) {
      severity = 'hint';
      if (safety === 'safe') safety = 'unsafe';
      if (opts.unverified) safety = 'manual';
    }
    if (this.options.mode === 'informational' && severity !== 'hint') severity = 'info';
    let message = opts.message ?? meta.title;
    let edits = opts.edits;
    const override = 'startIndex' in at && (edits?.length || safety !== 'manual') ? this.overrideAt(at) : null;
    if (override) {
      safety = 'manual';
      edits = undefined;
      message += ` — but \`${override.owner}\` defines its own \`${override.method}()\`, which this rewrite would bypass: migrate this call by hand`;
    }
    const finding: Finding = {
      code: meta.code,
      message,
      start,
      end,
      severity,
      safety,
      phase: meta.phase,
    };
    if (uncertain) {
      finding.unverified = true;
      finding.reason = opts.receiver ? unresolvedReason(opts.receiver) : 'receiver not resolved';
    }
    if (
      edits?.length &&
      meta.safety !== 'manual' &&
      !opts.unverified &&
      !edits.some((e) => isWithin(e.start, Math.max(e.end, e.start + 1), this.index.syntax.errorRanges))
    ) {
      finding.fix = { title: opts.fixTitle ?? meta.title, edits };
    }
    this.findings.push(finding);
  }

  /** The user class whose own DataJoint method the call at `node` reaches (a rewrite would bypass it), if any. */
  private overrideAt(node: Node): { owner: string; method: string } | null {
    let call: Node | null = node;
    let type = node.type; // call's (each `.type` crosses into WASM)
    for (let i = 0; call && type !== 'call' && i < 3; i++) {
      if (!['keyword_argument', 'argument_list', 'attribute', 'identifier'].includes(type)) return null;
      call = call.parent;
      type = call?.type ?? '';
    }
    const fn = call && type === 'call' ? call.childForFieldName('function') : null;
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute') : null;
    if (!name || !OVERRIDABLE.has(name.text) || (node !== call && node.startIndex < name.startIndex)) return null;
    return overrideFor(this.index, fn!.childForFieldName('object')!, name.text);
  }

  /**
   * `# dj-migrate: ignore` on the line where a finding starts silences every rule there; `# dj-migrate: ignore[DJ130, DJ021]`
   * only those (e.g. a virtual module that reads another team's schema, which is not copied to `_v2`).
   */
  private suppressed(code: string, offset: number): boolean {
    this.mayIgnore ??= /dj-migrate:\s*ignore/.test(this.text);
    if (!this.mayIgnore) return false;
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const lineEnd = this.text.indexOf('\n', offset);
    const line = this.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    const m = /#\s*dj-migrate:\s*ignore(?:\[([^\]]*)\])?/.exec(line);
    if (!m) return false;
    return (
      m[1] === undefined ||
      m[1]
        .split(',')
        .map((c) => c.trim())
        .includes(code)
    );
  }

  private mayIgnore: boolean | undefined;

  replace(node: Node | { startIndex: number; endIndex: number }, text: string): TextEdit {
    return { start: node.startIndex, end: node.endIndex, text };
  }

  /**
   * Code that already supports both versions (`try: new  except (ImportError, AttributeError): old`) is not flagged.
   */
  isGuarded(node: Node): boolean {
    return this.index.isGuarded(node);
  }
}

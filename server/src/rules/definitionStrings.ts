// DJ100-129 in Python files: find each table's `definition` string (triple-quoted, f-string, implicit or `+`
// concatenation), hand its content to the definition analyser, and map offsets back into the file.
// Interpolations and non-literal operands are opaque: no edit may touch them.
import type { Node } from 'web-tree-sitter';
import { unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { analyzeDefinition, definitionRules } from './definitions';
import type { TextEdit } from './meta';

interface Segment {
  vStart: number;
  vEnd: number;
  fileStart: number;
  opaque: boolean;
}

export interface DefinitionText {
  text: string;
  segments: Segment[];
}

/** The definition's text as Python would build it, with a map back to file offsets; null if not a string. */
export function definitionText(node: Node): DefinitionText | null {
  const out: DefinitionText = { text: '', segments: [] };
  const push = (text: string, fileStart: number, opaque: boolean) => {
    out.segments.push({ vStart: out.text.length, vEnd: out.text.length + text.length, fileStart, opaque });
    out.text += text;
  };
  let sawString = false;
  const visit = (n: Node): boolean => {
    n = unparen(n);
    if (n.type === 'string') {
      const prefix = n.child(0)?.text ?? '';
      if (/[bB]/.test(prefix)) return false;
      sawString = true;
      for (const c of n.namedChildren) {
        if (!c || c.type === 'string_start' || c.type === 'string_end') continue;
        push(c.text, c.startIndex, c.type === 'interpolation' || (c.type === 'escape_sequence' && !/[rR]/.test(prefix)));
      }
      return true;
    }
    if (n.type === 'concatenated_string') return n.namedChildren.every((c) => !c || visit(c));
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '+') {
      return visit(n.childForFieldName('left')!) && visit(n.childForFieldName('right')!);
    }
    push(`{${n.text.replace(/\n/g, ' ')}}`.slice(0, Math.max(2, n.text.length)), n.startIndex, true);
    return true;
  };
  if (!visit(node) || !sawString) return null;
  return out;
}

/** File offset of a virtual offset, or null inside an opaque segment. `end` picks the segment ending there. */
function toFile(d: DefinitionText, v: number, end: boolean): { offset: number; seg: Segment } | null {
  for (const s of d.segments) {
    if ((end ? v > s.vStart && v <= s.vEnd : v >= s.vStart && v < s.vEnd) || (s.vStart === s.vEnd && v === s.vStart)) {
      return { offset: s.fileStart + (v - s.vStart), seg: s };
    }
  }
  return null;
}

export const definitionRule: Rule = {
  metas: definitionRules,
  check(ctx: RuleContext) {
    for (const table of ctx.index.allTables) {
      if (!table.definition || ctx.isGuarded(table.definition)) continue;
      const d = definitionText(table.definition);
      if (!d) continue;
      const findings = analyzeDefinition(d.text, {
        unsigned: ctx.options.unsigned, phase: ctx.options.phase, tier: table.tier ?? undefined, defaultStore: ctx.options.defaultStore,
      });
      for (const f of findings) {
        const meta = definitionRules.find((m) => m.code === f.code);
        if (!meta) continue;
        const a = toFile(d, f.start, false);
        const b = toFile(d, f.end, true) ?? (f.end === f.start ? a : null);
        const range = a && b ? { start: a.offset, end: b.offset } : table.definition;
        let edits: TextEdit[] | undefined;
        if (f.replacement !== undefined && a && b && a.seg === b.seg && !a.seg.opaque) edits = [{ start: a.offset, end: b.offset, text: f.replacement }];
        ctx.report({ ...meta, safety: f.safety, severity: f.severity, phase: f.phase }, range, { message: f.message, edits, fixTitle: f.fixTitle });
      }
    }
  },
};

// DJ100-129 in Python files: find each table's `definition` string (triple-quoted, f-string, implicit or `+`
// concatenation), hand its content to the definition analyser, and map offsets back into the file.
// Interpolations and non-literal operands are opaque: no edit may touch them.
import type { Node } from 'web-tree-sitter';
import { unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { analyzeDefinition, definitionRules } from './definitions';
import type { RuleMeta, TextEdit } from './meta';

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
        push(
          c.text,
          c.startIndex,
          c.type === 'interpolation' || (c.type === 'escape_sequence' && !/[rR]/.test(prefix)),
        );
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
        unsigned: ctx.options.unsigned,
        phase: ctx.options.phase,
        tier: table.tier ?? undefined,
        defaultStore: ctx.options.defaultStore,
      });
      for (const f of findings) {
        const meta = definitionRules.find((m) => m.code === f.code);
        if (!meta) continue;
        const a = toFile(d, f.start, false);
        const b = toFile(d, f.end, true) ?? (f.end === f.start ? a : null);
        const range = a && b ? { start: a.offset, end: b.offset } : table.definition;
        let edits: TextEdit[] | undefined;
        if (f.replacement !== undefined && a && b && a.seg === b.seg && !a.seg.opaque)
          edits = [{ start: a.offset, end: b.offset, text: f.replacement }];
        ctx.report({ ...meta, safety: f.safety, severity: f.severity, phase: f.phase }, range, {
          message: f.message,
          edits,
          fixTitle: f.fixTitle,
        });
      }
    }
  },
};

export const FILEPATH_INSERT: RuleMeta = {
  code: 'DJ121',
  name: 'filepath-insert-values',
  title: 'Values inserted into `<filepath@store>` attributes become paths relative to the store',
  safety: 'manual',
  severity: 'warning',
  phase: 2,
  catalogue: ['store-filepath'],
  docs: {
    summary:
      "0.14.6 took a local absolute path under the store's `stage` and uploaded the file; 2.x takes a path relative to the store `location`, the file must already be there, and nothing is uploaded. Fetch returns an `ObjectRef` (`.download()`, `.open()`, `.full_path`) instead of a local path string. The values cannot be rewritten mechanically.",
    before:
      'raw = STORE_ROOT / "files" / "raw" / f"sub{sid}" / "rec.bin"\nRecording.insert1(dict(key, raw_file=str(raw)))',
    after:
      'rel = f"raw/sub{sid}/rec.bin"          # relative to the store location\nRecording.insert1(dict(key, raw_file=rel))',
  },
};

const FILEPATH_ATTR = /^\s*([a-z][a-z0-9_]*)\s*(?:=[^:#\n]*)?:\s*<?filepath@/gim;

export const filepathInsertRule: Rule = {
  metas: [FILEPATH_INSERT],
  check(ctx: RuleContext) {
    const byTable = new Map<string, string[]>();
    for (const t of ctx.index.allTables) {
      if (!t.definition) continue;
      const d = definitionText(t.definition);
      const attrs = d ? [...d.text.matchAll(FILEPATH_ATTR)].map((m) => m[1]) : [];
      if (attrs.length) byTable.set(t.name, attrs);
    }
    if (!byTable.size) return;
    for (const call of ctx.index.syntax.calls) {
      const fn = call.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (method !== 'insert' && method !== 'insert1') continue;
      const recv = fn!.childForFieldName('object')!;
      const table = recv.text === 'self' ? ctx.index.enclosingTable(call) : ctx.index.tableOf(recv);
      const attrs = table ? byTable.get(table.name) : undefined;
      if (!attrs) continue;
      ctx.report(FILEPATH_INSERT, call, {
        message: `${table!.name}.${method}: ${attrs.map((a) => `\`${a}\``).join(', ')} must now be given relative to the store location (2.x does not upload from \`stage\`), and fetch returns an ObjectRef`,
      });
    }
  },
};

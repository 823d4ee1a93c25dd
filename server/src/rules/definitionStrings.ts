// DJ100-129 in Python files: find each table's `definition` string (triple-quoted, f-string, implicit or `+`
// concatenation), hand its content to the definition analyser, and map offsets back into the file.
// Interpolations and non-literal operands are opaque: no edit may touch them.
import type { Node } from 'web-tree-sitter';
import { formatTemplate, unparenTyped } from '../python/syntax';
import { methodNameIn } from './fetch/calls';
import type { Rule, RuleContext } from './context';
import { analyzeDefinition, definitionRules } from './definitions';
import { DEFINITION_PLACEHOLDER, placeholdersInTypes } from './definitions/placeholders';
import type { RuleMeta, TextEdit } from './meta';
import { mapPacked } from '../mapPacked';

interface Segment {
  vStart: number;
  vEnd: number;
  fileStart: number;
  /** Where the segment's source ends in the file (a constant's text maps onto the name that stands for it). */
  fileEnd: number;
  opaque: boolean;
  /** The name of a constant imported from another file whose text this segment is. */
  importedConstant?: string;
}

export interface DefinitionText {
  text: string;
  segments: Segment[];
}

/** A module constant's value: its string node in this file, or its text from another file (null: unknown). */
export type ResolveConstant = (name: Node) => Node | string | null;

/**
 * The definition's text as Python would build it, with a map back to file offsets; null if not a string.
 * Names of module-level string constants (operands of `+`, f-string placeholders) are replaced by their text.
 */
export function definitionText(node: Node, resolve?: ResolveConstant): DefinitionText | null {
  const out: DefinitionText = { text: '', segments: [] };
  const push = (text: string, fileStart: number, fileEnd: number, opaque: boolean, importedConstant?: string) => {
    out.segments.push({
      vStart: out.text.length,
      vEnd: out.text.length + text.length,
      fileStart,
      fileEnd,
      opaque,
      importedConstant,
    });
    out.text += text;
  };
  /** String content with escape sequences inside: the text between them as written, each escape as Python reads it. */
  const pushContent = (c: Node) => {
    let at = c.startIndex;
    const text = c.text;
    for (const e of c.namedChildren) {
      if (e?.type !== 'escape_sequence') continue;
      if (e.startIndex > at) push(text.slice(at - c.startIndex, e.startIndex - c.startIndex), at, e.startIndex, false);
      push(decodeEscape(e.text), e.startIndex, e.endIndex, true);
      at = e.endIndex;
    }
    if (at < c.endIndex) push(text.slice(at - c.startIndex), at, c.endIndex, false);
  };
  let sawString = false;
  let depth = 0;
  /** Put a constant's text in place of `n`; false if `n` names no known constant. */
  const constant = (n: Node): boolean => {
    const value = resolve && depth < 8 ? resolve(n) : null;
    if (value === null) return false;
    if (typeof value === 'string') {
      push(value, n.startIndex, n.endIndex, true, n.text);
      return true;
    }
    depth++;
    const ok = visit(value);
    depth--;
    return ok;
  };
  const visit = (node: Node): boolean => {
    // Each `.type` crosses into WASM: every node's type is asked once.
    const { node: n, type } = unparenTyped(node);
    if (type === 'string') {
      const prefix = n.child(0)?.text ?? '';
      if (/[bB]/.test(prefix)) return false;
      sawString = true;
      for (const c of n.namedChildren) {
        if (!c) continue;
        const t = c.type;
        if (t === 'string_start' || t === 'string_end') continue;
        if (t === 'interpolation' && c.namedChildCount === 1 && constant(c.namedChild(0)!)) continue;
        const raw = /[rR]/.test(prefix);
        if (t === 'string_content' && !raw && c.namedChildCount) {
          pushContent(c);
          continue;
        }
        const isEscape = t === 'escape_sequence' && !raw;
        push(isEscape ? decodeEscape(c.text) : c.text, c.startIndex, c.endIndex, t === 'interpolation' || isEscape);
      }
      return true;
    }
    if (type === 'concatenated_string') return n.namedChildren.every((c) => !c || visit(c));
    const template = formatTemplate(n);
    if (template) return visit(template); // `"""…{dtype}…""".format(...)`: the braces stay placeholders
    if (type === 'binary_operator' && n.childForFieldName('operator')?.type === '+') {
      return visit(n.childForFieldName('left')!) && visit(n.childForFieldName('right')!);
    }
    if (constant(n)) return true;
    push(`{${n.text.replace(/\n/g, ' ')}}`, n.startIndex, n.endIndex, true);
    return true;
  };
  if (!visit(node) || !sawString) return null;
  return out;
}

/** Each definition's text, computed once per analysis for the two rules that read it. */
const definitionTexts = new WeakMap<RuleContext, Map<number, DefinitionText | null>>();

function definitionTextIn(ctx: RuleContext, node: Node): DefinitionText | null {
  let texts = definitionTexts.get(ctx);
  if (!texts) definitionTexts.set(ctx, (texts = new Map()));
  let d = texts.get(node.id);
  if (d === undefined) texts.set(node.id, (d = definitionText(node, (n) => ctx.index.constantValue(n))));
  return d;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** What Python makes of a simple escape sequence (`\n` is a line break in the definition); others stay as written. */
function decodeEscape(seq: string): string {
  return seq.length === 2 ? (ESCAPES[seq[1]] ?? seq) : seq;
}

/** File offset of a virtual offset, or null outside every segment. `end` picks the segment ending there. */
function toFile(d: DefinitionText, v: number, end: boolean): { offset: number; seg: Segment } | null {
  for (const s of d.segments) {
    if ((end ? v > s.vStart && v <= s.vEnd : v >= s.vStart && v < s.vEnd) || (s.vStart === s.vEnd && v === s.vStart)) {
      if (s.opaque) return { offset: end ? s.fileEnd : s.fileStart, seg: s };
      return { offset: Math.min(s.fileStart + (v - s.vStart), s.fileEnd), seg: s };
    }
  }
  return null;
}

export const definitionRule: Rule = {
  metas: [...definitionRules, DEFINITION_PLACEHOLDER],
  check(ctx: RuleContext) {
    for (const table of [...ctx.index.allTables, ...ctx.index.checkedTemplates]) {
      if (!table.definition) continue;
      // Findings land in the definition or the constants it is built from: skip it when none of those is wanted.
      const literal = table.definition.type === 'string' && !table.definition.text.includes('{');
      if (literal && !ctx.inScope(table.definition.startIndex)) continue;
      if (ctx.isGuarded(table.definition)) continue;
      const d = definitionTextIn(ctx, table.definition);
      if (!d) continue;
      const at = table.definition.startIndex;
      if (!ctx.inScope(at) && !d.segments.some((s) => ctx.inScope(s.fileStart) || ctx.inScope(s.fileEnd))) continue;
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
        const imported = a?.seg.importedConstant;
        // A mixin known by its shape alone may not be DataJoint's: its fixes wait for `--unsafe` (a review).
        const shapeOnly = ctx.index.isShapeOnly(table);
        const safety = imported ? 'manual' : shapeOnly && f.safety === 'safe' ? 'unsafe' : f.safety;
        ctx.report({ ...meta, safety, severity: f.severity, phase: f.phase }, range, {
          message: imported
            ? `${f.message} (in \`${imported}\`, imported from another file: fix it where it is declared)`
            : shapeOnly
              ? `${f.message} (\`${table.name}\` reads as a DataJoint table definition, but no DataJoint table in the files checked inherits from it${safety === 'unsafe' ? ': check the whole project, or review it and fix with --unsafe' : ''})`
              : f.message,
          edits,
          fixTitle: f.fixTitle,
        });
      }
      const unknown = placeholdersInTypes(d.text);
      if (unknown.length) {
        const a = toFile(d, unknown[0].start, false);
        const b = toFile(d, unknown[0].end, true);
        const names = [...new Set(unknown.map((u) => u.text))];
        ctx.report(DEFINITION_PLACEHOLDER, a && b ? { start: a.offset, end: b.offset } : table.definition, {
          message: `The definition of \`${table.name}\` takes ${names.map((n) => `\`${n}\``).join(', ')} from a placeholder whose value is only known at run time: check the type(s) it supplies against 2.x by hand (\`longblob\` → \`<blob>\`, \`int unsigned\` → \`int64\`, …)`,
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

const INSERTS = new Set(['insert', 'insert1']);
const FILEPATH_ATTR = /^\s*([a-z][a-z0-9_]*)\s*(?:=[^:#\n]*)?:\s*<?filepath@/gim;

export const filepathInsertRule: Rule = {
  metas: [FILEPATH_INSERT],
  check(ctx: RuleContext) {
    // Reported at the insert call: only the calls re-checked, and only their tables' definitions read.
    const byTable = new Map<string, string[]>();
    const filepathAttrs = (name: string): string[] => {
      let attrs = byTable.get(name);
      if (!attrs) {
        attrs = [];
        for (const t of ctx.index.allTables) {
          if (t.name !== name || !t.definition) continue;
          const d = definitionTextIn(ctx, t.definition);
          const found = d ? mapPacked([...d.text.matchAll(FILEPATH_ATTR)], (m) => m[1]) : [];
          if (found.length) attrs = found;
        }
        byTable.set(name, attrs);
      }
      return attrs;
    };
    for (const call of ctx.index.syntax.calls) {
      if (!ctx.inScope(call.startIndex)) continue;
      // The method's name first, answered once per call for every family (fetch, operators) that asks.
      if (!methodNameIn(ctx, call, INSERTS)) continue;
      const fn = call.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (method !== 'insert' && method !== 'insert1') continue;
      const recv = fn!.childForFieldName('object')!;
      const table = recv.text === 'self' ? ctx.index.enclosingTable(call) : ctx.index.tableOf(recv);
      const attrs = table ? filepathAttrs(table.name) : [];
      if (!attrs.length) continue;
      ctx.report(FILEPATH_INSERT, call, {
        message: `${table!.name}.${method}: ${attrs.map((a) => `\`${a}\``).join(', ')} must now be given relative to the store location (2.x does not upload from \`stage\`), and fetch returns an ObjectRef`,
      });
    }
  },
};

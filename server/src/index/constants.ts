// Module-level string constants (`HEADER = """..."""`, `COMMON = BASE + "..."`): definitions may be assembled
// from them (`definition = HEADER + """..."""`, `f"""{COMMON}..."""`), so their text is part of the definition.
import type { Node } from 'web-tree-sitter';
import type { SyntaxNodes } from '../python/syntax';
import { unparen } from '../python/syntax';

interface Scoped {
  syntax: SyntaxNodes;
  scopeOf(node: Node): Node | null;
  classOf(node: Node): Node | null;
}

const STRINGISH = new Set(['string', 'concatenated_string', 'binary_operator']);

/** Names assigned exactly once at module level, to a string expression (a literal, or a `+` of operands). */
export function stringConstants(file: Scoped): Map<string, Node> {
  const seen = new Map<string, Node | null>();
  for (const a of file.syntax.assignments) {
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    if (file.scopeOf(a) || file.classOf(a)) {
      // `global NAME` assignments in functions make the module-level value unknowable
      if (seen.has(left.text) && declaresGlobal(file.scopeOf(a), left.text)) seen.set(left.text, null);
      continue;
    }
    const right = a.childForFieldName('right');
    const value = right ? unparen(right) : null;
    const ok =
      value &&
      STRINGISH.has(value.type) &&
      (value.type !== 'binary_operator' || value.childForFieldName('operator')?.type === '+') &&
      !/^[a-zA-Z]*[bB]/.test(value.text);
    seen.set(left.text, seen.has(left.text) || !ok ? null : value);
  }
  const out = new Map<string, Node>();
  for (const [k, v] of seen) if (v) out.set(k, v);
  return out;
}

function declaresGlobal(fn: Node | null, name: string): boolean {
  const body = fn?.childForFieldName('body');
  return !!body?.namedChildren.some(
    (s) => s?.type === 'global_statement' && s.namedChildren.some((n) => n?.text === name),
  );
}

// Module-level string constants (`HEADER = """..."""`, `COMMON = BASE + "..."`): definitions may be assembled
// from them (`definition = HEADER + """..."""`, `f"""{COMMON}..."""`), so their text is part of the definition.
import type { Node } from 'web-tree-sitter';
import { formatTemplate, unparen } from '../python/syntax';
import { declaredIn } from './classRefs';
import type { AssignmentParts } from './assignmentParts';
import type { Imports } from './imports';
import type { WorkspaceIndex } from './workspace';

interface Scoped {
  assignmentParts(): AssignmentParts[];
  scopeOf(node: Node): Node | null;
  classOf(node: Node, type?: string): Node | null;
}

const STRINGISH = new Set(['string', 'concatenated_string', 'binary_operator']);

/** Names assigned exactly once at module level, to a string expression (a literal, or a `+` of operands). */
export function stringConstants(file: Scoped): Map<string, Node> {
  const seen = new Map<string, Node | null>();
  for (const { node: a, name, right } of file.assignmentParts()) {
    if (name === null) continue;
    if (file.scopeOf(a) || file.classOf(a, 'assignment')) {
      // `global NAME` assignments in functions make the module-level value unknowable
      if (seen.has(name) && declaresGlobal(file.scopeOf(a), name)) seen.set(name, null);
      continue;
    }
    const value = right ? unparen(right) : null;
    const ok =
      value &&
      STRINGISH.has(value.type) &&
      (value.type !== 'binary_operator' || value.childForFieldName('operator')?.type === '+') &&
      !/^[a-zA-Z]*[bB]/.test(value.text);
    seen.set(name, seen.has(name) || !ok ? null : value);
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

/**
 * The value of the constant `expr` names: a module-level string of this file, a string assigned once in the
 * enclosing function (`scoped`), or the text another file exports.
 */
export function constantValue(
  local: Map<string, Node>,
  imports: Imports,
  ws: WorkspaceIndex | null,
  from: string,
  expr: Node,
  scoped?: (name: Node) => Node | null,
): Node | string | null {
  const n = unparen(expr);
  if (n.type !== 'identifier') return null;
  const here = local.get(n.text);
  if (here) return here;
  const inScope = scoped?.(n);
  if (inScope) return inScope;
  const imp = imports.other.find((i) => i.local === n.text && i.name !== null);
  if (!imp || !ws) return null;
  for (const m of ws.resolve(from, imp.module))
    for (const hit of declaredIn(ws, m, imp.name!)) {
      const text = hit.module.constants?.get(hit.name);
      if (text !== undefined) return text;
    }
  return null;
}

/**
 * The string a name is assigned once in its function (`base = """…"""; return base + …`, or
 * `definition = """…""".format(...); return definition`), or null.
 */
export function functionString(
  file: { scopeOf(node: Node): Node | null; assignedValues(name: Node): Node[] },
  name: Node,
): Node | null {
  const fn = file.scopeOf(name);
  if (!fn) return null;
  const values = file.assignedValues(name);
  const v = values.length === 1 ? unparen(values[0]) : null;
  if (!v || !(STRINGISH.has(v.type) || formatTemplate(v)) || /^[a-zA-Z]*[bB]/.test(v.text)) return null;
  return new RegExp(`\\b${name.text}\\s*\\+=`).test(fn.text) ? null : v;
}

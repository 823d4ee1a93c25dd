// What a class body declares that DataJoint reads: its `definition` (a class attribute, or a method or
// `@property` returning the string — template base classes), Lookup `contents`, and which DataJoint methods
// the class defines itself (overrides a rewrite must not bypass). Plain data per class, cheap to cache.
import type { Node } from 'web-tree-sitter';

/** DataJoint table methods a user class may override; a rewrite of a call to one of them would bypass the override. */
export const OVERRIDABLE = new Set([
  'fetch',
  'fetch1',
  'head',
  'tail',
  'insert',
  'insert1',
  'delete',
  'delete_quick',
  'delete_with_checks',
  'drop',
  'drop_quick',
  'populate',
  'make',
  'update1',
  '_update',
  'proj',
  'aggr',
  'restrict',
  'join',
  'describe',
]);

export interface ClassBody {
  /** The string expression DataJoint reads as the definition: `definition = …`, or what `def definition` returns. */
  definition: Node | null;
  /** The value of `contents = …` (Lookup). */
  contents: Node | null;
  /** OVERRIDABLE methods this class body defines. */
  overrides: string[];
  /** The names the body binds directly, in order: each method's name and each plain-name assignment's target. */
  members: Node[];
}

export function readClassBody(cls: Node): ClassBody {
  const out: ClassBody = { definition: null, contents: null, overrides: [], members: [] };
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    if (!stmt) continue;
    const type = stmt.type;
    if (type === 'expression_statement') {
      const a = stmt.namedChild(0);
      if (a?.type !== 'assignment') continue;
      const left = a.childForFieldName('left');
      const l = left?.text;
      if (l === 'definition') out.definition = a.childForFieldName('right');
      if (l === 'contents') out.contents = a.childForFieldName('right');
      if (left?.type === 'identifier') out.members.push(left);
      continue;
    }
    const fn = type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (fn?.type !== 'function_definition') continue;
    const nameNode = fn.childForFieldName('name');
    if (nameNode) out.members.push(nameNode);
    const name = nameNode?.text ?? '';
    if (name === 'definition') out.definition = returnedValue(fn);
    else if (OVERRIDABLE.has(name)) out.overrides.push(name);
  }
  return out;
}

/** The expression of the only `return` statement directly in a function body (null if none or several). */
function returnedValue(fn: Node): Node | null {
  const returns = (fn.childForFieldName('body')?.namedChildren ?? []).filter((s) => s?.type === 'return_statement');
  if (returns.length !== 1) return null;
  return returns[0]!.namedChild(0);
}

/** A foreign key, a divider or an attribute of a DataJoint type: a non-table class's `definition` is a template. */
const DEFINITION_LIKE =
  /->|---|^\s*[a-z_]\w*\s*(?:=[^:\n]*)?:\s*(?:<|(?:tiny|small|medium|big)?int|float|double|decimal|numeric|(?:var)?char|enum|date|time|year|(?:tiny|medium|long)?blob|attach|filepath|bool|json|uuid|\{)/im;

export function looksLikeDefinition(source: string): boolean {
  return DEFINITION_LIKE.test(source);
}

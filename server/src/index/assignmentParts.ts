// An assignment's plain-name target and its value, read from the tree once per file: the variable kinds, the
// string constants and the schema variables of a FileIndex all go over every assignment (each field read crosses
// into WASM).
import type { Node } from 'web-tree-sitter';
import { mapPacked } from '../mapPacked';

export interface AssignmentParts {
  node: Node;
  /** The target's text when it is a plain name (`x = …`, `x: T = …`), else null. */
  name: string | null;
  /** The value, read only for a plain-name target (null otherwise). */
  right: Node | null;
}

/**
 * A plain-name target, read from the text: in a tree without errors the target starts where the assignment does,
 * and a name followed by `=` or `:` (spaces and line continuations between) is the whole target. Tree-sitter's
 * identifiers are maximal runs of these characters, so the name is the identifier's text.
 */
const NAME_TARGET = /[_\p{XID_Start}][_\p{XID_Continue}]*(?=(?:[ \t\f]|\\\r?\n|\\\r)*[=:])/uy;

/**
 * `source`: the root node's text and where it starts, when the tree has no error (the targets are then read from
 * it, without node accesses).
 */
export function readAssignmentParts(assignments: Node[], source?: { text: string; base: number }): AssignmentParts[] {
  if (source === undefined)
    return mapPacked(assignments, (node) => {
      const left = node.childForFieldName('left');
      return left?.type === 'identifier'
        ? { node, name: left.text, right: node.childForFieldName('right') }
        : { node, name: null, right: null };
    });
  return mapPacked(assignments, (node) => {
    NAME_TARGET.lastIndex = node.startIndex - source.base;
    const m = NAME_TARGET.exec(source.text);
    return m ? { node, name: m[0], right: node.childForFieldName('right') } : { node, name: null, right: null };
  });
}

interface Scoped {
  assignmentParts(): AssignmentParts[];
  scopeOf(node: Node): Node | null;
  classOf(node: Node, type?: string): Node | null;
  qualified(node: Node): string | null;
  schemaVars: Set<string>;
  vmodules: Set<string>;
}

/** Module-level `name = dj.Schema(…)` and `name = dj.VirtualModule(…)` (and their aliases): schema and module variables. */
export function findSchemasAndModules(file: Scoped): void {
  for (const { node: a, name, right } of file.assignmentParts()) {
    if (name === null || !right || file.scopeOf(a) || file.classOf(a, 'assignment') || right.type !== 'call') continue;
    const q = file.qualified(right.childForFieldName('function')!);
    if (!q) continue;
    const member = q.slice(q.lastIndexOf('.') + 1);
    if (member === 'Schema' || member === 'schema') file.schemaVars.add(name);
    if (member === 'VirtualModule' || member === 'create_virtual_module' || member === 'virtual_schema')
      file.vmodules.add(name);
  }
}

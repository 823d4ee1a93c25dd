// Mixins in files that do not import datajoint (sinzlab/mei `mixins.py`: `class MEIMethodMixin: definition = """…"""`,
// used as `class MEIMethod(mixins.MEIMethodMixin, dj.Lookup)` in another module). Such a class is a candidate only
// when its `definition` reads as a table definition line by line; a DataJoint table in the project inheriting from it
// confirms it.
import type { Node } from 'web-tree-sitter';
import { readDefinition } from '../rules/definitions/lines';
import { stringValue, unparen } from '../python/syntax';
import { lookup, tierThroughBases } from './classRefs';
import type { TableClass } from './tableClass';
import type { WorkspaceIndex } from './workspace';

const ATTRIBUTE_NAME = /^[a-z_][a-z0-9_]*$/;
const DATAJOINT_TYPE =
  /^(?:<[\w@.-]+>|(?:tiny|small|medium|big)?int(?:eger)?\b|u?int(?:8|16|32|64)\b|float(?:32|64)?\b|double\b|real\b|decimal\b|numeric\b|(?:var)?char\b|enum\b|date(?:time)?\b|time(?:stamp)?\b|year\b|(?:tiny|medium|long)?blob\b|(?:tiny|medium|long)?text\b|attach\b|filepath\b|bool(?:ean)?\b|json\b|uuid\b|bytes\b)/i;

/**
 * A plain string literal that declare.py would read as a table definition, strictly: several lines, each a comment,
 * divider, foreign key, index or `name : type` of a DataJoint type, with at least one attribute and a divider or a
 * foreign key (`definition = "a word's meaning"` is not one).
 */
export function isTableDefinition(value: Node): boolean {
  const text = stringValue(unparen(value));
  if (text === null || !text.includes('\n')) return false;
  let attributes = 0;
  let structure = false;
  for (const line of readDefinition(text)) {
    if (line.kind === 'unparsed') return false;
    if (line.kind === 'divider' || line.kind === 'foreignKey') structure = true;
    if (line.kind !== 'attribute') continue;
    if (!ATTRIBUTE_NAME.test(line.attr.name.text) || !DATAJOINT_TYPE.test(line.attr.type.text)) return false;
    attributes++;
  }
  return attributes > 0 && structure;
}

/** Some DataJoint table class of the workspace lists the class `name` of the file `path` among its bases. */
export function inheritedByTable(ws: WorkspaceIndex, path: string, name: string): boolean {
  for (const m of ws.files()) {
    for (const [user, cls] of m.classes ?? []) {
      const inherits = cls.bases.some(
        (b) => b.kind !== 'dj' && b.name === name && lookup(ws, m.path, b).some((h) => h.module.path === path),
      );
      if (inherits && (m.tables.has(user) || tierThroughBases(ws, m, user) !== undefined)) return true;
    }
  }
  return false;
}

/**
 * 'inherited': the file is DataJoint code otherwise, or a DataJoint table of the workspace inherits from one of its
 * mixins (all are then taken as in a file that imports datajoint); 'shape': some definitions read as table
 * definitions line by line (only those are checked, as shape-only); null: nothing to check.
 */
export type MixinEvidence = 'inherited' | 'shape' | null;

export interface MixinVerdict {
  evidence: MixinEvidence;
  /** The templates to check: without the shape-only mixins failing the strict test, when that is the evidence. */
  checked: TableClass[];
}

export function judgeMixins(
  templates: TableClass[],
  dataJoint: boolean,
  ws: WorkspaceIndex | null,
  path: string,
): MixinVerdict {
  const mixins = templates.filter((t) => t.shapeOnly);
  if (!mixins.length) return { evidence: null, checked: templates };
  if (dataJoint || (ws && mixins.some((t) => inheritedByTable(ws, path, t.name))))
    return { evidence: 'inherited', checked: templates };
  const checked = templates.filter((t) => !t.shapeOnly || isTableDefinition(t.definition!));
  return { evidence: checked.some((t) => t.shapeOnly) ? 'shape' : null, checked };
}

// Whether a class is a DataJoint table, and of which tier: by its bases (a tier, a table) and its `@schema` decorator.
import type { Node } from 'web-tree-sitter';
import { TIERS } from './classRefs';
import type { FileIndex } from './fileIndex';
import type { Tier } from './workspace';

/** The tier of a class if it is a DataJoint table (undefined if not; null if a table of unknown tier). */
export function tableTier(file: FileIndex, cls: Node): Tier | null | undefined {
  let isTable = false;
  let tier: Tier | null = null;
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!base || base.type === 'keyword_argument') continue;
    const q = file.qualified(base);
    const member = q?.slice(q.lastIndexOf('.') + 1);
    if (q && member && TIERS[member]) {
      isTable = true;
      tier = TIERS[member];
      continue;
    }
    const parent = file.kindOf(base) === 'table' ? file.tableOf(base) : null;
    if (parent) {
      isTable = true;
      tier ??= parent.tier;
    } else if (file.kindOf(base) === 'table') isTable = true;
  }
  const decorated = cls.parent?.type === 'decorated_definition' ? cls.parent : null;
  for (const d of decorated?.namedChildren ?? []) {
    if (d?.type !== 'decorator') continue;
    const expr = d.namedChild(0);
    if (expr && (file.kindOf(expr) === 'schema' || (expr.type === 'identifier' && file.schemaVars.has(expr.text))))
      isTable = true;
  }
  return isTable ? tier : undefined;
}

// DJ030: table-class members that shadow the new 2.x table methods.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../context';
import { NEW_NAME_SHADOW } from './meta';
import { NEW_TABLE_METHODS } from './calls';

export function checkShadowing(ctx: RuleContext): void {
  const names = new Set(NEW_TABLE_METHODS);
  for (const table of ctx.index.allTables) {
    if (table.node && !ctx.inScope(table.node.startIndex)) continue;
    for (const stmt of table.node?.childForFieldName('body')?.namedChildren ?? []) {
      if (!stmt) continue;
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      let nameNode: Node | null = null;
      if (def?.type === 'function_definition') nameNode = def.childForFieldName('name');
      else if (def?.type === 'expression_statement' && def.namedChild(0)?.type === 'assignment') {
        const left = def.namedChild(0)!.childForFieldName('left');
        if (left?.type === 'identifier') nameNode = left;
      }
      if (nameNode && names.has(nameNode.text) && !ctx.isGuarded(nameNode)) {
        ctx.report(NEW_NAME_SHADOW, nameNode, {
          message: `\`${table.name}.${nameNode.text}\` shadows the DataJoint 2.x method \`${nameNode.text}()\` (DataJoint calls it too); rename it`,
        });
      }
    }
  }
}

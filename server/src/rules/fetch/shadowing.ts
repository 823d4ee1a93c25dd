// DJ030: table-class members that shadow the new 2.x table methods.
import type { RuleContext } from '../context';
import { NEW_NAME_SHADOW } from './meta';
import { NEW_TABLE_METHODS } from './calls';

export function checkShadowing(ctx: RuleContext): void {
  const names = new Set(NEW_TABLE_METHODS);
  for (const table of ctx.index.allTables) {
    if (!table.node || !ctx.inScope(table.node.startIndex)) continue;
    // The body's statements as the index read them once (each node read crosses into WASM).
    for (const nameNode of ctx.index.classBody(table.node).members) {
      if (names.has(nameNode.text) && !ctx.isGuarded(nameNode)) {
        ctx.report(NEW_NAME_SHADOW, nameNode, {
          message: `\`${table.name}.${nameNode.text}\` shadows the DataJoint 2.x method \`${nameNode.text}()\` (DataJoint calls it too); rename it`,
        });
      }
    }
  }
}

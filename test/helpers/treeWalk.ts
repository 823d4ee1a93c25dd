// The reference walk of the syntax tests: every node of a tree visited from JavaScript with a cursor, in document
// order, which the engine's query-based and shortcut lookups are checked against.
import type { Tree, TreeCursor } from 'web-tree-sitter';

export function walkEveryNode(tree: Tree, visit: (cursor: TreeCursor) => void): void {
  const cursor = tree.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      visit(cursor);
      if (cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descend = false;
  }
  cursor.delete();
}

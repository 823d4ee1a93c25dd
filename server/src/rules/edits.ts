// Small edit builders shared by rule families.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from './context';
import type { TextEdit } from './meta';

/** An edit adding `import <module>` after the file's top-level imports, or none if it is already imported. */
export function ensureImport(ctx: RuleContext, module: string): TextEdit[] {
  const root = ctx.index.tree.rootNode;
  let insertAt = 0;
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    if (stmt.type === 'import_statement' && stmt.namedChildren.some((c) => c?.text === module)) return [];
    if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
      insertAt = stmt.endIndex;
    } else if (insertAt === 0 && stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'string') {
      insertAt = stmt.endIndex; // module docstring
    } else if (stmt.type !== 'comment') break;
  }
  if (insertAt === 0) return [{ start: 0, end: 0, text: `import ${module}\n` }];
  return [{ start: insertAt, end: insertAt, text: `\nimport ${module}` }];
}

/** The keyword_argument nodes of a call, by name. */
export function keywordArgs(call: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument') map.set(a.childForFieldName('name')?.text ?? '', a);
  }
  return map;
}

/** Positional argument nodes of a call (no keywords, no *args/**kwargs). */
export function positionalArgs(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment',
  );
}

/** Edits removing one argument together with its separating comma. */
export function removeArgument(arg: Node): TextEdit {
  const list = arg.parent!;
  const args = list.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
  const i = args.findIndex((a) => a.id === arg.id);
  if (args.length === 1) return { start: arg.startIndex, end: arg.endIndex, text: '' };
  if (i < args.length - 1) return { start: arg.startIndex, end: args[i + 1].startIndex, text: '' };
  return { start: args[i - 1].endIndex, end: arg.endIndex, text: '' };
}

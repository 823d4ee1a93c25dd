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
    if (
      stmt.type === 'import_statement' ||
      stmt.type === 'import_from_statement' ||
      stmt.type === 'future_import_statement'
    ) {
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

/**
 * Edits that remove some arguments of a call and append new ones (`add`, e.g. 'include_key=True') after `after`
 * (default: the last argument kept). Every other byte of the argument list stays as it was; separating commas go
 * with the removed arguments and a trailing comma survives. Null when the call has no plain argument list.
 */
export function editArguments(call: Node, remove: Node[], add: string[] = [], after?: Node): TextEdit[] | null {
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return null;
  const all = list.namedChildren.filter((x): x is Node => !!x);
  const items = all.filter((x) => x.type !== 'comment');
  const comments = all.filter((x) => x.type === 'comment');
  const gone = new Set(remove.map((n) => n.id));
  const kept = items.filter((a) => !gone.has(a.id));
  const added = add.join(', ');
  if (!kept.length) {
    if (!items.length) return added ? [{ start: list.startIndex + 1, end: list.startIndex + 1, text: added }] : [];
    if (comments.length) return null;
    // Everything between the parentheses goes, including a trailing comma and the line breaks.
    return [{ start: list.startIndex + 1, end: list.endIndex - 1, text: added }];
  }
  const edits: TextEdit[] = [];
  for (let i = 0; i < items.length; ) {
    if (!gone.has(items[i].id)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < items.length && gone.has(items[j + 1].id)) j++;
    if (j + 1 < items.length) {
      // Stop before a comment that follows the removed run, so it stays where it was.
      const next = comments.find((c) => c.startIndex >= items[j].endIndex && c.startIndex < items[j + 1].startIndex);
      edits.push({ start: items[i].startIndex, end: next ? next.startIndex : items[j + 1].startIndex, text: '' });
    } else edits.push({ start: items[i - 1].endIndex, end: items[j].endIndex, text: '' });
    i = j + 1;
  }
  // Never delete a comment.
  if (edits.some((e) => comments.some((c) => c.startIndex >= e.start && c.startIndex < e.end))) return null;
  if (added) {
    const anchor = after && !gone.has(after.id) ? after : kept[kept.length - 1];
    const at = anchor.endIndex;
    // One argument a line (the last one on its own line, nothing after it on that line but a comma): a line of its own.
    // Read within the argument list (offsets from its start): its first line holds the `(`, never only indentation.
    const text = list.text;
    const from = anchor.startIndex - list.startIndex;
    const to = at - list.startIndex;
    const indent = text.slice(text.lastIndexOf('\n', from - 1) + 1, from);
    const lineEnd = text.indexOf('\n', to);
    const ownLine =
      anchor.id === kept[kept.length - 1].id &&
      /^[ \t]+$/.test(indent) &&
      lineEnd >= 0 &&
      /^,?[ \t]*$/.test(text.slice(to, lineEnd));
    const insert = ownLine ? `,\n${indent}${add.join(`,\n${indent}`)}` : `, ${added}`;
    const same = edits.find((e) => e.start === at);
    if (same) same.text = `${insert}${same.text}`;
    else edits.push({ start: at, end: at, text: insert });
  }
  return edits.sort((a, b) => a.start - b.start);
}

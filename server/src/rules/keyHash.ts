// DJ005's replacement of the removed `key_hash`: the identical MD5 digest inlined with hashlib, for `dj.key_hash(k)`
// and for a name imported with `from datajoint.hash import key_hash` (or `from datajoint import key_hash`).
import type { Node } from 'web-tree-sitter';
import type { ImportedName } from '../index/imports';
import type { RuleContext } from './context';
import { ensureImport, keywordArgs, positionalArgs } from './edits';
import type { TextEdit } from './meta';

/** The digest `key_hash(arg)` computed in 0.14.6, written with hashlib; null unless `call` has one plain argument. */
export function inlineKeyHash(ctx: RuleContext, call: Node): TextEdit | null {
  const args = positionalArgs(call);
  if (args.length !== 1 || keywordArgs(call).size !== 0 || args[0].type === 'list_splat') return null;
  const arg = args[0].text;
  const simple = /^[A-Za-z_][\w.]*$/.test(arg) ? arg : `(${arg})`;
  return ctx.replace(call, `hashlib.md5("".join(str(v) for _, v in sorted(${simple}.items())).encode()).hexdigest()`);
}

/**
 * Edits replacing every call of an imported `key_hash` and dropping the import (which becomes `import hashlib` when the
 * file does not import it yet). Null when the name is used other than as `key_hash(one_argument)` or rebound.
 */
export function keyHashImportFix(ctx: RuleContext, imp: ImportedName): TextEdit[] | null {
  ctx.readsEveryUse(imp.local);
  const edits: TextEdit[] = [];
  for (const id of ctx.index.tree.rootNode.descendantsOfType('identifier')) {
    if (!id || id.text !== imp.local || within(id, imp.statement)) continue;
    const parent = id.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) continue; // x.key_hash
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) continue; // f(key_hash=)
    const call = parent?.type === 'call' && parent.childForFieldName('function')?.id === id.id ? parent : null;
    const edit = call ? inlineKeyHash(ctx, call) : null;
    if (!edit || edits.some((e) => e.start < edit.end && edit.start < e.end)) return null; // nested calls: no fix
    edits.push(edit);
  }
  const stmt = imp.statement;
  const names = stmt.childrenForFieldName('name').filter((n): n is Node => !!n);
  const hashlib = ensureImport(ctx, 'hashlib');
  if (names.length === 1) {
    if (hashlib.length) edits.push(ctx.replace(stmt, 'import hashlib'));
    else {
      const lineStart = ctx.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
      const onItsLine = /^[ \t]*$/.test(ctx.text.slice(lineStart, stmt.startIndex)) && ctx.text[stmt.endIndex] === '\n';
      if (!onItsLine || stmt.parent?.type !== 'module') return null; // deleting it could leave an empty block
      edits.push({ start: lineStart, end: stmt.endIndex + 1, text: '' });
    }
    return edits;
  }
  const i = names.findIndex((n) => n.id === imp.node.id);
  if (i < 0 || stmt.descendantsOfType('comment').length) return null;
  edits.push(
    i + 1 < names.length
      ? { start: names[i].startIndex, end: names[i + 1].startIndex, text: '' }
      : { start: names[i - 1].endIndex, end: names[i].endIndex, text: '' },
  );
  return [...edits, ...hashlib];
}

function within(node: Node, outer: Node): boolean {
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

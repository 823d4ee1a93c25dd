// DJ060-068: `_update`, delete/drop keywords, `spawn_missing_classes` and removed schema/table attributes.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { provenNonDataJoint } from '../receivers';
import { keywordArgs, positionalArgs } from '../edits';
import type { TextEdit } from '../meta';
import {
  DELETE_FORCE_MASTERS,
  DELETE_FORCE_PARTS,
  DELETE_SAFEMODE,
  PART_FORCE,
  SCHEMA_DROP_FORCE,
  SCHEMA_REMOVED,
  SPAWN_MISSING,
  TABLE_REMOVED,
  UPDATE_UNDERSCORE,
} from './meta';
import {
  argumentValue,
  boolLiteral,
  isPart,
  isSchemaValue,
  isTableOrQuery,
  membersNamed,
  renameKeyword,
  resolveTable,
} from './nodes';
import { asManual } from './inserts';
import { guessedSchemaNote, schemaReceiver } from './moduleSchema';

// ---------------------------------------------------------------------------------------------
// Methods

export function checkUpdate(ctx: RuleContext, call: Node, mc: { receiver: Node; attr: Node }): void {
  if (ctx.isGuarded(call)) return;
  if (!isTableOrQuery(ctx, mc.receiver)) {
    if (ctx.index.kindOf(mc.receiver) === 'unknown' && !provenNonDataJoint(ctx, mc.receiver))
      ctx.report(asManual(UPDATE_UNDERSCORE), mc.attr, {
        unverified: true,
        receiver: mc.receiver,
        message:
          '`_update` does not exist in DataJoint 2.x (removed in 0.14.0): if this is a DataJoint table, use `T.update1({**key, "attr": value})` with the full primary key',
      });
    return;
  }
  const args = positionalArgs(call);
  const recv = unparen(mc.receiver);
  const restricted = recv.type === 'binary_operator' && recv.childForFieldName('operator')?.type === '&';
  const table = restricted ? unparen(recv.childForFieldName('left')!) : null;
  const key = restricted ? unparen(recv.childForFieldName('right')!) : null;
  const name = args[0] ? stringValue(args[0]) : null;
  const simpleTable =
    table && (table.type === 'identifier' || table.type === 'attribute') && ctx.index.kindOf(table) === 'table';
  const simpleKey = key && ['identifier', 'attribute', 'subscript', 'dictionary', 'call'].includes(key.type);
  if (
    !simpleTable ||
    !simpleKey ||
    name === null ||
    args.length !== 2 ||
    keywordArgs(call).size ||
    call.descendantsOfType('comment').length
  ) {
    const why =
      args.length === 1 ? ' `_update("a")` without a value meant NULL; `update1` with None resets to the default.' : '';
    ctx.report(asManual(UPDATE_UNDERSCORE), mc.attr, {
      message: `\`_update\` does not exist in DataJoint (removed in 0.14.0): use \`T.update1({**key, "attr": value})\` with the full primary key.${why}`,
    });
    return;
  }
  const keyText =
    key!.type === 'dictionary' ? key!.text.replace(/^\{\s*/, '').replace(/,?\s*\}$/, '') : `**${key!.text}`;
  const text = `${table!.text}.update1({${keyText ? `${keyText}, ` : ''}${args[0].text}: ${args[1].text}})`;
  ctx.report(UPDATE_UNDERSCORE, mc.attr, {
    edits: [ctx.replace(call, text)],
    fixTitle: `Use \`${table!.text}.update1(...)\` (the key must hold the full primary key)`,
    message: `\`_update\` does not exist in DataJoint; use \`${table!.text}.update1({...})\` — \`${key!.text}\` must hold the full primary key of \`${table!.text}\``,
  });
}

export function checkDelete(ctx: RuleContext, call: Node, mc: { receiver: Node; method: string; attr: Node }): void {
  const kw = keywordArgs(call);
  const known = isTableOrQuery(ctx, mc.receiver);
  const part = known && isPart(ctx, mc.receiver);
  if (part) {
    checkPartForce(ctx, call, mc);
    return;
  }
  if (!kw.has('safemode') && !kw.has('force_parts') && !kw.has('force_masters')) return;
  if (ctx.isGuarded(call)) return;
  const uncertain = !known;
  const safemode = kw.get('safemode');
  if (safemode)
    ctx.report(DELETE_SAFEMODE, safemode, {
      uncertain,
      receiver: mc.receiver,
      edits: [renameKeyword(safemode, 'prompt')],
      fixTitle: 'Rename `safemode=` to `prompt=`',
    });
  const fp = kw.get('force_parts');
  const fm = kw.get('force_masters');
  if (!fp && !fm) return;
  const fmValue = fm ? boolLiteral(argumentValue(fm)) : false;
  if (positionalArgs(call).length > 2) {
    ctx.report(asManual(DELETE_FORCE_PARTS), call, {
      message: 'Positional `force_parts`/`force_masters` are `part_integrity` in DataJoint 2.x: name the argument',
    });
    return;
  }
  if (fm && fmValue !== false) {
    if (fmValue === null) {
      ctx.report(asManual(DELETE_FORCE_MASTERS), fm, {
        message:
          '`force_masters=` was removed: use `part_integrity="cascade"` where it was true (also deletes the masters of part rows reached)',
      });
      return;
    }
    const edits = [ctx.replace(fm, 'part_integrity="cascade"'), ...removeArguments(fp ? [fp] : [])];
    ctx.report(DELETE_FORCE_MASTERS, fm, {
      uncertain,
      receiver: mc.receiver,
      edits,
      fixTitle: 'Use `part_integrity="cascade"` (review: also deletes masters)',
    });
    return;
  }
  const fpValue = fp ? boolLiteral(argumentValue(fp)) : null;
  const removed = [fm, fp && fpValue === false ? fp : undefined].filter((x): x is Node => !!x);
  const edits = removeArguments(removed);
  if (fp && fpValue !== false)
    edits.push(
      ctx.replace(
        fp,
        fpValue === true
          ? 'part_integrity="ignore"'
          : `part_integrity="ignore" if ${argumentValue(fp).text} else "enforce"`,
      ),
    );
  ctx.report(DELETE_FORCE_PARTS, fp ?? fm!, {
    uncertain,
    receiver: mc.receiver,
    edits,
    fixTitle: fp ? 'Use `part_integrity=` instead of `force_parts=`' : 'Remove `force_masters=False` (the default)',
  });
}

/**
 * Edits removing arguments of one call with their commas, as non-overlapping ranges. Comments that belong
 * to kept arguments stay; when no argument is left, a trailing comma goes too (`f(\n    a=1,\n)` → `f(\n)`).
 */
export function removeArguments(removed: Node[]): TextEdit[] {
  if (!removed.length) return [];
  const list = removed[0].parent!;
  const children = list.namedChildren.filter((x): x is Node => !!x);
  const all = children.filter((x) => x.type !== 'comment');
  const comments = children.filter((x) => x.type === 'comment');
  const gone = new Set(removed.map((r) => r.id));
  const edits: TextEdit[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!gone.has(all[i].id)) continue;
    let j = i;
    while (j + 1 < all.length && gone.has(all[j + 1].id)) j++;
    const keptBefore =
      i > 0 && !comments.some((c) => c.startIndex >= all[i - 1].endIndex && c.endIndex <= all[i].startIndex);
    if (j + 1 < all.length) edits.push({ start: all[i].startIndex, end: all[j + 1].startIndex, text: '' });
    else if (keptBefore) edits.push({ start: all[i - 1].endIndex, end: all[j].endIndex, text: '' });
    else {
      // The first arguments, or trailing ones after a commented line: remove them with their own comma only.
      const next = all[j].nextSibling;
      let start = all[i].startIndex;
      const end = next?.type === ',' ? next.endIndex : all[j].endIndex;
      // Arguments alone on their lines: take the lines with them.
      const before = list.text.slice(0, start - list.startIndex);
      const after = list.text.slice(end - list.startIndex);
      const lineStart = before.lastIndexOf('\n');
      if (lineStart >= 0 && !before.slice(lineStart + 1).trim() && /^[ \t]*\n/.test(after))
        start = list.startIndex + lineStart;
      edits.push({ start, end, text: '' });
    }
    i = j;
  }
  return edits;
}

/** `Part.delete(force=...)` / `Part.drop(force=...)`. */
export function checkPartForce(ctx: RuleContext, call: Node, mc: { receiver: Node; method: string; attr: Node }): void {
  const kw = keywordArgs(call);
  const args = positionalArgs(call);
  const force = kw.get('force') ?? (args.length === 1 && kw.size === 0 ? args[0] : undefined);
  if (!force || ctx.isGuarded(call)) return;
  if (force.type !== 'keyword_argument' && boolLiteral(force) === null) return; // a positional part_integrity value already
  const v = boolLiteral(argumentValue(force));
  const edit =
    v === true
      ? ctx.replace(force, 'part_integrity="ignore"')
      : v === false
        ? removeArguments([force])[0]
        : ctx.replace(force, `part_integrity="ignore" if ${argumentValue(force).text} else "enforce"`);
  const positional =
    force.type !== 'keyword_argument' ? ` (a positional \`${force.text}\` would be read as \`part_integrity\`)` : '';
  ctx.report(PART_FORCE, force, {
    edits: [edit],
    fixTitle: v === false ? 'Remove `force=False` (the default)' : 'Use `part_integrity="ignore"`',
    message: `\`Part.${mc.method}(force=...)\` is \`part_integrity="ignore"\` in DataJoint 2.x${positional}`,
  });
}

export function checkSchemaDrop(ctx: RuleContext, call: Node, mc: { receiver: Node; attr: Node }): void {
  const kw = keywordArgs(call);
  const args = positionalArgs(call);
  const how = schemaReceiver(ctx, mc.receiver);
  const schema = how === 'schema';
  const force = kw.get('force') ?? (schema && args.length === 1 ? args[0] : undefined);
  if (!force || ctx.isGuarded(call)) return;
  // Part tables are handled with delete; Table.drop() had no `force`; `x.drop(force=True)` on an unknown x is not DataJoint
  // enough, on an unresolved module's `m.schema` a hint.
  if (!how) return;
  const v = boolLiteral(argumentValue(force));
  const positional = force.type !== 'keyword_argument';
  const edit =
    v === true
      ? ctx.replace(force, 'prompt=False')
      : v === false
        ? removeArguments([force])[0]
        : ctx.replace(force, `prompt=False if ${argumentValue(force).text} else None`);
  const message = positional
    ? `\`schema.drop(${force.text})\`: 2.x reads a positional argument as \`prompt\`, the opposite of \`force\``
    : SCHEMA_DROP_FORCE.title;
  ctx.report(SCHEMA_DROP_FORCE, force, {
    edits: [edit],
    fixTitle: v === false ? 'Remove `force=False` (the default)' : 'Use `prompt=False`',
    message: schema ? message : message + guessedSchemaNote(mc.receiver),
    uncertain: !schema,
    receiver: mc.receiver,
  });
}

export function checkSpawn(ctx: RuleContext, call: Node, mc: { receiver: Node; attr: Node }): void {
  if (ctx.isGuarded(call)) return;
  const uncertain = !isSchemaValue(ctx, mc.receiver);
  if (uncertain && ctx.index.kindOf(mc.receiver) !== 'unknown') return;
  const edits = [ctx.replace(mc.attr, 'make_classes')];
  const context = keywordArgs(call).get('context');
  if (context) edits.push(renameKeyword(context, 'into'));
  ctx.report(SPAWN_MISSING, mc.attr, {
    uncertain,
    receiver: mc.receiver,
    edits,
    fixTitle: 'Use `make_classes(into=...)`',
  });
}

const SCHEMA_GONE: Record<string, string> = {
  log: '`schema.log` was removed in DataJoint 2.x: nothing is logged to `~log` any more',
  size_on_disk:
    '`schema.size_on_disk` was removed in DataJoint 2.x: sum `data_length + index_length` from `information_schema.tables`',
  code: '`schema.code` was removed in DataJoint 2.x: there is no code generator',
  save: '`schema.save()` was removed in DataJoint 2.x: there is no code generator',
  external:
    '`schema.external` was removed in DataJoint 2.x: external-store clean-up moved to `datajoint.gc` (`GarbageCollector(schema, store=...)` from 2.3.1, `scan()`/`collect()` before)',
};
const TABLE_GONE: Record<string, string> = {
  size_on_disk: '`size_on_disk` was removed from tables in DataJoint 2.x: query `information_schema.tables`',
  external: '`T.external` was removed in DataJoint 2.x: external-store clean-up moved to `datajoint.gc`',
  _log: '`T._log` was removed in DataJoint 2.x: nothing is logged to `~log` any more',
};

export function checkRemovedAttributes(ctx: RuleContext): void {
  for (const node of membersNamed(ctx, [...new Set([...Object.keys(SCHEMA_GONE), ...Object.keys(TABLE_GONE)])])) {
    const attr = node.childForFieldName('attribute')!.text;
    const obj = node.childForFieldName('object')!;
    const how = SCHEMA_GONE[attr] ? schemaReceiver(ctx, obj) : null;
    if (how) {
      if (!ctx.isGuarded(node))
        ctx.report(SCHEMA_REMOVED, node, {
          message: how === 'schema' ? SCHEMA_GONE[attr] : SCHEMA_GONE[attr] + guessedSchemaNote(obj),
          uncertain: how === 'guess',
          receiver: obj,
        });
    } else if (TABLE_GONE[attr] && isTableOrQuery(ctx, obj) && !ownMember(ctx, obj, attr)) {
      if (!ctx.isGuarded(node)) ctx.report(TABLE_REMOVED, node, { message: TABLE_GONE[attr] });
    }
  }
}

/** The table class defines this member itself (then it is not DataJoint's). */
export function ownMember(ctx: RuleContext, obj: Node, name: string): boolean {
  const t = resolveTable(ctx, obj);
  const body = t?.node?.childForFieldName('body');
  if (!body) return false;
  return body.namedChildren.some((s) => {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    if (def?.type === 'function_definition') return def.childForFieldName('name')?.text === name;
    const a = def?.type === 'expression_statement' ? def.namedChild(0) : null;
    return a?.type === 'assignment' && a.childForFieldName('left')?.text === name;
  });
}

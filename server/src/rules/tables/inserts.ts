// DJ069-070: positional inserts and Lookup `contents`.
import type { Node } from 'web-tree-sitter';
import type { TableClass } from '../../index/fileIndex';
import { unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { keywordArgs, positionalArgs } from '../edits';
import type { RuleMeta, TextEdit } from '../meta';
import { LOOKUP_CONTENTS, POSITIONAL_INSERT } from './meta';
import { identifiersNamed, isTableOrQuery, resolveTable } from './nodes';
import { headingOf } from './heading';

// ---------------------------------------------------------------------------------------------
// Positional rows

/** Edits turning a positional row `(a, b)` / `[a, b]` into `{"x": a, "y": b}`, or null if it does not fit. */
function rowToDict(row: Node, names: string[]): TextEdit[] | null {
  const r = unparen(row);
  const isTuple = r.type === 'tuple';
  if (!isTuple && r.type !== 'list') return null;
  const values = r.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (values.length !== names.length || values.some((v) => v.type === 'list_splat' || v.type === 'dictionary_splat'))
    return null;
  const open = r.child(0)!;
  const close = r.child(r.childCount - 1)!;
  if (open.text !== (isTuple ? '(' : '[') || close.text !== (isTuple ? ')' : ']')) return null;
  const edits: TextEdit[] = [{ start: open.startIndex, end: open.endIndex, text: '{' }];
  values.forEach((v, i) => {
    edits.push({ start: v.startIndex, end: v.startIndex, text: `${JSON.stringify(names[i])}: ` });
  });
  // `(x,)`: the comma only made it a tuple; a dict does not need it.
  const comma = values.length === 1 && isTuple ? values[0].nextSibling : null;
  if (comma?.type === ',') edits.push({ start: comma.startIndex, end: comma.endIndex, text: '' });
  edits.push({ start: close.startIndex, end: close.endIndex, text: '}' });
  return edits;
}

function isPositionalRow(node: Node): boolean {
  const n = unparen(node);
  return n.type === 'tuple' || n.type === 'list';
}

/** Rows of an insert argument: list/tuple literal elements, or the body of a comprehension/generator. */
function rowsOf(arg: Node): Node[] | null {
  const n = unparen(arg);
  if (n.type === 'list' || n.type === 'tuple')
    return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (n.type === 'list_comprehension' || n.type === 'generator_expression') {
    const body = n.childForFieldName('body');
    return body ? [body] : null;
  }
  return null;
}

export function checkPositionalInserts(ctx: RuleContext, call: Node, mc: { receiver: Node; method: string }): void {
  const list = call.childForFieldName('arguments');
  // `T.insert(row for row in ...)`: the generator is the whole argument list.
  const args = list?.type === 'generator_expression' ? [list] : positionalArgs(call);
  if (!args.length) return;
  const source = unparen(args[0]).type === 'identifier' ? (rowsVariable(ctx, unparen(args[0])) ?? args[0]) : args[0];
  const rows = mc.method === 'insert1' ? [source] : rowsOf(source);
  const positional = (rows ?? []).filter(isPositionalRow);
  if (!positional.length) return;
  const known = isTableOrQuery(ctx, mc.receiver);
  if (!known && mc.method !== 'insert1') return;
  if (ctx.isGuarded(call)) return;
  const table = known ? resolveTable(ctx, mc.receiver) : null;
  const heading = table ? headingOf(ctx, table) : null;
  reportRows(ctx, POSITIONAL_INSERT, call, positional, heading?.all ?? null, table?.name ?? null, !known);
}

/**
 * `rows = [(1, "a"), ...]` then `T.insert(rows)`, or `row = (1, "a")` then `T.insert1(row)`: the literal,
 * when the variable is assigned once in the file and used nowhere else (so rewriting it affects nothing else).
 */
function rowsVariable(ctx: RuleContext, id: Node): Node | null {
  ctx.readsEveryUse(id.text);
  const uses = identifiersNamed(ctx, [id.text]);
  if (uses.length !== 2) return null;
  const target = uses.find((u) => u.id !== id.id)!;
  const assign = target.parent;
  if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.id !== target.id) return null;
  const value = assign.childForFieldName('right');
  return value && ['list', 'tuple', 'list_comprehension'].includes(unparen(value).type) ? value : null;
}

function reportRows(
  ctx: RuleContext,
  meta: RuleMeta,
  at: Node,
  rows: Node[],
  names: string[] | null,
  table: string | null,
  uncertain: boolean,
): void {
  if (!names) {
    const why = table
      ? `the heading of \`${table}\` cannot be resolved from the definitions in the workspace`
      : 'the table is not known';
    ctx.report(asManual(meta), at, {
      uncertain,
      message: `Positional rows are deprecated in DataJoint 2.x (DeprecationWarning, not removed); ${why}, so write dicts by hand or use \`dict(zip(T.heading.names, row))\``,
    });
    return;
  }
  const edits: TextEdit[] = [];
  let skipped = 0;
  for (const row of rows) {
    const e = rowToDict(row, names);
    if (e) edits.push(...e);
    else skipped++;
  }
  const order = names.join(', ');
  if (!edits.length) {
    ctx.report(asManual(meta), at, {
      message: `Positional rows are deprecated in DataJoint 2.x; a row does not match the ${names.length} fields of \`${table}\` (${order}), so it is left for you`,
    });
    return;
  }
  ctx.report(meta, at, {
    edits,
    fixTitle: `Write the rows as dicts (${order})`,
    message: `Positional rows are deprecated in DataJoint 2.x (DeprecationWarning); name the fields in heading order: ${order}${skipped ? ` (${skipped} row(s) of another length left as they are)` : ''}`,
  });
}

export function asManual(meta: RuleMeta): RuleMeta {
  return { ...meta, safety: 'manual' };
}

export function checkLookupContents(ctx: RuleContext): void {
  for (const table of ctx.index.allTables) {
    const value = table.contents ? unparen(table.contents) : null;
    if (!value || ctx.isGuarded(value)) continue;
    if (
      value.type === 'call' &&
      ctx.index.qualified(value.childForFieldName('function')!) === null &&
      value.childForFieldName('function')?.text === 'zip'
    ) {
      checkZipContents(ctx, table, value, headingOf(ctx, table)?.all ?? null);
      continue;
    }
    const rows = rowsOf(value)?.filter(isPositionalRow) ?? [];
    if (rows.length)
      reportRows(ctx, LOOKUP_CONTENTS, value, rows, headingOf(ctx, table)?.all ?? null, table.name, false);
  }
}

/** `contents = zip([a1, a2], [b1, b2])` → `[{"a": a1, "b": b1}, {"a": a2, "b": b2}]` (literal columns only). */
function checkZipContents(ctx: RuleContext, table: TableClass, call: Node, names: string[] | null): void {
  const cols = positionalArgs(call).map(unparen);
  const literal =
    cols.length > 0 && keywordArgs(call).size === 0 && cols.every((c) => c.type === 'list' || c.type === 'tuple');
  const values = literal ? cols.map((c) => c.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment')) : [];
  const n = values[0]?.length ?? 0;
  const fits =
    literal &&
    names &&
    names.length === cols.length &&
    values.every((v) => v.length === n && v.every((x) => x.type !== 'list_splat'));
  // The rewrite re-prints the values; comments between them would be lost.
  const comments = call.descendantsOfType('comment').length > 0;
  if (!fits || !names || comments) {
    const reason = !names
      ? `the heading of \`${table.name}\` cannot be resolved from the definitions in the workspace`
      : !literal
        ? 'the columns are not literal lists'
        : comments
          ? 'comments inside `zip(...)` would be lost'
          : `the columns do not match the ${names.length} fields (${names.join(', ')})`;
    ctx.report(asManual(LOOKUP_CONTENTS), call, {
      message: `Positional Lookup contents (\`zip(...)\`) are deprecated in DataJoint 2.x; ${reason}, so write a list of dicts by hand`,
    });
    return;
  }
  const multiline = call.text.includes('\n');
  const lineStart = ctx.text.lastIndexOf('\n', call.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(ctx.text.slice(lineStart))![0];
  const dicts: string[] = [];
  for (let i = 0; i < n; i++)
    dicts.push(`{${names.map((name, j) => `${JSON.stringify(name)}: ${values[j][i].text}`).join(', ')}}`);
  const text = multiline
    ? `[\n${dicts.map((d) => `${indent}    ${d},`).join('\n')}\n${indent}]`
    : `[${dicts.join(', ')}]`;
  ctx.report(LOOKUP_CONTENTS, call, {
    edits: [ctx.replace(call, text)],
    fixTitle: `Write the contents as dicts (${names.join(', ')})`,
    message: `Positional Lookup contents are deprecated in DataJoint 2.x; name the fields in heading order: ${names.join(', ')}`,
  });
}

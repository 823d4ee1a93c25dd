// DJ028: the `download_path=` argument of fetch calls.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../context';
import { provenNonDataJoint } from '../receivers';
import { editArguments, ensureImport } from '../edits';
import type { TextEdit } from '../meta';
import { DOWNLOAD_PATH } from './meta';
import { type MethodCall, OUTPUT_METHODS, kwValue, methodCall, receiverKind } from './calls';

export function checkDownloadPath(ctx: RuleContext, mc: MethodCall): void {
  const kw = mc.keywords.get('download_path');
  if (!kw) return;
  const kind = receiverKind(ctx, mc.receiver);
  if (kind === 'other' || ctx.isGuarded(mc.call)) return;
  const uncertain = kind === 'unknown';
  if (uncertain && provenNonDataJoint(ctx, mc.receiver)) return;
  const value = kwValue(kw);
  const stmt = simpleStatement(mc.call);
  const others = stmt ? downloadPathCalls(ctx, stmt) : [];
  let edits: TextEdit[] | undefined;
  if (value && !value.text.includes('\n') && stmt && others.length === 1) {
    const config = configExpression(ctx);
    const wrap = wrapStatement(ctx, stmt, `with ${config.expr}.override(download_path=${value.text}):`);
    const args = editArguments(mc.call, [kw]);
    // A line start inside the removed argument needs no indenting (and an edit there would overlap).
    if (wrap && args)
      edits = [
        ...config.edits,
        ...wrap.filter((w) => !args.some((a) => a.start < w.start && w.start < a.end)),
        ...args,
      ];
  }
  const why = !stmt
    ? ' (it is part of a compound statement: wrap that by hand)'
    : others.length > 1
      ? ' (several calls in this statement pass download_path: wrap by hand)'
      : '';
  ctx.report(DOWNLOAD_PATH, mc.call, {
    message: `\`${mc.method.text}()\` does not accept \`download_path\` in DataJoint 2.x (TypeError): set it with \`dj.config.override(download_path=...)\`${why}${uncertain ? ' (if this is a DataJoint query)' : ''}`,
    uncertain,
    receiver: mc.receiver,
    edits,
    fixTitle: 'Wrap the statement in `with dj.config.override(download_path=...)`',
  });
}

function downloadPathCalls(ctx: RuleContext, stmt: Node): Node[] {
  return ctx.index.syntax.calls.filter(
    (c) =>
      c.startIndex >= stmt.startIndex &&
      c.endIndex <= stmt.endIndex &&
      methodCall(c)?.keywords.has('download_path') &&
      OUTPUT_METHODS.has(methodCall(c)!.method.text),
  );
}

/** How to spell `dj.config` here, adding `import datajoint` if nothing binds it. */
function configExpression(ctx: RuleContext): { expr: string; edits: TextEdit[] } {
  const [module] = ctx.index.imports.djModules;
  if (module) return { expr: `${module}.config`, edits: [] };
  for (const [local, q] of ctx.index.imports.djNames)
    if (q === 'datajoint.config' || q === 'datajoint.settings.config') return { expr: local, edits: [] };
  return { expr: 'datajoint.config', edits: ensureImport(ctx, 'datajoint') };
}

const SIMPLE_STATEMENTS = new Set(['expression_statement', 'return_statement']);

/** The simple statement (alone on its lines, directly in a block) that holds a node, or null. */
function simpleStatement(node: Node): Node | null {
  let stmt = node;
  while (stmt.parent && stmt.parent.type !== 'block' && stmt.parent.type !== 'module') stmt = stmt.parent;
  return stmt.parent && SIMPLE_STATEMENTS.has(stmt.type) ? stmt : null;
}

/** Edits putting `header` above a statement and indenting the statement's lines one level. */
function wrapStatement(ctx: RuleContext, stmt: Node, header: string): TextEdit[] | null {
  const text = ctx.text;
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = text.slice(lineStart, stmt.startIndex);
  if (!/^[ \t]*$/.test(indent)) return null;
  const lineEnd = text.indexOf('\n', stmt.endIndex);
  if (!/^[ \t]*(#.*)?\r?$/.test(text.slice(stmt.endIndex, lineEnd < 0 ? text.length : lineEnd))) return null;
  const unit = indentUnit(text, indent);
  const edits: TextEdit[] = [{ start: stmt.startIndex, end: stmt.startIndex, text: `${header}\n${indent}${unit}` }];
  const strings = stmt.descendantsOfType('string').filter((s): s is Node => !!s);
  for (let nl = text.indexOf('\n', stmt.startIndex); nl >= 0 && nl < stmt.endIndex; nl = text.indexOf('\n', nl + 1)) {
    const at = nl + 1;
    if (strings.some((s) => s.startIndex < at && at < s.endIndex)) return null; // would change a string's content
    if (/^[ \t]*\r?(\n|$)/.test(text.slice(at, at + 200))) continue;
    edits.push({ start: at, end: at, text: unit });
  }
  return edits;
}

/** One level of indentation as this file writes it. */
function indentUnit(text: string, indent: string): string {
  if (indent.includes('\t')) return '\t';
  const m = /:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*\r?\n)*([ \t]+)\S/.exec(text);
  if (m && /^( +|\t)$/.test(m[1])) return m[1];
  return '    ';
}

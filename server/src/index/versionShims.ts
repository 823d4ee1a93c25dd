// Code that already supports both versions: `try: <2.x code>  except (ImportError, AttributeError, …): <0.14.6 code>`.
import type { Node } from 'web-tree-sitter';

/**
 * A `try` with a handler for the errors a removed or changed API raises, whose block holds the other version's code.
 * A handler that only passes, reports or re-raises swallows errors instead (`except AttributeError: print(...)`
 * around a whole function body): that `try` is no shim.
 */
export function isVersionShim(tryStatement: Node): boolean {
  return tryStatement.namedChildren.some(
    (c) =>
      c?.type === 'except_clause' &&
      /\b(ImportError|AttributeError|ModuleNotFoundError|TypeError)\b/.test(
        c.namedChildren.find((x) => x && x.type !== 'block')?.text ?? '',
      ) &&
      !onlySwallows(c),
  );
}

const REPORTING_CALL =
  /^(?:print|(?:\w+\.)*(?:log|logger|logging|warnings?)\b[\w.]*|(?:\w+\.)*(?:debug|info|warning|warn|error|exception))\s*\(/;

/** An except clause whose block only passes, reports (print, logging, warnings) or leaves (return, raise, continue). */
function onlySwallows(clause: Node): boolean {
  const block = clause.namedChildren.find((x) => x?.type === 'block');
  if (!block) return false;
  return block.namedChildren.every((st) => {
    if (!st || st.type === 'comment') return true;
    if (['pass_statement', 'continue_statement', 'break_statement', 'raise_statement'].includes(st.type)) return true;
    if (st.type === 'return_statement') return (st.namedChild(0)?.text ?? 'None') === 'None';
    if (st.type !== 'expression_statement') return false;
    const e = st.namedChild(0);
    return !!e && (e.type === 'string' || e.type === 'ellipsis' || (e.type === 'call' && REPORTING_CALL.test(e.text)));
  });
}

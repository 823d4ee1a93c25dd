// Quick fixes offered for the DataJoint diagnostics of a document: one per fixable finding, one fix-all per code.
import { CodeAction, CodeActionKind, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { toLspEdits } from './convert';
import type { ReportedFix } from './reports';

/**
 * The diagnostics' own edits (looked up by `fixOf`, which answers nothing for a diagnostic of an older version)
 * and a resolvable "fix all <code> in file" per code.
 */
export function quickFixActions(
  uri: string,
  doc: TextDocument,
  diagnostics: Diagnostic[],
  fixOf: (data: unknown) => ReportedFix | undefined,
): CodeAction[] {
  const actions: CodeAction[] = [];
  const codesWithFixes = new Map<string, number>();
  for (const d of diagnostics) {
    if (d.source !== 'DataJoint') continue;
    const fix = d.data === undefined ? undefined : fixOf(d.data);
    if (!fix) continue;
    const unsafe = fix.safety === 'unsafe';
    const action = CodeAction.create(
      `DataJoint (${d.code}): ${fix.title}${unsafe ? ' (unsafe: review the change)' : ''}`,
      { changes: { [uri]: toLspEdits(doc, fix.edits) } },
      CodeActionKind.QuickFix,
    );
    action.diagnostics = [d];
    action.isPreferred = !unsafe;
    actions.push(action);
    if (!unsafe) codesWithFixes.set(String(d.code), (codesWithFixes.get(String(d.code)) ?? 0) + 1);
  }
  for (const code of codesWithFixes.keys()) {
    const a = CodeAction.create(`DataJoint: fix all ${code} in file`, CodeActionKind.QuickFix);
    a.data = { kind: 'fixCode', uri, version: doc.version, code };
    actions.push(a);
  }
  return actions;
}

// Quick fixes offered for the DataJoint diagnostics of a document: one per fixable finding, one fix-all per code.
import { CodeAction, CodeActionKind, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { toLspEdits, type DiagnosticData } from './convert';

/** The diagnostics' own edits (when still for this version) and a resolvable "fix all <code> in file" per code. */
export function quickFixActions(uri: string, doc: TextDocument, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const codesWithFixes = new Map<string, number>();
  for (const d of diagnostics) {
    if (d.source !== 'DataJoint') continue;
    const data = d.data as DiagnosticData | undefined;
    if (!data?.edits || data.version !== doc.version) continue;
    const unsafe = data.safety === 'unsafe';
    const action = CodeAction.create(
      `DataJoint (${d.code}): ${data.fixTitle}${unsafe ? ' (unsafe: review the change)' : ''}`,
      { changes: { [uri]: toLspEdits(doc, data.edits) } },
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

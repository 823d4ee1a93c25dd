// Findings to LSP diagnostics and edits.
import { DiagnosticSeverity, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diffLines } from 'diff';
import { shownMessage, type Finding, type Severity, type TextEdit } from '../rules/meta';
import type { DiagnosticRef } from './reports';
import { SOURCE } from './ruleLinks';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * A finding as a diagnostic; `ref` (fixable findings only) names it for the quick fix, see reports.ts. Its rule's
 * link is added by the client (ruleLinks.ts).
 */
export function toDiagnostic(
  doc: TextDocument,
  f: Finding,
  offsetMap?: (o: number) => number,
  ref?: DiagnosticRef,
): Diagnostic {
  const map = offsetMap ?? ((o: number) => o);
  const d: Diagnostic = {
    range: { start: doc.positionAt(map(f.start)), end: doc.positionAt(map(f.end)) },
    severity: SEVERITY[f.severity],
    code: f.code,
    source: SOURCE,
    message: shownMessage(f),
  };
  if (ref && f.fix) d.data = ref;
  return d;
}

export function toLspEdits(doc: TextDocument, edits: TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text }));
}

/** One edit covering what changed between two texts (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  return { start, end: endB, text: after.slice(start, endA) };
}

/** Line-level edits turning `before` into `after` (one per changed block), for reviewable workspace edits. */
export function hunkEdits(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: TextEdit | null = null;
  for (const part of diffLines(before, after)) {
    if (part.removed) {
      pending ??= { start: offset, end: offset, text: '' };
      pending.end = offset + part.value.length;
      offset += part.value.length;
    } else if (part.added) {
      pending ??= { start: offset, end: offset, text: '' };
      pending.text += part.value;
    } else {
      if (pending) edits.push(pending);
      pending = null;
      offset += part.value.length;
    }
  }
  if (pending) edits.push(pending);
  return edits;
}

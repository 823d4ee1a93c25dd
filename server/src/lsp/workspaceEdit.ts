// The workspace migration as one WorkspaceEdit: text edits and created files, each annotated per file.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnnotatedTextEdit, ChangeAnnotation, CreateFile, TextDocumentEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FixedFile } from '../project';
import { hunkEdits, toLspEdits } from './convert';
import type { DocumentStore } from './documents';

/** Document changes with a change annotation per file that needs confirmation: VS Code shows its refactor preview. */
export function workspaceChanges(fixed: FixedFile[], store: DocumentStore) {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  const changeAnnotations: Record<string, ChangeAnnotation> = {};
  let files = 0;
  let fixes = 0;
  for (const f of fixed) {
    if (f.after === f.before && !f.fileOps.length) continue;
    files++;
    fixes += f.applied.length;
    const uri = pathToFileURL(f.path).href;
    const codes = [...new Set(f.applied.map((a) => a.code))].sort();
    const id = `dj:${path.basename(f.path)}:${files}`;
    changeAnnotations[id] = {
      label: `${path.basename(f.path)}: ${codes.join(', ')}`,
      description: `${f.applied.length} DataJoint 2.x fix(es)`,
      needsConfirmation: true,
    };
    const open = store.get(uri);
    const doc = open?.doc ?? TextDocument.create(uri, 'python', 0, f.before);
    if (f.after !== f.before) {
      const edits: AnnotatedTextEdit[] = hunkEdits(f.before, f.after).map((e) => ({
        ...toLspEdits(doc, [e])[0],
        annotationId: id,
      }));
      documentChanges.push({ textDocument: { uri, version: open ? open.doc.version : null }, edits });
    }
    for (const op of f.fileOps) {
      if (op.kind === 'create') {
        documentChanges.push({
          kind: 'create',
          uri: pathToFileURL(op.path).href,
          options: { overwrite: false, ignoreIfExists: true },
          annotationId: id,
        });
        const created = TextDocument.create(pathToFileURL(op.path).href, 'plaintext', 0, '');
        documentChanges.push({
          textDocument: { uri: created.uri, version: null },
          edits: [
            {
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              newText: op.content,
              annotationId: id,
            },
          ],
        });
      }
    }
  }
  return { documentChanges, changeAnnotations, files, fixes };
}

// Open Python documents with their syntax trees, re-parsed incrementally on every change:
// each content change is applied to the old tree with tree.edit() before parsing again (told as reaching a little
// further than it does, see reparsedUpTo), and the superseded tree is deleted at once (leaked trees exhaust WASM memory).
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { Edit, type Tree } from 'web-tree-sitter';
import type { PythonParser } from '../python/parser';

export interface OpenDocument {
  doc: TextDocument;
  tree: Tree | null; // null for non-Python documents
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  constructor(private readonly python: PythonParser) {}

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  open(uri: string, languageId: string, version: number, text: string, parse: boolean): OpenDocument {
    this.close(uri);
    const doc = TextDocument.create(uri, languageId, version, text);
    const entry: OpenDocument = { doc, tree: parse ? settled(this.python, text) : null };
    this.docs.set(uri, entry);
    return entry;
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const entry = this.docs.get(uri);
    if (!entry) return undefined;
    let doc = entry.doc;
    let tree = entry.tree;
    let full = false;
    let edited = false;
    for (const change of changes) {
      const empty = 'range' in change && change.text === '' && samePosition(change.range.start, change.range.end);
      if (empty) {
        doc = TextDocument.update(doc, [change], version); // nothing to parse again: only the version moves
        continue;
      }
      edited = true;
      if ('range' in change && tree) {
        const startIndex = doc.offsetAt(change.range.start);
        const editEnd = doc.offsetAt(change.range.end);
        // Told as reaching to where a later top-level statement starts (see reparsedUpTo).
        const oldEndIndex = Math.max(editEnd, reparsedUpTo(tree, startIndex, doc.getText().length));
        const newEndIndex = oldEndIndex + change.text.length - (editEnd - startIndex);
        const startPosition = toPoint(change.range.start);
        const oldEndPosition = toPoint(doc.positionAt(oldEndIndex));
        doc = TextDocument.update(doc, [change], version);
        const newEndPosition = toPoint(doc.positionAt(newEndIndex));
        tree.edit(new Edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition }));
      } else {
        doc = TextDocument.update(doc, [change], version);
        full = true;
      }
    }
    if (tree && edited) {
      const next = full ? settled(this.python, doc.getText()) : this.python.parse(doc.getText(), tree);
      tree.delete();
      tree = next;
    }
    entry.doc = doc;
    entry.tree = tree;
    return entry;
  }

  close(uri: string): void {
    const entry = this.docs.get(uri);
    entry?.tree?.delete();
    this.docs.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.docs.keys()]) this.close(uri);
  }
}

/**
 * Where an edit at `start` is told to tree-sitter to end: the start of the next top-level statement when the edit is
 * inside one, else (between statements) of the second one after it; the text's end when there is none. Text between
 * the edit and there is unchanged, so the tree is the same; but told only the edit, tree-sitter often finds the
 * indentation scanner's state at the next statement different from the old tree's and then re-lexes most of the rest
 * of the file instead of reusing it (commenting a docstring, a method header or a blank line of a 5,000-line file:
 * 15-20 ms instead of 4 ms).
 */
function reparsedUpTo(tree: Tree, start: number, length: number): number {
  const at = tree.rootNode.firstChildForIndex(start);
  const inside = !!at && at.startIndex <= start;
  const next = inside ? at.nextSibling : at;
  const end = inside ? next?.startIndex : next?.nextSibling?.startIndex;
  return Math.min(length, end ?? length);
}

/**
 * A fresh parse (an opened document, or a change replacing its whole text), parsed again incrementally with no edit
 * (~8 ms for a 5,000-line file). tree-sitter's first incremental parse of a tree from a whole parse reads the text at
 * ~150 places of such a file; after one such re-parse its first edit reads at ~90, and the edits after it at ~25-50
 * (measured: the opened file's first edit 60-110 ms over IPC before, 44-77 ms after).
 */
function settled(python: PythonParser, text: string): Tree {
  const fresh = python.parse(text);
  try {
    return python.parse(text, fresh);
  } finally {
    fresh.delete();
  }
}

function toPoint(p: { line: number; character: number }): { row: number; column: number } {
  return { row: p.line, column: p.character };
}

function samePosition(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line === b.line && a.character === b.character;
}

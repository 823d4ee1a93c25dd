// The document store's incremental re-parse tells tree-sitter an edit reaches further than it does (to a later
// top-level statement): the tree must still be exactly a fresh parse's, for edits anywhere (in a
// statement, between statements, at the end), several changes in one notification, and deletions; its nodes'
// texts are the new text's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { largeFile } from '../../server/src/bench/corpus';
import { DocumentStore } from '../../server/src/lsp/documents';
import { Parser, type Point, type Tree } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** Every node's type and range, in document order. */
function nodes(tree: Tree): string[] {
  const out: string[] = [];
  const cursor = tree.walk();
  for (let more = true; more; ) {
    out.push(`${cursor.nodeType} ${cursor.startIndex}-${cursor.endIndex}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling())
      if (!cursor.gotoParent()) {
        more = false;
        break;
      }
  }
  cursor.delete();
  return out;
}

interface Change {
  line: number;
  character: number;
  /** Characters removed from there (on that line). */
  remove: number;
  text: string;
}

test('the re-parsed tree equals a fresh parse after edits anywhere in a document', async () => {
  const engine = await CodeEngine.create();
  const store = new DocumentStore(engine.python);
  const uri = 'file:///work/edited.py';
  const original = largeFile(400);
  const lines = original.split('\n');
  const where = (prefix: string, from = 0) => lines.findIndex((l, n) => n >= from && l.startsWith(prefix));
  const edits: Change[][] = [
    [{ line: where('    """Smooth'), character: 0, remove: 0, text: '# ' }],
    [{ line: where('    """Smooth'), character: 0, remove: 2, text: '' }],
    [{ line: where('    def make'), character: 4, remove: 0, text: '# ' }],
    [{ line: where('', 10), character: 0, remove: 0, text: '# ' }],
    [{ line: where('class Table0_3'), character: 0, remove: 0, text: '# ' }],
    [{ line: where('def helper_0_2'), character: 4, remove: 6, text: 'h' }],
    [{ line: where('    attr_1 '), character: 4, remove: 0, text: '(' }],
    [
      { line: where('import numpy'), character: 0, remove: 0, text: '# ' },
      { line: where('    kernel = kernel'), character: 4, remove: 0, text: 'x = """\n    ' },
      { line: lines.length - 2, character: 0, remove: 0, text: 'print(1)\n' },
    ],
    [{ line: lines.length - 1, character: 0, remove: 0, text: '\nclass Last:\n    pass\n' }],
    [{ line: 0, character: 0, remove: 0, text: 'import os\n' }],
  ];
  let entry = store.open(uri, 'python', 1, original, true);
  let version = 1;
  for (const changes of edits) {
    assert.ok(
      changes.every((c) => c.line >= 0),
      'an edited line was not found',
    );
    entry = store.change(
      uri,
      ++version,
      changes.map((c) => ({
        range: {
          start: { line: c.line, character: c.character },
          end: { line: c.line, character: c.character + c.remove },
        },
        text: c.text,
      })),
    )!;
    const text = entry.doc.getText();
    const fresh = engine.python.parse(text);
    assert.equal(entry.tree!.rootNode.toString(), fresh.rootNode.toString(), `after edit ${version - 1}`);
    assert.deepEqual(nodes(entry.tree!), nodes(fresh), `node ranges after edit ${version - 1}`);
    // Node texts are read from the new text, whatever the size of the parse's reads (python/parser.ts).
    const root = entry.tree!.rootNode;
    assert.equal(root.text, text);
    for (const n of root.namedChildren) assert.equal(n!.text, text.slice(n!.startIndex, n!.endIndex));
    fresh.delete();
  }
  store.dispose();
});

test('an opened (or wholly replaced) document is parsed again once, so its first edit reads little of the text', async () => {
  const engine = await CodeEngine.create();
  const text = largeFile(2000);
  const line = text.split('\n').findIndex((l) => l.startsWith('    def make'));
  const edit = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '# ' };
  // Reads of the text by tree-sitter during incremental parses (each a call of the parse's read function).
  let reads = 0;
  const parse = Parser.prototype.parse;
  Parser.prototype.parse = function (this: Parser, input, oldTree, options) {
    const counted = typeof input === 'function' ? (at: number, p: Point) => (reads++, input(at, p)) : input;
    return parse.call(this, counted, oldTree, options);
  };
  try {
    // As opened by the store: its first edit.
    const store = new DocumentStore(engine.python);
    store.open('file:///work/a.py', 'python', 1, text, true);
    reads = 0;
    const entry = store.change('file:///work/a.py', 2, [edit])!;
    const settledReads = reads;
    // The same edit of a tree straight from a whole parse.
    const plain = new DocumentStore(engine.python);
    const opened = plain.open('file:///work/b.py', 'python', 1, '', true);
    opened.tree!.delete();
    opened.tree = engine.python.parse(text);
    opened.doc = TextDocument.create('file:///work/b.py', 'python', 1, text);
    reads = 0;
    plain.change('file:///work/b.py', 2, [edit]);
    const plainReads = reads;
    assert.ok(settledReads > 0 && settledReads <= plainReads * 0.7, `${settledReads} reads, ${plainReads} without`);
    // A change that replaces the whole text (no range) is parsed afresh, and settled the same way.
    store.change('file:///work/a.py', 3, [{ text }]);
    reads = 0;
    store.change('file:///work/a.py', 4, [edit]);
    assert.equal(reads, settledReads, 'the first edit after a whole-text change');
    const fresh = engine.python.parse(entry.doc.getText());
    assert.equal(entry.tree!.rootNode.toString(), fresh.rootNode.toString());
    fresh.delete();
    store.dispose();
    plain.dispose();
  } finally {
    Parser.prototype.parse = parse;
  }
});

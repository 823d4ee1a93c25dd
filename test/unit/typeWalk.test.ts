// server/src/python/typeWalk.ts reads trees in WASM memory from JavaScript, through the node factory the bundles'
// patched web-tree-sitter has (scripts/webTreeSitterPatch.cjs). Run here on the patched library text, it must give
// exactly the nodes the library's `descendantsOfType` gives, in the same order, on every Python file of the tests,
// on generated pipeline modules and on code with syntax errors; and the check the language server and CLI run at
// start-up must accept it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import type * as Library from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';
import { largeFile, pipelineFile } from '../../server/src/bench/corpus';
import {
  type NodeFactory,
  TYPE_SEARCH_SAMPLE,
  treeTypeSearch,
  verifyTypeSearch,
  type WasmHeap,
} from '../../server/src/python/typeWalk';
import { repoRoot } from '../helpers/paths';

const libraryFile = require.resolve('web-tree-sitter');
const { patchWebTreeSitter } = require(path.join(repoRoot, 'scripts', 'webTreeSitterPatch.cjs')) as {
  patchWebTreeSitter: (source: string) => string;
};

function loadPatched(): typeof Library {
  const m = new Module(libraryFile) as Module & { _compile(code: string, file: string): void; paths: string[] };
  m.filename = libraryFile;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(libraryFile),
  );
  m._compile(patchWebTreeSitter(fs.readFileSync(libraryFile, 'utf8')), libraryFile);
  return m.exports as typeof Library;
}

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pythonFiles(p, out);
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

const key = (n: Node | null) =>
  n ? `${n.id} ${n.type} ${n.startIndex} ${n.endIndex} ${JSON.stringify(n.startPosition)}` : '-';

test('the JavaScript type search gives the nodes descendantsOfType gives', async () => {
  const lib = loadPatched();
  const heap: WasmHeap & { locateFile: () => string } = {
    locateFile: () => require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  };
  await lib.Parser.init(heap);
  const language = await lib.Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const parser = new lib.Parser();
  parser.setLanguage(language);
  const make = (lib.Node as unknown as { _fromWalk?: NodeFactory })._fromWalk;
  assert.ok(make, 'the patched library has the node factory');
  const search = treeTypeSearch(language, heap, make);
  assert.ok(search, 'the language record has the layout the walk reads');

  const sample = parser.parse(TYPE_SEARCH_SAMPLE)!;
  assert.ok(sample.rootNode.hasError, 'the start-up sample holds syntax errors');
  assert.ok(verifyTypeSearch(search, sample));
  sample.delete();

  const collected = [
    'call',
    'binary_operator',
    'class_definition',
    'assignment',
    'import_statement',
    'import_from_statement',
    'with_statement',
    'attribute',
    'keyword_argument',
    'function_definition',
    'lambda',
    'try_statement',
    'ERROR',
  ];
  const every = [...new Set(language.types.filter((t): t is string => !!t)), 'ERROR'];
  const sources = [
    ...pythonFiles(path.join(repoRoot, 'test')).map((f) => fs.readFileSync(f, 'utf8')),
    largeFile(600),
    pipelineFile(3).replace(/:\n/g, '\n'), // every block header broken
    `\n\n# leading blank lines\r\nx = f(a)\r\n`,
    '',
    '   ',
    '\n',
    'é = "𝄞" + f(𝄞=1)\n',
  ];
  let nodes = 0;
  for (const text of sources) {
    const tree: Tree = parser.parse(text)!;
    for (const types of [collected, every]) {
      const theirs = tree.rootNode.descendantsOfType(types).map(key);
      const kinds: number[] = [];
      const found = search(tree, types, kinds);
      const mine: string[] = found.map(key);
      assert.deepEqual(mine, theirs, text.slice(0, 80));
      assert.deepEqual(
        kinds,
        found.map((n) => types.indexOf(n.type)),
        'each node type given as its index',
      );
      nodes += mine.length;
    }
    tree.delete();
  }
  assert.ok(nodes > 20_000, `many nodes compared (${nodes})`);
});

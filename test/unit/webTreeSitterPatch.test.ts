// The bundles run web-tree-sitter with Node's handle word in a named field (scripts/webTreeSitterPatch.cjs, applied
// by esbuild.mjs). Loaded here from the same library text and patch, the patched library must hand out the same
// nodes as the library itself: every node's kind, positions and text, and every call that sends a node back into
// WASM (parent, fields, siblings, cursors, queries, type searches) must answer the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import * as original from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';
import { largeFile } from '../../server/src/bench/corpus';
import { repoRoot } from '../helpers/paths';

type Library = typeof original;

const libraryFile = require.resolve('web-tree-sitter');
const { patchWebTreeSitter } = require(path.join(repoRoot, 'scripts', 'webTreeSitterPatch.cjs')) as {
  patchWebTreeSitter: (source: string) => string;
};

/** The library's own text, patched, as a module of its own (its own WASM instance). */
function loadPatched(): Library {
  const m = new Module(libraryFile) as Module & { _compile(code: string, file: string): void; paths: string[] };
  m.filename = libraryFile;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(libraryFile),
  );
  m._compile(patchWebTreeSitter(fs.readFileSync(libraryFile, 'utf8')), libraryFile);
  return m.exports as Library;
}

async function pythonParser(lib: Library) {
  await lib.Parser.init({ locateFile: () => require.resolve('web-tree-sitter/web-tree-sitter.wasm') });
  const language = await lib.Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const parser = new lib.Parser();
  parser.setLanguage(language);
  return { parser, language };
}

/** What a node says of itself and of its neighbours (each neighbour is asked for through WASM with this node). */
function describe(n: Node): string {
  const around = [n.parent, n.nextSibling, n.previousNamedSibling, n.firstChild, n.childForFieldName('name')];
  return JSON.stringify([
    n.type,
    n.startIndex,
    n.endIndex,
    n.startPosition,
    n.endPosition,
    n.text,
    n.childCount,
    n.hasError,
    around.map((x) => x && [x.type, x.startIndex, x.endIndex]),
  ]);
}

function allNodes(tree: Tree): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    out.push(n);
    for (const c of n.children) if (c) walk(c);
  };
  walk(tree.rootNode);
  return out;
}

test('the patched web-tree-sitter hands out the same nodes as the library, without an indexed field', async () => {
  const patched = loadPatched();
  assert.notEqual(patched.Parser, original.Parser, 'a second copy of the library, not the cached module');
  const mine = await pythonParser(patched);
  const theirs = await pythonParser(original);
  // A generated pipeline module, soft keywords used as names (aliased nodes: their alias is the word the patch
  // moves), and code with syntax errors (ERROR and MISSING nodes).
  const source = `${largeFile(120)}\nprint(type(match), exec)\ntype = match = async_ = 1\ndef broken(:\n    x = (1 +\nclass T(dj.Manual:\n    definition = """\n    id: int\n    """\n`;
  const a = mine.parser.parse(source)!;
  const b = theirs.parser.parse(source)!;
  const nodesA = allNodes(a);
  const nodesB = allNodes(b);
  assert.ok(nodesA.length > 2000, `a large tree (${nodesA.length} nodes)`);
  assert.equal(nodesA.length, nodesB.length);
  for (let i = 0; i < nodesA.length; i++) assert.equal(describe(nodesA[i]), describe(nodesB[i]), `node ${i}`);
  // The patch took: the library's own nodes hold the word at index 0, the patched ones in a named field.
  assert.ok(Object.hasOwn(nodesB[1], 0));
  assert.ok(!Object.hasOwn(nodesA[1], 0));
  assert.ok(
    nodesA.some((n) => n.text === 'match' && n.type === 'identifier'),
    'an aliased node',
  );
  // Type searches, cursors and queries started from a node (each sends the node into WASM).
  const types = ['call', 'attribute', 'ERROR', 'class_definition'];
  const of = (ns: Array<Node | null>) => ns.map((n) => n && [n.type, n.startIndex, n.endIndex]);
  for (const i of [0, 7, Math.floor(nodesA.length / 2)]) {
    assert.deepEqual(of(nodesA[i].descendantsOfType(types)), of(nodesB[i].descendantsOfType(types)));
    const ca = nodesA[i].walk();
    const cb = nodesB[i].walk();
    while (ca.gotoFirstChild() && cb.gotoFirstChild()) assert.equal(ca.nodeType, cb.nodeType);
    ca.reset(nodesA[i + 1]);
    cb.reset(nodesB[i + 1]);
    assert.deepEqual([ca.nodeType, ca.startIndex], [cb.nodeType, cb.startIndex]);
  }
  const qa = new patched.Query(mine.language, '(call function: (attribute) @f)');
  const qb = new original.Query(theirs.language, '(call function: (attribute) @f)');
  const captured = (q: original.Query, t: Tree) => of(q.captures(t.rootNode.namedChild(3)!).map((c) => c.node));
  assert.deepEqual(captured(qa, a), captured(qb, b));
  assert.ok(captured(qa, a).length > 0);
  a.delete();
  b.delete();
});

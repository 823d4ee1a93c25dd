// Nodes cross between JavaScript and WASM through the module's 32-bit memory view (python/parser.ts
// fastNodeTransfer): every position, type and text read through it must be the tree's own, also after a large
// parse has grown WASM memory (the view is then replaced) and for a tree parsed before that growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import type { Node, Tree } from 'web-tree-sitter';
import { largeFile } from '../../server/src/bench/corpus';
import { loadPython } from '../../server/src/python/parser';

function lines(count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => `${tag}_${i} = obj_${i}.method_${i % 7}(arg_${i}, key=${i})`);
}

/** Every statement of a tree of `lines` read back: kinds, offsets, rows, texts and the call inside. */
function assertStatements(tree: Tree, expected: string[]): void {
  const root = tree.rootNode;
  assert.equal(root.namedChildCount, expected.length);
  let offset = 0;
  for (let i = 0; i < expected.length; i++) {
    const statement = root.namedChild(i)!;
    assert.equal(statement.type, 'expression_statement');
    assert.equal(statement.startIndex, offset);
    assert.equal(statement.endIndex, offset + expected[i].length);
    assert.equal(statement.startPosition.row, i);
    assert.equal(statement.text, expected[i]);
    const assignment = statement.firstNamedChild!;
    const call = assignment.childForFieldName('right')!;
    assert.equal(call.type, 'call');
    assert.equal(call.childForFieldName('function')!.lastNamedChild!.text, `method_${i % 7}`);
    assert.equal(call.parent!.id, assignment.id);
    offset += expected[i].length + 1;
  }
}

test('node positions, types and texts read through the fast transfer survive WASM memory growth', async () => {
  const py = await loadPython();
  if (os.endianness() === 'LE') assert.ok(py.fastTransfer, 'the 32-bit view is used on a little-endian host');
  const small = lines(200, 'before');
  const early = py.parse(small.join('\n'));
  const memory = py.memoryBytes();
  const large = lines(20_000, 'big');
  const big = py.parse(large.join('\n'));
  try {
    assert.ok(py.memoryBytes() > memory, `WASM memory grew (${memory} -> ${py.memoryBytes()} bytes)`);
    assertStatements(big, large);
    assertStatements(early, small);
  } finally {
    big.delete();
    early.delete();
  }
});

test('childForFieldName answers as the library does (field ids from a map, not a search of the names)', async () => {
  const py = await loadPython();
  const tree = py.parse(
    `${largeFile(60)}\nprint(type(match))\nwith open(p) as f, g() as h:\n    x: int = lambda a, *b: a[1:2] if a else b\n`,
  );
  try {
    const fields = tree.language.fields;
    const names = [...fields.filter((f): f is string => f !== null), 'no_such_field', ''];
    let found = 0;
    const walk = (n: Node) => {
      for (const name of names) {
        const id = fields.indexOf(name);
        const expected = id === -1 ? null : n.childForFieldId(id);
        const got = n.childForFieldName(name);
        assert.equal(got?.id ?? null, expected?.id ?? null, `${n.type} ${name}`);
        if (got) found++;
      }
      for (const c of n.namedChildren) if (c) walk(c);
    };
    walk(tree.rootNode);
    assert.ok(found > 1000, `fields found (${found})`);
  } finally {
    tree.delete();
  }
});

// The MISSING-node search runs as a tree-sitter query inside WASM; it must find exactly the nodes a full
// cursor walk finds, on broken variants of the fixture pipelines (characters deleted at random places).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { loadPython } from '../../server/src/python/parser';
import { collectSyntax, forEachMissing } from '../../server/src/python/syntax';
import { CodeEngine } from '../../server/src/engine';
import { fixturesDir } from '../helpers/paths';
import { walkEveryNode } from '../helpers/treeWalk';

/** The reference: every node visited from JavaScript. */
function walkMissing(tree: Tree): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  walkEveryNode(tree, (cursor) => {
    if (cursor.nodeIsMissing) out.push([cursor.startIndex, cursor.endIndex]);
  });
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const sources = ['dj014/pipeline014.py', 'dj2/pipeline2.py'].map((f) =>
  fs.readFileSync(path.join(fixturesDir, f), 'utf8'),
);

test('the MISSING query finds what a full walk finds, on 120 broken variants of the fixtures', async () => {
  const py = await loadPython();
  const r = rng(11);
  let withMissing = 0;
  for (let i = 0; i < 120; i++) {
    let text = sources[i % sources.length];
    // Delete closing brackets, colons and quotes: the edits that make tree-sitter insert MISSING nodes.
    for (let k = 0; k < 1 + (i % 4); k++) {
      const targets = [...text.matchAll(/[)\]}:"]/g)].map((m) => m.index!);
      const at = targets[Math.floor(r() * targets.length)];
      text = text.slice(0, at) + text.slice(at + 1);
    }
    const tree = py.parse(text);
    try {
      const found: Array<[number, number]> = [];
      forEachMissing(tree, (s, e) => found.push([s, e]));
      const sort = (xs: Array<[number, number]>) => [...xs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(sort(found), sort(walkMissing(tree)), `variant ${i}`);
      if (found.length) withMissing++;
      if (!tree.rootNode.hasError) assert.equal(found.length, 0);
    } finally {
      tree.delete();
    }
  }
  assert.ok(withMissing >= 10, `only ${withMissing} variants had MISSING nodes: the test exercises too little`);
});

test('a missing parenthesis is an unanalysed region and an error the fix loop counts', async () => {
  const py = await loadPython();
  const text = 'import datajoint as dj\nclass A(dj.Manual:\n    definition = """\n    x: int\n    """\n';
  const tree = py.parse(text);
  try {
    const ranges = collectSyntax(tree).errorRanges;
    assert.ok(
      ranges.some(([s, e]) => s <= text.indexOf(':') && e >= text.indexOf(':')),
      JSON.stringify(ranges),
    );
  } finally {
    tree.delete();
  }
  const engine = await CodeEngine.create();
  assert.equal(engine.errorCount(text), 1);
  assert.equal(engine.errorCount(text.replace('Manual:', 'Manual):')), 0);
});

// The shortcuts `check` takes to ask WASM less must answer as the plain node accesses do: the innermost scope found
// from starts alone, a call's method name from its first and last named children, and an attribute's leading text
// read in the file's text. Checked on every node of the fixture pipelines, a generated module, odd spellings and
// broken variants (zero-width MISSING nodes included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { loadPython } from '../../server/src/python/parser';
import { collectSyntax, innermost } from '../../server/src/python/syntax';
import { methodName, methodNameIn, OUTPUT_METHODS } from '../../server/src/rules/fetch/calls';
import { FileIndex } from '../../server/src/index/fileIndex';
import { readAssignmentParts } from '../../server/src/index/assignmentParts';
import { holdersOf } from '../../server/src/index/configWrites';
import { RuleContext, DEFAULT_OPTIONS } from '../../server/src/rules/context';
import { pipelineFile } from '../../server/src/bench/corpus';
import { fixturesDir } from '../helpers/paths';
import { walkEveryNode } from '../helpers/treeWalk';

const ODD = [
  'x = (a .  # comment\n   b)(1)\n',
  'y = a.\\\n    b(2)\n',
  'z = (lambda: 1)(3), lambda: 2\n',
  'def f(a=lambda: 0):\n    class C:\n        def g(self): return (lambda q: q)(self)\n    return C\n',
  'class A:\n  pass\nclass B(A): pass\n',
  'def h(): pass\ndef k(): return h()\n',
  'dj.Manual; datajoint.key; dj .x; (dj).y; djx.z\n',
].join('');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function sources(): string[] {
  const base = [
    ...['dj014/pipeline014.py', 'dj2/pipeline2.py'].map((f) => fs.readFileSync(path.join(fixturesDir, f), 'utf8')),
    pipelineFile(7),
    ODD,
  ];
  const r = rng(5);
  const broken: string[] = [];
  for (let i = 0; i < 24; i++) {
    let text = base[i % base.length];
    for (let k = 0; k < 1 + (i % 3); k++) {
      const targets = [...text.matchAll(/[)\]}:"]/g)].map((m) => m.index!);
      const at = targets[Math.floor(r() * targets.length)];
      text = text.slice(0, at) + text.slice(at + 1);
    }
    broken.push(text);
  }
  return [...base, ...broken];
}

function everyNode(tree: Tree): Node[] {
  const out: Node[] = [];
  walkEveryNode(tree, (cursor) => out.push(cursor.currentNode));
  return out;
}

/** Each source parsed, handed over with its tree, and the tree freed afterwards. */
async function forEachSourceTree(visit: (text: string, tree: Tree) => void): Promise<void> {
  const py = await loadPython();
  for (const text of sources()) {
    const tree = py.parse(text);
    try {
      visit(text, tree);
    } finally {
      tree.delete();
    }
  }
}

test('innermost with a lazily asked end finds what it finds with the end given', async () => {
  let asked = 0;
  let nodes = 0;
  let zeroWidth = 0;
  await forEachSourceTree((_text, tree) => {
    const syntax = collectSyntax(tree);
    for (const sorted of [syntax.functions, syntax.classes]) {
      const starts = sorted.map((n) => n.startIndex);
      const ends = sorted.map((n) => n.endIndex);
      for (const node of everyNode(tree)) {
        nodes++;
        const end = node.endIndex;
        if (end === node.startIndex) zeroWidth++;
        // As FileIndex.scopeOf asks, and as classOf asks for a class (one character before it).
        for (const start of [node.startIndex, Math.max(0, node.startIndex - 1)]) {
          const eager = innermost(sorted, start, end, starts, ends);
          const counted = new Proxy(node, {
            get: (t, k) => {
              if (k === 'endIndex') asked++;
              return Reflect.get(t, k);
            },
          });
          const lazy = innermost(sorted, start, counted, starts, ends);
          assert.equal(lazy?.id ?? null, eager?.id ?? null, `${JSON.stringify(node.text)} at ${start}`);
        }
      }
    }
  });
  assert.ok(zeroWidth > 0, 'no zero-width node: the broken variants exercise too little');
  assert.ok(asked < nodes, `the end was asked for ${asked} of ${nodes} nodes: the shortcut never applied`);
});

test("a call's method name from its named children is the attribute field's name", async () => {
  let attributeCalls = 0;
  await forEachSourceTree((_text, tree) => {
    for (const call of collectSyntax(tree).calls) {
      const fn = call.childForFieldName('function');
      const byField = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? null) : null;
      if (byField !== null) attributeCalls++;
      assert.equal(methodName(call), byField, call.text);
    }
  });
  assert.ok(attributeCalls > 50);
});

test("a call's method name among a family's names is found only where the text holds one, as the full lookup finds it", async () => {
  // Families asked in turn on one context (as the rules do), including names that begin others ('fetch', 'fetch1').
  const families = [
    OUTPUT_METHODS,
    new Set(['aggr', 'aggregate', 'join', 'fetch', 'keys']),
    new Set(['insert', 'insert1']),
  ];
  let found = 0;
  let skipped = 0;
  await forEachSourceTree((text, tree) => {
    const index = new FileIndex('/x/a.py', tree);
    const ctx = new RuleContext('/x/a.py', text, index, DEFAULT_OPTIONS);
    for (const among of families)
      for (const call of index.syntax.calls) {
        const name = methodName(call);
        const expected = name !== null && among.has(name) ? name : null;
        if (expected) found++;
        assert.equal(methodNameIn(ctx, call, among), expected, `${call.text} among ${[...among]}`);
      }
    skipped += index.syntax.calls.filter((c) => !ctx.callNames.has(c.id)).length;
  });
  assert.ok(found > 20, `only ${found} calls with a family's method name: the check exercises too little`);
  assert.ok(skipped > 50, 'every call was looked up in full: the text filter never applied');
});

test("the nodes around a word's occurrences are the nodes whose text holds it", async () => {
  let holders = 0;
  await forEachSourceTree((text, tree) => {
    for (const word of ['config', 'fetch', 'dj', '(']) {
      const holds = holdersOf(tree.rootNode, tree.rootNode.text, word);
      for (const node of everyNode(tree)) {
        const own = node.text.includes(word);
        if (own) holders++;
        assert.equal(holds(node), own, `${JSON.stringify(node.text)} / ${word}`);
      }
    }
    assert.equal(tree.rootNode.text, text);
  });
  assert.ok(holders > 1000);
});

test("an attribute's leading text read in the file is its own text's", async () => {
  let hits = 0;
  await forEachSourceTree((text, tree) => {
    for (const node of collectSyntax(tree).attributes)
      for (const prefix of ['dj.', 'datajoint.', 'x.']) {
        const own = node.text.startsWith(prefix);
        if (own) hits++;
        assert.equal(text.startsWith(prefix, node.startIndex), own, `${node.text} / ${prefix}`);
      }
  });
  assert.ok(hits > 10);
});

test("a plain-name assignment target read in an error-free file's text is the tree's", async () => {
  const targets = [
    'a \\\n  = 1\nb: int = 2\nc.d = 3\ne[0] = 4\nf, g = 5, 6\nh = i = 7\né_x = 8\nmatch = type = 9\n',
    '(j) = 10\nk: int\nl  :  str="x"\nm=n==1\n*o, p = q\nclass R:\n    s = 1\n    def t(self):\n        u = self.s\n',
  ].join('');
  const py = await loadPython();
  let named = 0;
  let clean = 0;
  // Leading blank lines: the root node (and its text) then starts after them.
  for (const text of [...sources(), targets, `\n\n  \n${targets}`]) {
    const tree = py.parse(text);
    try {
      const index = new FileIndex('/x/a.py', tree);
      const byTree = readAssignmentParts(index.syntax.assignments);
      const shown = (parts: typeof byTree) => parts.map((p) => [p.node.id, p.name, p.right?.id ?? null]);
      // FileIndex reads the text only when the tree has no error, and then finds what the tree finds.
      assert.deepEqual(shown(index.assignmentParts()), shown(byTree));
      if (tree.rootNode.hasError) continue;
      clean++;
      assert.deepEqual(shown(readAssignmentParts(index.syntax.assignments, { text, base: 0 })), shown(byTree));
      named += byTree.filter((p) => p.name !== null).length;
    } finally {
      tree.delete();
    }
  }
  assert.ok(clean >= 4 && named > 100, `${clean} error-free sources, ${named} named targets: too little checked`);
});

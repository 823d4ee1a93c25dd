// One search of the whole tree gives each statement without a syntax error the same index nodes as a search of that
// statement alone, in trees with errors elsewhere too (a class line commented out, a bracket left open).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { CodeEngine } from '../../server/src/engine';
import { collectAll, collectIn } from '../../server/src/incremental/statements';
import type { SyntaxNodes } from '../../server/src/python/syntax';
import { repoRoot } from '../helpers/paths';

/** Ways a text is broken while typing, each applied to the first line it fits. */
const BREAKS: Array<(t: string) => string> = [
  (t) => t.replace(/^class /m, '# class '),
  (t) => t.replace(/\(([^()\n]*)\)\n/, '($1\n'),
  (t) => t.replace(/"""\n/, '"\n'),
  (t) => t.replace(/^def (\w+)\(/m, 'def $1(:'),
];

const ids = (s: SyntaxNodes) =>
  Object.fromEntries(
    Object.entries(s).map(([k, v]) => [k, (v as Array<Node | [number, number]>).map((n) => ('id' in n ? n.id : n))]),
  );

test('collectAll equals collectIn for every statement without a syntax error, with errors elsewhere', async () => {
  const engine = await CodeEngine.create();
  const dir = path.join(repoRoot, 'test', 'rules');
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.before.py'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
  assert.ok(files.length > 30, `only ${files.length} fixtures`);
  let withErrors = 0;
  let compared = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const variant of [text, ...BREAKS.map((b) => b(text))]) {
      const tree = engine.python.parse(variant);
      try {
        const stmts = tree.rootNode.namedChildren.filter((n): n is Node => !!n);
        const all = collectAll(
          tree,
          stmts.map((s) => s.startIndex),
          stmts.map((s) => s.endIndex),
        );
        if (tree.rootNode.hasError) withErrors++;
        stmts.forEach((s, i) => {
          if (s.hasError) return;
          assert.deepEqual(ids(all[i]), ids(collectIn(s)), `${path.relative(repoRoot, file)}, statement ${i}`);
          compared++;
        });
      } finally {
        tree.delete();
      }
    }
  }
  assert.ok(withErrors > 50, `only ${withErrors} trees with errors`);
  assert.ok(compared > 500, `only ${compared} statements compared`);
});

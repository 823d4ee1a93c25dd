// The text searches rules make for candidate nodes (`matchesInScope`, `spotsFor`) read only the statements an
// incremental analysis re-checks, and give the whole text's answer for any node outside them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPython } from '../../server/src/python/parser';
import { FileIndex } from '../../server/src/index/fileIndex';
import { CodeEngine } from '../../server/src/engine';
import { IncrementalAnalyzer } from '../../server/src/incremental/analyzer';
import { DocumentStore } from '../../server/src/lsp/documents';
import { DEFAULT_OPTIONS, RuleContext, type ScannedRange } from '../../server/src/rules/context';
import { pipelineFile } from '../../server/src/bench/corpus';

const TEXT = ['a = x.populate()', 'b = (y.\n    populate())', 'c = z.populate()', 'd = w.populate()', ''].join('\n');
const at = (s: string) => TEXT.indexOf(s);
const end = (s: string) => TEXT.indexOf(s) + s.length;

async function contextOf(text: string, scanned: ScannedRange[] | null): Promise<RuleContext> {
  const py = await loadPython();
  const tree = py.parse(text);
  const index = new FileIndex('/t.py', tree);
  return new RuleContext('/t.py', text, index, DEFAULT_OPTIONS, undefined, undefined, undefined, scanned);
}

test('matchesInScope: matches starting in a range, indexed into the whole text, read past its end', async () => {
  const re = /\.\s*(populate)\b/g;
  const whole = [...TEXT.matchAll(re)].map((m) => m.index);
  assert.deepEqual(whole, [at('.populate'), at('.\n'), at('z.') + 1, at('w.') + 1]);
  // The second range ends right after `y.`: its match runs past `to` and is found whole (read up to `readTo`).
  const ctx = await contextOf(TEXT, [
    { from: at('b ='), to: at('.\n') + 1, readTo: end('populate())') },
    { from: at('d ='), to: end('w.populate()'), readTo: TEXT.length },
  ]);
  assert.deepEqual(
    ctx.matchesInScope(re).map((m) => [m.index, m[1]]),
    [
      [at('.\n'), 'populate'],
      [at('w.') + 1, 'populate'],
    ],
  );
  // Without ranges: the whole text.
  const all = await contextOf(TEXT, null);
  assert.deepEqual(
    all.matchesInScope(re).map((m) => m.index),
    whole,
  );
});

test('spotsFor: the re-checked text for a node inside it, the whole text for one outside', async () => {
  const re = /populate/g;
  const whole = [...TEXT.matchAll(re)].map((m) => m.index);
  const c = { from: at('c ='), to: end('z.populate()'), readTo: end('w.populate()') };
  const ctx = await contextOf(TEXT, [c]);
  assert.deepEqual(ctx.spotsFor(re, c.from + 2), [at('z.') + 2]);
  assert.deepEqual(ctx.spotsFor(re, 0), whole);
  assert.deepEqual(ctx.spotsFor(re, c.to), whole, 'a range ends before its `to`');
  // found once per analysis: the same arrays again
  assert.equal(ctx.spotsFor(re, c.from), ctx.spotsFor(re, c.to - 1));
  assert.equal(ctx.spotsFor(re, 1), ctx.spotsFor(re, c.readTo - 1));
  assert.deepEqual((await contextOf(TEXT, null)).spotsFor(re, c.from + 2), whole);
});

test('an edit of one statement scans only the statements it re-checks', async () => {
  const engine = await CodeEngine.create();
  const store = new DocumentStore(engine.python);
  const analyzer = new IncrementalAnalyzer(engine, '/work/scanned.py');
  const uri = 'file:///work/scanned.py';
  const text = pipelineFile(3, 6);
  let entry = store.open(uri, 'python', 1, text, true);
  analyzer.analyze(text, entry.tree!, DEFAULT_OPTIONS);
  const seen: Array<readonly ScannedRange[] | null> = [];
  const original = RuleContext.prototype.matchesInScope;
  RuleContext.prototype.matchesInScope = function (this: RuleContext, re: RegExp) {
    seen.push(this.scanned);
    return original.call(this, re);
  };
  try {
    // a line inside a function body: its statement alone is re-checked
    const line = text.split('\n').findIndex((l) => /^\s+return /.test(l));
    assert.ok(line > 0);
    entry = store.change(uri, 2, [
      { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '# ' },
    ])!;
    const edited = entry.doc.getText();
    const findings = analyzer.analyze(edited, entry.tree!, DEFAULT_OPTIONS);
    assert.equal(analyzer.stats.full, false);
    assert.ok(analyzer.stats.checked < analyzer.stats.statements / 2, JSON.stringify(analyzer.stats));
    assert.ok(seen.length > 0, 'the rules searched the text');
    for (const ranges of seen) {
      assert.ok(ranges, 'an incremental run names its ranges');
      const read = ranges.reduce((n, r) => n + (r.readTo - r.from), 0);
      assert.ok(read < edited.length / 2, `read ${read} of ${edited.length} characters`);
      const offset = edited.indexOf('# ', edited.split('\n').slice(0, line).join('\n').length);
      assert.ok(
        ranges.some((r) => r.from <= offset && offset < r.to),
        'the edited statement is scanned',
      );
    }
    assert.deepEqual(
      findings,
      engine.isolated().analyzePython('/work/scanned.py', edited, DEFAULT_OPTIONS, entry.tree!),
    );
  } finally {
    RuleContext.prototype.matchesInScope = original;
    store.close(uri);
  }
});

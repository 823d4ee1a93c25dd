// Incremental analysis checked against a full analysis of each text, for tests of what an edit re-checks.
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { IncrementalAnalyzer, type IncrementalStats } from '../../server/src/incremental/analyzer';
import { DocumentStore } from '../../server/src/lsp/documents';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';

/** Analyses `texts` in turn through one incremental analyzer (re-parsed as the server does), each against a full analysis. */
export async function compareEdits(
  texts: string[],
  file = '/work/edited.py',
): Promise<Array<{ findings: Finding[]; stats: IncrementalStats }>> {
  const engine = await CodeEngine.create();
  const full = engine.isolated();
  const store = new DocumentStore(engine.python);
  const analyzer = new IncrementalAnalyzer(engine, file);
  const uri = 'file:///work/edited.py';
  let entry = store.open(uri, 'python', 1, texts[0], true);
  const out: Array<{ findings: Finding[]; stats: IncrementalStats }> = [];
  for (let i = 0; i < texts.length; i++) {
    if (i > 0) {
      const doc = entry.doc;
      entry = store.change(uri, i + 1, [
        { range: { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) }, text: texts[i] },
      ])!;
    }
    const got = analyzer.analyze(texts[i], entry.tree!, DEFAULT_OPTIONS);
    assert.deepEqual(got, full.analyzePython(file, texts[i], DEFAULT_OPTIONS, entry.tree!), `text ${i}:\n${texts[i]}`);
    out.push({ findings: got, stats: analyzer.stats });
  }
  store.close(uri);
  return out;
}

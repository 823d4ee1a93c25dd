// Warms the engine's code (JIT, and the parser's WASM tiers) while `initialize` is answered, so the first file opened
// and the first edits in it are analysed at full speed: generated DataJoint modules analysed whole, then edited the
// ways a person edits (a table's attribute or key line, a method or function header, a docstring, a class line, a
// blank line, a body line, an import) through the same path as the editor's edits (incremental reparse, incremental
// analysis, diagnostics), in an engine with a workspace index of its own.
import type { CodeEngine } from '../engine';
import { pipelineFile } from '../bench/corpus';
import { IncrementalAnalyzer } from '../incremental/analyzer';
import { DEFAULT_OPTIONS } from '../rules/context';
import { toDiagnostic } from './convert';
import { DocumentStore } from './documents';

/** Lines edited (commented out, then back), by how they start. */
const EDITED = [
  '    attr_2 ',
  '    key_1 ',
  '    def make',
  '    """Smooth',
  'class Table0_3',
  'def helper_0_2',
  '',
  '    kernel = kernel',
  'import numpy',
  '    -> Table0_4',
];

/**
 * `rounds` edited copies of a two-module file (the paths a large file takes), then `small` of a one-module file:
 * cheap analyses that make the analysis's own loops hot enough to be compiled before the first real edit.
 */
export function warmUp(engine: CodeEngine, rounds = 2, small = 5): void {
  const own = engine.isolated();
  const store = new DocumentStore(own.python);
  try {
    for (let i = 0; i < rounds + small; i++) {
      // The engine's whole-file path first (the CLI's, and a file indexed from disk).
      if (i < rounds) own.analyzePython(`/warm-up/pipeline_${i}.py`, pipelineFile(i, 4));
      const text = i < rounds ? `${pipelineFile(0, 8)}\n${pipelineFile(1, 8)}` : pipelineFile(0, 4);
      editAll(own, store, text, `/warm-up/edited_${i}.py`);
    }
  } finally {
    store.dispose();
  }
}

/** Opens `text`, analyses it, then comments out and back each line of EDITED, analysing every version. */
function editAll(engine: CodeEngine, store: DocumentStore, text: string, file: string): void {
  const uri = `file://${file}`;
  const analyzer = new IncrementalAnalyzer(engine, file);
  let entry = store.open(uri, 'python', 1, text, true);
  const check = () => {
    const doc = entry.doc;
    for (const f of analyzer.analyze(doc.getText(), entry.tree!, DEFAULT_OPTIONS)) toDiagnostic(doc, f);
  };
  check();
  const lines = text.split('\n');
  let version = 1;
  for (const start of EDITED) {
    const line = lines.findIndex((l, n) => n > 8 && l.startsWith(start) && (start !== '' || lines[n + 1] !== ''));
    if (line < 0) continue;
    for (const [from, to, insert] of [
      [0, 0, '# '],
      [0, 2, ''],
    ] as const) {
      const range = { start: { line, character: from }, end: { line, character: to } };
      entry = store.change(uri, ++version, [{ range, text: insert }])!;
      check();
    }
  }
  store.close(uri);
}

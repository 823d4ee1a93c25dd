// Warms the engine's code (JIT) while `initialize` is answered, so the first file opened is analysed at full speed:
// a few generated DataJoint modules analysed whole and then edited, in an engine with a workspace index of its own.
import type { CodeEngine } from '../engine';
import { pipelineFile } from '../bench/corpus';
import { IncrementalAnalyzer } from '../incremental/analyzer';
import { DEFAULT_OPTIONS } from '../rules/context';

export function warmUp(engine: CodeEngine, rounds = 3): void {
  const own = engine.isolated();
  for (let i = 0; i < rounds; i++) {
    const text = pipelineFile(i, 4);
    own.analyzePython(`/warm-up/pipeline_${i}.py`, text);
    const analyzer = new IncrementalAnalyzer(own, `/warm-up/edited_${i}.py`);
    let tree = own.python.parse(text);
    try {
      analyzer.analyze(text, tree, DEFAULT_OPTIONS);
      const at = text.indexOf('    kernel');
      const edited = `${text.slice(0, at)}# ${text.slice(at)}`;
      const next = own.python.parse(edited);
      tree.delete();
      tree = next;
      analyzer.analyze(edited, tree, DEFAULT_OPTIONS);
    } finally {
      tree.delete();
    }
  }
}

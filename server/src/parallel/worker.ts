// An analysis worker: reads, indexes and analyses the chunks of files it claims (Project.indexAndAnalyze), receives
// every file's exports, then confirms or redoes those analyses and sends the results back a few files at a time.
import { parentPort } from 'node:worker_threads';
import { Project } from '../project';
import type { ModuleExports } from '../index/workspace';
import { claimChunks } from './chunks';
import { loadPython } from '../python/parser';
import type { FileResult } from '../project';
import type { FromWorker, ToWorker } from './protocol';
import { Timeline } from './timeline';

const timeline = new Timeline('worker');
timeline.mark('script loaded');

const BATCH = 8;
// Load the parser now: the main thread is still opening the project when a worker starts.
void loadPython().then(
  () => timeline.mark('parser loaded'),
  () => undefined,
);
let project: Project | null = null;

function send(m: FromWorker): void {
  parentPort!.postMessage(m);
}

parentPort?.on('message', async (m: ToWorker) => {
  try {
    if (m.kind === 'index') {
      timeline.mark('index received');
      const own = await Project.subset([], m.settings, m.pin, m.options);
      project = own;
      own.treeBudget = m.treeBudget;
      const exports: ModuleExports[] = [];
      claimChunks(m.claimed, m.chunks, (chunk) => {
        own.addFiles(chunk, m.given);
        exports.push(...own.indexAndAnalyze(chunk));
        timeline.mark(`chunk ${chunk.length}`);
      });
      const imported = [...own.importedTopLevel()];
      timeline.mark(`indexed+analysed ${own.files.length}`);
      send({ kind: 'indexed', exports, imported });
      timeline.mark('indexed posted');
    } else if (m.kind === 'analyze') {
      if (!project) throw new Error('analyze before index');
      timeline.mark('analyze received');
      Object.assign(project.options, m.options);
      for (const e of m.exports) if (!project.texts.has(e.path)) project.engine.workspace.set(e);
      timeline.mark('exports set');
      let batch: FileResult[] = [];
      project.analyzeAll((r) => {
        batch.push(r);
        if (batch.length >= BATCH) {
          send({ kind: 'results', results: batch });
          batch = [];
        }
      });
      if (batch.length) send({ kind: 'results', results: batch });
      timeline.mark(`analysed (${project.redone} redone)`);
      send({ kind: 'done', marks: timeline.marks });
      project = null;
    }
  } catch (e) {
    send({ kind: 'error', message: (e as Error).stack ?? String(e) });
  }
});

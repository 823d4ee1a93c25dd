// An analysis worker: reads, indexes and analyses its share of the files (Project.indexAndAnalyze), receives
// every file's exports, then confirms or redoes those analyses and sends the results back a few files at a time.
import { parentPort } from 'node:worker_threads';
import { Project } from '../project';
import { loadPython } from '../python/parser';
import type { FileResult } from '../project';
import type { FromWorker, ToWorker } from './protocol';

const BATCH = 8;
// Load the parser now: the main thread is still opening the project when a worker starts.
void loadPython().catch(() => undefined);
let project: Project | null = null;

function send(m: FromWorker): void {
  parentPort!.postMessage(m);
}

parentPort?.on('message', async (m: ToWorker) => {
  try {
    if (m.kind === 'index') {
      project = await Project.subset(m.files, m.settings, m.pin, m.options, m.given);
      project.treeBudget = m.treeBudget;
      const imported = [...project.importedTopLevel()];
      send({ kind: 'indexed', exports: project.indexAndAnalyze(), imported });
    } else if (m.kind === 'analyze') {
      if (!project) throw new Error('analyze before index');
      Object.assign(project.options, m.options);
      for (const e of m.exports) if (!project.texts.has(e.path)) project.engine.workspace.set(e);
      let batch: FileResult[] = [];
      project.analyzeAll((r) => {
        batch.push(r);
        if (batch.length >= BATCH) {
          send({ kind: 'results', results: batch });
          batch = [];
        }
      });
      if (batch.length) send({ kind: 'results', results: batch });
      send({ kind: 'done' });
      project = null;
    }
  } catch (e) {
    send({ kind: 'error', message: (e as Error).stack ?? String(e) });
  }
});

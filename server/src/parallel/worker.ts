// An analysis worker: indexes its share of the files (keeping their trees), receives every file's exports,
// then analyses its share. Each file is parsed once, on one of the machine's cores.
import { parentPort } from 'node:worker_threads';
import { Project } from '../project';
import type { FromWorker, ToWorker } from './protocol';

let project: Project | null = null;

function send(m: FromWorker): void {
  parentPort!.postMessage(m);
}

parentPort?.on('message', async (m: ToWorker) => {
  try {
    if (m.kind === 'index') {
      project = await Project.subset(m.files, m.settings, m.pin, m.options);
      send({ kind: 'indexed', exports: project.indexAll() });
    } else if (m.kind === 'analyze') {
      if (!project) throw new Error('analyze before index');
      for (const e of m.exports) if (!project.texts.has(e.path)) project.engine.workspace.set(e);
      send({ kind: 'results', results: project.analyzeAll() });
      project = null;
    }
  } catch (e) {
    send({ kind: 'error', message: (e as Error).stack ?? String(e) });
  }
});

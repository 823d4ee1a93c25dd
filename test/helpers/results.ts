import path from 'node:path';
import type { FileResult } from '../../server/src/project';

/** A project analysis's results, comparable with deepEqual: each file's name, why it was skipped, and its findings. */
export function resultSummary(results: FileResult[]) {
  return results.map((r) => ({
    path: path.basename(r.path),
    skipped: r.skipped,
    findings: r.findings.map((f) => `${f.code}@${f.start}-${f.end}:${f.severity}:${f.message}:${f.fix?.title ?? ''}`),
  }));
}

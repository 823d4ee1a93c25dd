// Reading a project's files once: each file's text and encoding, or the reason it is skipped (unreadable, not
// valid in its encoding, an empty or unreadable notebook).
import { fileKind } from './fileKind';
import { readText } from './files';
import { readNotebook } from './notebook';
import type { SourceEncoding } from './python/encoding';

/**
 * Read every file once. A file that cannot be read, is not valid in its encoding, or (for notebooks) is empty
 * or not a notebook is skipped with a reason that names what is wrong; the other files go on.
 */
export function readFiles(files: string[]) {
  const texts = new Map<string, string>();
  const skipped = new Map<string, string>();
  const encodings = new Map<string, SourceEncoding>();
  for (const f of files) {
    try {
      const r = readText(f);
      if ('skipped' in r) {
        skipped.set(f, r.skipped);
        continue;
      }
      if (fileKind(f) === 'notebook') {
        const problem = notebookProblem(r.text);
        if (problem) {
          skipped.set(f, problem);
          continue;
        }
      }
      texts.set(f, r.text);
      encodings.set(f, r.encoding);
    } catch (e) {
      skipped.set(f, (e as Error).message);
    }
  }
  return { texts, skipped, encodings };
}

function notebookProblem(json: string): string | null {
  if (!json.trim()) return 'empty notebook file (no JSON); not analysed or fixed';
  try {
    readNotebook(json);
    return null;
  } catch (e) {
    return `not a readable notebook (${(e as Error).message}); not analysed or fixed`;
  }
}

export function safeNotebookText(json: string): string | null {
  try {
    return readNotebook(json).text;
  } catch {
    return null;
  }
}

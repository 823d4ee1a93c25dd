import path from 'node:path';
import fs from 'node:fs';

/** The repository root, whether tests run from out/ (compiled) or elsewhere. */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'out') dir = path.dirname(dir);
  return dir;
})();

export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** The vendored copy of the API-change catalogue (test/spec/); tests read this one, never ../shared. */
export const specFile = path.join(repoRoot, 'test', 'spec', 'api-changes.md');
/**
 * The ground truth beside the clone, when there is one (developer machines, CI). The only path outside the
 * repository a test may name, and only to check that a vendored copy still equals it when it exists.
 */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const sharedFixturesDir = path.join(sharedDir, 'fixtures');

import path from 'node:path';
import fs from 'node:fs';

/** The repository root, whether tests run from out/ (compiled) or elsewhere. */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'out') dir = path.dirname(dir);
  return dir;
})();

export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** The vendored copy of the API-change catalogue (test/spec/); `npm run check:vendored` keeps it current. */
export const specFile = path.join(repoRoot, 'test', 'spec', 'api-changes.md');

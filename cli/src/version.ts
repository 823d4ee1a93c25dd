// The version `dj-migrate --version` prints: package.json's, found from wherever this runs (dist/cli.js in a
// clone or in node_modules/datajoint-migrate, out/cli/src/ under the tests).
import fs from 'node:fs';
import path from 'node:path';

export function packageVersion(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'datajoint-migrate' && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`package.json of datajoint-migrate not found above ${from}`);
}

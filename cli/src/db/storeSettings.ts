// Where a db command finds store settings: `--stores FILE`, else the project's `stores-file` setting,
// else a dj_local_conf.json / datajoint.json in the working directory. Shared by the commands that touch stores.
import fs from 'node:fs';
import path from 'node:path';
import { loadStores, type StoreMap } from '../../../client/src/db/stores';
import { loadProjectSettings } from '../../../common/src/projectSettings';
import { str, type ParsedArgs } from '../args';

export interface FoundStores {
  stores: StoreMap;
  /** The file they came from, or null when none was found (the map is then empty). */
  file: string | null;
}

export function storesFromFlags(flags: ParsedArgs['flags'], cwd: string): FoundStores {
  const explicit = str(flags, 'stores');
  if (explicit) return { stores: loadStores(path.resolve(cwd, explicit)), file: path.resolve(cwd, explicit) };
  const projectFile = loadProjectSettings(cwd).storesFile;
  if (projectFile) {
    const file = path.resolve(cwd, projectFile);
    return { stores: loadStores(file), file };
  }
  for (const name of ['dj_local_conf.json', 'datajoint.json']) {
    const file = path.join(cwd, name);
    if (fs.existsSync(file)) return { stores: loadStores(file), file };
  }
  return { stores: {}, file: null };
}

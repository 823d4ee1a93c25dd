// Which DataJoint line a workspace is on, from its dependency files. A project that still pins 0.x gets
// informational findings and no fix-on-save; one that pins 2.x gets the full rules.
import fs from 'node:fs';
import path from 'node:path';
import { classifySpec } from './classify';
import { locateDataJointPins, pinFileKind } from './locate';

export type DataJointLine = 'v014' | 'v2' | 'unknown';

export interface DataJointPin {
  line: DataJointLine;
  /** The file and specifier that decided the line (the first DataJoint requirement seen when unknown). */
  file?: string;
  spec?: string;
}

/**
 * A pin admitting only 0.x anywhere wins (the project still runs 0.14.x somewhere, so be cautious);
 * otherwise one admitting only 2.x decides; unpinned, mixed or URL requirements leave it unknown.
 */
export function detectDataJointPin(files: { path: string; text: string }[]): DataJointPin {
  let v2: DataJointPin | undefined;
  let first: DataJointPin | undefined;
  for (const f of files) {
    for (const site of locateDataJointPins(f.path, f.text)) {
      const spec = site.url !== undefined ? `@ ${site.url}` : site.spec;
      first ??= { line: 'unknown', file: f.path, spec };
      if (site.url !== undefined) continue;
      const { verdict } = classifySpec(site.spec, site.dialect);
      if (verdict === 'pre2-only') return { line: 'v014', file: f.path, spec };
      if (!v2 && (verdict === 'ok' || verdict === 'early2-only' || verdict === 'early2-mixed')) v2 = { line: 'v2', file: f.path, spec };
    }
  }
  return v2 ?? first ?? { line: 'unknown' };
}

const SKIP_DIRS = new Set(['node_modules', '.venv', 'venv', 'site-packages', '.git', '.hg', '.svn', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints']);
const MAX_DEPTH = 8;

/** Dependency files under `root` (absolute paths, sorted), skipping virtual environments and tool caches. */
export function findPinFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || depth >= MAX_DEPTH) continue;
        if (fs.existsSync(path.join(p, 'pyvenv.cfg'))) continue; // a virtual environment under any name
        walk(p, depth + 1);
      } else if (e.isFile() && pinFileKind(p)) {
        out.push(p);
      }
    }
  };
  walk(path.resolve(root), 0);
  return out.sort();
}

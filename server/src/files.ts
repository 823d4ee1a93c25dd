// Which files the engine reads: Python, notebooks, DataJoint config files and dependency pins,
// never inside virtual environments, site-packages or node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileKind } from './fileKind';
import { decodeSource, type Decoded } from './python/encoding';

const SKIP_DIRS = new Set([
  'node_modules',
  '.venv',
  'venv',
  'site-packages',
  'dist-packages',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  '.e2e',
  '.vscode-test',
]);

export function isSkippedDir(dir: string): boolean {
  return SKIP_DIRS.has(path.basename(dir)) || fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** Expand files and directories into the sorted list of files the engine handles. */
export function listFiles(paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!isSkippedDir(p)) walk(p);
      } else if (e.isFile() && fileKind(p) !== 'other') out.add(p);
    }
  };
  for (const p of paths) {
    const abs = path.resolve(p);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new Error(`no such file or directory: ${p}`);
    if (st.isDirectory()) walk(abs);
    else out.add(abs);
  }
  return [...out].sort();
}

export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Read a text file: Python sources by PEP 263 (BOM, coding cookie), everything else as UTF-8. Binary files
 * (NUL bytes), files over MAX_FILE_BYTES and files not valid in their encoding are refused with a reason.
 */
export function readText(file: string): Decoded {
  const st = fs.statSync(file);
  if (st.size > MAX_FILE_BYTES) return { skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
  const buf = fs.readFileSync(file);
  if (buf.subarray(0, 8192).includes(0)) return { skipped: 'binary file' };
  return decodeSource(buf, fileKind(file) === 'python');
}

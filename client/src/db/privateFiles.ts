// Local state (checkpoints under `<project>/.dj-migrate/`) is private: files 0600, folders 0700, and the
// `.dj-migrate` folder holds a `.gitignore` of `*` so that neither it nor anything in it is committed by
// accident. (On Windows the modes are ignored by the file system; the .gitignore still applies.)
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_NAME = '.dj-migrate';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Create `dir` (and missing parents) owner-only. When it lies inside a `.dj-migrate` folder, that folder
 * and every folder below it on the way are made owner-only too, and the `.gitignore` is put in place.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  const parts = path.resolve(dir).split(path.sep);
  const at = parts.lastIndexOf(PRIVATE_DIR_NAME);
  if (at < 0) return;
  const root = parts.slice(0, at + 1).join(path.sep) || path.sep;
  for (let i = at; i < parts.length; i++) fs.chmodSync(parts.slice(0, i + 1).join(path.sep) || path.sep, DIR_MODE);
  const ignore = path.join(root, '.gitignore');
  if (!fs.existsSync(ignore)) writeAtomically(ignore, '*\n');
}

/** Write a file owner-only, atomically (temporary file + rename: a crash never leaves a torn file). */
export function writePrivateFile(file: string, text: string): void {
  ensurePrivateDir(path.dirname(file));
  writeAtomically(file, text);
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true }); // a leftover from a crash may have other modes
  const fd = fs.openSync(tmp, 'wx', FILE_MODE);
  try {
    fs.writeFileSync(fd, text);
    fs.fchmodSync(fd, FILE_MODE); // the umask may have narrowed it; never widened
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

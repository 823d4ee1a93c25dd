// Reports as files: `.dj-migrate/reports/<timestamp>-<name>.md` in the workspace, the `.dj-migrate/`
// folder kept out of git by a `.gitignore` holding `*` (written only when missing). No `vscode` here.
import fs from 'node:fs';
import path from 'node:path';

/** Create `<dir>/.gitignore` with `*` unless one exists (idempotent; an existing file is never changed). */
export function ensureGitignore(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** `20261206T153700Z-compare-lab` style file name: sortable, safe on every file system. */
export function reportFileName(name: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const safe =
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'report';
  return `${stamp}-${safe}.md`;
}

/** Write a Markdown report under `<root>/.dj-migrate/reports/` and return its path. */
export function saveReport(root: string, name: string, markdown: string, now = new Date()): string {
  const base = path.join(root, '.dj-migrate');
  ensureGitignore(base);
  const dir = path.join(base, 'reports');
  fs.mkdirSync(dir, { recursive: true });
  let file = path.join(dir, reportFileName(name, now));
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, reportFileName(`${name}-${i}`, now));
  fs.writeFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return file;
}

// Reports as files: `.dj-migrate/reports/<timestamp>-<name>.md` in the workspace, the `.dj-migrate/`
// folder private and kept out of git like the checkpoints (privateFiles.ts). No `vscode` here.
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_NAME, writePrivateFile } from '../db/privateFiles';

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
  const dir = path.join(root, PRIVATE_DIR_NAME, 'reports');
  ensurePrivateDir(dir);
  let file = path.join(dir, reportFileName(name, now));
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, reportFileName(`${name}-${i}`, now));
  writePrivateFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return file;
}

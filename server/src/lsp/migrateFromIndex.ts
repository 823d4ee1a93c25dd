// Migrate Workspace Code from the language server's index: the exports of every workspace file and of the installed
// packages are already there, so nothing is parsed to index them again. Only files not yet indexed or changed on disk
// since are read (and indexed first, so every file sees them); open files use their editor text, the others the text
// kept when indexed; a Python file that is not DataJoint code and imports no workspace module is not even parsed.
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../engine';
import { listFiles } from '../files';
import type { InstalledIndex } from '../index/installedIndex';
import { WorkspaceIndex } from '../index/workspace';
import { Project, type FixedFile } from '../project';
import { readFiles } from '../readFiles';
import type { DependencyAssessments } from '../rules/dependencies/warnings';
import type { DataJointPin } from '../rules/pins';
import type { IndexedFiles } from './indexedFiles';

export interface ServerIndex {
  /** The server's engine; its workspace index is updated for files changed on disk, never with fixed text. */
  engine: CodeEngine;
  indexed: IndexedFiles;
  roots: string[];
  pin: DataJointPin;
  installed: InstalledIndex;
  dependencies: DependencyAssessments;
  /** The editor text of an open document. */
  openText(file: string): string | undefined;
}

export interface MigrationFromIndex {
  project: Project;
  fixed: FixedFile[];
  /** The files read from disk for this migration. */
  read: string[];
}

export async function migrateFromIndex(
  s: ServerIndex,
  options: { finalize: boolean; codes?: Set<string> },
): Promise<MigrationFromIndex> {
  const files = s.roots.length ? listFiles(s.roots) : [];
  const texts = new Map<string, string>();
  const plain = new Map<string, string[]>();
  const toRead: string[] = [];
  for (const f of files) {
    const open = s.openText(f);
    const known = open === undefined ? s.indexed.unchanged(f) : undefined;
    if (known?.plainImports) plain.set(f, known.plainImports);
    if (open !== undefined) texts.set(f, open);
    else if (known?.text !== undefined) texts.set(f, known.text);
    else if (!known) toRead.push(f); // not indexed yet, changed on disk since, or not a Python file
  }
  const stats = new Map(toRead.map((f) => [f, fs.statSync(f, { throwIfNoEntry: false })]));
  const read = readFiles(toRead);
  for (const [f, text] of read.texts) {
    s.indexed.index(s.engine, f, text, stats.get(f));
    texts.set(f, text);
  }
  // The fix loop records fixed files' exports: in a copy, so the server's index keeps the files as they are.
  const workspace = new WorkspaceIndex(s.engine.workspace.roots);
  for (const e of s.engine.workspace.files()) workspace.set(e);
  const engine = await CodeEngine.create(workspace);
  const project = Project.reusing(engine, files, s.roots[0] ?? process.cwd(), { finalize: options.finalize }, s.pin, {
    index: s.installed,
    dependencies: s.dependencies,
  });
  for (const [f, reason] of read.skipped) project.skipped.set(f, reason);
  const warned = project.options.dependencies ?? {};
  const fixed: FixedFile[] = [];
  for (const f of files) {
    let text = texts.get(f);
    const specs = plain.get(f);
    if (specs && s.openText(f) === undefined) {
      const nothingToDo =
        path.basename(f).toLowerCase() !== 'setup.py' &&
        !specs.some((m) => workspace.resolve(f, m).length || Object.hasOwn(warned, m.split('.')[0]));
      // Not DataJoint code and importing nothing the workspace declares: no finding, nothing to fix.
      if (nothingToDo) {
        fixed.push({ path: f, before: '', after: '', applied: [], remaining: [], fileOps: [], converged: true });
        continue;
      }
    }
    if (text === undefined && !project.skipped.has(f)) {
      // Indexed and unchanged, but its text was beyond the server's budget.
      const late = readFiles([f]);
      for (const [p, reason] of late.skipped) project.skipped.set(p, reason);
      text = late.texts.get(f);
      if (text !== undefined) read.texts.set(f, text);
    }
    if (text === undefined) continue;
    try {
      fixed.push(project.fix(f, text, { unsafe: false, codes: options.codes }));
    } catch (e) {
      // One file that cannot be fixed never stops the rest; the report lists it as skipped.
      project.skipped.set(f, `not fixed: ${(e as Error).message}`);
    }
  }
  return { project, fixed, read: [...read.texts.keys(), ...read.skipped.keys()] };
}

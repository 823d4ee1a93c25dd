// The project's Python environment, read-only: where its site-packages are (a `.venv`/`venv` in the workspace,
// an interpreter given by path, a folder given by path) and which distributions are installed there, with their
// `*.dist-info` versions, requirements and Python files. Nothing here writes; installed code is only indexed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Client → server: `{ sitePackages: string[] }` of the interpreter selected in VS Code's Python extension. */
export const SITE_PACKAGES_NOTIFICATION = 'datajoint/sitePackages';

export interface InstalledPackage {
  /** Distribution name as METADATA spells it ('element-array-ephys'). */
  name: string;
  version: string;
  /** The `*.dist-info` folder. */
  distInfo: string;
  /** The site-packages folder it is installed in. */
  sitePackages: string;
  /** Requirement names from `Requires-Dist` (lower case, normalised: 'datajoint'). */
  requires: string[];
  /** Top-level import names ('element_array_ephys'). */
  topLevel: string[];
  /** Absolute paths of the distribution's Python files. */
  files: string[];
}

/** `Name-Version` style name normalisation (PEP 503). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The site-packages folders of a virtual environment folder (POSIX `lib/pythonX.Y/site-packages`, Windows `Lib/site-packages`). */
export function sitePackagesOfPrefix(prefix: string): string[] {
  const out: string[] = [];
  const win = path.join(prefix, 'Lib', 'site-packages');
  if (isDir(win)) out.push(win);
  for (const lib of ['lib', 'lib64']) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(path.join(prefix, lib));
    } catch {
      continue;
    }
    for (const e of entries.filter((x) => /^python\d/.test(x)).sort()) {
      const dir = path.join(prefix, lib, e, 'site-packages');
      if (isDir(dir) && !out.some((o) => fs.realpathSync(o) === fs.realpathSync(dir))) out.push(dir);
    }
  }
  return out;
}

/** Site-packages of a `.venv` or `venv` folder at the workspace root. */
export function workspaceSitePackages(root: string): string[] {
  return ['.venv', 'venv'].flatMap((d) => {
    const prefix = path.join(root, d);
    return fs.existsSync(path.join(prefix, 'pyvenv.cfg')) ? sitePackagesOfPrefix(prefix) : [];
  });
}

const ASK_SITE =
  'import json,site,sys;p=list(getattr(site,"getsitepackages",lambda:[])());u=site.getusersitepackages();' +
  'p+=[u] if isinstance(u,str) else [];print(json.dumps([x for x in p if x]))';

/** Ask an interpreter for its site-packages folders (existing ones only). Throws if it cannot be run. */
export function sitePackagesOfInterpreter(python: string): string[] {
  const out = execFileSync(python, ['-c', ASK_SITE], { encoding: 'utf8', timeout: 15000, windowsHide: true });
  const dirs = JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
  return dirs.filter(isDir);
}

/** Every distribution with a `*.dist-info` folder in a site-packages folder. */
export function listInstalledPackages(sitePackages: string): InstalledPackage[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(sitePackages);
  } catch {
    return [];
  }
  const out: InstalledPackage[] = [];
  for (const e of entries.filter((x) => x.endsWith('.dist-info')).sort()) {
    const distInfo = path.join(sitePackages, e);
    const meta = readMetadata(path.join(distInfo, 'METADATA'));
    if (!meta) continue;
    const files = pythonFiles(sitePackages, distInfo);
    const topLevel = readLines(path.join(distInfo, 'top_level.txt'));
    out.push({
      name: meta.name,
      version: meta.version,
      distInfo,
      sitePackages,
      requires: meta.requires,
      topLevel: topLevel.length ? topLevel : topLevelOf(sitePackages, files),
      files: files.length ? files : topLevel.flatMap((t) => walkPython(sitePackages, t)),
    });
  }
  return out;
}

/** The dotted module name of an installed file: 'site-packages/pkg/sub/mod.py' → 'pkg.sub.mod'. */
export function installedModuleName(sitePackages: string, file: string): string {
  const rel = path.relative(sitePackages, file).replace(/\.py$/, '').split(path.sep);
  if (rel[rel.length - 1] === '__init__') rel.pop();
  return rel.join('.');
}

function readMetadata(file: string): { name: string; version: string; requires: string[] } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const header = text.split(/\r?\n\r?\n/)[0];
  const field = (k: string) => new RegExp(`^${k}:\\s*(.+?)\\s*$`, 'im').exec(header)?.[1];
  const name = field('Name');
  if (!name) return null;
  const requires = [...header.matchAll(/^Requires-Dist:\s*([A-Za-z0-9][A-Za-z0-9._-]*)/gim)].map((m) =>
    normalizeName(m[1]),
  );
  return { name, version: field('Version') ?? '', requires };
}

/** Python files listed in RECORD (paths relative to site-packages), inside site-packages. */
function pythonFiles(sitePackages: string, distInfo: string): string[] {
  const out: string[] = [];
  for (const line of readLines(path.join(distInfo, 'RECORD'))) {
    const rel = line.split(',')[0];
    if (!rel.endsWith('.py')) continue;
    const abs = path.resolve(sitePackages, rel);
    if (abs.startsWith(sitePackages + path.sep) && fs.existsSync(abs)) out.push(abs);
  }
  return out.sort();
}

function topLevelOf(sitePackages: string, files: string[]): string[] {
  const names = files.map((f) => path.relative(sitePackages, f).split(path.sep)[0].replace(/\.py$/, ''));
  return [...new Set(names)].sort();
}

function walkPython(sitePackages: string, top: string): string[] {
  const single = path.join(sitePackages, `${top}.py`);
  if (fs.existsSync(single)) return [single];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of safeReaddir(dir)) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== '__pycache__') walk(p);
      else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
    }
  };
  walk(path.join(sitePackages, top));
  return out.sort();
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function readLines(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Where to look for installed code: folders given, else the interpreter's, else a `.venv`/`venv` in the analysed
 * folder or the nearest folder above it (up to the repository root).
 */
export function environmentSitePackages(opts: { sitePackages?: string[]; python?: string; root: string }): string[] {
  if (opts.sitePackages?.length) {
    for (const d of opts.sitePackages) if (!isDir(d)) throw new Error(`site-packages folder not found: ${d}`);
    return opts.sitePackages.map((d) => path.resolve(d));
  }
  if (opts.python) {
    try {
      return sitePackagesOfInterpreter(opts.python);
    } catch (e) {
      throw new Error(`could not ask ${opts.python} for its site-packages: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  // `check src/` in a project whose .venv sits beside src/: look upwards, not past the repository root.
  for (let dir = path.resolve(opts.root); ; dir = path.dirname(dir)) {
    const found = workspaceSitePackages(dir);
    if (found.length || fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return found;
  }
}

/** Top-level module names a Python text imports absolutely (`import a.b`, `from a import b`), without parsing. */
export function importedTopLevel(text: string, into: Set<string>): void {
  for (const m of text.matchAll(/^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([A-Za-z_][\w \t.,]*))/gm)) {
    if (m[1]) into.add(m[1]);
    else for (const part of m[2].split(',')) into.add(part.trim().split(/[.\s]/)[0]);
  }
}

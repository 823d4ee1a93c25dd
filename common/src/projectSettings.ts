// The project's migration settings, read from one file shared by the editor and the CLI:
// `[tool.dj-migrate]` in pyproject.toml or a `.dj-migrate.json`, found by walking up from a directory.
// Precedence: command-line flags (or editor settings) > project file > defaults.
import fs from 'node:fs';
import path from 'node:path';

// smol-toml ships CommonJS at runtime but ESM-only typings, which a Node16/CommonJS build refuses to import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const smolToml = require('smol-toml') as { parse: (text: string) => Record<string, unknown> };

/** Parses TOML text (throws with the parser's message and position on a syntax error). */
export function parseToml(text: string): Record<string, unknown> {
  return smolToml.parse(text);
}

export type UnsignedIntegers = 'widen' | 'native' | 'uint';

export interface ProjectSettings {
  /** Appended to each 0.14.6 schema name to name its 2.x copy (`lab` → `lab_v2`). */
  schemaSuffix: string;
  /**
   * How `int unsigned` and friends are rewritten: `widen` to the next signed core type (lossless),
   * `native` keeps the MySQL spelling (2.x accepts it with a warning), `uint` writes the published guide's
   * `uint32` spelling, which fails on every 2.x release (the diagnostics say so; database commands refuse it).
   */
  unsignedIntegers: UnsignedIntegers;
  phase: 1 | 2;
  migrationEnabled?: boolean;
  storesFile?: string;
  defaultStore?: string;
  /** The file the values came from, or 'defaults'. */
  source: string;
}

export const DEFAULT_SETTINGS: ProjectSettings = Object.freeze({
  schemaSuffix: '_v2',
  unsignedIntegers: 'widen',
  phase: 1,
  source: 'defaults',
}) as ProjectSettings;

export class SettingsError extends Error {}

export const SETTINGS_JSON = '.dj-migrate.json';
const PYPROJECT = 'pyproject.toml';

/** File spellings (kebab-case, as in pyproject tables, or camelCase) → setting. */
const KEYS: Record<string, keyof Omit<ProjectSettings, 'source'>> = {
  'schema-suffix': 'schemaSuffix',
  schemaSuffix: 'schemaSuffix',
  'unsigned-integers': 'unsignedIntegers',
  unsignedIntegers: 'unsignedIntegers',
  phase: 'phase',
  'migration-enabled': 'migrationEnabled',
  migrationEnabled: 'migrationEnabled',
  'stores-file': 'storesFile',
  storesFile: 'storesFile',
  'default-store': 'defaultStore',
  defaultStore: 'defaultStore',
};

/**
 * Finds the nearest project settings at or above `startDir` (stopping after the directory holding `.git`)
 * and returns them over the defaults. Throws SettingsError naming the file when a value is invalid.
 */
export function loadProjectSettings(startDir: string): ProjectSettings {
  const found = findSettingsFile(startDir);
  if (!found) return { ...DEFAULT_SETTINGS };
  const values = readSettingsTable(found.file, found.table, path.dirname(found.file));
  return { ...DEFAULT_SETTINGS, ...values, source: found.file };
}

/** Flags > file > defaults: defined values of `overrides` win; undefined ones leave `base` alone. */
export function mergeSettings(base: ProjectSettings, overrides: Partial<ProjectSettings>): ProjectSettings {
  const merged: ProjectSettings = { ...base };
  const record = merged as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined || key === 'source') continue;
    record[key] = value;
  }
  validate(merged as unknown as Record<string, unknown>, 'command-line or editor settings');
  return merged;
}

interface FoundSettings {
  file: string;
  table: Record<string, unknown>;
}

function findSettingsFile(startDir: string): FoundSettings | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const json = path.join(dir, SETTINGS_JSON);
    const fromJson = fs.existsSync(json) ? readJsonSettings(json) : undefined;
    const pyproject = path.join(dir, PYPROJECT);
    const fromToml = fs.existsSync(pyproject) ? readPyprojectSettings(pyproject) : undefined;
    if (fromJson && fromToml) {
      throw new SettingsError(
        `dj-migrate settings are defined twice: in ${json} and in [tool.dj-migrate] of ${pyproject}; keep one of them`,
      );
    }
    if (fromJson) return { file: json, table: fromJson };
    if (fromToml) return { file: pyproject, table: fromToml };
    const parent = path.dirname(dir);
    if (fs.existsSync(path.join(dir, '.git')) || parent === dir) return undefined;
    dir = parent;
  }
}

function readJsonSettings(file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SettingsError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(data)) throw new SettingsError(`${file}: expected a JSON object of dj-migrate settings`);
  return data;
}

/** The `[tool.dj-migrate]` table, or undefined when the pyproject has none. */
function readPyprojectSettings(file: string): Record<string, unknown> | undefined {
  let data: Record<string, unknown>;
  try {
    data = parseToml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SettingsError(`${file}: not valid TOML (${(e as Error).message.split('\n')[0]})`);
  }
  const tool = data.tool;
  if (!isPlainObject(tool) || !('dj-migrate' in tool)) return undefined;
  const table = tool['dj-migrate'];
  if (!isPlainObject(table)) throw new SettingsError(`${file}: [tool.dj-migrate] must be a table`);
  return table;
}

function readSettingsTable(file: string, table: Record<string, unknown>, baseDir: string): Partial<ProjectSettings> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    const name = KEYS[key];
    if (!name) {
      const known = Object.keys(KEYS)
        .filter((k) => k.toLowerCase() === k)
        .join(', ');
      throw new SettingsError(`${file}: unknown dj-migrate setting "${key}" (known: ${known})`);
    }
    if (name in out) throw new SettingsError(`${file}: setting "${key}" is given twice (kebab-case and camelCase)`);
    out[name] = value;
  }
  validate(out, file);
  if (typeof out.storesFile === 'string') out.storesFile = path.resolve(baseDir, out.storesFile);
  return out as Partial<ProjectSettings>;
}

// MySQL allows more in quoted names, but a suffix is appended to names DataJoint writes unquoted in
// definitions and virtual modules, so keep to the characters those accept.
const SUFFIX_RE = /^[A-Za-z0-9_]+$/;

function validate(values: Record<string, unknown>, where: string): void {
  const fail = (msg: string): never => {
    throw new SettingsError(`${where}: ${msg}`);
  };
  const v = values;
  if ('schemaSuffix' in v && v.schemaSuffix !== undefined) {
    // '' is allowed: it switches the code's schema-name rule off. Database commands refuse it themselves,
    // because there an empty suffix would make the 2.x copy overwrite the 0.14.6 schema.
    if (typeof v.schemaSuffix !== 'string') fail('schema-suffix must be a string');
    if (v.schemaSuffix !== '' && !SUFFIX_RE.test(v.schemaSuffix as string))
      fail(`schema-suffix "${String(v.schemaSuffix)}" may contain only letters, digits and _`);
  }
  if ('unsignedIntegers' in v && v.unsignedIntegers !== undefined) {
    // 'uint' is the published guide's spelling. It is accepted so the code rules can show what it does
    // (every such definition fails on 2.0.0+ with "Unsupported attribute type"); database commands refuse it.
    if (v.unsignedIntegers !== 'widen' && v.unsignedIntegers !== 'native' && v.unsignedIntegers !== 'uint') {
      fail(`unsigned-integers must be "widen", "native" or "uint", not ${JSON.stringify(v.unsignedIntegers)}`);
    }
  }
  if ('phase' in v && v.phase !== undefined && v.phase !== 1 && v.phase !== 2) {
    fail(`phase must be 1 or 2, not ${JSON.stringify(v.phase)}`);
  }
  if ('migrationEnabled' in v && v.migrationEnabled !== undefined && typeof v.migrationEnabled !== 'boolean') {
    fail(`migration-enabled must be true or false, not ${JSON.stringify(v.migrationEnabled)}`);
  }
  for (const [key, label] of [
    ['storesFile', 'stores-file'],
    ['defaultStore', 'default-store'],
  ] as const) {
    if (key in v && v[key] !== undefined && (typeof v[key] !== 'string' || v[key] === '')) {
      fail(`${label} must be a non-empty string, not ${JSON.stringify(v[key])}`);
    }
  }
  if (typeof v.defaultStore === 'string' && (v.defaultStore === 'default' || v.defaultStore === 'filepath_default')) {
    fail(`default-store must name a store; "${v.defaultStore}" is reserved in 2.x for the pointer itself`);
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

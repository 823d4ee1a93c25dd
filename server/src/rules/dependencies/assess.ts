// Issue 15 item 1: what DataJoint 2.x would mishandle or reject in an installed package that declares tables
// (an Element, a lab package). The package is read, never changed. The installed-package lookup
// (index/sitePackages.ts) finds the packages; ./warnings.ts assesses the imported ones with this module, and
// ./importRule.ts (DJ019) and report/dependencies.ts (the report's Dependencies section) say what was found.
import fs from 'node:fs';
import path from 'node:path';
import type { CodeEngine } from '../../engine';
import { readText } from '../../files';
import type { EngineOptions } from '../context';
import { DEFAULT_OPTIONS } from '../context';

/** What the installed-package lookup provides for one distribution. */
export interface InstalledPackage {
  /** Distribution name, e.g. `element-array-ephys`. */
  name: string;
  /** From `<name>-<version>.dist-info/METADATA` (`Version:`), when there is one. */
  version?: string;
  /** The package's Python files (absolute paths). */
  files: string[];
}

/** What 2.x does with the package's definitions and module code, by consequence. */
export interface PackageRisks {
  /** Bare `longblob`/`blob` (DJ106): a new table stores `str(value)` and nothing raises. */
  silentRawBytes: number;
  /** In-table `attach` (DJ107): 2.x reads the column as raw bytes. */
  inTableAttach: number;
  /** Declarations 2.x rejects: `boolean`, `uint*`, `double precision`, unknown types (DJ104/105/112/120). */
  rejected: number;
  /** `dj.schema(` (DJ001): AttributeError at import. */
  schemaAtImport: number;
}

export interface PackageAssessment {
  name: string;
  version?: string;
  risks: PackageRisks;
  /** Every finding's code and count (the full picture behind `risks`). */
  byCode: Record<string, number>;
}

const RISK_CODES: Record<keyof PackageRisks, string[]> = {
  silentRawBytes: ['DJ106'],
  inTableAttach: ['DJ107'],
  rejected: ['DJ104', 'DJ105', 'DJ112', 'DJ120'],
  schemaAtImport: ['DJ001'],
};

/**
 * Runs the code rules over the package's files with `engine` (give it its own workspace index: the package's
 * tables are not the user's) and counts what matters for a dependency. Reads only.
 */
export function assessPackage(
  engine: CodeEngine,
  pkg: InstalledPackage,
  options: EngineOptions = DEFAULT_OPTIONS,
): PackageAssessment {
  const byCode: Record<string, number> = {};
  for (const file of pkg.files) {
    const r = readText(file);
    if (!('text' in r)) continue;
    for (const f of engine.analyzePython(file, r.text, options)) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  }
  const count = (codes: string[]) => codes.reduce((n, c) => n + (byCode[c] ?? 0), 0);
  const risks: PackageRisks = {
    silentRawBytes: count(RISK_CODES.silentRawBytes),
    inTableAttach: count(RISK_CODES.inTableAttach),
    rejected: count(RISK_CODES.rejected),
    schemaAtImport: count(RISK_CODES.schemaAtImport),
  };
  return { name: pkg.name, version: pkg.version, risks, byCode };
}

/** The `Version:` of a `*.dist-info` folder's METADATA, or undefined. */
export function distInfoVersion(distInfoDir: string): string | undefined {
  const meta = path.join(distInfoDir, 'METADATA');
  if (!fs.existsSync(meta)) return undefined;
  return /^Version:\s*(\S+)\s*$/m.exec(fs.readFileSync(meta, 'utf8'))?.[1];
}

/** One sentence for a warning at the user's import, or undefined when 2.x handles the package. */
export function describeRisks(a: PackageAssessment): string | undefined {
  const r = a.risks;
  const parts = [
    r.silentRawBytes &&
      `${r.silentRawBytes} bare longblob/blob attribute(s) that 2.x stores as str(value) without raising`,
    r.inTableAttach && `${r.inTableAttach} in-table attach attribute(s)`,
    r.rejected && `${r.rejected} declaration(s) 2.x rejects`,
    r.schemaAtImport && `${r.schemaAtImport} dj.schema( call(s) that fail at import`,
  ].filter(Boolean);
  if (!parts.length) return undefined;
  return `${a.name}${a.version ? ` ${a.version}` : ''} is not 2.x-ready: ${parts.join(', ')}. Upgrade it to a release made for DataJoint 2.x, or hold the migration until there is one.`;
}

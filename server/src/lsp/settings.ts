// Per-resource settings: defaults < VS Code settings (`datajoint.*`) < the project file
// ([tool.dj-migrate] in pyproject.toml or .dj-migrate.json), which the CLI reads too.
import path from 'node:path';
import { loadProjectSettings, SettingsError } from '../../../common/src/projectSettings';
import type { EngineOptions } from '../rules/context';
import type { DataJointLine } from '../rules/pins';

export interface EditorSettings {
  migration?: {
    enabled?: boolean;
    schemaSuffix?: string;
    unsignedIntegers?: EngineOptions['unsigned'];
    phase?: number;
    defaultStore?: string;
  };
}

export interface ResolvedSettings {
  options: EngineOptions;
  /** Fix-all on save is off while the workspace still pins DataJoint 0.14.x. */
  fixOnSave: boolean;
  warnings: string[];
}

export function resolveSettings(
  filePath: string | null,
  editor: EditorSettings | null,
  pin: DataJointLine,
): ResolvedSettings {
  const m = editor?.migration ?? {};
  const warnings: string[] = [];
  let project = null;
  if (filePath) {
    try {
      const p = loadProjectSettings(path.dirname(filePath));
      if (p.source !== 'defaults') project = p;
    } catch (e) {
      if (e instanceof SettingsError) warnings.push(e.message);
      else throw e;
    }
  }
  const enabled = project?.migrationEnabled ?? m.enabled ?? false;
  const migrate = enabled || pin !== 'v014';
  const phase = (project?.phase ?? (m.phase === 2 ? 2 : 1)) as 1 | 2;
  return {
    options: {
      phase,
      unsigned: project?.unsignedIntegers ?? m.unsignedIntegers ?? 'widen',
      schemaSuffix: project?.schemaSuffix ?? m.schemaSuffix ?? '_v2',
      finalize: false,
      mode: migrate ? 'migrate' : 'informational',
      defaultStore: project?.defaultStore ?? m.defaultStore,
    },
    fixOnSave: migrate,
    warnings,
  };
}

/** The site-packages folders the client sent (its Python interpreter's), if well formed. */
export function sitePackagesOption(o: unknown): string[] | undefined {
  const v = (o as { sitePackages?: unknown } | null)?.sitePackages;
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

// Findings for files that are not Python: dependency pins and DataJoint config files.
import fs from 'node:fs';
import { fileKind } from '../fileKind';
import type { WorkspaceIndex } from '../index/workspace';
import type { EngineOptions } from './context';
import { analyzeConfigFile } from './configFiles';
import type { Finding } from './meta';
import { analyzePins } from './pins';
import { featureUses, projectFloor } from './pins/floors';

export interface OtherFileContext {
  options: EngineOptions;
  /** The workspace's tables: a config file needs `stores.default` only when a definition uses a bare `<x@>`. */
  workspace?: WorkspaceIndex;
}

const BARE_STORE_CODEC = /<\w+@>/;

export function bareStoreCodecUsed(ws: WorkspaceIndex | undefined): boolean {
  if (!ws) return false;
  for (const m of ws.files())
    for (const t of m.tables.values()) if (BARE_STORE_CODEC.test(t.definition ?? '')) return true;
  return false;
}

export function analyzeOtherFile(file: string, text: string, ctx: OtherFileContext): Finding[] {
  const kind = fileKind(file);
  if (kind === 'pins')
    return analyzePins(file, text, {
      enabled: ctx.options.mode === 'migrate',
      floor: projectFloor(featureUses(ctx.workspace)),
    });
  if (kind === 'config') {
    const findings = analyzeConfigFile(file, text, {
      defaultStore: ctx.options.defaultStore,
      exists: fs.existsSync,
      bareStoreCodecUsed: bareStoreCodecUsed(ctx.workspace),
    });
    return ctx.options.mode === 'migrate' ? findings : findings.map((f) => ({ ...f, severity: 'info' as const }));
  }
  return [];
}

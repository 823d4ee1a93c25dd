// Findings for files that are not Python: dependency pins and DataJoint config files.
import { fileKind } from '../fileKind';
import type { EngineOptions } from './context';
import fs from 'node:fs';
import type { Finding } from './meta';
import { analyzeConfigFile } from './configFiles';
import { analyzePins } from './pins';

export interface OtherFileContext {
  options: EngineOptions;
  project?: unknown;
}

export function analyzeOtherFile(file: string, text: string, ctx: OtherFileContext): Finding[] {
  const kind = fileKind(file);
  if (kind === 'pins') return analyzePins(file, text, { enabled: ctx.options.mode === 'migrate' });
  if (kind === 'config') {
    const findings = analyzeConfigFile(file, text, { defaultStore: ctx.options.defaultStore, exists: fs.existsSync });
    return ctx.options.mode === 'migrate' ? findings : findings.map((f) => ({ ...f, severity: 'info' as const }));
  }
  return [];
}

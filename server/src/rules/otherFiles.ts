// Findings for files that are not Python: dependency pins and DataJoint config files.
import { fileKind } from '../fileKind';
import type { EngineOptions } from './context';
import type { Finding } from './meta';
import { analyzePins } from './pins';

export interface OtherFileContext {
  options: EngineOptions;
  project?: unknown;
}

export function analyzeOtherFile(file: string, text: string, ctx: OtherFileContext): Finding[] {
  const kind = fileKind(file);
  if (kind === 'pins') return analyzePins(file, text, { enabled: ctx.options.mode === 'migrate' });
  return [];
}

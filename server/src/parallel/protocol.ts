// Messages between the CLI and its analysis workers (structured-cloned: Maps and Sets survive).
import type { ProjectSettings } from '../../../common/src/projectSettings';
import type { ModuleExports } from '../index/workspace';
import type { FileResult } from '../project';
import type { EngineOptions } from '../rules/context';
import type { DataJointPin } from '../rules/pins';

export type ToWorker =
  | { kind: 'index'; files: string[]; settings: ProjectSettings; pin: DataJointPin; options: EngineOptions }
  | { kind: 'analyze'; exports: ModuleExports[] };

export type FromWorker =
  | { kind: 'indexed'; exports: ModuleExports[] }
  | { kind: 'results'; results: FileResult[] }
  | { kind: 'error'; message: string };

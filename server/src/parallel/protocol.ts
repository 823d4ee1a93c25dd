// Messages between the CLI and its analysis workers (structured-cloned: Maps and Sets survive).
import type { ProjectSettings } from '../../../common/src/projectSettings';
import type { ModuleExports } from '../index/workspace';
import type { FileResult } from '../project';
import type { EngineOptions } from '../rules/context';
import type { DataJointPin } from '../rules/pins';
import type { Mark } from './timeline';

export type ToWorker =
  | {
      kind: 'index';
      /** Runs of files to claim, one at a time, through `claimed` (shared by every thread; see claimChunks). */
      chunks: string[][];
      claimed: Int32Array;
      /** Texts the main thread already read (dependency pins), so no file is read twice. */
      given: Map<string, string>;
      settings: ProjectSettings;
      pin: DataJointPin;
      options: EngineOptions;
      treeBudget: number;
    }
  /**
   * The other threads' exports and the installed packages', and the options again: the installed packages'
   * warnings are known only once every worker has indexed.
   */
  | { kind: 'analyze'; exports: ModuleExports[]; options: EngineOptions };

export type FromWorker =
  | { kind: 'indexed'; exports: ModuleExports[]; imported: string[] }
  /** A few files' results at a time, in the order of the worker's share; 'done' follows the last. */
  | { kind: 'results'; results: FileResult[] }
  | { kind: 'done'; marks: Mark[] }
  | { kind: 'error'; message: string };

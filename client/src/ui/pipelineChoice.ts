// Which pipelines the Migration view follows, per connection, remembered in the workspace state. Nothing
// chosen yet: the default (migrationModel.defaultPipelines: the pipelines the workspace's code names). Once
// the user adds, narrows or hides, only the chosen ones are shown; the rest wait behind "Add pipeline…".
import type { Memento } from 'vscode';
import type { Pipeline } from '../map/pipeline';
import { followedPipelines } from './migrationModel';

const KEY = 'datajoint.migration.pipelines';

export class PipelineChoice {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly state: Memento) {}

  onDidChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Chosen pipeline names for the connection, or undefined when the user never chose. */
  chosen(connId: string): string[] | undefined {
    return this.state.get<Record<string, string[]>>(KEY, {})[connId];
  }

  /** The pipelines to show and the hidden ones (the default until the user chooses). */
  visible(
    connId: string,
    all: readonly Pipeline[],
    byDefault: readonly Pipeline[],
  ): { shown: Pipeline[]; hidden: Pipeline[] } {
    return followedPipelines(all, this.chosen(connId), byDefault);
  }

  async set(connId: string, names: string[]): Promise<void> {
    const all = { ...this.state.get<Record<string, string[]>>(KEY, {}), [connId]: [...new Set(names)] };
    await this.state.update(KEY, all);
    for (const l of this.listeners) l();
  }

  /** Follow one more pipeline (the first choice starts from what the default showed). */
  async add(connId: string, name: string, all: readonly Pipeline[], byDefault: readonly Pipeline[]): Promise<void> {
    const shown = this.visible(connId, all, byDefault).shown.map((p) => p.name);
    if (shown.includes(name) || !all.some((p) => p.name === name)) return;
    await this.set(connId, [...shown, name]);
  }
}

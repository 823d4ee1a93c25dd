// Which pipelines the Migration view follows, per connection, remembered in the workspace state. Nothing
// chosen yet: every pipeline is shown. Once the user narrows the view, only the chosen ones are, and the
// rest wait behind "Add pipeline…".
import type { Memento } from 'vscode';
import type { Pipeline } from '../map/pipeline';

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

  /** The pipelines to show and how many are hidden. */
  visible(connId: string, all: readonly Pipeline[]): { shown: Pipeline[]; hidden: Pipeline[] } {
    const chosen = this.chosen(connId);
    if (!chosen) return { shown: [...all], hidden: [] };
    return { shown: all.filter((p) => chosen.includes(p.name)), hidden: all.filter((p) => !chosen.includes(p.name)) };
  }

  async set(connId: string, names: string[]): Promise<void> {
    const all = { ...this.state.get<Record<string, string[]>>(KEY, {}), [connId]: [...new Set(names)] };
    await this.state.update(KEY, all);
    for (const l of this.listeners) l();
  }

  async add(connId: string, name: string, all: readonly Pipeline[]): Promise<void> {
    const chosen = this.chosen(connId);
    if (!chosen) return; // everything is shown already
    await this.set(
      connId,
      [...chosen, name].filter((n) => all.some((p) => p.name === n)),
    );
  }
}

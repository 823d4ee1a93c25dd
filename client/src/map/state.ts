// Each table's migration state as the map shows it: the explorer's reading (tableStates: 2.x table,
// copy checkpoint, last compare) plus the copy's percentage, the last verify, and a swap. No `vscode`.
import type { Schema } from '../db/model';
import { tableStates, type TableMigrationState } from '../ui/explorerModel';

export type MapStateName =
  | 'not-created'
  | 'created'
  | 'copying'
  | 'copied'
  | 'copy-failed'
  | 'equal'
  | 'differences'
  | 'verified'
  | 'swapped';

export interface MapState {
  state: MapStateName;
  /** Copying: percent of the production table's row estimate, 0–100. */
  percent?: number;
  /** Differences: how many. */
  differences?: number;
  /** One line for the tooltip and the screen reader. */
  text: string;
}

export const STATE_LABEL: Record<MapStateName, string> = {
  'not-created': 'not created',
  created: 'created',
  copying: 'copying',
  copied: 'copied',
  'copy-failed': 'copy failed',
  equal: 'compared equal',
  differences: 'differences',
  verified: 'verified',
  swapped: 'swapped',
};

export interface SchemaFacts {
  production: Schema;
  parallel: Schema | null;
  /** Copy checkpoints by table name. */
  checkpoints: ReadonlyMap<string, { status: string; rowsCopied: number; error?: string }>;
  /** The last compare by table name. */
  compared: ReadonlyMap<string, { equal: boolean; differences: number }>;
  /** Tables (by name) the last verify of this schema found ready for 2.x. */
  verified?: ReadonlySet<string>;
  /** The schema was swapped: its 2.x tables have the production names. */
  swapped?: boolean;
}

function fromExplorer(s: TableMigrationState, rowEstimate: number): MapState {
  switch (s.state) {
    case 'not-created':
      return { state: 'not-created', text: 'not created' };
    case 'copying': {
      const percent = rowEstimate > 0 ? Math.min(100, Math.round((100 * s.copied) / rowEstimate)) : 0;
      return { state: 'copying', percent, text: `copying ${percent}% (${s.copied} rows)` };
    }
    case 'copied':
      return { state: 'copied', text: `copied (${s.copied} rows)` };
    case 'copy-failed':
      return { state: 'copy-failed', text: `copy failed: ${s.error}` };
    case 'compared':
      return s.equal
        ? { state: 'equal', text: 'compared equal' }
        : {
            state: 'differences',
            differences: s.differences,
            text: `${s.differences} difference${s.differences === 1 ? '' : 's'}`,
          };
    default:
      return { state: 'created', text: 'created' };
  }
}

/** `schema.table` → state for every user table of the production schema. */
export function mapStates(f: SchemaFacts): Map<string, MapState> {
  const out = new Map<string, MapState>();
  const base = tableStates(f.production, f.parallel, f.checkpoints, f.compared);
  for (const t of f.production.tables) {
    const id = `${t.schema}.${t.name}`;
    if (f.swapped) {
      out.set(id, { state: 'swapped', text: 'swapped: the 2.x table has the production name' });
      continue;
    }
    const cp = f.checkpoints.get(t.name);
    // A copy running now is news, whatever an earlier compare said.
    const explorer = base.get(t.name) ?? { state: 'not-created' };
    const s = fromExplorer(
      cp?.status === 'running' && explorer.state !== 'not-created'
        ? { state: 'copying', copied: cp.rowsCopied }
        : explorer,
      t.rowEstimate,
    );
    if (s.state === 'equal' && f.verified?.has(t.name))
      out.set(id, { state: 'verified', text: 'compared equal and verified for 2.x' });
    else out.set(id, s);
  }
  return out;
}

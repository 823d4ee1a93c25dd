// Messages between the extension and the migration map's webview (client/webview/map.ts).
import type { MapGraph } from './graph';
import type { MapState } from './state';

export type ToWebview =
  /** A new graph (re-layout) with the states of its nodes. */
  | { type: 'graph'; title: string; graph: MapGraph; states: Record<string, MapState> }
  /** New states for the same graph (no re-layout): sent while an operation runs. */
  | { type: 'states'; states: Record<string, MapState> }
  /** Focus and centre a node ("open in the map"). */
  | { type: 'focus'; id: string };

export type FromWebview =
  | { type: 'ready' }
  /** Reveal the table in the Schema Explorer. */
  | { type: 'reveal'; id: string };

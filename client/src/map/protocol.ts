// Messages between the extension and the migration map's webview (client/webview/map.ts). The webview asks
// for its data ('ready', repeated until a graph arrives); the extension answers with the latest graph it has,
// so nothing depends on which side finished loading first.
import type { MapGraph } from './graph';
import type { MapState } from './state';

export type ToWebview =
  /** A new graph (re-layout) with the states of its nodes. */
  | { type: 'graph'; title: string; graph: MapGraph; states: Record<string, MapState> }
  /** New states for the same graph (no re-layout): sent while an operation runs. */
  | { type: 'states'; states: Record<string, MapState> }
  /** Focus and centre a node ("open in the map"). */
  | { type: 'focus'; id: string }
  /** The graph is being read from the database. */
  | { type: 'loading'; text: string }
  /** Reading the graph failed: shown in the webview instead of an empty map. */
  | { type: 'error'; message: string };

export type FromWebview =
  /** The webview listens and has no graph yet: send the latest one. */
  | { type: 'ready' }
  /** Reveal the table in the Schema Explorer. */
  | { type: 'reveal'; id: string }
  /** A script error inside the webview (logged by the extension). */
  | { type: 'error'; message: string };

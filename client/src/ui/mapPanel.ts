// The Migration Map webview: one panel showing a pipeline's graph (client/src/map/graph.ts) with each
// table's migration state, kept current while operations run (copy checkpoints are watched, the history
// and the explorer announce the rest). Strict CSP with a nonce; scripts and styles only from dist/ and media/.
// The panel opens before the catalogue is read; the webview asks for the latest graph whenever it (re)loads,
// and a failure is shown in the panel and logged, never only swallowed.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Schema } from '../db/model';
import { checkpointsFor, historyFacts } from '../map/facts';
import { buildGraph } from '../map/graph';
import { pipelineOf, pipelines, type Pipeline } from '../map/pipeline';
import type { FromWebview, ToWebview } from '../map/protocol';
import { mapStates, type MapState } from '../map/state';
import type { ConnectionConfig } from './connectionModel';
import type { Connections } from './connections';
import type { ExplorerNode, SchemaExplorer } from './explorer';
import type { HistoryStore } from './workflow';
import { cutOverRole } from './workflow';

export interface MapDeps {
  context: vscode.ExtensionContext;
  connections: Connections;
  explorer: SchemaExplorer;
  history: HistoryStore;
  root(): string;
  suffix(): string;
  explorerView?: vscode.TreeView<ExplorerNode>;
  /** The Output channel (webview errors and failed updates are written there). */
  log?: (text: string) => void;
}

type GraphMessage = Extract<ToWebview, { type: 'graph' }>;

/** The production schemas of a connection (0.14.6, mixed or swapped) with their parallel schemas. */
export async function productionSchemas(
  explorer: SchemaExplorer,
  conn: ConnectionConfig,
): Promise<{ schema: Schema; parallel: Schema | null; swapped: boolean }[]> {
  const loaded = await explorer.load(conn);
  const versions = new Map<string, string>();
  for (const s of loaded.schemas) {
    versions.set(s.schema.name, s.schema.version);
    if (s.parallel) versions.set(s.parallel.name, s.parallel.version);
  }
  return loaded.schemas
    .map((s) => ({ ...s, role: cutOverRole(s.schema.name, versions) }))
    .filter((s) => s.role === 'swapped' || (s.role === 'production' && /^(0\.14\.6|mixed)$/.test(s.schema.version)))
    .map((s) => ({ schema: s.schema, parallel: s.parallel, swapped: s.role === 'swapped' }));
}

export class MigrationMapPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private conn: ConnectionConfig | undefined;
  private pipeline: Pipeline | undefined;
  /** The webview has said it listens (set again by every 'ready', cleared when it is disposed). */
  private ready = false;
  /** What the webview must show when it (re)loads: the latest graph, or why there is none yet. */
  private latest: GraphMessage | { type: 'loading'; text: string } | { type: 'error'; message: string } | undefined;
  private focusId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The states last sent (tests and the Differences view read them). */
  states: Record<string, MapState> = {};

  constructor(private readonly d: MapDeps) {
    d.history.onDidChange(() => this.schedule(false));
    this.disposables.push(d.explorer.onDidChangeTreeData(() => this.schedule(true)));
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(d.root()), '.dj-migrate/state/*.json'),
    );
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.schedule(false)),
      watcher.onDidCreate(() => this.schedule(false)),
    );
  }

  dispose(): void {
    this.panel?.dispose();
    for (const x of this.disposables) x.dispose();
  }

  /** Open (or bring forward) the map of the pipeline that `schema` belongs to. */
  async show(conn: ConnectionConfig, schema: string, focus?: string): Promise<void> {
    const same = this.conn?.id === conn.id && this.pipeline?.schemas.includes(schema);
    this.conn = conn;
    this.focusId = focus;
    if (!same || this.latest?.type !== 'graph') {
      this.pipeline = undefined;
      this.setLatest({ type: 'loading', text: `reading the pipeline of ${schema}…` });
    }
    // The panel first: a slow catalogue read then shows "reading…" instead of nothing at all.
    this.ensurePanel();
    try {
      const all = await productionSchemas(this.d.explorer, conn);
      this.pipeline = pipelineOf(pipelines(all.map((s) => s.schema)), schema);
      await this.update(true);
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.sendFocus();
  }

  private setLatest(m: NonNullable<typeof this.latest>): void {
    this.latest = m;
    this.send(m);
  }

  private fail(e: unknown): void {
    const message = (e as Error)?.message ?? String(e);
    this.d.log?.(`Migration Map: ${message}`);
    this.setLatest({ type: 'error', message });
  }

  private sendFocus(): void {
    if (!this.focusId || !this.ready || this.latest?.type !== 'graph') return;
    this.send({ type: 'focus', id: this.focusId });
    this.focusId = undefined;
  }

  /** Post to the webview if it listens; otherwise its 'ready' fetches `latest`. */
  private send(m: ToWebview): void {
    if (!this.panel || !this.ready) return;
    // A webview that reloads meanwhile loses the message and asks again with 'ready'.
    this.panel.webview
      .postMessage(m)
      .then(undefined, (e: Error) => this.d.log?.(`Migration Map: message not delivered: ${e.message}`));
  }

  private ensurePanel(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const { extensionUri } = this.d.context;
    const panel = vscode.window.createWebviewPanel(
      'datajoint.migrationMap',
      'Migration Map',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: FromWebview) => {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.latest) this.send(this.latest);
        this.sendFocus();
      } else if (m.type === 'error') this.d.log?.(`Migration Map (webview): ${m.message}`);
      else if (m.type === 'reveal')
        this.reveal(m.id).catch((e) =>
          vscode.window.showWarningMessage(`Cannot show ${m.id} in the Schema Explorer: ${(e as Error).message}`),
        );
    });
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.ready = false;
    });
    panel.webview.html = this.html(panel.webview);
  }

  /** Select the table in the Schema Explorer (opening the way to it). */
  private async reveal(id: string): Promise<void> {
    const node = this.conn ? await this.d.explorer.findTable(this.conn, id).catch(() => undefined) : undefined;
    if (node && this.d.explorerView) {
      await this.d.explorerView.reveal(node, { select: true, focus: true, expand: false });
      return;
    }
    await vscode.commands.executeCommand('datajoint.explorer.revealTable', id);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.d.context.extensionUri, ...p));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
    ].join('; ');
    const legend = [
      ['tier-manual', 'Manual'],
      ['tier-lookup', 'Lookup'],
      ['tier-imported', 'Imported'],
      ['tier-computed', 'Computed'],
    ]
      .map(([c, l]) => `<span><span class="swatch ${c}-swatch"></span>${l}</span>`)
      .join('');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${uri('media', 'map.css')}">
<title>Migration Map</title></head>
<body>
<header><h1 id="title">Migration Map</h1><span class="status" id="status" role="status" aria-live="polite"></span>
<button id="zoom-out" title="Zoom out (-)" aria-label="Zoom out">−</button>
<button id="zoom-fit" title="Fit (0)" aria-label="Fit to window">Fit</button>
<button id="zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button></header>
<div id="error" class="error" role="alert" hidden></div>
<div class="legend" aria-hidden="true">${legend}<span>Part: plain text</span><span>dashed: secondary reference</span><span>dotted + orange dot: renamed reference (.proj)</span></div>
<svg id="map" role="group" aria-label="Migration Map: tables and their foreign keys; Tab or arrow keys move between tables, Enter reveals one in the explorer"></svg>
<script nonce="${nonce}" src="${uri('dist', 'map.js')}"></script>
</body></html>`;
  }

  private schedule(relayout: boolean): void {
    if (!this.panel) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(relayout).catch((e) => this.fail(e)), 300);
  }

  /** Recompute the states (and with `relayout` the graph) and send them to the webview. */
  async update(relayout: boolean): Promise<void> {
    const conn = this.conn;
    const pipeline = this.pipeline;
    if (!conn || !pipeline || !this.panel) return;
    const all = (await productionSchemas(this.d.explorer, conn)).filter((s) =>
      pipeline.schemas.includes(s.schema.name),
    );
    const names = all.map((s) => s.schema.name);
    const checkpoints = checkpointsFor(path.join(this.d.root(), '.dj-migrate', 'state'), conn.host, conn.port, names);
    const facts = historyFacts(
      this.d.history.list(),
      (id) => this.d.history.report(id),
      `${conn.user}@${conn.host}:${conn.port}`,
      names,
      this.d.suffix(),
    );
    const states: Record<string, MapState> = {};
    for (const s of all) {
      const byName = <T>(m: ReadonlyMap<string, T>) =>
        new Map(
          [...m]
            .filter(([k]) => k.startsWith(`${s.schema.name}.`))
            .map(([k, v]) => [k.slice(s.schema.name.length + 1), v]),
        );
      const verified = new Set(
        [...facts.verified]
          .filter((k) => k.startsWith(`${s.schema.name}.`))
          .map((k) => k.slice(s.schema.name.length + 1)),
      );
      for (const [k, v] of mapStates({
        production: s.schema,
        parallel: s.parallel,
        checkpoints: byName(checkpoints),
        compared: byName(facts.compared),
        verified,
        swapped: s.swapped,
      }))
        states[k] = v;
    }
    this.states = states;
    if (relayout) {
      const graph = buildGraph(all.map((s) => s.schema));
      this.panel.title = `Migration Map: ${pipeline.name}`;
      this.setLatest({ type: 'graph', title: `Migration Map — ${pipeline.schemas.join(', ')}`, graph, states });
    } else if (this.latest?.type === 'graph') {
      this.latest = { ...this.latest, states };
      this.send({ type: 'states', states });
    } else await this.update(true);
  }
}

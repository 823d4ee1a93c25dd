// The migration map's front end (runs in the webview; bundled by esbuild for the browser into
// dist/map.js). Lays the graph out with dagre (schemas as clusters), draws it as SVG the way dj.Diagram
// does (Manual green rectangle, Lookup gray, Imported blue ellipse, Computed red ellipse, Part plain
// text; renamed references dotted with an orange dot), overlays each table's migration state, and
// offers pan, zoom and keyboard navigation. Colours come from the VS Code theme (media/map.css).
import dagre from '@dagrejs/dagre';
import type { MapEdge, MapGraph, MapNode } from '../src/map/graph';
import type { FromWebview, ToWebview } from '../src/map/protocol';
import type { MapState } from '../src/map/state';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void };
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';

interface Placed {
  node: MapNode;
  x: number;
  y: number;
  w: number;
  h: number;
  el: SVGGElement;
}

const svg = document.getElementById('map') as unknown as SVGSVGElement;
const status = document.getElementById('status') as HTMLElement;
const titleEl = document.getElementById('title') as HTMLElement;
const errorEl = document.getElementById('error') as HTMLElement;
let viewport = document.createElementNS(SVG, 'g');
svg.appendChild(viewport);
let placed = new Map<string, Placed>();
let view = { x: 0, y: 0, k: 1 };
let bounds = { w: 1, h: 1 };

const TIER_NAME: Record<string, string> = {
  manual: 'Manual',
  lookup: 'Lookup',
  imported: 'Imported',
  computed: 'Computed',
  part: 'Part',
};

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function size(n: MapNode): { w: number; h: number } {
  return n.tier === 'part' ? { w: n.label.length * 6 + 12, h: 30 } : { w: n.label.length * 7.5 + 28, h: 40 };
}

function layout(graph: MapGraph): {
  pos: Map<string, { x: number; y: number }>;
  edges: Map<string, { x: number; y: number }[]>;
  clusters: Map<string, { x: number; y: number; w: number; h: number }>;
  w: number;
  h: number;
} {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 42, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of graph.clusters) g.setNode(`cluster:${c.schema}`, { label: c.schema, paddingTop: 24 });
  for (const n of graph.nodes) {
    const { w, h } = size(n);
    g.setNode(n.id, { width: w, height: h });
    g.setParent(n.id, `cluster:${n.schema}`);
  }
  for (const e of graph.edges) g.setEdge(e.from, e.to, { weight: e.part ? 2 : 1 }, e.id);
  dagre.layout(g);
  const pos = new Map(graph.nodes.map((n) => [n.id, { x: g.node(n.id).x, y: g.node(n.id).y }]));
  const edges = new Map(graph.edges.map((e) => [e.id, g.edge({ v: e.from, w: e.to, name: e.id }).points ?? []]));
  const clusters = new Map(
    graph.clusters.map((c) => {
      const n = g.node(`cluster:${c.schema}`);
      return [c.schema, { x: n.x - n.width / 2, y: n.y - n.height / 2, w: n.width, h: n.height }];
    }),
  );
  const gl = g.graph();
  return { pos, edges, clusters, w: gl.width ?? 1, h: gl.height ?? 1 };
}

function drawEdge(e: MapEdge, points: { x: number; y: number }[]): void {
  if (!points.length) return;
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const cls = ['edge', e.primary ? 'primary' : 'secondary', e.part ? 'part' : '', e.renamed ? 'renamed' : '']
    .filter(Boolean)
    .join(' ');
  const path = el('path', { d, class: cls, 'data-id': e.id, 'data-from': e.from, 'data-to': e.to }, viewport);
  if (e.renamed) {
    const mid = points[Math.floor(points.length / 2)];
    const dot = el('circle', { cx: mid.x, cy: mid.y, r: 4, class: 'alias' }, viewport);
    el('title', {}, dot).textContent = `renamed: ${e.renames.map(([c, r]) => `${c} ← ${r}`).join(', ')}`;
    path.setAttribute('aria-label', `renamed reference ${e.from} → ${e.to}`);
  }
}

function drawNode(n: MapNode, x: number, y: number): Placed {
  const { w, h } = size(n);
  const g = el('g', { class: `node tier-${n.tier}`, 'data-id': n.id, tabindex: 0, role: 'button' }, viewport);
  g.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)})`);
  if (n.tier === 'imported' || n.tier === 'computed') el('ellipse', { rx: w / 2, ry: h / 2, class: 'shape' }, g);
  else if (n.tier === 'part') el('rect', { x: -w / 2, y: -h / 2, width: w, height: h, class: 'shape', rx: 3 }, g);
  else el('rect', { x: -w / 2, y: -h / 2, width: w, height: h, class: 'shape' }, g);
  el('text', { class: 'label', y: -3, 'text-anchor': 'middle' }, g).textContent = n.label;
  el('text', { class: 'badge', y: 11, 'text-anchor': 'middle' }, g);
  el('title', {}, g);
  g.addEventListener('click', () => {
    g.focus();
    vscode.postMessage({ type: 'reveal', id: n.id });
  });
  g.addEventListener('keydown', (ev) => onNodeKey(ev, n.id));
  g.addEventListener('focus', () => ensureVisible(n.id));
  return { node: n, x, y, w, h, el: g };
}

function applyStates(states: Record<string, MapState>): void {
  for (const p of placed.values()) {
    const s = states[p.node.id];
    const name = s?.state ?? 'unknown';
    p.el.setAttribute('class', `node tier-${p.node.tier} state-${name}`);
    p.el.setAttribute('data-state', name);
    const badge = p.el.querySelector('.badge') as SVGTextElement;
    badge.textContent =
      name === 'copying'
        ? `copying ${s?.percent ?? 0}%`
        : name === 'differences'
          ? `${s?.differences} difference${s?.differences === 1 ? '' : 's'}`
          : shortState(name);
    const tier = TIER_NAME[p.node.tier] ?? p.node.tier;
    const label = `${p.node.label}, ${tier} table in ${p.node.schema}: ${s?.text ?? 'state unknown'}`;
    p.el.setAttribute('aria-label', label);
    (p.el.querySelector(':scope > title') as Element).textContent = `${p.node.id}\n${tier}\n${s?.text ?? ''}`;
  }
  const counts = new Map<string, number>();
  for (const s of Object.values(states)) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  status.textContent = `${placed.size} tables · ${[...counts].map(([k, v]) => `${v} ${shortState(k)}`).join(' · ')}`;
}

function shortState(name: string): string {
  return (
    (
      {
        'not-created': 'not created',
        'copy-failed': 'copy failed',
        equal: 'compared equal',
      } as Record<string, string>
    )[name] ?? name
  );
}

function render(msg: Extract<ToWebview, { type: 'graph' }>): void {
  titleEl.textContent = msg.title;
  viewport.remove();
  viewport = el('g', { class: 'viewport' }, svg);
  const L = layout(msg.graph);
  for (const [schema, c] of L.clusters) {
    el('rect', { x: c.x, y: c.y, width: c.w, height: c.h, class: 'cluster', rx: 6, 'data-schema': schema }, viewport);
    el('text', { x: c.x + 8, y: c.y + 16, class: 'cluster-label' }, viewport).textContent = schema;
  }
  for (const e of msg.graph.edges) drawEdge(e, L.edges.get(e.id) ?? []);
  // Nodes in reading order (top to bottom, left to right), so Tab follows the picture.
  const order = [...msg.graph.nodes].sort((a, b) => {
    const pa = L.pos.get(a.id)!;
    const pb = L.pos.get(b.id)!;
    return pa.y - pb.y || pa.x - pb.x;
  });
  placed = new Map(order.map((n) => [n.id, drawNode(n, L.pos.get(n.id)!.x, L.pos.get(n.id)!.y)]));
  bounds = { w: L.w, h: L.h };
  applyStates(msg.states);
  fit();
}

// ---- pan and zoom -----------------------------------------------------------------------------------

function apply(): void {
  viewport.setAttribute('transform', `translate(${view.x},${view.y}) scale(${view.k})`);
}

function fit(): void {
  const r = svg.getBoundingClientRect();
  const k = Math.min(1.5, Math.max(0.05, Math.min(r.width / bounds.w, r.height / bounds.h)));
  view = { k, x: (r.width - bounds.w * k) / 2, y: (r.height - bounds.h * k) / 2 };
  apply();
}

function zoom(factor: number, cx?: number, cy?: number): void {
  const r = svg.getBoundingClientRect();
  const px = cx ?? r.width / 2;
  const py = cy ?? r.height / 2;
  const k = Math.min(4, Math.max(0.05, view.k * factor));
  view = { k, x: px - ((px - view.x) * k) / view.k, y: py - ((py - view.y) * k) / view.k };
  apply();
}

function ensureVisible(id: string, centre = false): void {
  const p = placed.get(id);
  if (!p) return;
  const r = svg.getBoundingClientRect();
  const sx = p.x * view.k + view.x;
  const sy = p.y * view.k + view.y;
  if (centre || sx < 40 || sy < 40 || sx > r.width - 40 || sy > r.height - 40) {
    view = { ...view, x: r.width / 2 - p.x * view.k, y: r.height / 2 - p.y * view.k };
    apply();
  }
}

svg.addEventListener(
  'wheel',
  (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    zoom(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
  },
  { passive: false },
);
let drag: { x: number; y: number } | null = null;
svg.addEventListener('pointerdown', (ev) => {
  if ((ev.target as Element).closest('.node')) return;
  drag = { x: ev.clientX - view.x, y: ev.clientY - view.y };
  svg.setPointerCapture(ev.pointerId);
});
svg.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  view = { ...view, x: ev.clientX - drag.x, y: ev.clientY - drag.y };
  apply();
});
svg.addEventListener('pointerup', () => (drag = null));
(document.getElementById('zoom-in') as HTMLElement).addEventListener('click', () => zoom(1.25));
(document.getElementById('zoom-out') as HTMLElement).addEventListener('click', () => zoom(0.8));
(document.getElementById('zoom-fit') as HTMLElement).addEventListener('click', () => fit());
document.addEventListener('keydown', (ev) => {
  if ((ev.target as Element).closest?.('.node')) return;
  if (ev.key === '+' || ev.key === '=') zoom(1.25);
  else if (ev.key === '-') zoom(0.8);
  else if (ev.key === '0') fit();
});

// ---- keyboard: arrows move to the nearest node in that direction, Enter reveals --------------------

function onNodeKey(ev: KeyboardEvent, id: string): void {
  const dirs: Record<string, [number, number]> = {
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
  };
  if (ev.key === 'Enter' || ev.key === ' ') {
    ev.preventDefault();
    vscode.postMessage({ type: 'reveal', id });
  } else if (dirs[ev.key]) {
    ev.preventDefault();
    const next = nearest(id, dirs[ev.key]);
    if (next) placed.get(next)?.el.focus();
  } else if (ev.key === '+' || ev.key === '=') zoom(1.25);
  else if (ev.key === '-') zoom(0.8);
  else if (ev.key === '0') fit();
}

function nearest(id: string, [dx, dy]: [number, number]): string | undefined {
  const from = placed.get(id)!;
  let best: { id: string; score: number } | undefined;
  for (const p of placed.values()) {
    if (p.node.id === id) continue;
    const vx = p.x - from.x;
    const vy = p.y - from.y;
    const along = vx * dx + vy * dy;
    if (along <= 1) continue;
    const across = Math.abs(vx * dy - vy * dx);
    const score = along + 2 * across;
    if (!best || score < best.score) best = { id: p.node.id, score };
  }
  return best?.id;
}

// Messages are handled in order; a graph is laid out after the next paint, so a large pipeline first says so.
let queue: Promise<void> = Promise.resolve();
let hasGraph = false;
function handle(msg: ToWebview): Promise<void> | void {
  if (msg.type === 'graph') {
    hasGraph = true;
    showError(undefined);
    status.textContent = `laying out ${msg.graph.nodes.length} tables…`;
    return new Promise((done) =>
      setTimeout(() => {
        try {
          render(msg);
        } finally {
          done();
        }
      }, 0),
    );
  }
  if (msg.type === 'states') applyStates(msg.states);
  else if (msg.type === 'focus') {
    ensureVisible(msg.id, true);
    placed.get(msg.id)?.el.focus();
  } else if (msg.type === 'loading') {
    showError(undefined);
    status.textContent = msg.text;
  } else if (msg.type === 'error') showError(`The map could not be drawn: ${msg.message}`);
}

/** An error stays visible above the map (and goes to the extension's log) instead of leaving it blank. */
function showError(text: string | undefined): void {
  errorEl.hidden = !text;
  errorEl.textContent = text ?? '';
  if (text) status.textContent = 'error';
}
function reportError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  showError(`Error in the map: ${message}`);
  console.error('Migration Map:', e);
  vscode.postMessage({ type: 'error', message });
}
window.addEventListener('error', (ev) => reportError(ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => reportError(ev.reason));

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  if (!ev.data || typeof ev.data.type !== 'string') return;
  queue = queue.then(() => handle(ev.data)).catch(reportError);
});
window.addEventListener('resize', () => fit());

// Ask for the graph now that the listener is in place, and again until one arrives: a message posted while
// the webview was still loading, or lost in a reload, is asked for again rather than waited for forever.
status.textContent = 'waiting for the pipeline…';
vscode.postMessage({ type: 'ready' });
let asks = 0;
const asking = setInterval(() => {
  if (hasGraph || ++asks > 40) clearInterval(asking);
  else vscode.postMessage({ type: 'ready' });
}, 1500);

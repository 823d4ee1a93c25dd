// The migration map's graph: a pipeline's tables as nodes (tier, DataJoint class name, master of a part),
// its foreign keys as edges (primary or secondary, part → master, renamed columns), its schemas as
// clusters. Drawn like `dj.Diagram`. No `vscode` here: the webview and the tests read the same model.
import type { ForeignKey, Schema, Table, Tier } from '../db/model';
import { masterOf, tableKey } from '../db/model';
import { className } from '../ui/explorerModel';

export interface MapNode {
  /** `schema.table` */
  id: string;
  schema: string;
  table: string;
  /** The DataJoint class name (`Session.Trial` for a part table). */
  label: string;
  tier: Tier;
  /** `schema.table` of the master when this is a part table. */
  master?: string;
}

export interface MapEdge {
  /** `<child id>/<constraint name>` */
  id: string;
  /** The referenced (parent) table. */
  from: string;
  /** The referencing (child) table. */
  to: string;
  /** Every foreign-key column is in the child's primary key (DataJoint draws these solid, others dashed). */
  primary: boolean;
  /** A part table's reference to its master (drawn thin). */
  part: boolean;
  /** `-> Parent.proj(new='old')`: the child's columns have other names than the parent's (orange dot, dotted). */
  renamed: boolean;
  /** `child_column → parent_column` for renamed columns. */
  renames: [string, string][];
}

export interface MapCluster {
  schema: string;
  /** Node ids, in the schema's table order. */
  nodes: string[];
}

export interface MapGraph {
  nodes: MapNode[];
  edges: MapEdge[];
  clusters: MapCluster[];
}

function edgeOf(t: Table, fk: ForeignKey): MapEdge {
  const from = `${fk.refSchema}.${fk.refTable}`;
  const master = masterOf(t.name);
  const renames = fk.columns.map((c, i) => [c, fk.refColumns[i]] as [string, string]).filter(([c, r]) => c !== r);
  return {
    id: `${tableKey(t)}/${fk.name}`,
    from,
    to: tableKey(t),
    primary: fk.columns.every((c) => t.primaryKey.includes(c)),
    part: t.tier === 'part' && master !== null && fk.refSchema === t.schema && fk.refTable === master,
    renamed: renames.length > 0,
    renames,
  };
}

/**
 * The graph of the user tables of `schemas`. Foreign keys to hidden tables (`~external_*`) and to
 * tables outside the given schemas are left out, so every edge joins two nodes.
 */
export function buildGraph(schemas: readonly Schema[]): MapGraph {
  const nodes: MapNode[] = [];
  const clusters: MapCluster[] = [];
  for (const s of schemas) {
    const ids: string[] = [];
    for (const t of s.tables) {
      const master = t.tier === 'part' ? masterOf(t.name) : null;
      nodes.push({
        id: tableKey(t),
        schema: s.name,
        table: t.name,
        label: className(t.name),
        tier: t.tier,
        ...(master ? { master: `${s.name}.${master}` } : {}),
      });
      ids.push(tableKey(t));
    }
    clusters.push({ schema: s.name, nodes: ids });
  }
  const known = new Set(nodes.map((n) => n.id));
  const edges = schemas
    .flatMap((s) => s.tables)
    .flatMap((t) => t.foreignKeys.map((fk) => edgeOf(t, fk)))
    .filter((e) => known.has(e.from) && e.from !== e.to);
  return { nodes, edges, clusters };
}

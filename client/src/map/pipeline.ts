// Pipelines: the sets of schemas joined by foreign keys. Create-parallel and copy take along every schema
// a selection references (`outsideReferences`, plan.ts); a pipeline is the closure of that relation in
// both directions, so a schema and the schemas that build on it are migrated and shown together.
import type { Schema } from '../db/model';
import { outsideReferences } from '../db/plan';

export interface Pipeline {
  /** The schema with no reference to another schema of the pipeline (the first such, by name). */
  name: string;
  /** Schema names, sorted. */
  schemas: string[];
}

/** The schemas each schema references through foreign keys (hidden tables excluded). */
export function schemaReferences(schemas: readonly Schema[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  for (const s of schemas) refs.set(s.name, new Set(outsideReferences([s]).map((o) => o.refSchema)));
  return refs;
}

/**
 * Group the schemas into pipelines (connected by foreign keys, either direction). References to schemas
 * that are not in the list are ignored: they belong to whoever passed the list.
 */
export function pipelines(schemas: readonly Schema[]): Pipeline[] {
  const refs = schemaReferences(schemas);
  const parent = new Map(schemas.map((s) => [s.name, s.name]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  for (const [s, to] of refs) for (const t of to) if (parent.has(t)) parent.set(find(s), find(t));
  const groups = new Map<string, string[]>();
  for (const s of schemas) groups.set(find(s.name), [...(groups.get(find(s.name)) ?? []), s.name]);
  return [...groups.values()]
    .map((names) => {
      const sorted = [...names].sort();
      const roots = sorted.filter((n) => ![...(refs.get(n) ?? [])].some((r) => names.includes(r)));
      return { name: roots[0] ?? sorted[0], schemas: sorted };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The pipeline a schema belongs to, or a pipeline of its own when it is not in the list. */
export function pipelineOf(all: readonly Pipeline[], schema: string): Pipeline {
  return all.find((p) => p.schemas.includes(schema)) ?? { name: schema, schemas: [schema] };
}

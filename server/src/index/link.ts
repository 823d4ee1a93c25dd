// Linking a file to the workspace: names it imports from other workspace (or installed) files become tables,
// virtual modules, schema objects or modules, following re-exports and class hierarchies across files.
import { declaredIn, tierThroughBases } from './classRefs';
import type { FileIndex } from './fileIndex';
import { importedTable } from './tableClass';
import type { ModuleExports, WorkspaceIndex } from './workspace';

/** Resolve a file's imports against the workspace; true when anything new was learnt. */
export function linkImports(index: FileIndex, ws: WorkspaceIndex): boolean {
  let changed = linkStars(index, ws);
  for (const imp of index.imports.other) {
    if (imp.name === null) {
      const mods = ws.resolve(index.path, imp.module);
      if (mods.length) {
        index.wsModules.set(imp.local, mods);
        changed = true;
      }
      continue;
    }
    const hits = ws.resolve(index.path, imp.module).flatMap((m) => declaredIn(ws, m, imp.name!));
    if (bindName(index, ws, imp.local, hits)) changed = true;
    if (!hits.some((h) => h.module.tables.has(h.name) || h.module.classes?.has(h.name))) {
      const sub = ws.resolve(
        index.path,
        imp.module.endsWith('.') ? imp.module + imp.name : `${imp.module}.${imp.name}`,
      );
      if (sub.length) {
        index.wsModules.set(imp.local, sub);
        changed = true;
      }
    }
  }
  return changed;
}

/** Some of these imported modules declare tables or virtual modules, or re-export tables. */
export function declaresTables(ws: WorkspaceIndex, modules: Map<string, ModuleExports[]>): boolean {
  return [...modules.values()].some((mods) =>
    mods.some(
      (m) =>
        m.tables.size > 0 ||
        m.vmodules.size > 0 ||
        [...(m.reexports?.keys() ?? [])].some((n) => declaredIn(ws, m, n).some((h) => h.module.tables.has(h.name))),
    ),
  );
}

/**
 * `from pipeline.shared import *`: the public names of the module (and of the modules it star-imports in turn) become
 * this file's tables, virtual modules and schema objects, unless the file binds them itself; and its name for the
 * datajoint package (`dj`), when this file has none.
 */
function linkStars(index: FileIndex, ws: WorkspaceIndex): boolean {
  if (!index.imports.stars.length) return false;
  const before = index.starModules.length + index.tables.size + index.vmodules.size + index.schemaVars.size;
  const djBefore = index.imports.djModules.size;
  index.starModules.length = 0;
  const seen = new Set<string>();
  const visit = (from: string, star: string, depth: number) => {
    for (const m of ws.resolve(from, star)) {
      if (seen.has(m.path) || depth > 4) continue;
      seen.add(m.path);
      index.starModules.push(m);
      for (const name of [...m.tables.keys(), ...m.vmodules, ...m.schemaVars, ...(m.reexports?.keys() ?? [])]) {
        if (name.startsWith('_') || index.tables.has(name) || index.vmodules.has(name) || index.schemaVars.has(name))
          continue;
        bindName(index, ws, name, declaredIn(ws, m, name));
      }
      for (const dj of m.djModules ?? [])
        if (!dj.startsWith('_') && !index.imports.djNames.has(dj) && !index.imports.other.some((i) => i.local === dj))
          index.imports.djModules.add(dj);
      for (const next of m.stars ?? []) visit(m.path, next, depth + 1);
    }
  };
  for (const star of index.imports.stars) visit(index.path, star, 0);
  const after = index.starModules.length + index.tables.size + index.vmodules.size + index.schemaVars.size;
  return after !== before || index.imports.djModules.size !== djBefore;
}

/** Binds `local` to what it names in another module (a table, a virtual module or a schema object); true if it did. */
function bindName(
  index: FileIndex,
  ws: WorkspaceIndex,
  local: string,
  hits: { module: ModuleExports; name: string }[],
): boolean {
  let bound = false;
  for (const { module: m, name } of hits) {
    const t = m.tables.get(name);
    const viaBases = t || !m.classes?.has(name) ? undefined : tierThroughBases(ws, m, name);
    if ((t || viaBases !== undefined) && !index.tables.has(local)) {
      const tier = t ? t.tier : (viaBases ?? null);
      index.tables.set(local, importedTable(local, tier, t?.parts ?? [], { module: m, name }));
    } else if (m.vmodules.has(name)) index.vmodules.add(local);
    else if (m.schemaVars.has(name)) index.schemaVars.add(local);
    else continue;
    bound = true;
  }
  return bound;
}

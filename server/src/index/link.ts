// Linking a file to the workspace: names it imports from other workspace (or installed) files become tables,
// virtual modules, schema objects or modules, following re-exports and class hierarchies across files.
import { declaredIn, tierThroughBases } from './classRefs';
import type { FileIndex } from './fileIndex';
import { importedTable } from './tableClass';
import type { ModuleExports, WorkspaceIndex } from './workspace';

/** Resolve a file's imports against the workspace; true when anything new was learnt. */
export function linkImports(index: FileIndex, ws: WorkspaceIndex): boolean {
  let changed = false;
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
    for (const { module: m, name } of hits) {
      const t = m.tables.get(name);
      const viaBases = t || !m.classes?.has(name) ? undefined : tierThroughBases(ws, m, name);
      if ((t || viaBases !== undefined) && !index.tables.has(imp.local)) {
        const tier = t ? t.tier : (viaBases ?? null);
        index.tables.set(imp.local, importedTable(imp.local, tier, t?.parts ?? [], { module: m, name }));
        changed = true;
      } else if (m.vmodules.has(name)) {
        index.vmodules.add(imp.local);
        changed = true;
      } else if (m.schemaVars.has(name)) {
        index.schemaVars.add(imp.local);
        changed = true;
      }
    }
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

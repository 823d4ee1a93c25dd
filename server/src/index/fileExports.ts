// What a file exports for other files: its tables (with their definitions), virtual modules, schema objects, modules,
// classes, re-exports, star imports, config keys, release features and string constants.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';
import { exportedClasses } from './classRefs';
import { configKeysWritten, holdersOf } from './configWrites';
import type { FileIndex } from './fileIndex';
import { releaseFeaturesOf } from './releaseFeatures';
import type { KnownClass, TableClass } from './tableClass';
import type { ExportedTable, ModuleExports } from './workspace';

/**
 * `known`: config keys and features the incremental analysis gathered; `knownClass`: what it knows of a class whose
 * statement did not change (its exported table and class).
 */
export function fileExports(
  index: FileIndex,
  known?: Pick<ModuleExports, 'configKeys' | 'features'>,
  knownClass?: (cls: Node) => KnownClass | undefined,
): ModuleExports {
  const tables = new Map<string, ExportedTable>();
  for (const [name, t] of index.tables) {
    if (t.imported) tables.set(name, { tier: t.tier, parts: [...t.parts.keys()] });
    else tables.set(name, (t.node && knownClass?.(t.node)?.exported) || exportedTable(t));
  }
  const root = index.tree.rootNode;
  return {
    path: index.path,
    tables,
    vmodules: new Set(index.vmodules),
    schemaVars: new Set(index.schemaVars),
    modules: new Set(index.wsModules.keys()),
    configKeys: known?.configKeys ?? configKeysWritten(index, holdersOf(root, root.text, 'config')),
    features: known?.features ?? releaseFeaturesOf(index),
    classes: exportedClasses(index, index.classesByName(), (cls) => knownClass?.(cls)?.exportedClass),
    reexports: new Map(
      index.imports.other.flatMap((i) => (i.name === null ? [] : [[i.local, { module: i.module, name: i.name }]])),
    ),
    stars: [...index.imports.stars],
    djModules: [...index.imports.djModules],
    constants: new Map(
      [...index.constants()].flatMap(([k, v]) => {
        const t = stringValue(v);
        return t === null ? [] : [[k, t] as [string, string]];
      }),
    ),
  };
}

/** What a file exports of a table declared in it. */
export function exportedTable(t: TableClass): ExportedTable {
  const text = (n: Node | null) => (n ? stringValue(unparen(n)) : null);
  return {
    tier: t.tier,
    parts: [...t.parts.keys()],
    definition: text(t.definition),
    partDefinitions: new Map([...t.parts].map(([p, pt]) => [p, text(pt.definition)])),
  };
}

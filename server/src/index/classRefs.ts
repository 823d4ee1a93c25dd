// Class hierarchies across files: how each class names its bases (plain data, exported per file), whether a
// class imported from elsewhere is a DataJoint table through its bases (`class Base(MyMixin, dj.Manual)` in
// another module), and which class of a table's hierarchy overrides a DataJoint method.
import type { Node } from 'web-tree-sitter';
import { unparen } from '../python/syntax';
import type { ClassBody } from './classBody';
import type { Imports } from './imports';
import type { BaseRef, ExportedClass, ModuleExports, Tier, WorkspaceIndex } from './workspace';

export const TIERS: Record<string, Tier> = {
  Manual: 'manual',
  Lookup: 'lookup',
  Imported: 'imported',
  Computed: 'computed',
  Part: 'part',
  UserTable: 'manual',
};

/** What a file needs to name its classes' bases. */
interface Namer {
  imports: Imports;
  qualified(node: Node): string | null;
  classBody(cls: Node): ClassBody;
}

/** Module-level classes of a file, by name (a later class of the same name wins, as in Python). */
export function moduleClasses(
  classes: Node[],
  isModuleLevel: (cls: Node) => boolean,
  knownName: (cls: Node) => string | undefined = () => undefined,
): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const cls of classes)
    if (isModuleLevel(cls)) out.set(knownName(cls) ?? cls.childForFieldName('name')?.text ?? '', cls);
  return out;
}

/** How a class's bases are named: DataJoint tiers, classes of the same file, imported classes. */
export function baseRefs(file: Namer, cls: Node, local: Map<string, Node>): BaseRef[] {
  const refs: BaseRef[] = [];
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!base || base.type === 'keyword_argument' || base.type === 'comment') continue;
    const ref = baseRef(file, unparen(base), local);
    if (ref) refs.push(ref);
  }
  return refs;
}

function baseRef(file: Namer, base: Node, local: Map<string, Node>): BaseRef | null {
  const q = file.qualified(base);
  if (q) return { kind: 'dj', name: q.slice(q.lastIndexOf('.') + 1) };
  if (base.type === 'identifier') {
    const imp = file.imports.other.find((i) => i.local === base.text && i.name !== null);
    if (imp) return { kind: 'import', module: imp.module, name: imp.name! };
    return local.has(base.text) ? { kind: 'local', name: base.text } : null;
  }
  if (base.type !== 'attribute') return null;
  const obj = base.childForFieldName('object');
  const attr = base.childForFieldName('attribute')?.text;
  if (obj?.type !== 'identifier' || !attr) return null;
  const imp = file.imports.other.find((i) => i.local === obj.text);
  if (!imp) return null;
  if (imp.name === null) return { kind: 'import', module: imp.module, name: attr };
  return {
    kind: 'import',
    module: imp.module.endsWith('.') ? imp.module + imp.name : `${imp.module}.${imp.name}`,
    name: attr,
  };
}

/** The exported description of every module-level class. */
export function exportedClasses(
  file: Namer,
  local: Map<string, Node>,
  known: (cls: Node) => ExportedClass | undefined = () => undefined,
): Map<string, ExportedClass> {
  const out = new Map<string, ExportedClass>();
  for (const [name, cls] of local) out.set(name, known(cls) ?? exportedClass(file, cls, local));
  return out;
}

export function exportedClass(file: Namer, cls: Node, local: Map<string, Node>): ExportedClass {
  return { bases: baseRefs(file, cls, local), overrides: file.classBody(cls).overrides };
}

/** Where a name a module exports is declared, following re-exports (`from .summary import Summary` in `__init__.py`). */
export function declaredIn(
  ws: WorkspaceIndex,
  module: ModuleExports,
  name: string,
  depth = 0,
): { module: ModuleExports; name: string }[] {
  if (
    module.tables.has(name) ||
    module.classes?.has(name) ||
    module.vmodules.has(name) ||
    module.schemaVars.has(name) ||
    module.constants?.has(name)
  )
    return [{ module, name }];
  if (depth > 4) return [];
  const r = module.reexports?.get(name);
  if (r) return ws.resolve(module.path, r.module).flatMap((m) => declaredIn(ws, m, r.name, depth + 1));
  // `from .shared import *`: the shared module's names are this one's too.
  for (const star of module.stars ?? []) {
    const hits = ws.resolve(module.path, star).flatMap((m) => declaredIn(ws, m, name, depth + 1));
    if (hits.length) return hits;
  }
  return [];
}

/** A class of a module found through a base reference. */
export function lookup(
  ws: WorkspaceIndex,
  from: string,
  ref: BaseRef,
): { module: ModuleExports; cls: ExportedClass; name: string }[] {
  if (ref.kind === 'dj') return [];
  const hits =
    ref.kind === 'local'
      ? [ws.get(from)].flatMap((m) => (m ? [{ module: m, name: ref.name }] : []))
      : ws.resolve(from, ref.module).flatMap((m) => declaredIn(ws, m, ref.name));
  const out: { module: ModuleExports; cls: ExportedClass; name: string }[] = [];
  for (const hit of hits) {
    const cls = hit.module.classes?.get(hit.name);
    if (cls) out.push({ module: hit.module, cls, name: hit.name });
  }
  return out;
}

const MAX_DEPTH = 12;

/**
 * The tier of a class of another file if any of its bases makes it a DataJoint table (null: a table of unknown
 * tier), undefined if it is not one as far as the workspace shows.
 */
export function tierThroughBases(
  ws: WorkspaceIndex,
  module: ModuleExports,
  name: string,
  depth = 0,
): Tier | null | undefined {
  const exported = module.tables.get(name);
  if (exported) return exported.tier;
  const cls = module.classes?.get(name);
  if (!cls || depth > MAX_DEPTH) return undefined;
  let isTable = false;
  let tier: Tier | null = null;
  for (const ref of cls.bases) {
    if (ref.kind === 'dj') {
      if (TIERS[ref.name]) return TIERS[ref.name];
      continue;
    }
    for (const hit of lookup(ws, module.path, ref)) {
      const t = tierThroughBases(ws, hit.module, hit.name, depth + 1);
      if (t !== undefined) {
        isTable = true;
        tier ??= t;
      }
    }
  }
  return isTable ? tier : undefined;
}

/** The first class (in base order, depth first) of a hierarchy that defines `method`, or null. */
export function overridingClass(
  ws: WorkspaceIndex | null,
  from: string,
  ref: BaseRef,
  method: string,
  depth = 0,
): string | null {
  if (!ws || depth > MAX_DEPTH) return null;
  for (const hit of lookup(ws, from, ref)) {
    if (hit.cls.overrides.includes(method)) return hit.name;
    for (const base of hit.cls.bases) {
      const found = overridingClass(ws, hit.module.path, base, method, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

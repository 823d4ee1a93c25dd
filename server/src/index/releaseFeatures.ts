// Which DataJoint features a file uses that only some 2.x releases get right (the pin's release floor,
// rules/pins/floors.ts). Python files are read through their syntax tree; DataJoint config files as JSON.
// Detection is by name only (no variable tracking): it runs for every file the workspace indexes.
import type { Node } from 'web-tree-sitter';
import { pairWrite, subscriptWrite } from '../python/dictKeys';
import { unparen } from '../python/syntax';

export type ReleaseFeature = 'reserve_jobs' | 'reserve_jobs_uuid_key' | 'lineage' | 'store_prefix';

/** A definition whose primary key (above `---`) has a `uuid` attribute: its children inherit it through the key. */
export function hasUuidKey(definition: string | null | undefined): boolean {
  if (!definition) return false;
  const head = definition.split(/^\s*-{3,}\s*$/m)[0];
  return /^\s*[a-z_]\w*\s*(=[^:]*)?:\s*uuid\b/im.test(head);
}

/** Per-store settings whose layout meaning 2.x writers honour only from 2.3.1. */
export const STORE_PREFIX_KEYS = ['hash_prefix', 'schema_prefix', 'filepath_prefix'];
const LINEAGE_CALLS = new Set(['rebuild_lineage', 'lineage_table_exists']);

interface FeatureSource {
  syntax: { calls: Node[]; keywordArguments: Node[]; attributes: Node[] };
  tree: { rootNode: Node };
}

/** A value that certainly switches an option off: `False`, `None`, `0`. Anything else may switch it on. */
function off(value: Node | null): boolean {
  const v = value ? unparen(value) : null;
  return !v || v.type === 'false' || v.type === 'none' || (v.type === 'integer' && Number(v.text) === 0);
}

export function releaseFeaturesOf(index: FeatureSource): Set<ReleaseFeature> {
  const found = new Set<ReleaseFeature>();
  const root = index.tree.rootNode;
  const source = root.text;
  // node.text is held in JS: a cheap filter before any walk (most files mention none of these names).
  if (!/reserve_jobs|semantic_check|lineage|_prefix/.test(source)) return found;
  // `populate(reserve_jobs=True)`, `dict(reserve_jobs=flag)`, and `semantic_check=True` asked for explicitly.
  for (const kw of index.syntax.keywordArguments) {
    const name = kw.childForFieldName('name')?.text;
    const value = kw.childForFieldName('value');
    if (name === 'reserve_jobs' && !off(value)) found.add('reserve_jobs');
    else if (name === 'semantic_check' && value && unparen(value).type === 'true') found.add('lineage');
    else if (name && STORE_PREFIX_KEYS.includes(name) && !off(value)) found.add('store_prefix');
  }
  // `schema.rebuild_lineage()`, `dj.migrate.rebuild_lineage(...)`, `schema.lineage_table_exists`.
  if (source.includes('lineage'))
    for (const a of index.syntax.attributes)
      if (LINEAGE_CALLS.has(a.childForFieldName('attribute')?.text ?? '')) found.add('lineage');
  // `{"reserve_jobs": True}` (populate settings passed as **kwargs) and store settings in dict literals or
  // subscripts: `dj.config["stores"]["raw"]["hash_prefix"] = ...`.
  const keyed = ['reserve_jobs', ...STORE_PREFIX_KEYS].filter((k) => source.includes(k));
  if (keyed.length) {
    for (const pair of root.descendantsOfType('pair')) {
      const w = pair && pairWrite(pair);
      if (!w || !keyed.includes(w.key) || off(w.value)) continue;
      found.add(w.key === 'reserve_jobs' ? 'reserve_jobs' : 'store_prefix');
    }
    for (const sub of root.descendantsOfType('subscript')) {
      const w = sub && subscriptWrite(sub);
      if (w && STORE_PREFIX_KEYS.includes(w.key)) found.add('store_prefix');
    }
  }
  return found;
}

/** Store prefix settings in a DataJoint config file (`stores.<name>.hash_prefix`, nested or dotted keys). */
export function configFileFeatures(text: string): Set<ReleaseFeature> {
  const found = new Set<ReleaseFeature>();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return found;
  }
  if (!json || typeof json !== 'object') return found;
  const set = (v: unknown) => v !== null && v !== undefined && v !== '';
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const dotted = /^stores\.[^.]+\.(\w+)$/.exec(key);
    if (dotted && STORE_PREFIX_KEYS.includes(dotted[1]) && set(value)) found.add('store_prefix');
    if (key !== 'stores' || !value || typeof value !== 'object') continue;
    for (const spec of Object.values(value as Record<string, unknown>)) {
      if (!spec || typeof spec !== 'object') continue;
      for (const k of STORE_PREFIX_KEYS) if (set((spec as Record<string, unknown>)[k])) found.add('store_prefix');
    }
  }
  return found;
}

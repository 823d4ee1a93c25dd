// Modules handed to a pipeline at run time, the way DataJoint Elements do: `def activate(schema_name, *,
// linking_module=None)`, a parameter annotated `ephys: types.ModuleType`, and a module-level `_linking_module`
// that `activate` sets through `global`. Their capitalised attributes are taken to be tables, like a virtual
// module's ("DataJoint-likely" receivers): `linking_module.Session.fetch()` is a query.
import type { Node } from 'web-tree-sitter';
import { parameterName } from '../python/syntax';

/** Whether a text may hand modules in (`def activate`, `types.ModuleType`); a text search, no regex over the file. */
export function mayTakeModules(text: string): boolean {
  return text.includes('ModuleType') || (text.includes('def activate') && /\bdef activate\b/.test(text));
}

/** A name bound to such a module, and the text range where the binding holds. */
export interface ModuleParameter {
  name: string;
  start: number;
  end: number;
}

const MODULE_TYPE = /\bModuleType\b/;
const ACTIVATE_PARAM = /(^|_)module$/;

export function moduleParameters(functions: Node[], fileEnd: number): ModuleParameter[] {
  const out: ModuleParameter[] = [];
  for (const fn of functions) {
    if (fn.type !== 'function_definition') continue;
    const activate = fn.childForFieldName('name')?.text === 'activate';
    const names = new Set<string>();
    for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      const name = p && parameterName(p);
      if (!name) continue;
      const type = p.childForFieldName('type')?.text ?? '';
      if (MODULE_TYPE.test(type) || (activate && ACTIVATE_PARAM.test(name.text))) names.add(name.text);
    }
    if (!names.size) continue;
    for (const n of names) out.push({ name: n, start: fn.startIndex, end: fn.endIndex });
    out.push(...globalsSetFrom(fn, names, fileEnd));
  }
  return out;
}

/** `global _linking_module` … `_linking_module = linking_module` in the function: the module-level name. */
function globalsSetFrom(fn: Node, params: Set<string>, fileEnd: number): ModuleParameter[] {
  const body = fn.childForFieldName('body')?.namedChildren ?? [];
  const globals = new Set(
    body.flatMap((s) => (s?.type === 'global_statement' ? s.namedChildren.map((n) => n?.text ?? '') : [])),
  );
  const out: ModuleParameter[] = [];
  for (const s of body) {
    const a = s?.type === 'expression_statement' ? s.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left')?.text ?? '';
    const right = a.childForFieldName('right')?.text ?? '';
    if (globals.has(left) && params.has(right)) out.push({ name: left, start: 0, end: fileEnd });
  }
  return out;
}

// Every rule family, in one list. A family is one file (or folder) under server/src/rules/.
import type { Rule } from './context';
import type { RuleMeta } from './meta';
import { moduleRules } from './modules';
import { tableRules } from './tables';
import { populateRules } from './populate';
import { configApiRules } from './configApi';
import { schemaNameRules } from './schemaNames';
import { definitionRule } from './definitionStrings';
import { fetchRules } from './fetch';
import { operatorRules } from './operators';

export const pythonRules: Rule[] = [...moduleRules, ...tableRules, ...populateRules, ...configApiRules, ...schemaNameRules, definitionRule, ...fetchRules, ...operatorRules];

/** Metadata of every rule, Python or not (definitions, config files and pins register theirs here too). */
export function allRuleMetas(): RuleMeta[] {
  const metas = pythonRules.flatMap((r) => r.metas);
  return [...metas, ...extraMetas].sort((a, b) => a.code.localeCompare(b.code));
}

const extraMetas: RuleMeta[] = [];
export function registerMetas(metas: RuleMeta[]): void {
  for (const m of metas) if (!extraMetas.some((x) => x.code === m.code)) extraMetas.push(m);
}

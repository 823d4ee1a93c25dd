// Every rule family, in one list. A family is one file (or folder) under server/src/rules/.
import type { Rule } from './context';
import type { RuleMeta } from './meta';
import { moduleRules } from './modules';
import { tableRules } from './tables';
import { populateRules } from './populate';
import { configApiRules } from './configApi';
import { schemaNameRules } from './schemaNames';
import { definitionRule, filepathInsertRule } from './definitionStrings';
import { fetchRules } from './fetch';
import { operatorRules } from './operators';
import { configFileRules } from './configFiles';
import { pinRules } from './pins';
import { dependencyImportRule } from './dependencies/importRule';

export const pythonRules: Rule[] = [
  ...moduleRules,
  ...tableRules,
  ...populateRules,
  ...configApiRules,
  ...schemaNameRules,
  definitionRule,
  filepathInsertRule,
  ...fetchRules,
  ...operatorRules,
  dependencyImportRule,
];

/** Metadata of every rule: Python rules, config-file rules and dependency-pin rules. */
export function allRuleMetas(): RuleMeta[] {
  const metas = [...pythonRules.flatMap((r) => r.metas), ...configFileRules, ...pinRules];
  const seen = new Set<string>();
  return metas.filter((m) => !seen.has(m.code) && seen.add(m.code)).sort((a, b) => a.code.localeCompare(b.code));
}

// Where each row of the API catalogue (../shared/spec/api-changes.md) is handled: by a rule (its meta lists
// the id in `catalogue`) or by an explicit reason why no rule is needed. A test keeps this complete.
import { noRuleBecause as configApi } from './configApi';
import { noRuleBecause as fetch } from './fetch';
import { noRuleBecause as operators } from './operators';
import { noRuleBecause as populate } from './populate';
import { noRuleBecause as schemaNames } from './schemaNames';
import { noRuleBecause as tables } from './tables';

const modules: Record<string, string> = {
  'mod-unchanged': 'These names exist unchanged in 2.x; there is nothing to rewrite.',
  'conn-prompt':
    'Whether user and password are configured is a property of the deployment, not of the code; DJ14x moves credentials to .secrets/ and the docs explain DJ_USER/DJ_PASS.',
  'conn-same': 'Unchanged connection API: nothing to rewrite.',
};

const definitions: Record<string, string> = {
  'def-empty-pk': 'A relaxation in 2.x (a hidden _singleton key is added); 0.14.6 code never has such tables.',
  'def-defaults': 'Same grammar and meaning on MySQL; 2.x only changes the quoting it writes.',
  'def-comments': 'Unchanged; the `:type:` prefix is written by 2.x itself.',
  'def-fk': 'Foreign-key lines are unchanged and are never touched by the definition rules.',
  'def-index': 'Unchanged index syntax.',
  'def-names': 'Unchanged attribute-name rules.',
  'def-native-pk-computed': 'Same row as pop-native-pk: rule DJ117.',
};

export function noRuleReasons(): Record<string, string> {
  return { ...modules, ...definitions, ...fetch, ...operators, ...tables, ...populate, ...configApi, ...schemaNames };
}

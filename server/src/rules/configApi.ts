// DJ080-088: `dj.config` in code (api-changes.md §1H, §5). 2.x config is a pydantic model behind a proxy
// exposing only `[]`, get, override, load, get_store_spec and save_template.
import type { Rule } from './context';
import {
  CONFIG_CALL,
  CONFIG_CUSTOM,
  CONFIG_MAPPING,
  CONFIG_SAVE,
  CONFIG_UPDATE,
  ENV_VARS,
  FETCH_FORMAT,
  REMOVED_KEY,
  STORE_SETTINGS,
} from './configApi/meta';
import { checkUse, configUses } from './configApi/uses';
import { checkEnv } from './configApi/env';

export {
  FETCH_FORMAT,
  CONFIG_CUSTOM,
  CONFIG_CALL,
  CONFIG_SAVE,
  CONFIG_UPDATE,
  REMOVED_KEY,
  CONFIG_MAPPING,
  ENV_VARS,
  STORE_SETTINGS,
  noRuleBecause,
} from './configApi/meta';

export const configApiRules: Rule[] = [
  {
    metas: [
      FETCH_FORMAT,
      CONFIG_CUSTOM,
      CONFIG_CALL,
      CONFIG_SAVE,
      CONFIG_UPDATE,
      REMOVED_KEY,
      CONFIG_MAPPING,
      ENV_VARS,
      STORE_SETTINGS,
    ],
    check(ctx) {
      if (ctx.text.includes('config')) for (const use of configUses(ctx)) checkUse(ctx, use); // aliases are imported under `config`, so the file mentions it
      if (ctx.text.includes('DJ_')) checkEnv(ctx);
    },
  },
];

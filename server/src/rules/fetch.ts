// DJ020-039: the fetch family (api-changes.md §1B, §3). `fetch()` still exists in 2.x but is deprecated and
// no longer honours `fetch_format`; each variant has its own exact replacement, some with behaviour changes.
import type { Rule } from './context';
import {
  DOWNLOAD_PATH,
  FETCH_ALL,
  FETCH_ALL_CONFIGURED,
  FETCH_AS_DICT,
  FETCH_ATTRS,
  FETCH_ATTRS_DICT,
  FETCH_FRAME,
  FETCH_KEY,
  FETCH_KEY_ATTRS,
  FETCH_KEY_ATTRS_DICT,
  HEAD_TAIL,
  NEW_NAME_SHADOW,
} from './fetch/meta';
import { OUTPUT_METHODS, methodCallIn, methodNameIn } from './fetch/calls';
import { checkFetch } from './fetch/fetchCall';
import { checkHeadTail } from './fetch/headTail';
import { checkDownloadPath } from './fetch/downloadPath';
import { checkShadowing } from './fetch/shadowing';

export {
  FETCH_KEY,
  FETCH_ALL,
  FETCH_AS_DICT,
  FETCH_ATTRS,
  FETCH_KEY_ATTRS,
  FETCH_ATTRS_DICT,
  FETCH_KEY_ATTRS_DICT,
  FETCH_FRAME,
  DOWNLOAD_PATH,
  HEAD_TAIL,
  NEW_NAME_SHADOW,
  FETCH_ALL_CONFIGURED,
  noRuleBecause,
} from './fetch/meta';
export {
  NEW_TABLE_METHODS,
  type MethodCall,
  methodName,
  methodCall,
  methodNameIn,
  methodCallIn,
  receiverKind,
} from './fetch/calls';

export const fetchRules: Rule[] = [
  {
    metas: [
      FETCH_KEY,
      FETCH_ALL,
      FETCH_AS_DICT,
      FETCH_ATTRS,
      FETCH_KEY_ATTRS,
      FETCH_ATTRS_DICT,
      FETCH_KEY_ATTRS_DICT,
      FETCH_FRAME,
      DOWNLOAD_PATH,
      HEAD_TAIL,
      NEW_NAME_SHADOW,
      FETCH_ALL_CONFIGURED,
    ],
    check(ctx) {
      for (const call of ctx.index.syntax.calls) {
        if (!methodNameIn(ctx, call, OUTPUT_METHODS)) continue;
        const mc = methodCallIn(ctx, call);
        if (!mc) continue;
        const name = mc.method.text;
        if (name === 'fetch') checkFetch(ctx, mc);
        else if (name === 'head' || name === 'tail') checkHeadTail(ctx, mc);
        checkDownloadPath(ctx, mc);
      }
      checkShadowing(ctx);
    },
  },
];

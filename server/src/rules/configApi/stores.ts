// `dj.config["stores"]` values: store settings written in code.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { keywordArgs, positionalArgs } from '../edits';
import { STORE_SETTINGS } from './meta';

export function assignmentTo(target: Node): Node | null {
  const p = target.parent;
  return p?.type === 'assignment' && p.childForFieldName('left')?.id === target.id ? p : null;
}

/** `{"name": {...}, ...}` or `dict(name=dict(...))`: each store, and a store named `default`. */
export function checkStores(ctx: RuleContext, value: Node | null): void {
  const stores = storeEntries(value);
  for (const [name, spec] of stores ?? []) {
    if (name === 'default' && storeEntries(spec)) {
      ctx.report(STORE_SETTINGS, spec.parent!, {
        severity: 'warning',
        message:
          'A store named `default` must be renamed for DataJoint 2.x: `stores.default` now holds the name of the default store (a string), so this store cannot be configured under that name',
      });
    }
    checkStore(ctx, spec);
  }
}

function storeEntries(value: Node | null): Map<string, Node> | null {
  const v = value && unparen(value);
  if (v?.type === 'dictionary') {
    const map = new Map<string, Node>();
    for (const pair of v.namedChildren) {
      if (pair?.type !== 'pair') {
        if (pair?.type === 'dictionary_splat') return null;
        continue;
      }
      const k = stringValue(unparen(pair.childForFieldName('key')!));
      if (k !== null) map.set(k, pair.childForFieldName('value')!);
    }
    return map;
  }
  if (v?.type === 'call' && v.childForFieldName('function')?.text === 'dict' && positionalArgs(v).length === 0) {
    return new Map([...keywordArgs(v)].map(([k, a]) => [k, a.childForFieldName('value')!]));
  }
  return null;
}

export function checkStore(ctx: RuleContext, value: Node | null): void {
  const entries = storeEntries(value);
  if (!entries) return;
  const protocol = entries.get('protocol');
  if (!entries.has('secure') && protocol && stringValue(unparen(protocol))?.toLowerCase() === 's3') {
    ctx.report(STORE_SETTINGS, value!, {
      message:
        'This s3 store has no `secure` setting: 0.14.6 connected over HTTP, 2.x defaults to HTTPS (`secure: True`). Set `"secure": False` only if the endpoint serves plain HTTP',
    });
  }
  const stage = entries.get('stage');
  if (stage) {
    ctx.report(STORE_SETTINGS, stage.parent!, {
      message:
        '`stage` is accepted but unused by DataJoint 2.x: `<filepath@store>` inserts take a path relative to the store `location`, and the file must already be there (nothing is uploaded)',
    });
  }
}

// Environment variables that 2.x reads under other names.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { ENV_VARS } from './meta';

const ENV: Record<string, string> = {
  DJ_AWS_ACCESS_KEY_ID:
    'DataJoint 2.x does not read `DJ_AWS_ACCESS_KEY_ID`: put the key in `.secrets/stores.<name>.access_key` (or `DJ_STORES` from 2.2.3)',
  DJ_AWS_SECRET_ACCESS_KEY:
    'DataJoint 2.x does not read `DJ_AWS_SECRET_ACCESS_KEY`: put the secret in `.secrets/stores.<name>.secret_key` (or `DJ_STORES` from 2.2.3)',
  DJ_SUPPORT_ADAPTED_TYPES:
    '`DJ_SUPPORT_ADAPTED_TYPES` is an obsolete feature switch: codecs need no switch in 2.x; delete it',
  DJ_SUPPORT_FILEPATH_MANAGEMENT:
    '`DJ_SUPPORT_FILEPATH_MANAGEMENT` is an obsolete feature switch: `<filepath@store>` needs no switch in 2.x; delete it',
};

function envName(node: Node | null | undefined): string | null {
  const v = node ? stringValue(unparen(node)) : null;
  return v !== null && ENV[v] ? v : null;
}

/** The removed variables, found as string literals in `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)`. */
export function checkEnv(ctx: RuleContext): void {
  const re = new RegExp(`["'](${Object.keys(ENV).join('|')})["']`, 'g');
  // A finding is reported at the string's subscript or call, in the string's statement.
  for (const m of ctx.matchesInScope(re)) {
    let str: Node | null = ctx.index.tree.rootNode.descendantForIndex(m.index!, m.index! + m[0].length);
    while (str && str.type !== 'string') str = str.parent;
    const name = str && envName(str);
    const p = str?.parent;
    if (!name || !p) continue;
    if (p.type === 'subscript' && /\benviron$/.test(p.childForFieldName('value')?.text ?? '')) {
      ctx.report(ENV_VARS, p, { message: ENV[name] });
    } else if (p.type === 'argument_list' && p.parent?.type === 'call' && p.namedChildren[0]?.id === str!.id) {
      if (
        /(\benviron\.(get|setdefault|pop)|\bgetenv|\bputenv)$/.test(p.parent.childForFieldName('function')?.text ?? '')
      )
        ctx.report(ENV_VARS, p.parent, { message: ENV[name] });
    }
  }
}

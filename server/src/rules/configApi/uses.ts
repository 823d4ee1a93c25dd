// Every use of `dj.config` in code: method calls, `update`, comparisons.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { keywordArgs, positionalArgs } from '../edits';
import { callOf, identifiersNamed } from '../tables';
import { CONFIG_CALL, CONFIG_CUSTOM, CONFIG_MAPPING, CONFIG_SAVE, CONFIG_UPDATE } from './meta';
import { KEPT_KEYS, checkSubscript, isConfig, isCustom, literalValue, reportKey } from './keys';
import { checkStores } from './stores';

/**
 * Every `dj.config` (or `config` imported from datajoint) in code, found from the text; only those the incremental
 * analysis re-checks (a use's findings stay in its statement).
 */
export function configUses(ctx: RuleContext): Node[] {
  const out: Node[] = [];
  const aliases = [...ctx.index.imports.djNames]
    .filter(([, q]) => q === 'datajoint.config' || q === 'datajoint.settings.config')
    .map(([local]) => local);
  for (const id of identifiersNamed(ctx, [...new Set(['config', ...aliases])], { inScope: true })) {
    const p = id.parent;
    const expr = p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id ? p : id;
    if (isConfig(ctx, expr)) out.push(expr);
  }
  return out;
}

export function checkUse(ctx: RuleContext, expr: Node): void {
  const p = expr.parent;
  if (!p) return;
  switch (p.type) {
    case 'call':
      if (p.childForFieldName('function')?.id === expr.id && !ctx.isGuarded(p)) {
        ctx.report(CONFIG_CALL, expr, {
          edits: [{ start: expr.endIndex, end: expr.endIndex, text: '.override' }],
          fixTitle: 'Use `dj.config.override(...)`',
        });
        for (const [name, arg] of keywordArgs(p))
          reportKey(ctx, name.replace(/__/g, '.'), arg, literalValue(arg.childForFieldName('value')));
      }
      return;
    case 'attribute': {
      const call = callOf(p);
      if (call) checkConfigMethod(ctx, call, p.childForFieldName('attribute')!.text, expr);
      return;
    }
    case 'subscript':
      if (p.childForFieldName('value')?.id === expr.id) checkSubscript(ctx, p);
      return;
    case 'comparison_operator':
      checkComparison(ctx, p, expr);
      return;
    case 'for_statement':
    case 'for_in_clause':
      if (p.childForFieldName('right')?.id === expr.id && !ctx.isGuarded(p)) {
        ctx.report({ ...CONFIG_MAPPING, safety: 'manual' }, expr, {
          message:
            'Iterating over dj.config fails in DataJoint 2.2+: iterate over `dj.config.model_dump()` (nested groups, not flat dotted keys)',
        });
      }
      return;
    case 'argument_list': {
      const call = p.parent;
      const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
      if (
        fn?.type === 'identifier' &&
        ['dict', 'list', 'len', 'set', 'sorted'].includes(fn.text) &&
        p.namedChildCount === 1 &&
        !ctx.isGuarded(call!)
      ) {
        ctx.report({ ...CONFIG_MAPPING, safety: 'manual' }, call!, {
          message: `\`${fn.text}(dj.config)\` fails in DataJoint 2.2+ (the config is not a mapping): use \`dj.config.model_dump()\`, a nested dict, and adapt the code reading it`,
        });
      }
      return;
    }
  }
}

function checkConfigMethod(ctx: RuleContext, call: Node, method: string, receiver: Node): void {
  if (ctx.isGuarded(call)) return;
  const args = positionalArgs(call);
  if (method === 'get' && args[0]) {
    const key = stringValue(unparen(args[0]));
    if (key !== null) reportKey(ctx, key, call, undefined, true);
  } else if (method === 'save_local' || method === 'save_global' || method === 'save') {
    ctx.report(CONFIG_SAVE, call, {
      message: `\`dj.config.${method}()\` was removed in DataJoint 2.x: create a template once with \`dj.config.save_template(...)\`, then edit \`datajoint.json\` (credentials in \`.secrets/\`)`,
    });
  } else if (method === 'update') {
    checkUpdate(ctx, call, receiver);
  } else if (method === 'override') {
    // `dj.config(k=v)` is fixed into `override(k=v)`: its keys stay as wrong (and as reported) as before.
    for (const [name, arg] of keywordArgs(call))
      reportKey(ctx, name.replace(/__/g, '.'), arg, literalValue(arg.childForFieldName('value')));
  } else if (method === 'keys' || method === 'items' || method === 'values') {
    ctx.report({ ...CONFIG_MAPPING, safety: 'manual' }, call, {
      message: `\`dj.config.${method}()\` fails in DataJoint 2.2+: use \`dj.config.model_dump()\` (nested groups, not flat dotted keys)`,
    });
  }
}

/** `dj.config.update({...})` / `update(k=v)` as a statement → one assignment per key, or a loop. */
function checkUpdate(ctx: RuleContext, call: Node, receiver: Node): void {
  const args = positionalArgs(call);
  const kw = keywordArgs(call);
  const stmt = call.parent?.type === 'expression_statement' && call.parent.namedChildCount === 1 ? call.parent : null;
  const target = receiver.text;
  const dict = args.length === 1 && kw.size === 0 ? unparen(args[0]) : null;
  let pairs: Array<[string, Node]> | null = null;
  if (dict?.type === 'dictionary') {
    pairs = [];
    for (const p of dict.namedChildren) {
      if (!p || p.type === 'comment') continue;
      const k = p.type === 'pair' ? stringValue(unparen(p.childForFieldName('key')!)) : null;
      if (k === null) {
        pairs = null;
        break;
      }
      pairs.push([k, p.childForFieldName('value')!]);
    }
  } else if (args.length === 0 && kw.size) pairs = [...kw].map(([k, a]) => [k, a.childForFieldName('value')!]);
  // 0.14.6 `update(display__width=30)` stored the key "display__width" as written (only `__call__` mapped `__` to dots).
  const odd = args.length === 0 && [...kw.keys()].some((k) => k.includes('__'));
  if (odd) {
    ctx.report({ ...CONFIG_UPDATE, safety: 'manual' }, call, {
      message:
        '`dj.config.update(...)` does not exist in DataJoint 2.x; 0.14.6 stored keyword names such as `a__b` literally, not as `a.b`: assign the dotted keys you meant with `dj.config["a.b"] = value`',
    });
    return;
  }
  let removed = false;
  for (const [k, v] of pairs ?? []) {
    removed = reportKey(ctx, k, v.parent!, literalValue(v)) || removed;
    if (k === 'stores') checkStores(ctx, v);
  }
  // The rewrite re-prints the values; comments inside the call would be lost.
  const comments = call.descendantsOfType('comment').length > 0;
  if (
    !stmt ||
    removed ||
    comments ||
    pairs?.length === 0 ||
    (pairs === null && !(args.length === 1 && kw.size === 0 && args[0].type !== 'list_splat'))
  ) {
    ctx.report({ ...CONFIG_UPDATE, safety: 'manual' }, call, {
      message:
        '`dj.config.update(...)` does not exist in DataJoint 2.x: assign each key with `dj.config[key] = value`' +
        (removed ? ' (drop or move the keys 2.x does not define)' : ''),
    });
    return;
  }
  const indent = /^[ \t]*/.exec(ctx.text.slice(ctx.text.lastIndexOf('\n', stmt.startIndex - 1) + 1))![0];
  const text = pairs
    ? pairs.map(([k, v]) => `${target}[${JSON.stringify(k)}] = ${assignable(v)}`).join(`\n${indent}`)
    : updateLoop(ctx.text, target, args[0], indent);
  // Every key literal and one that 2.x keeps: the condition of the rewrite is proven, so it is safe.
  const proven = pairs?.every(([k]) => KEPT_KEYS.has(k));
  ctx.report(proven ? { ...CONFIG_UPDATE, safety: 'safe' } : CONFIG_UPDATE, call, {
    edits: [ctx.replace(call, text)],
    fixTitle: proven ? 'Assign the keys one by one' : 'Assign the keys one by one (each must exist in 2.x)',
  });
}

/**
 * `update(x)` as a loop: `x` may be a mapping or, as 0.14.6's MutableMapping took, an iterable of pairs (`dict(x)`
 * reads both); `update(**x)` is a mapping. The loop's names are ones the file does not use (`_key` may be taken).
 */
function updateLoop(text: string, target: string, arg: Node, indent: string): string {
  const splat = arg.type === 'dictionary_splat' ? arg.namedChildren.find((c) => c && c.type !== 'comment') : null;
  const items = splat ? `${splat.text}.items()` : `dict(${arg.text}).items()`;
  const key = unusedName(text, '_key');
  const value = unusedName(text, '_value');
  return `for ${key}, ${value} in ${items}:\n${indent}    ${target}[${key}] = ${value}`;
}

function unusedName(text: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!new RegExp(`\\b${name}\\b`).test(text)) return name;
  }
}

/** A value that spans lines inside the call's brackets, bracketed so it still parses as an assignment's right side. */
function assignable(v: Node): string {
  const bracketed = ['parenthesized_expression', 'dictionary', 'list', 'tuple', 'set', 'string'].includes(v.type);
  return v.text.includes('\n') && !bracketed ? `(${v.text})` : v.text;
}

/** Keys 0.14.6 left out until set, which 2.x always has with an empty default. */
const DEFAULT_EMPTY_KEYS = new Set(['stores']);

/** `"k" in dj.config` / `not in`. */
function checkComparison(ctx: RuleContext, c: Node, expr: Node): void {
  const ops = c.children.filter((x) => x && !x.isNamed).map((x) => x!.type);
  const operands = c.namedChildren.filter((x): x is Node => !!x);
  const op = ops.join(' ');
  if (operands.length !== 2 || operands[1].id !== expr.id || (op !== 'in' && op !== 'not in') || ctx.isGuarded(c))
    return;
  const key = stringValue(unparen(operands[0]));
  if (key !== null && isCustom(key)) {
    ctx.report(CONFIG_CUSTOM, c, {
      message:
        '`"custom" in dj.config` raises AttributeError on DataJoint 2.2+ (False on 2.0–2.1): the custom settings must live outside dj.config',
    });
    return;
  }
  // `not "k" in cfg` is rewritten whole, so the result reads `cfg.get(k) is None` rather than `not … is not None`.
  const negated = c.parent?.type === 'not_operator' ? c.parent : null;
  const absent = (op === 'not in') !== !!negated;
  const target = negated ?? c;
  const get = `${expr.text}.get(${operands[0].text})`;
  // 0.14.6 had no `stores` key until one was set; 2.x always has it (an empty dict by default), so `is not None` would
  // always hold. Whether a store is configured is the question such code asks.
  const emptyByDefault = key !== null && DEFAULT_EMPTY_KEYS.has(key);
  const inCondition = ['if_statement', 'elif_clause', 'while_statement'].includes(target.parent?.type ?? '');
  const test = emptyByDefault
    ? absent
      ? `not ${get}`
      : inCondition
        ? get
        : `bool(${get})`
    : `${get} ${absent ? 'is None' : 'is not None'}`;
  const edits = target.descendantsOfType('comment').length ? undefined : [ctx.replace(target, test)];
  ctx.report(CONFIG_MAPPING, c, {
    edits,
    fixTitle: emptyByDefault
      ? `Use \`${test}\` (2.x always has \`${key}\`, an empty dict until a store is set)`
      : `Use \`${test}\` (a key set to None reads as absent)`,
    message:
      `\`${op}\` on dj.config fails in DataJoint 2.2+: test \`dj.config.get(key)\` instead` +
      (emptyByDefault
        ? ` (2.x always has \`${key}\`: an empty dict until a store is set, so test whether it is empty)`
        : ''),
  });
}

// DJ020-027, DJ031: `fetch(...)` and its variants.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../context';
import { provenNonDataJoint } from '../receivers';
import { editArguments } from '../edits';
import type { RuleMeta } from '../meta';
import {
  FETCH_ALL,
  FETCH_ALL_CONFIGURED,
  FETCH_AS_DICT,
  FETCH_ATTRS,
  FETCH_ATTRS_DICT,
  FETCH_FRAME,
  FETCH_KEY,
  FETCH_KEY_ATTRS,
  FETCH_KEY_ATTRS_DICT,
} from './meta';
import {
  CARRIED,
  FETCH_KEYWORDS,
  type MethodCall,
  boolArg,
  fetchFormatConfigured,
  readAttrs,
  receiverKind,
  reorderUnpacking,
  strArg,
} from './calls';
import { mapPacked } from '../../mapPacked';

export function checkFetch(ctx: RuleContext, mc: MethodCall): void {
  const { call, method, keywords } = mc;
  const attrs = readAttrs(ctx, mc.positional);
  const keys = attrs.filter((a) => a.key);
  const values = attrs.filter((a) => !a.key);
  const format = strArg(keywords.get('format'));
  const asDict = boolArg(keywords.get('as_dict'));
  const unknownKw = [...keywords.keys()].some((k) => !FETCH_KEYWORDS.has(k));

  const kind = receiverKind(ctx, mc.receiver);
  if (kind === 'other') return;
  const uncertain = kind === 'unknown';
  if (uncertain && provenNonDataJoint(ctx, mc.receiver)) return;
  // On an unresolved receiver, calls that can only be DataJoint's are hints with an unsafe fix; the others
  // (a plain `.fetch()` or `.fetch("a")`) are listed as unverified, without a fix.
  const unverified =
    uncertain &&
    !(
      keys.length ||
      keywords.has('as_dict') ||
      format === 'frame' ||
      format === 'array' ||
      keywords.has('download_path')
    );
  if (ctx.isGuarded(call)) return;

  const fixable =
    !mc.splat &&
    !unknownKw &&
    attrs.every((a) => a.literal) &&
    format !== null &&
    asDict !== 'other' &&
    keys.length <= 1;
  const note = uncertain ? ' (if this is a DataJoint query)' : '';
  const carried = (extra: string[] = []) =>
    [...keywords.entries()].filter(([k]) => CARRIED.has(k) || extra.includes(k)).map(([, n]) => n);
  const dropped = (names: string[]) => mapPacked(names, (n) => keywords.get(n)).filter((n): n is Node => !!n);

  // Simple renames: `fetch(...)` → `<target>(...)` dropping the keywords the target does not take.
  const rename = (meta: RuleMeta, target: string, drop: Node[], message: string) => {
    const args = fixable ? editArguments(call, drop) : null;
    ctx.report(meta, call, {
      message: message + note,
      uncertain,
      unverified,
      receiver: mc.receiver,
      edits: args ? [ctx.replace(method, target), ...args] : undefined,
      fixTitle: `Replace with \`${target}()\``,
    });
  };
  // `fetch(attrs, as_dict=True)` → `proj(attrs).to_dicts(kw)`
  const projDicts = (meta: RuleMeta, message: string) => {
    const moved = carried(['download_path']);
    const args = fixable ? editArguments(call, [...keys.map((k) => k.node), ...dropped(['as_dict']), ...moved]) : null;
    ctx.report(meta, call, {
      message: message + note,
      uncertain,
      unverified,
      receiver: mc.receiver,
      edits: args
        ? [
            ctx.replace(method, 'proj'),
            ...args,
            { start: call.endIndex, end: call.endIndex, text: `.to_dicts(${moved.map((n) => n.text).join(', ')})` },
          ]
        : undefined,
      fixTitle: 'Replace with `proj(...).to_dicts()`',
    });
  };

  if (format === 'frame') {
    if (attrs.length || asDict !== undefined) {
      ctx.report(FETCH_FRAME, call, {
        message:
          '`format="frame"` cannot be combined with attributes or `as_dict` (DataJointError in 0.14.6 and 2.x)' + note,
        uncertain,
        unverified,
        receiver: mc.receiver,
      });
      return;
    }
    rename(
      FETCH_FRAME,
      'to_pandas',
      dropped(['format']),
      '`fetch(format="frame")` is deprecated: `to_pandas()` returns an index-less, column-less DataFrame for an empty result, and nullable integers become float',
    );
    return;
  }
  if (format !== undefined && (attrs.length || asDict === 'True')) {
    ctx.report(FETCH_ALL, call, {
      message: '`format=` cannot be combined with attributes or `as_dict=True` (DataJointError in 0.14.6)' + note,
      uncertain,
      unverified,
      receiver: mc.receiver,
    });
    return;
  }
  // `fetch(*names, ...)`: attributes whose names are known only at run time; the rewrites without attributes would
  // bring back every column (a blob the code leaves out on purpose).
  const starred = call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'list_splat');
  if (!attrs.length && starred) {
    const names = starred.text.slice(1);
    ctx.report({ ...(asDict === 'True' ? FETCH_ATTRS_DICT : FETCH_ATTRS), safety: 'manual' }, call, {
      message:
        (asDict === 'True'
          ? `\`fetch(*${names}, as_dict=True)\` is deprecated: \`proj(*${names}).to_dicts()\` also returns the primary key; rewrite by hand`
          : `\`fetch(*${names})\` is deprecated: \`to_arrays(*${names})\` returns differently typed arrays (stacked blobs, \`<U\` strings, None instead of NaN); rewrite by hand`) +
        note,
      uncertain,
      unverified,
      receiver: mc.receiver,
    });
    return;
  }
  if (!attrs.length) {
    if (asDict === 'True')
      return rename(
        FETCH_AS_DICT,
        'to_dicts',
        dropped(['as_dict']),
        '`fetch(as_dict=True)` is deprecated: use `to_dicts()`',
      );
    if (format === 'array')
      return rename(
        FETCH_ALL,
        'to_arrays',
        dropped(['format', 'as_dict']),
        '`fetch(format="array")` is deprecated: use `to_arrays()`',
      );
    if (asDict === 'other') {
      ctx.report(FETCH_ALL, call, {
        message: '`fetch()` is deprecated: use `to_dicts()` or `to_arrays()` depending on `as_dict`' + note,
        uncertain,
        unverified,
        receiver: mc.receiver,
      });
      return;
    }
    const configuredIn = fetchFormatConfigured(ctx);
    if (configuredIn) {
      return rename(
        FETCH_ALL_CONFIGURED,
        'to_arrays',
        dropped(['as_dict']),
        `\`fetch()\` is deprecated, and \`dj.config["fetch_format"]\` is set in ${configuredIn}: use \`to_pandas()\` where the frame format was in effect, \`to_arrays()\` elsewhere`,
      );
    }
    return rename(
      FETCH_ALL,
      'to_arrays',
      dropped(['as_dict']),
      '`fetch()` is deprecated: `to_arrays()` returns the same structured array',
    );
  }
  if (keys.length > 1) {
    ctx.report(FETCH_KEY_ATTRS, call, {
      message: '"KEY" is requested more than once; rewrite by hand with `to_arrays(..., include_key=True)`' + note,
      uncertain,
      unverified,
      receiver: mc.receiver,
    });
    return;
  }
  if (keys.length && asDict === 'False') {
    // 0.14.6 returned KEY as structured records (not dicts) here; nothing in 2.x does that.
    ctx.report(FETCH_KEY_ATTRS, call, {
      message:
        'With `as_dict=False`, 0.14.6 returned "KEY" as numpy records, not dicts; rewrite by hand (`keys()` / `to_arrays(..., include_key=True)` return dicts)' +
        note,
      uncertain,
      unverified,
      receiver: mc.receiver,
    });
    return;
  }
  if (keys.length && !values.length) {
    const args = fixable ? editArguments(call, [keys[0].node, ...dropped(['as_dict', 'squeeze'])]) : null;
    ctx.report(FETCH_KEY, call, {
      message: `\`fetch(${keys[0].node.text})\` is deprecated: use \`keys()\`` + note,
      uncertain,
      unverified,
      receiver: mc.receiver,
      edits: args ? [ctx.replace(method, 'keys'), ...args] : undefined,
      fixTitle: 'Replace with `keys()`',
    });
    return;
  }
  if (asDict === 'True') {
    if (keys.length)
      return projDicts(
        FETCH_KEY_ATTRS_DICT,
        '`fetch("KEY", ..., as_dict=True)` is deprecated: `proj(...).to_dicts()` returns the same dicts',
      );
    return projDicts(
      FETCH_ATTRS_DICT,
      '`fetch(..., as_dict=True)` is deprecated: `proj(...).to_dicts()` also returns the primary key',
    );
  }
  if (keys.length) {
    const keyIndex = attrs.indexOf(keys[0]);
    const reorder = keyIndex === 0 ? [] : reorderUnpacking(call, keyIndex, attrs.length);
    const lastValue = values[values.length - 1].node;
    const args =
      fixable && reorder
        ? editArguments(call, [keys[0].node, ...dropped(['as_dict'])], ['include_key=True'], lastValue)
        : null;
    ctx.report(FETCH_KEY_ATTRS, call, {
      message:
        (reorder
          ? '`fetch("KEY", ...)` is deprecated: use `to_arrays(..., include_key=True)`, which returns the keys first; the arrays change type (see DJ023)'
          : '`fetch(..., "KEY")` is deprecated: `to_arrays(..., include_key=True)` returns the keys first, and this result is not unpacked where it could be reordered; rewrite by hand') +
        note,
      uncertain,
      unverified,
      receiver: mc.receiver,
      edits: args ? [ctx.replace(method, 'to_arrays'), ...args, ...reorder!] : undefined,
      fixTitle: 'Replace with `to_arrays(..., include_key=True)`',
    });
    return;
  }
  rename(
    FETCH_ATTRS,
    'to_arrays',
    dropped(['as_dict']),
    `\`fetch(${values.map((v) => v.node.text).join(', ')})\` is deprecated: \`to_arrays\` returns ${values.length > 1 ? 'a tuple of ' : ''}differently typed arrays (stacked blobs, \`<U\` strings, None instead of NaN)`,
  );
}

// DJ029: `head()` and `tail()` calls.
import type { RuleContext } from '../context';
import { provenNonDataJoint } from '../receivers';
import type { TextEdit } from '../meta';
import { HEAD_TAIL } from './meta';
import { type MethodCall, boolArg, fetchFormatConfigured, kwValue, receiverKind, strArg } from './calls';

export function checkHeadTail(ctx: RuleContext, mc: MethodCall): void {
  const { call, method, keywords, positional } = mc;
  const name = method.text as 'head' | 'tail';
  const format = strArg(keywords.get('format'));
  const asDict = boolArg(keywords.get('as_dict'));
  const kind = receiverKind(ctx, mc.receiver);
  if (kind === 'other') return;
  const uncertain = kind === 'unknown';
  if (uncertain && provenNonDataJoint(ctx, mc.receiver)) return;
  if (
    uncertain &&
    !(keywords.has('as_dict') || format === 'frame' || format === 'array' || keywords.has('download_path'))
  )
    return;
  if (ctx.isGuarded(call)) return;
  // 2.x accepts `head(n)`/`tail(n)` but returns list[dict]; it rejects keywords.
  const allowed = new Set(['limit', 'format', 'as_dict', 'squeeze', 'offset', 'download_path']);
  const fixable =
    !mc.splat &&
    positional.length <= 1 &&
    !(positional.length && keywords.has('limit')) &&
    [...keywords.keys()].every((k) => allowed.has(k)) &&
    format !== null &&
    asDict !== 'other' &&
    !(format !== undefined && asDict === 'True') &&
    (format === undefined || format === 'frame' || format === 'array');
  const target = format === 'frame' ? 'to_pandas' : asDict === 'True' ? 'to_dicts' : 'to_arrays';
  const configuredIn = target === 'to_arrays' && format === undefined ? fetchFormatConfigured(ctx) : null;
  const limit = positional[0]?.text ?? kwValue(keywords.get('limit'))?.text ?? '25';
  const order = name === 'head' ? '"KEY"' : '"KEY DESC"';
  const rest = [...keywords.entries()]
    .filter(([k]) => k !== 'limit' && k !== 'format' && k !== 'as_dict')
    .map(([, n]) => n.text);
  const newArgs = `(order_by=${order}, limit=${limit}${rest.map((r) => `, ${r}`).join('')})`;
  const list = call.childForFieldName('arguments')!;
  const edits: TextEdit[] = [ctx.replace(method, target), ctx.replace(list, newArgs)];
  if (name === 'tail') edits.push({ start: call.endIndex, end: call.endIndex, text: '[::-1]' });
  const old = name === 'head' ? `fetch(order_by="KEY", limit=n)` : `fetch(order_by="KEY DESC", limit=n)[::-1]`;
  ctx.report(HEAD_TAIL, call, {
    message:
      `\`${name}()\` was \`${old}\`; in 2.x it returns a list of dicts${keywords.size ? ' and keyword arguments raise TypeError' : ''}: use \`${target}(...)\` for the old result` +
      (configuredIn
        ? ` (\`dj.config["fetch_format"]\` is set in ${configuredIn}: use \`to_pandas\` where it was in effect)`
        : '') +
      (uncertain ? ' (if this is a DataJoint query)' : ''),
    uncertain,
    receiver: mc.receiver,
    edits: fixable && !list.text.includes('#') ? edits : undefined,
    fixTitle: `Replace with \`${target}(order_by=${order}, limit=…)\``,
  });
}

// DJ020-039: the fetch family (api-changes.md §1B, §3). `fetch()` still exists in 2.x but is deprecated and
// no longer honours `fetch_format`; each variant has its own exact replacement, some with behaviour changes.
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { provenNonDataJoint } from './receivers';
import { editArguments, ensureImport } from './edits';
import type { RuleMeta, TextEdit } from './meta';

const m = (meta: RuleMeta) => meta;

export const FETCH_KEY = m({
  code: 'DJ020',
  name: 'fetch-key',
  title: '`fetch("KEY")` is deprecated; use `keys()`',
  safety: 'safe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-key'],
  docs: {
    summary:
      '`q.keys()` returns the same list of primary-key dicts and takes the same `order_by`/`limit`/`offset`. `fetch("KEY")` raises DataJointError on 2.0.0–2.0.1 and is deprecated from 2.0.2. `q.fetch(dj.key)` is the same call (`dj.key` itself is gone).',
    before: 'keys = (Session & key).fetch("KEY", order_by="session_date")',
    after: 'keys = (Session & key).keys(order_by="session_date")',
    guideCorrection:
      'The migration guide also rewrites `fetch1("KEY")` to `keys()`. That is wrong: `fetch1("KEY")` is unchanged in 2.x and returns one dict, `keys()` a list; this tool never touches `fetch1`.',
  },
});
export const FETCH_ALL = m({
  code: 'DJ021',
  name: 'fetch-all',
  title: '`fetch()` is deprecated; use `to_arrays()`',
  safety: 'safe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-all', 'fetch-format-array', 'fetch-order-limit', 'fetch-squeeze'],
  docs: {
    summary:
      '`to_arrays()` builds the same structured array as 0.14.6 `fetch()`. `order_by`, `limit`, `offset` and `squeeze` are carried over unchanged. Safe only while nothing sets `dj.config["fetch_format"]` (see DJ031).',
    before: 'rows = Session.fetch(order_by="session_date", limit=10)',
    after: 'rows = Session.to_arrays(order_by="session_date", limit=10)',
    guideCorrection:
      '"What\'s new in 2.0" says `fetch()` was removed; it is deprecated and still present in every 2.x release, so unmigrated calls keep working (with a DeprecationWarning) until they are rewritten.',
  },
});
export const FETCH_AS_DICT = m({
  code: 'DJ022',
  name: 'fetch-as-dict',
  title: '`fetch(as_dict=True)` is deprecated; use `to_dicts()`',
  safety: 'safe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-as-dict'],
  docs: {
    summary: 'The same list of dicts, decoded the same way.',
    before: 'rows = (Session & key).fetch(as_dict=True)',
    after: 'rows = (Session & key).to_dicts()',
  },
});
export const FETCH_ATTRS = m({
  code: 'DJ023',
  name: 'fetch-attrs',
  title: '`fetch("a", ...)` is deprecated; `to_arrays("a", ...)` returns differently typed arrays',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-attr', 'fetch-attrs'],
  docs: {
    summary:
      '0.14.6 sliced columns out of a structured array; 2.x builds `np.array(values)`: equal-shape blobs stack into one N-D numeric array, strings get `<U` dtype instead of object, a numeric column with NULL becomes an object array holding None (no NaN), an empty result becomes float64[]. Several attributes now come back as a tuple, not a list. Check the code that uses the result.',
    before: 'spikes, unit = (Unit & key).fetch("spike_times", "unit", order_by="unit")',
    after: 'spikes, unit = (Unit & key).to_arrays("spike_times", "unit", order_by="unit")',
  },
});
export const FETCH_KEY_ATTRS = m({
  code: 'DJ024',
  name: 'fetch-key-attrs',
  title: '`fetch("KEY", "a")` is deprecated; use `to_arrays("a", include_key=True)` (keys come first)',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-key-attrs'],
  docs: {
    summary:
      '`to_arrays(..., include_key=True)` always returns `(keys, *arrays)`, so when "KEY" was not the first argument the unpacking is reordered. Never `to_arrays("KEY", ...)`: it raises "Attribute KEY not found". The arrays change type as for DJ023.',
    before: 'depth, keys = (Unit & key).fetch("depth", "KEY")',
    after: 'keys, depth = (Unit & key).to_arrays("depth", include_key=True)',
    guideCorrection:
      'The fetch-api page rewrites `keys, a = q.fetch("KEY", "a")` as `q.keys()` plus `q.to_arrays("a")`: two unordered queries whose rows need not line up. The migration guide\'s `weights, ages = Mouse.to_arrays("weight", "age", include_key=True)` returns three values.',
  },
});
export const FETCH_ATTRS_DICT = m({
  code: 'DJ025',
  name: 'fetch-attrs-dict',
  title: '`fetch("a", "b", as_dict=True)` is deprecated; `proj("a", "b").to_dicts()` also returns the primary key',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-attrs-dict'],
  docs: {
    summary:
      '0.14.6 returned dicts holding only the named attributes; the 2.x replacement also holds the primary key. Code that builds a DataFrame or compares dicts sees extra columns. The exact equivalent is `[{k: r[k] for k in ("a", "b")} for r in q.proj("a", "b").to_dicts()]`.',
    before: 'rows = Unit.fetch("depth", "snr", as_dict=True)',
    after: 'rows = Unit.proj("depth", "snr").to_dicts()',
  },
});
export const FETCH_KEY_ATTRS_DICT = m({
  code: 'DJ026',
  name: 'fetch-key-attrs-dict',
  title: '`fetch("KEY", "a", as_dict=True)` is deprecated; use `proj("a").to_dicts()`',
  safety: 'safe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-key-attrs-dict'],
  docs: {
    summary: 'The same dicts: primary key plus the named attributes.',
    before: 'rows = Unit.fetch("KEY", "depth", as_dict=True)',
    after: 'rows = Unit.proj("depth").to_dicts()',
  },
});
export const FETCH_FRAME = m({
  code: 'DJ027',
  name: 'fetch-frame',
  title: '`fetch(format="frame")` is deprecated; use `to_pandas()`',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-frame'],
  docs: {
    summary:
      'Both return a DataFrame indexed by the primary key, but for an empty result 2.x returns `DataFrame()` with no columns and no index (`df["col"]` raises KeyError), and nullable integer columns become float64 with NaN instead of object with None.',
    before: 'df = Session.fetch(format="frame")',
    after: 'df = Session.to_pandas()',
  },
});
export const DOWNLOAD_PATH = m({
  code: 'DJ028',
  name: 'fetch-download-path',
  title:
    '`download_path=` is no longer a fetch argument; wrap the statement in `with dj.config.override(download_path=...)`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['fetch-download-path', 'store-download'],
  docs: {
    summary:
      'Neither `fetch()` nor `fetch1()` nor the new output methods accept `download_path` in 2.x (TypeError). Attachments and file paths download to `dj.config["download_path"]`; the context manager sets it for exactly the statement that fetched.',
    before: 'path = (Recording & key).fetch1("raw_file", download_path=tmp)',
    after: 'with dj.config.override(download_path=tmp):\n    path = (Recording & key).fetch1("raw_file")',
    guideCorrection: 'The published guide does not mention that `download_path=` was removed from `fetch`/`fetch1`.',
  },
});
export const HEAD_TAIL = m({
  code: 'DJ029',
  name: 'head-tail',
  title: '`head()`/`tail()` now return a list of dicts and take no keyword arguments',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['head-tail'],
  docs: {
    summary:
      '0.14.6 `head(n, **kw)` was `fetch(order_by="KEY", limit=n, **kw)` and `tail(n, **kw)` was `fetch(order_by="KEY DESC", limit=n, **kw)[::-1]`. In 2.x both return `list[dict]` (a silent type change) and keyword arguments raise TypeError. The fix keeps the old return type with the explicit output method.',
    before: 'first = Session.head(5)\nlast = Session.tail(format="frame")',
    after:
      'first = Session.to_arrays(order_by="KEY", limit=5)\nlast = Session.to_pandas(order_by="KEY DESC", limit=25)[::-1]',
    guideCorrection: 'The published guide does not mention that `head`/`tail` changed their return type.',
  },
});
export const NEW_NAME_SHADOW = m({
  code: 'DJ030',
  name: 'new-method-shadowed',
  title: 'This table member shadows a DataJoint 2.x method of the same name',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['new-names'],
  docs: {
    summary:
      '2.x adds `keys`, `to_dicts`, `to_pandas`, `to_polars`, `to_arrow`, `to_arrays`, `extend`, `validate`, `insert_dataframe` and `staged_insert1` to every table, also callable on the class. A member of that name in your table replaces the library method, including where DataJoint itself calls it (e.g. `fetch("KEY")` calls `keys()`). Rename the member.',
    before: 'class Session(dj.Manual):\n    def keys(self):\n        return self.fetch("KEY")',
    after: 'class Session(dj.Manual):\n    def session_keys(self):\n        return self.keys()',
  },
});
export const FETCH_ALL_CONFIGURED = m({
  code: 'DJ031',
  name: 'fetch-all-format-config',
  title:
    '`fetch()` is deprecated, and `dj.config["fetch_format"]` is set in this workspace: it may have returned a DataFrame',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['fetch-all', 'fetch-format-frame-config'],
  docs: {
    summary:
      'With `dj.config["fetch_format"] = "frame"`, 0.14.6 `fetch()` (and `head`/`tail`) returned a DataFrame. 2.x ignores the setting (the key is gone), so `to_arrays()` is right only for calls that ran with the default; where the frame format was in effect use `to_pandas()`. This rule finds every such call in every file of the workspace (the setting itself is DJ080).',
    before: 'dj.config["fetch_format"] = "frame"\ndf = Session.fetch()',
    after: 'df = Session.to_pandas()',
  },
});

export const noRuleBecause: Record<string, string> = {
  fetch1:
    '`fetch1(...)` is unchanged and not deprecated in 2.x, including `fetch1("KEY")` (one dict; `keys()` would return a list). Only its `download_path=` argument changes (DJ028). The fetch no-op fixtures assert that it is never touched.',
  iter: '`for row in q:` yields the same dicts in 2.x (streamed from one cursor).',
};

const FETCH_KEYWORDS = new Set(['offset', 'limit', 'order_by', 'format', 'as_dict', 'squeeze', 'download_path']);
/** Keywords the 2.x output methods take as they were. */
const CARRIED = new Set(['offset', 'limit', 'order_by', 'squeeze']);
const OUTPUT_METHODS = new Set([
  'fetch',
  'fetch1',
  'to_dicts',
  'to_arrays',
  'to_pandas',
  'to_polars',
  'to_arrow',
  'keys',
  'head',
  'tail',
]);
export const NEW_TABLE_METHODS = [
  'keys',
  'to_dicts',
  'to_pandas',
  'to_polars',
  'to_arrow',
  'to_arrays',
  'extend',
  'validate',
  'insert_dataframe',
  'staged_insert1',
];

/** A method call `receiver.method(args)` with its arguments sorted out. */
export interface MethodCall {
  call: Node;
  receiver: Node;
  method: Node; // the identifier after the dot
  positional: Node[];
  keywords: Map<string, Node>; // keyword_argument nodes by name
  splat: boolean; // *args or **kwargs present
}

/** The method name of `x.name(...)`, cheaply (node field access is costly in the WASM binding), or null. */
export function methodName(call: Node): string | null {
  const fn = call.firstNamedChild;
  return fn?.type === 'attribute' ? (fn.lastNamedChild?.text ?? null) : null;
}

export function methodCall(call: Node): MethodCall | null {
  const fn = call.childForFieldName('function');
  const list = call.childForFieldName('arguments');
  if (fn?.type !== 'attribute' || list?.type !== 'argument_list') return null;
  const receiver = fn.childForFieldName('object');
  const method = fn.childForFieldName('attribute');
  if (!receiver || !method) return null;
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  let splat = false;
  for (const a of list.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') keywords.set(a.childForFieldName('name')?.text ?? '', a);
    else if (a.type === 'list_splat' || a.type === 'dictionary_splat') splat = true;
    else positional.push(a);
  }
  return { call, receiver, method, positional, keywords, splat };
}

/** 'dj': a table or query for certain; 'unknown': unresolved; 'other': something that is not a query. */
export function receiverKind(ctx: RuleContext, receiver: Node): 'dj' | 'unknown' | 'other' {
  const k = ctx.index.kindOf(receiver);
  if (k === 'table' || k === 'query') return 'dj';
  return k === 'unknown' ? 'unknown' : 'other';
}

function kwValue(kw: Node | undefined): Node | null {
  return kw?.childForFieldName('value') ?? null;
}

/** 'True' / 'False' for boolean literals, 'other' for anything else, undefined when absent. */
function boolArg(kw: Node | undefined): 'True' | 'False' | 'other' | undefined {
  if (!kw) return undefined;
  const v = kwValue(kw);
  if (v?.type === 'true') return 'True';
  if (v?.type === 'false') return 'False';
  return 'other';
}

function strArg(kw: Node | undefined): string | null | undefined {
  if (!kw) return undefined;
  const v = kwValue(kw);
  return v ? stringValue(unparen(v)) : null;
}

interface FetchAttr {
  node: Node;
  key: boolean;
  literal: boolean; // a plain string literal or dj.key
}

function readAttrs(ctx: RuleContext, positional: Node[]): FetchAttr[] {
  return positional.map((node) => {
    const s = stringValue(unparen(node));
    const djKey = ctx.index.qualified(node) === 'datajoint.key';
    return { node, key: s === 'KEY' || djKey, literal: s !== null || djKey };
  });
}

/** Where `dj.config["fetch_format"]` is set ('this file', or a path relative to this file), or null. */
function fetchFormatConfigured(ctx: RuleContext): string | null {
  const files = ctx.index.workspace ? [...ctx.index.workspace.files()] : [];
  const hit =
    files.find((f) => f.path === ctx.path && f.configKeys?.has('fetch_format')) ??
    files.find((f) => !f.installed && f.configKeys?.has('fetch_format'));
  if (!hit) return null;
  return hit.path === ctx.path ? 'this file' : path.relative(path.dirname(ctx.path), hit.path);
}

/** Edits that reorder `a, keys = ...` so the keys come first, or null if the target cannot be reordered. */
function reorderUnpacking(call: Node, keyIndex: number, count: number): TextEdit[] | null {
  const assignment = call.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== call.id) return null;
  const left = assignment.childForFieldName('left');
  if (!left || !['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type)) return null;
  const targets = left.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
  if (targets.length !== count || targets.some((t) => t.type === 'list_splat_pattern')) return null;
  const moved = targets[keyIndex];
  return [
    { start: targets[0].startIndex, end: targets[0].startIndex, text: `${moved.text}, ` },
    { start: targets[keyIndex - 1].endIndex, end: moved.endIndex, text: '' },
  ];
}

function checkFetch(ctx: RuleContext, mc: MethodCall): void {
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
  const dropped = (names: string[]) => names.map((n) => keywords.get(n)).filter((n): n is Node => !!n);

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

function checkHeadTail(ctx: RuleContext, mc: MethodCall): void {
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

function checkDownloadPath(ctx: RuleContext, mc: MethodCall): void {
  const kw = mc.keywords.get('download_path');
  if (!kw) return;
  const kind = receiverKind(ctx, mc.receiver);
  if (kind === 'other' || ctx.isGuarded(mc.call)) return;
  const uncertain = kind === 'unknown';
  if (uncertain && provenNonDataJoint(ctx, mc.receiver)) return;
  const value = kwValue(kw);
  const stmt = simpleStatement(mc.call);
  const others = stmt ? downloadPathCalls(ctx, stmt) : [];
  let edits: TextEdit[] | undefined;
  if (value && !value.text.includes('\n') && stmt && others.length === 1) {
    const config = configExpression(ctx);
    const wrap = wrapStatement(ctx, stmt, `with ${config.expr}.override(download_path=${value.text}):`);
    const args = editArguments(mc.call, [kw]);
    // A line start inside the removed argument needs no indenting (and an edit there would overlap).
    if (wrap && args)
      edits = [
        ...config.edits,
        ...wrap.filter((w) => !args.some((a) => a.start < w.start && w.start < a.end)),
        ...args,
      ];
  }
  const why = !stmt
    ? ' (it is part of a compound statement: wrap that by hand)'
    : others.length > 1
      ? ' (several calls in this statement pass download_path: wrap by hand)'
      : '';
  ctx.report(DOWNLOAD_PATH, mc.call, {
    message: `\`${mc.method.text}()\` does not accept \`download_path\` in DataJoint 2.x (TypeError): set it with \`dj.config.override(download_path=...)\`${why}${uncertain ? ' (if this is a DataJoint query)' : ''}`,
    uncertain,
    receiver: mc.receiver,
    edits,
    fixTitle: 'Wrap the statement in `with dj.config.override(download_path=...)`',
  });
}

function downloadPathCalls(ctx: RuleContext, stmt: Node): Node[] {
  return ctx.index.syntax.calls.filter(
    (c) =>
      c.startIndex >= stmt.startIndex &&
      c.endIndex <= stmt.endIndex &&
      methodCall(c)?.keywords.has('download_path') &&
      OUTPUT_METHODS.has(methodCall(c)!.method.text),
  );
}

/** How to spell `dj.config` here, adding `import datajoint` if nothing binds it. */
function configExpression(ctx: RuleContext): { expr: string; edits: TextEdit[] } {
  const [module] = ctx.index.imports.djModules;
  if (module) return { expr: `${module}.config`, edits: [] };
  for (const [local, q] of ctx.index.imports.djNames)
    if (q === 'datajoint.config' || q === 'datajoint.settings.config') return { expr: local, edits: [] };
  return { expr: 'datajoint.config', edits: ensureImport(ctx, 'datajoint') };
}

const SIMPLE_STATEMENTS = new Set(['expression_statement', 'return_statement']);

/** The simple statement (alone on its lines, directly in a block) that holds a node, or null. */
function simpleStatement(node: Node): Node | null {
  let stmt = node;
  while (stmt.parent && stmt.parent.type !== 'block' && stmt.parent.type !== 'module') stmt = stmt.parent;
  return stmt.parent && SIMPLE_STATEMENTS.has(stmt.type) ? stmt : null;
}

/** Edits putting `header` above a statement and indenting the statement's lines one level. */
function wrapStatement(ctx: RuleContext, stmt: Node, header: string): TextEdit[] | null {
  const text = ctx.text;
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = text.slice(lineStart, stmt.startIndex);
  if (!/^[ \t]*$/.test(indent)) return null;
  const lineEnd = text.indexOf('\n', stmt.endIndex);
  if (!/^[ \t]*(#.*)?\r?$/.test(text.slice(stmt.endIndex, lineEnd < 0 ? text.length : lineEnd))) return null;
  const unit = indentUnit(text, indent);
  const edits: TextEdit[] = [{ start: stmt.startIndex, end: stmt.startIndex, text: `${header}\n${indent}${unit}` }];
  const strings = stmt.descendantsOfType('string').filter((s): s is Node => !!s);
  for (let nl = text.indexOf('\n', stmt.startIndex); nl >= 0 && nl < stmt.endIndex; nl = text.indexOf('\n', nl + 1)) {
    const at = nl + 1;
    if (strings.some((s) => s.startIndex < at && at < s.endIndex)) return null; // would change a string's content
    if (/^[ \t]*\r?(\n|$)/.test(text.slice(at, at + 200))) continue;
    edits.push({ start: at, end: at, text: unit });
  }
  return edits;
}

/** One level of indentation as this file writes it. */
function indentUnit(text: string, indent: string): string {
  if (indent.includes('\t')) return '\t';
  const m = /:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*\r?\n)*([ \t]+)\S/.exec(text);
  if (m && /^( +|\t)$/.test(m[1])) return m[1];
  return '    ';
}

function checkShadowing(ctx: RuleContext): void {
  const names = new Set(NEW_TABLE_METHODS);
  for (const table of ctx.index.allTables) {
    for (const stmt of table.node?.childForFieldName('body')?.namedChildren ?? []) {
      if (!stmt) continue;
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      let nameNode: Node | null = null;
      if (def?.type === 'function_definition') nameNode = def.childForFieldName('name');
      else if (def?.type === 'expression_statement' && def.namedChild(0)?.type === 'assignment') {
        const left = def.namedChild(0)!.childForFieldName('left');
        if (left?.type === 'identifier') nameNode = left;
      }
      if (nameNode && names.has(nameNode.text) && !ctx.isGuarded(nameNode)) {
        ctx.report(NEW_NAME_SHADOW, nameNode, {
          message: `\`${table.name}.${nameNode.text}\` shadows the DataJoint 2.x method \`${nameNode.text}()\` (DataJoint calls it too); rename it`,
        });
      }
    }
  }
}

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
        if (!OUTPUT_METHODS.has(methodName(call) ?? '')) continue;
        const mc = methodCall(call);
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

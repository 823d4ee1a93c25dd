// DJ020-031 rule metadata (the fetch family), and the changes deliberately left without a rule.
import type { RuleMeta } from '../meta';

export const m = (meta: RuleMeta) => meta;

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

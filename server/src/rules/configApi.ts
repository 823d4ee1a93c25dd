// DJ080-088: `dj.config` in code (api-changes.md §1H, §5). 2.x config is a pydantic model behind a proxy
// exposing only `[]`, get, override, load, get_store_spec and save_template.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { keywordArgs, positionalArgs } from './edits';
import type { RuleMeta } from './meta';
import { callOf, identifiersNamed } from './tables';

const m = (meta: RuleMeta) => meta;

export const FETCH_FORMAT = m({
  code: 'DJ080',
  name: 'config-fetch-format',
  title: '`dj.config["fetch_format"]` was removed; call `to_pandas()` where frames are needed',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-removed-keys'],
  docs: {
    summary:
      'KeyError in 2.x. With `fetch_format = "frame"`, every `fetch()` in the process returned a DataFrame; in 2.x nothing switches that globally. Find the `fetch()` calls that relied on it and write `q.to_pandas()`.',
    before: 'dj.config["fetch_format"] = "frame"\ndf = Session.fetch()',
    after: 'df = Session.to_pandas()',
  },
});
export const CONFIG_CUSTOM = m({
  code: 'DJ081',
  name: 'config-custom',
  title: '`dj.config["custom"]` is rejected by DataJoint 2.x; keep these settings elsewhere',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-custom'],
  docs: {
    summary:
      '2.x config forbids keys it does not define (0.14.6 stored any key): setting `custom` or any other free-form key raises KeyError, `dj.config.get("custom", {})` silently returns `{}` (settings lost), and `"custom" in dj.config` raises AttributeError on 2.2+ (False on 2.0–2.1). DataJoint Elements keep `database.prefix` and `*_root_data_dir` there: move them to environment variables or your own settings file.',
    before: 'prefix = dj.config["custom"]["database.prefix"]',
    after: 'prefix = os.environ.get("DATABASE_PREFIX", "")',
  },
});
export const CONFIG_CALL = m({
  code: 'DJ082',
  name: 'config-call',
  title: '`dj.config(...)` is not callable in DataJoint 2.x; use `dj.config.override(...)`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-call'],
  docs: {
    summary:
      'TypeError in 2.x. `override` takes the same keywords (`database__host` for `database.host`) and restores the settings on exit. Keys such as `database.*`, `safemode`, `display.*`, `loglevel`, `stores` keep their names.',
    before: 'with dj.config(safemode=False):',
    after: 'with dj.config.override(safemode=False):',
  },
});
export const CONFIG_SAVE = m({
  code: 'DJ083',
  name: 'config-save',
  title: '`dj.config.save_local/save_global/save` were removed; edit `datajoint.json`',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-save', 'cfg-files'],
  docs: {
    summary:
      'AttributeError in 2.x. There is no writer: `dj.config.save_template(path)` creates a template, then edit `datajoint.json` (found by walking up from the working directory) and keep credentials in `.secrets/database.user` / `.secrets/database.password`. `dj.config.load(path)` is unchanged. 2.x no longer reads `dj_local_conf.json` or `~/.datajoint_config.json`.',
    before: 'dj.config.save_local()',
    after: 'dj.config.save_template("datajoint.json")  # once; then edit it',
    guideCorrection:
      'The guide puts credentials in `.secrets/datajoint.json`; the library never reads that file, only `.secrets/database.user`, `.secrets/database.password` and `.secrets/stores.<name>.<attr>` (one value per file).',
  },
});
export const CONFIG_UPDATE = m({
  code: 'DJ084',
  name: 'config-update',
  title: '`dj.config.update(...)` does not exist in DataJoint 2.x; assign the keys one by one',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-update'],
  docs: {
    summary:
      'AttributeError in 2.x (the proxy exposes no `update`). The fix assigns each key. It is safe when every key is a literal that 2.x keeps (`database.*`, `connection.charset`, `display.*`, `loglevel`, `safemode`, `query_cache`, `stores`); otherwise unsafe, because every key must exist in 2.x (unknown keys raise KeyError; removed keys are reported separately and get no rewrite).',
    before: 'dj.config.update({"database.host": host, "safemode": False})',
    after: 'dj.config["database.host"] = host\ndj.config["safemode"] = False',
  },
});
export const REMOVED_KEY = m({
  code: 'DJ085',
  name: 'config-removed-key',
  title: 'This `dj.config` key was removed in DataJoint 2.x',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-removed-keys', 'cfg-external', 'conn-initfun'],
  docs: {
    summary:
      'Reading or writing a removed key raises KeyError (ValueError for a nested field); `dj.config.load()` silently skips them. Delete the line; see the message for what replaces each key.',
    before: 'dj.config["enable_python_native_blobs"] = True',
    after: '',
  },
});
export const CONFIG_MAPPING = m({
  code: 'DJ086',
  name: 'config-mapping',
  title: '`dj.config` is not a mapping in DataJoint 2.x',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-mapping'],
  docs: {
    summary:
      'From 2.2, `k in dj.config`, iteration, `keys()`, `items()`, `values()` and `dict(dj.config)` raise AttributeError (on 2.0–2.1 they give wrong results). `k in dj.config` becomes `dj.config.get(k) is not None` (unsafe: a key set to None now reads as absent); the others need `dj.config.model_dump()`, which is nested rather than flat.',
    before: 'if "database.host" in dj.config:',
    after: 'if dj.config.get("database.host") is not None:',
  },
});
export const ENV_VARS = m({
  code: 'DJ087',
  name: 'config-env-vars',
  title: 'DataJoint 2.x does not read this environment variable',
  safety: 'manual',
  severity: 'info',
  phase: 1,
  catalogue: ['cfg-env'],
  docs: {
    summary:
      '`DJ_AWS_ACCESS_KEY_ID` / `DJ_AWS_SECRET_ACCESS_KEY` are ignored (credentials silently missing): use `.secrets/stores.<name>.access_key` / `.secrets/stores.<name>.secret_key`, `datajoint.json` or `DJ_STORES` (2.2.3+). `DJ_SUPPORT_ADAPTED_TYPES` and `DJ_SUPPORT_FILEPATH_MANAGEMENT` are obsolete feature switches. `DJ_HOST`, `DJ_USER`, `DJ_PASS`, `DJ_LOG_LEVEL` are unchanged.',
    before: 'os.environ["DJ_SUPPORT_FILEPATH_MANAGEMENT"] = "TRUE"',
    after: '',
  },
});
export const STORE_SETTINGS = m({
  code: 'DJ088',
  name: 'config-stores',
  title: 'A store setting whose meaning changed in DataJoint 2.x',
  safety: 'manual',
  severity: 'info',
  phase: 1,
  catalogue: ['cfg-stores'],
  docs: {
    summary:
      'The per-store shape carries over, but: an s3 store without `secure` connected over plain HTTP in 0.14.6 and uses HTTPS in 2.x (set `"secure": False` only if the endpoint really serves HTTP); `stage` is accepted but unused, because `<filepath@store>` inserts take paths relative to the store `location` and upload nothing; a store literally named `default` must be renamed, since `stores.default` now holds the *name* of the default store. Data written by 2.x lands under `_hash/<schema>/...` with no subfolding by default; migrated rows keep their paths.',
    before: 'dj.config["stores"] = {"raw": {"protocol": "s3", "endpoint": "minio:9000", ...}}',
    after: 'dj.config["stores"] = {"raw": {"protocol": "s3", "endpoint": "minio:9000", "secure": False, ...}}',
  },
});

export const noRuleBecause: Record<string, string> = {
  'cfg-db-keys': 'database, connection, display, safemode, loglevel, query_cache and stores keys keep their names',
  'cfg-load': '`dj.config.load(path)` is unchanged',
};

/** 0.14.6 keys that 2.x still accepts under the same dotted name (api-changes.md `cfg-db-keys`). */
const KEPT_KEYS = new Set([
  'database.host',
  'database.user',
  'database.password',
  'database.port',
  'database.reconnect',
  'database.use_tls',
  'connection.charset',
  'loglevel',
  'safemode',
  'display.limit',
  'display.width',
  'display.show_tuple_count',
  'query_cache',
  'stores',
]);

/** What replaces each removed key (api-changes.md §1H `cfg-removed-keys`). */
const REMOVED: Record<string, string> = {
  enable_python_native_blobs: 'native Python blobs are always on in 2.x: delete the line',
  add_hidden_timestamp: 'delete it; job metadata columns are `dj.config.jobs.add_job_metadata`',
  filepath_checksum_size_limit: '2.x keeps no checksums for `<filepath@>`: delete the line',
  cache: 'the external-blob cache is gone in 2.x: delete the line',
  plugin: 'plugins were removed in 2.x: delete the line',
  'connection.init_function': 'run the SQL after connecting instead: `dj.conn().query(...)`',
};

/** Keys that 2.0–2.1 still defined and 2.2.0 dropped from the settings model. */
const REMOVED_IN_2_2 = new Set([
  'enable_python_native_blobs',
  'filepath_checksum_size_limit',
  'cache',
  'connection.init_function',
]);

/** Every key some 2.x release defines (settings.py of v2.0.0–v2.3.2); `stores.<name>...` is free-form. */
const KEYS_2X = new Set([
  'database',
  'database.host',
  'database.user',
  'database.password',
  'database.backend',
  'database.port',
  'database.name',
  'database.reconnect',
  'database.use_tls',
  'database.database_prefix',
  'database.create_tables',
  'connection',
  'connection.charset',
  'display',
  'display.limit',
  'display.width',
  'display.show_tuple_count',
  'display.diagram_direction',
  'jobs',
  'jobs.auto_refresh',
  'jobs.keep_completed',
  'jobs.stale_timeout',
  'jobs.default_priority',
  'jobs.version_method',
  'jobs.allow_new_pk_fields_in_computed_tables',
  'jobs.add_job_metadata',
  'stores',
  'loglevel',
  'safemode',
  'ignore_config_file',
  'query_cache',
  'download_path',
]);

function removedKeyNote(key: string): string | null {
  if (REMOVED[key]) return REMOVED[key];
  if (key.startsWith('plugin.')) return REMOVED.plugin;
  if (key === 'external' || key.startsWith('external-') || key.startsWith('external.')) {
    return 'pre-0.12 external-store keys: describe stores under `stores` (credentials in `.secrets/stores.<name>.access_key`/`secret_key`)';
  }
  return null;
}

const isCustom = (key: string) => key === 'custom' || key.startsWith('custom.');

/** One finding for a key named in code (subscript, get(), keyword of override, dict key of update). */
function reportKey(ctx: RuleContext, key: string, at: Node, write: unknown, viaGet = false): boolean {
  // `dj.config.get(key, default)` catches the KeyError: the default comes back silently.
  const error = viaGet ? 'silently returns the default' : 'KeyError';
  if (key === 'fetch_format') {
    const frame =
      write === 'frame'
        ? ': every `fetch()` of this process returned DataFrames, so each must become `.to_pandas()`'
        : '';
    ctx.report(FETCH_FORMAT, at, {
      message: `\`fetch_format\` was removed in DataJoint 2.x (${error})${frame}; use \`to_pandas()\` / \`to_arrays()\` / \`to_dicts()\` explicitly`,
    });
    return true;
  }
  if (isCustom(key)) {
    ctx.report(
      CONFIG_CUSTOM,
      at,
      viaGet
        ? {
            message:
              '`dj.config.get("custom", ...)` silently returns the default in DataJoint 2.x: the custom settings are lost; keep them in your own settings or environment variables',
          }
        : {},
    );
    return true;
  }
  const note = removedKeyNote(key);
  if (note) {
    const when = REMOVED_IN_2_2.has(key)
      ? `is rejected from DataJoint 2.2.0 (${error}; 2.0–2.1 still define it)`
      : `was removed in DataJoint 2.x (${error})`;
    ctx.report(REMOVED_KEY, at, { message: `\`dj.config["${key}"]\` ${when}: ${note}` });
    return true;
  }
  if (!KEYS_2X.has(key) && !key.startsWith('stores.')) {
    const hint =
      key === 'database.prefix' ? ' (2.x has `database.database_prefix`, deprecated in favour of `database.name`)' : '';
    ctx.report(CONFIG_CUSTOM, at, {
      message: `\`${key}\` is not a DataJoint 2.x setting: 2.x rejects keys it does not define (${error}), while 0.14.6 stored any key${hint}. Keep it in your own settings or an environment variable`,
    });
    return true;
  }
  return false;
}

const isConfig = (ctx: RuleContext, node: Node | null) => !!node && ctx.index.kindOf(node) === 'config';

function literalValue(node: Node | null | undefined): unknown {
  if (!node) return undefined;
  const n = unparen(node);
  return n.type === 'string' ? stringValue(n) : n.text;
}

/** `dj.config["key"]`, read or written; `dj.config["stores"] = {...}` and `dj.config["stores"]["name"] = {...}`. */
function checkSubscript(ctx: RuleContext, s: Node): void {
  const index = s.childForFieldName('subscript');
  const key = index ? stringValue(unparen(index)) : null;
  if (key === null || ctx.isGuarded(s)) return;
  const assign = assignmentTo(s);
  if (reportKey(ctx, key, s, assign ? literalValue(assign.childForFieldName('right')) : undefined) || key !== 'stores')
    return;
  if (assign) {
    checkStores(ctx, assign.childForFieldName('right'));
    return;
  }
  const outer = s.parent;
  if (outer?.type === 'subscript' && outer.childForFieldName('value')?.id === s.id) {
    const inner = assignmentTo(outer);
    if (inner) checkStore(ctx, inner.childForFieldName('right'));
  }
}

function assignmentTo(target: Node): Node | null {
  const p = target.parent;
  return p?.type === 'assignment' && p.childForFieldName('left')?.id === target.id ? p : null;
}

/** `{"name": {...}, ...}` or `dict(name=dict(...))`: each store, and a store named `default`. */
function checkStores(ctx: RuleContext, value: Node | null): void {
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

function checkStore(ctx: RuleContext, value: Node | null): void {
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

/** Every `dj.config` (or `config` imported from datajoint) in code, found from the text. */
function configUses(ctx: RuleContext): Node[] {
  const out: Node[] = [];
  const aliases = [...ctx.index.imports.djNames]
    .filter(([, q]) => q === 'datajoint.config' || q === 'datajoint.settings.config')
    .map(([local]) => local);
  for (const id of identifiersNamed(ctx, [...new Set(['config', ...aliases])])) {
    const p = id.parent;
    const expr = p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id ? p : id;
    if (isConfig(ctx, expr)) out.push(expr);
  }
  return out;
}

function checkUse(ctx: RuleContext, expr: Node): void {
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
    (pairs === null && !(args.length === 1 && kw.size === 0))
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
    ? pairs.map(([k, v]) => `${target}[${JSON.stringify(k)}] = ${v.text}`).join(`\n${indent}`)
    : `for _key, _value in ${args[0].text}.items():\n${indent}    ${target}[_key] = _value`;
  // Every key literal and one that 2.x keeps: the condition of the rewrite is proven, so it is safe.
  const proven = pairs?.every(([k]) => KEPT_KEYS.has(k));
  ctx.report(proven ? { ...CONFIG_UPDATE, safety: 'safe' } : CONFIG_UPDATE, call, {
    edits: [ctx.replace(call, text)],
    fixTitle: proven ? 'Assign the keys one by one' : 'Assign the keys one by one (each must exist in 2.x)',
  });
}

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
  const test = op === 'in' ? 'is not None' : 'is None';
  const edits = c.descendantsOfType('comment').length
    ? undefined
    : [ctx.replace(c, `${expr.text}.get(${operands[0].text}) ${test}`)];
  ctx.report(CONFIG_MAPPING, c, {
    edits,
    fixTitle: `Use \`${expr.text}.get(...) ${test}\` (a key set to None reads as absent)`,
    message: `\`${op}\` on dj.config fails in DataJoint 2.2+: test \`dj.config.get(key)\` instead`,
  });
}

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
function checkEnv(ctx: RuleContext): void {
  const re = new RegExp(`["'](${Object.keys(ENV).join('|')})["']`, 'g');
  for (const m of ctx.text.matchAll(re)) {
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

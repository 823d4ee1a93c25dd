// `dj.config` keys: which 0.14.6 keys 2.x keeps, removed or renamed, and the subscript reads and writes.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { CONFIG_CUSTOM, FETCH_FORMAT, REMOVED_KEY } from './meta';
import { assignmentTo, checkStore, checkStores } from './stores';

/** 0.14.6 keys that 2.x still accepts under the same dotted name (api-changes.md `cfg-db-keys`). */
export const KEPT_KEYS = new Set([
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

export const isCustom = (key: string) => key === 'custom' || key.startsWith('custom.');

/** One finding for a key named in code (subscript, get(), keyword of override, dict key of update). */
export function reportKey(ctx: RuleContext, key: string, at: Node, write: unknown, viaGet = false): boolean {
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

export const isConfig = (ctx: RuleContext, node: Node | null) => !!node && ctx.index.kindOf(node) === 'config';

export function literalValue(node: Node | null | undefined): unknown {
  if (!node) return undefined;
  const n = unparen(node);
  return n.type === 'string' ? stringValue(n) : n.text;
}

/** `dj.config["key"]`, read or written; `dj.config["stores"] = {...}` and `dj.config["stores"]["name"] = {...}`. */
export function checkSubscript(ctx: RuleContext, s: Node): void {
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

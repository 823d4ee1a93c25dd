// Every 0.14.6 setting and what 2.x does with it (api-changes.md §1H, §5; storage-formats.md A3, B9).
// Settings read as `dj.config['a.b']` in 0.14.6 (flat dotted keys) live in nested groups in 2.x.

/** 0.14.6 key → [2.x group or '' for top level, 2.x key] — carried into datajoint.json. */
export const CARRIED: Record<string, readonly [string, string]> = {
  'database.host': ['database', 'host'],
  'database.port': ['database', 'port'],
  'database.reconnect': ['database', 'reconnect'],
  'database.use_tls': ['database', 'use_tls'],
  'connection.charset': ['connection', 'charset'],
  'display.limit': ['display', 'limit'],
  'display.width': ['display', 'width'],
  'display.show_tuple_count': ['display', 'show_tuple_count'],
  loglevel: ['', 'loglevel'],
  safemode: ['', 'safemode'],
  query_cache: ['', 'query_cache'],
};

/** Credentials: one value per file in `.secrets/` (the names 2.x reads, settings.py `_load_secrets`). */
export const SECRET_KEYS = ['database.user', 'database.password'] as const;

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

type Check = (v: unknown) => boolean;
const isInt: Check = (v) => Number.isInteger(v) || (typeof v === 'string' && /^\d+$/.test(v));
const isBool: Check = (v) => typeof v === 'boolean';
const isStr: Check = (v) => typeof v === 'string';

/** What 2.x's pydantic model accepts for each carried key (a rejected value stops the rest of the file loading). */
export const VALUE_CHECKS: Record<string, { check: Check; expect: string }> = {
  'database.host': { check: isStr, expect: 'a string' },
  'database.port': { check: isInt, expect: 'an integer' },
  'database.reconnect': { check: isBool, expect: 'true or false' },
  'database.use_tls': { check: (v) => v === null || isBool(v), expect: 'true, false or null' },
  'connection.charset': { check: isStr, expect: 'a string' },
  'display.limit': { check: isInt, expect: 'an integer' },
  'display.width': { check: isInt, expect: 'an integer' },
  'display.show_tuple_count': { check: isBool, expect: 'true or false' },
  loglevel: { check: (v) => typeof v === 'string' && LOG_LEVELS.includes(v), expect: LOG_LEVELS.join(', ') },
  safemode: { check: isBool, expect: 'true or false' },
  query_cache: { check: (v) => v === null || isStr(v), expect: 'a path or null' },
};

export interface RemovedKey {
  /** The 0.14.6 default; a file holding it (as `save_local()` writes every key) loses nothing by dropping it. */
  default: unknown;
  why: string;
}

/** Settings that no longer exist: 2.x's `dj.config[...]` raises KeyError, and `load()` skips them silently. */
export const REMOVED: Record<string, RemovedKey> = {
  fetch_format: {
    default: 'array',
    why: '2.x has no fetch_format; with "frame" the code relied on fetch() returning pandas DataFrames: call .to_pandas() explicitly (the fetch rules flag the calls).',
  },
  enable_python_native_blobs: {
    default: true,
    why: '2.x always reads and writes the python-native (dj0) blob encoding; there is no switch.',
  },
  add_hidden_timestamp: {
    default: false,
    why: 'removed; the closest 2.x setting is jobs.add_job_metadata, which adds _job_start_time, _job_duration and _job_version to Computed/Imported tables declared afterwards.',
  },
  filepath_checksum_size_limit: {
    default: null,
    why: 'removed; 2.x <filepath@> values are not checksummed on insert, so there is nothing to limit.',
  },
  cache: {
    default: undefined,
    why: 'the 0.14.6 local cache for external blobs is gone, and 2.x has no replacement (query_cache caches query results, which is something else).',
  },
  plugin: {
    default: undefined,
    why: 'connection plugins configured here are gone; 2.x storage plugins are Python entry points, not settings.',
  },
  'connection.init_function': {
    default: null,
    why: '2.x has no connection init function (dj.conn(init_fun=…) is gone too); run the SQL yourself after connecting: dj.conn().query("…").',
  },
};

/** Keys of a 0.14.6 store spec (settings.py `get_store_spec`); all are accepted by 2.x for the same protocol. */
export const STORE_KEYS_014: Record<string, string[]> = {
  file: ['protocol', 'location', 'subfolding', 'stage'],
  s3: [
    'protocol',
    'endpoint',
    'bucket',
    'access_key',
    'secret_key',
    'location',
    'secure',
    'subfolding',
    'stage',
    'proxy_server',
  ],
};
export const STORE_SECRETS = ['access_key', 'secret_key'];

/** Top-level groups and keys of a 2.x datajoint.json (settings.py `Config`). */
export const GROUPS_2X: Record<string, string[] | null> = {
  database: [
    'host',
    'user',
    'password',
    'backend',
    'port',
    'name',
    'reconnect',
    'use_tls',
    'database_prefix',
    'create_tables',
  ],
  connection: ['charset'],
  display: ['limit', 'width', 'show_tuple_count', 'diagram_direction', 'diagram_theme'],
  jobs: [
    'auto_refresh',
    'keep_completed',
    'stale_timeout',
    'default_priority',
    'version_method',
    'allow_new_pk_fields_in_computed_tables',
    'add_job_metadata',
  ],
  stores: null,
  loglevel: null,
  safemode: null,
  ignore_config_file: null,
  query_cache: null,
  download_path: null,
};

/** Names `stores` reserves in 2.x for pointers to other stores. */
export const STORE_POINTERS = ['default', 'filepath_default'];

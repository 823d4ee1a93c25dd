// DJ080-088 rule metadata (`dj.config` in code), and the changes deliberately left without a rule.
import type { RuleMeta } from '../meta';

export const m = (meta: RuleMeta) => meta;

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
      'From 2.2, `k in dj.config`, iteration, `keys()`, `items()`, `values()` and `dict(dj.config)` raise AttributeError (on 2.0–2.1 they give wrong results). `k in dj.config` becomes `dj.config.get(k) is not None` (unsafe: a key set to None now reads as absent), and `not k in dj.config` becomes `dj.config.get(k) is None`. `stores` is the exception: 0.14.6 had no such key until a store was set, while 2.x always has one (an empty dict), so `"stores" in dj.config` becomes a test of whether it is empty (`if dj.config.get("stores"):`); the others need `dj.config.model_dump()`, which is nested rather than flat.',
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

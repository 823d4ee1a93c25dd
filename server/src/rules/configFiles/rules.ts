// DJ140–159: DataJoint configuration files. 0.14.6 read dj_local_conf.json (or ~/.datajoint_config.json);
// 2.x reads only datajoint.json (searched upward to the .git folder) plus one-value files in .secrets/.
import type { RuleMeta } from '../meta';

const NOT_READ =
  'The published migration guide says credentials go in `.secrets/datajoint.json`; the library never reads that file. It reads only `.secrets/database.user`, `.secrets/database.password` and `.secrets/stores.<name>.<attr>` (one value per file, next to datajoint.json), or /run/secrets/datajoint/.';

const rule = (r: RuleMeta): RuleMeta => r;

export const configFileRules: RuleMeta[] = [
  rule({
    code: 'DJ140',
    name: 'config-file-014',
    title:
      'DataJoint 2.x does not read dj_local_conf.json / ~/.datajoint_config.json; create datajoint.json and .secrets/',
    safety: 'unsafe',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-files', 'cfg-db-keys', 'cfg-stores', '§5'],
    docs: {
      summary:
        'Left alone, 2.x warns "No datajoint.json found" and connects with defaults. The fix writes datajoint.json beside the old file with the settings in 2.x\'s nested groups (pretty-printed, 2 spaces), moves credentials into .secrets/ (database.user, database.password, stores.<name>.access_key / secret_key, one value per file) and adds .secrets/.gitignore (`*`, `!.gitignore`, as `dj.config.save_template()` does) so they are never committed. ' +
        'The old file is kept unchanged: 0.14.6 checkouts, `dj.config.load("dj_local_conf.json")` calls and the database migration (which needs the 0.14.6 store layout) still use it. Delete it once 0.14.6 is retired: it holds the password in plain text. Removed and unknown keys are left out and reported one by one. ' +
        NOT_READ,
      before:
        '{"database.host": "db.lab.org", "database.user": "alice", "database.password": "…", "fetch_format": "array", "stores": {"raw": {"protocol": "file", "location": "/data/raw"}}}',
      after:
        'datajoint.json: {"database": {"host": "db.lab.org"}, "stores": {"raw": {"protocol": "file", "location": "/data/raw"}}}\n.secrets/database.user: alice\n.secrets/database.password: …\n.secrets/.gitignore: *\\n!.gitignore',
      guideCorrection: NOT_READ,
    },
  }),
  rule({
    code: 'DJ141',
    name: 'config-key-removed',
    title: 'This setting no longer exists in 2.x',
    safety: 'manual',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-removed-keys', 'conn-initfun'],
    docs: {
      summary:
        '`fetch_format`, `enable_python_native_blobs`, `add_hidden_timestamp`, `filepath_checksum_size_limit`, `cache`, `plugin` and `connection.init_function` are gone: reading them raises KeyError, and `dj.config.load()` skips them silently. A value still at its 0.14.6 default (as `save_local()` writes every key) is information only; a changed one needs a decision.',
      before: '"fetch_format": "frame"',
      after: '',
    },
  }),
  rule({
    code: 'DJ142',
    name: 'config-custom',
    title: '`custom` settings have no 2.x equivalent',
    safety: 'manual',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-custom'],
    docs: {
      summary:
        '2.x rejects unknown settings: setting `custom` raises KeyError, `dj.config.get("custom", {})` silently returns `{}` (the values are lost), and `"custom" in dj.config` raises AttributeError on v2.2+. DataJoint Elements keep `database.prefix` and `*_root_data_dir` there; move them to your own settings file or environment variables.',
      before: '"custom": {"database.prefix": "lab_"}',
      after: '',
    },
  }),
  rule({
    code: 'DJ143',
    name: 'config-external-keys',
    title: '`external*` keys and DJ_AWS_* variables are not read by 2.x',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['cfg-external', 'cfg-env'],
    docs: {
      summary:
        '`external` / `external-<name>` are DataJoint 0.11 store settings (0.14.6 already used `stores`). `external.aws_access_key_id` / `external.aws_secret_access_key` were filled from DJ_AWS_ACCESS_KEY_ID / DJ_AWS_SECRET_ACCESS_KEY and never used; 2.x does not read those variables at all. S3 credentials go in .secrets/stores.<name>.access_key / secret_key or DJ_STORES.',
      before: '"external.aws_access_key_id": "AKIA…"',
      after: '.secrets/stores.<name>.access_key',
    },
  }),
  rule({
    code: 'DJ144',
    name: 'config-key-unknown',
    title: 'Not a DataJoint setting; 2.x ignores or rejects it',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['cfg-removed-keys'],
    docs: {
      summary:
        'The key is not a setting of the version the file is for; it is left out of the generated datajoint.json.',
      before: '"database.prefix": "lab_"',
      after: '',
    },
  }),
  rule({
    code: 'DJ145',
    name: 'store-subfolding',
    title: 'Store subfolding: 0.14.6 defaulted to (2, 2), 2.x to none',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['cfg-stores', 'storage-formats §A3, §B9, §C.0'],
    docs: {
      summary:
        'In 2.x subfolding only decides where *new* objects are written; migrated rows keep the path stored in their JSON metadata, so no file moves and nothing needs the old value in datajoint.json. It is therefore not written unless the 0.14.6 file set it explicitly.',
      before: '"raw": {"protocol": "file", "location": "/data/raw"}',
      after: '"raw": {"protocol": "file", "location": "/data/raw"}',
    },
  }),
  rule({
    code: 'DJ146',
    name: 'store-s3-options',
    title: 'S3 store: `secure` default flipped to true; location without slashes',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['cfg-stores', 'storage-formats §B9, §C.0'],
    docs: {
      summary:
        '0.14.6 used plain HTTP to S3 unless `secure` was set; 2.x defaults to HTTPS. The generated file writes `"secure": false` explicitly so the endpoint is reached the same way, and writes `location` without leading or trailing "/".',
      before: '"s3store": {"protocol": "s3", "endpoint": "minio:9000", "bucket": "b", "location": "/lab", …}',
      after:
        '"s3store": {"protocol": "s3", "endpoint": "minio:9000", "bucket": "b", "location": "lab", "secure": false}',
    },
  }),
  rule({
    code: 'DJ147',
    name: 'store-stage-unused',
    title: '`stage` is accepted but unused in 2.x',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['cfg-stores', 'store-filepath'],
    docs: {
      summary:
        '2.x `<filepath@store>` inserts take a path relative to the store `location`, and the file must already be there: nothing is uploaded from `stage`.',
      before: '"stage": "/data/staging"',
      after: '',
    },
  }),
  rule({
    code: 'DJ148',
    name: 'store-named-default',
    title: 'A store named `default` must be renamed',
    safety: 'manual',
    severity: 'error',
    phase: 1,
    catalogue: ['cfg-stores'],
    docs: {
      summary:
        'In 2.x `stores.default` (and `stores.filepath_default`) hold the *name* of another store, so no store can be called that. Rename it everywhere it is referenced (definitions, migrated pointers).',
      before: '"stores": {"default": {"protocol": "file", …}}',
      after: '"stores": {"default": "main", "main": {"protocol": "file", …}}',
    },
  }),
  rule({
    code: 'DJ149',
    name: 'stores-default-missing',
    title: 'A bare `<blob@>` needs `stores.default`',
    safety: 'manual',
    severity: 'warning',
    phase: 2,
    catalogue: ['cfg-stores', 'store-blob'],
    docs: {
      summary:
        '`stores.default` is written only when definitions use a bare `<blob@>` / `<attach@>` (and `stores.filepath_default` for a bare `<filepath@>`); choose the store with the `default-store` project setting.',
      before: '"stores": {"raw": {…}}   # with `signal : <blob@>` in a definition',
      after: '"stores": {"default": "raw", "raw": {…}}',
    },
  }),
  rule({
    code: 'DJ150',
    name: 'config-use-tls-options',
    title: '`database.use_tls` with TLS options cannot go in datajoint.json',
    safety: 'manual',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-db-keys'],
    docs: {
      summary:
        'A 2.x datajoint.json accepts only true, false or null for database.use_tls; a dict of ssl options must be passed in code: `dj.Connection(host, user, password, use_tls={…})`.',
      before: '"database.use_tls": {"ca": "/etc/ssl/ca.pem"}',
      after: '',
    },
  }),
  rule({
    code: 'DJ151',
    name: 'config-json-syntax',
    title: 'The config file is not valid JSON',
    safety: 'manual',
    severity: 'error',
    phase: 1,
    catalogue: ['cfg-files'],
    docs: {
      summary:
        'Neither version can load it (2.x warns "Failed to load config" and uses defaults). Fix the syntax; nothing is migrated until it parses.',
      before: '{"database.host": "db",}',
      after: '{"database.host": "db"}',
    },
  }),
  rule({
    code: 'DJ152',
    name: 'config-value-invalid',
    title: 'A value 2.x would reject',
    safety: 'manual',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-db-keys', 'cfg-stores'],
    docs: {
      summary:
        '2.x validates settings; a rejected value makes `load()` stop, so later settings of the file are not applied either.',
      before: '"database.port": "db"',
      after: '',
    },
  }),
  rule({
    code: 'DJ153',
    name: 'datajoint-json-credentials',
    title: 'Credentials belong in .secrets/, not datajoint.json',
    safety: 'unsafe',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-files', '§5'],
    docs: {
      summary:
        'The fix (offered only when the .secrets/ file does not exist yet) writes the value to .secrets/<name>, adds .secrets/.gitignore, and deletes the property. datajoint.json is meant to be committed. Keep `database.password` and store `access_key` / `secret_key` in `.secrets/<name>` files (git-ignored), environment variables (DJ_PASS) or DJ_STORES. 2.x lets datajoint.json win over .secrets/, so remove them from the JSON once moved.',
      before: '{"database": {"password": "…"}}',
      after: '.secrets/database.password',
    },
  }),
  rule({
    code: 'DJ154',
    name: 'secrets-json-not-read',
    title: '`.secrets/datajoint.json` is never read',
    safety: 'unsafe',
    severity: 'warning',
    phase: 1,
    catalogue: ['cfg-files', '§5', '§6'],
    docs: {
      summary: `${NOT_READ} The fix writes one file per value beside it and leaves this file in place (delete it yourself).`,
      before: '.secrets/datajoint.json: {"database.password": "…"}',
      after: '.secrets/database.password: …',
      guideCorrection: NOT_READ,
    },
  }),
  rule({
    code: 'DJ155',
    name: 'config-file-014-migrated',
    title: 'The 0.14.6 config file is kept beside datajoint.json',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['cfg-files'],
    docs: {
      summary:
        'datajoint.json exists, so this file is only read by 0.14.6 (or explicit `dj.config.load(...)` calls). Delete it once 0.14.6 is retired: it holds credentials in plain text.',
      before: 'dj_local_conf.json   # beside a migrated datajoint.json',
      after: '',
    },
  }),
];

export const CONFIG_RULES = new Map(configFileRules.map((r) => [r.code, r]));

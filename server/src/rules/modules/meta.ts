// DJ001-019 metadata: what each module-level rule says and documents (checks in ../modules.ts).
import type { RuleMeta } from '../meta';

const m = (meta: RuleMeta) => meta;

export const SCHEMA_ALIAS = m({
  code: 'DJ001',
  name: 'schema-alias',
  title: '`dj.schema` was removed in DataJoint 2.x; use `dj.Schema`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-schema-alias'],
  docs: {
    summary:
      '`dj.schema` (lower case) was an alias of `dj.Schema`. 2.x removed it: importing the module raises AttributeError. `dj.Schema` takes identical arguments and also works on 0.14.6.',
    before: 'schema = dj.schema("lab")',
    after: 'schema = dj.Schema("lab")',
    guideCorrection: 'The published guide still uses `dj.schema(...)` in its examples; it fails on every 2.x release.',
  },
});
export const VIRTUAL_MODULE = m({
  code: 'DJ002',
  name: 'create-virtual-module',
  title: '`dj.create_virtual_module` was removed; use `dj.VirtualModule`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-virtual-module'],
  docs: {
    summary: '`dj.VirtualModule` has the same signature and also works on 0.14.6.',
    before: 'lab = dj.create_virtual_module("lab", "lab_db")',
    after: 'lab = dj.VirtualModule("lab", "lab_db")',
  },
});
export const ERD = m({
  code: 'DJ003',
  name: 'erd-alias',
  title: '`dj.ERD` / `dj.Di` were removed; use `dj.Diagram`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-erd'],
  docs: {
    summary: '`dj.Diagram` is the same class. `Diagram.topo_sort()` was removed too.',
    before: 'dj.ERD(schema).draw()',
    after: 'dj.Diagram(schema).draw()',
  },
});
export const DJ_KEY = m({
  code: 'DJ004',
  name: 'dj-key',
  title: '`dj.key` was removed; use `q.keys()` (or the string "KEY" inside `fetch1`)',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-key'],
  docs: {
    summary:
      '`q.fetch(dj.key)` is rewritten by DJ020 (`q.keys()`), and `q.fetch1(dj.key, ...)` here to `q.fetch1("KEY", ...)`, the string 2.x takes there (safe); any other use of `dj.key` needs a person.',
    before: 'keys = q.fetch(dj.key)',
    after: 'keys = q.keys()',
  },
});
export const KEY_HASH = m({
  code: 'DJ005',
  name: 'key-hash',
  title: '`dj.key_hash` was removed; inline the same digest with hashlib',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-key-hash'],
  docs: {
    summary:
      'The replacement computes the identical MD5 digest: the values, sorted by key, converted with str(), concatenated. `dj.hash.key_hash(key)` and `dj.jobs.key_hash(key)` (the same function reached through its 0.14.6 submodules) get the same fix. A name imported with `from datajoint.hash import key_hash` (or `from datajoint import key_hash`) gets the same fix at each call, and the import goes; if the name is used other than as `key_hash(one_argument)`, DJ009/DJ005 stay manual.',
    before: 'h = dj.key_hash(key)',
    after: 'h = hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()',
  },
});
export const KILL = m({
  code: 'DJ006',
  name: 'kill',
  title: '`dj.kill` was removed; use SQL (`SHOW PROCESSLIST; KILL <id>`) or database tools',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-kill'],
  docs: { summary: 'Interactive admin code: there is no DataJoint replacement.', before: 'dj.kill()', after: '' },
});
export const SET_PASSWORD = m({
  code: 'DJ007',
  name: 'set-password',
  title:
    '`dj.set_password` was removed; use `ALTER USER user() IDENTIFIED BY ...` and update `.secrets/database.password`',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-set-password'],
  docs: {
    summary: 'No DataJoint replacement.',
    before: 'dj.set_password()',
    after: 'dj.conn().query("ALTER USER user() IDENTIFIED BY %s", (new_password,))',
  },
});
export const ATTRIBUTE_ADAPTER = m({
  code: 'DJ008',
  name: 'attribute-adapter',
  title: '`dj.AttributeAdapter` was removed; write a `dj.Codec` with the same name',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-attribute-adapter', 'def-adapted'],
  docs: {
    summary:
      'An adapter becomes a codec registered by `name` (global registry, no context needed). An adapter whose attribute_type was `longblob` maps to `get_dtype` returning "<blob>", which stores the same bytes, so existing `:<name>:` columns stay readable. One whose type was `blob@store` needs `<name@store>` plus a data migration.',
    before:
      'class GraphAdapter(dj.AttributeAdapter):\n    attribute_type = "longblob"\n    def put(self, obj): return list(obj.edges)\n    def get(self, value): return nx.Graph(value)\ngraph = GraphAdapter()',
    after:
      'class GraphCodec(dj.Codec):\n    name = "graph"\n    def get_dtype(self, is_store): return "<blob>"\n    def encode(self, obj, *, key=None, store_name=None): return list(obj.edges)\n    def decode(self, stored, *, key=None): return nx.Graph(stored)',
  },
});
export const REMOVED_MODULE = m({
  code: 'DJ009',
  name: 'removed-module',
  title: 'This datajoint submodule does not exist in 2.x',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-removed-modules'],
  docs: {
    summary:
      '`datajoint.fetch`, `datajoint.hash`, `datajoint.external`, `datajoint.admin`, `datajoint.attribute_adapter`, `datajoint.s3` and `datajoint.plugin` were removed (ImportError). Blob decoding lives in `datajoint.codecs.decode_attribute`.',
    before: 'from datajoint.hash import key_hash',
    after: '',
  },
});
export const REMOVED_SYMBOL = m({
  code: 'DJ010',
  name: 'removed-symbol',
  title: 'This datajoint name was removed in 2.x',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-removed-symbols'],
  docs: {
    summary:
      '`datajoint.jobs.JobTable` → `datajoint.jobs.Job`; `datajoint.utils.get_master` → `datajoint.dependencies.extract_master`; `datajoint.schemas.Schema` → `dj.Schema` (renamed `_Schema` in 2.2); `datajoint.table.Log`, `utils.ClassProperty`, `utils.parse_sql`, the `errors` feature switches: no replacement. Reported in both forms, `from datajoint.utils import get_master` and `dj.utils.get_master(...)`.',
    before: 'from datajoint.jobs import JobTable',
    after: 'from datajoint.jobs import Job',
  },
});
export const IMPORT_FORM = m({
  code: 'DJ011',
  name: 'removed-import',
  title: 'This name cannot be imported from datajoint 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['mod-schema-alias', 'mod-virtual-module', 'mod-erd'],
  docs: {
    summary:
      '`from datajoint import schema, ERD, Di, create_virtual_module` raise ImportError in 2.x. The fix imports the 2.x name under the old local name, so the rest of the file is unchanged.',
    before: 'from datajoint import schema, create_virtual_module',
    after: 'from datajoint import Schema as schema, VirtualModule as create_virtual_module',
    guideCorrection: 'The published guide says these imports work in both versions; they fail on every 2.x release.',
  },
});
export const FREETABLE = m({
  code: 'DJ012',
  name: 'freetable-class',
  title: 'From 2.2, `dj.FreeTable` is a factory function: isinstance and subclassing need `datajoint.table.FreeTable`',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['mod-freetable-fn'],
  docs: {
    summary:
      '`dj.FreeTable(conn, "db.tbl")` still constructs a table; only `isinstance(x, dj.FreeTable)` (TypeError) and `class T(dj.FreeTable)` break.',
    before: 'isinstance(t, dj.FreeTable)',
    after: 'from datajoint.table import FreeTable\nisinstance(t, FreeTable)',
  },
});
export const CONN_CACHED = m({
  code: 'DJ013',
  name: 'conn-connection',
  title: '`dj.conn.connection` no longer caches the connection; call `dj.conn()`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['conn-cached'],
  docs: {
    summary: 'AttributeError on 2.2+. `dj.conn()` returns the shared connection.',
    before: 'c = dj.conn.connection',
    after: 'c = dj.conn()',
  },
});
export const CONN_INIT = m({
  code: 'DJ014',
  name: 'conn-init-fun',
  title: '`init_fun` was removed from `dj.conn`/`dj.Connection`; run the SQL after connecting',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['conn-initfun', 'conn-positional'],
  docs: {
    summary:
      'TypeError. With five positional arguments to `dj.Connection`, the old `init_fun` silently becomes `use_tls`.',
    before: 'dj.conn(init_fun="SET ...")',
    after: 'dj.conn().query("SET ...")',
  },
});
export const HEADING_FIELDS = m({
  code: 'DJ015',
  name: 'heading-attr-fields',
  title: 'Heading attribute fields `is_external/is_attachment/is_filepath/adapter/database` are gone',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['heading-attr-fields'],
  docs: {
    summary: 'Use `attr.codec`, `attr.store`, `attr.original_type`, `attr.is_hash_object`, `attr.is_schema_object`.',
    before: 'T.heading.attributes["x"].is_external',
    after: 'T.heading.attributes["x"].store is not None',
  },
});

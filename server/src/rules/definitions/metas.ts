// DJ100-DJ129: table definitions and attribute types (api-changes.md §2, storage-formats.md B6/B7).
// Safety follows one principle: a fix is `safe` when the 2.x spelling declares the very same MySQL
// column (or replaces a spelling every 2.x release rejects with its only equivalent), `unsafe` when it
// changes the column a new table gets (widening, dropping `unsigned`, a chosen store), and `manual`
// when there is no mechanical form.
import type { RuleMeta } from '../meta';

const m = (meta: RuleMeta) => meta;

export const INTEGER_NAMES = m({
  code: 'DJ100',
  name: 'integer-core-type',
  title: 'Use the 2.x core integer type (`int` → `int32`, `tinyint` → `int8`, …)',
  safety: 'safe',
  severity: 'info',
  phase: 1,
  catalogue: ['§2.1 int', '§2.1 tinyint', '§2.1 smallint', '§2.1 bigint'],
  docs: {
    summary:
      '2.x accepts MySQL integer spellings as native types and logs "Native type … Consider using a core DataJoint type" at every declaration. The core names declare the identical column (`int32` is INT, `int8` TINYINT, `int16` SMALLINT, `int64` BIGINT) and get a `:int32:` label. Display widths such as `int(11)` are dropped: MySQL 8 ignores them. `tinyint(1)` becomes `int8`; if it is a flag, `bool` is the better 2.x spelling (same column).',
    before: 'recording_id : int(11)\nnote_idx : smallint',
    after: 'recording_id : int32\nnote_idx : int16',
  },
});

export const INTEGER_WIDENING = m({
  code: 'DJ101',
  name: 'integer-widening',
  title: 'Unsigned and 24-bit integers have no 2.x core type: widen them (or keep them native)',
  safety: 'safe',
  severity: 'info',
  phase: 1,
  catalogue: ['§2.1 int unsigned', '§2.1 tinyint unsigned', '§2.1 mediumint'],
  docs: {
    summary:
      "The setting `datajoint.migration.unsignedIntegers` decides. `widen` (default): `tinyint unsigned` → `int16`, `smallint unsigned` → `int32`, `mediumint [unsigned]` → `int32`, `int unsigned` → `int64`; every existing value fits. A table declared from the new definition gets a different MySQL column than 0.14.6 created (e.g. BIGINT instead of INT UNSIGNED); the database commands (`dj-migrate db create-parallel`) use the same policy and mapping, so the parallel `_v2` schema and the code agree and foreign keys keep matching types. For in-place migration (which keeps column types) choose `native`. `native`: keep the unsigned spelling, which 2.x accepts with a warning (no fix). `uint`: see DJ112 — the guide's spelling fails.",
    before: 'subject_id : int unsigned\nlitter : tinyint unsigned',
    after: 'subject_id : int64\nlitter : int16',
    guideCorrection:
      'The published guide maps `int unsigned` → `uint32` etc. No uint* type exists in any 2.x release (removed before v2.0.0, PR #1335): declaring one raises "Unsupported attribute type".',
  },
});

export const BIGINT_UNSIGNED = m({
  code: 'DJ102',
  name: 'bigint-unsigned',
  title: '`bigint unsigned` has no lossless 2.x core type; it stays native',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['§2.1 bigint unsigned'],
  docs: {
    summary:
      '`int64` cannot hold values above 2**63-1, and there is no uint64. Keep `bigint unsigned` (2.x accepts it with a warning and fetches it as numpy uint64), or change it to `int64` only after checking that no stored value exceeds 9223372036854775807.',
    before: 'count : bigint unsigned',
    after: 'count : bigint unsigned',
    guideCorrection: 'The guide\'s `uint64` raises "Unsupported attribute type uint64" in every 2.x release.',
  },
});

export const FLOAT_NAMES = m({
  code: 'DJ103',
  name: 'float-core-type',
  title: 'Use the 2.x core float type (`float` → `float32`, `double` → `float64`)',
  safety: 'safe',
  severity: 'info',
  phase: 1,
  catalogue: ['§2.1 float', '§2.1 double'],
  docs: {
    summary:
      'Same column (FLOAT / DOUBLE), labelled `:float32:` / `:float64:` instead of a native-type warning. `real` is DOUBLE unless the server uses sql_mode REAL_AS_FLOAT. `float(p)`, `float(m,d)` and `float/double unsigned` are left native (DJ119): a core type would change the column.',
    before: 'sampling_rate : double\ntemperature = null : float',
    after: 'sampling_rate : float64\ntemperature = null : float32',
  },
});

export const DOUBLE_PRECISION = m({
  code: 'DJ104',
  name: 'double-precision',
  title: '`double precision` is rejected by both 0.14.6 and 2.x; use `float64`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['§2.1 double precision'],
  docs: {
    summary:
      'Neither version\'s type pattern accepts the two-word spelling ("Unsupported attribute type"). `float64` is MySQL DOUBLE, the column `double precision` means.',
    before: 'x : double precision',
    after: 'x : float64',
  },
});

export const BOOLEAN = m({
  code: 'DJ105',
  name: 'boolean',
  title: '`boolean` is rejected by 2.x; use `bool`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['§2.1 boolean'],
  docs: {
    summary:
      '2.x raises "Unsupported attribute type boolean" at declaration. `bool` is the same TINYINT column and is valid on 0.14.6 too.',
    before: 'active : boolean',
    after: 'active : bool',
  },
});

export const BLOB = m({
  code: 'DJ106',
  name: 'blob-codec',
  title: 'Serialized blobs are `<blob>` in 2.x; `longblob` now means raw bytes',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['§2.1 longblob', '§2.1 blob'],
  docs: {
    summary:
      'In 0.14.6 `longblob`/`mediumblob`/`tinyblob`/`blob` stored DataJoint-serialized Python objects. In 2.x the MySQL spellings are native raw-byte columns: inserting a numpy array into one **silently stores its repr text** in ≤2.3.2 (issue #1527) and fetch returns bytes; plain `blob` is rejected outright. `<blob>` is the serialized codec (LONGBLOB, same byte format). The definition only matters when a table is declared: tables that already exist are read from the database, so their columns also need the comment label `:<blob>:` (done by the database migration), otherwise they keep returning raw bytes.',
    before: 'spike_times : longblob\nsummary : blob',
    after: 'spike_times : <blob>\nsummary : <blob>',
    guideCorrection:
      'The guide lists only `longblob`; `mediumblob`, `tinyblob` and `blob` need the same change, and existing tables need their column comments migrated.',
  },
});

export const ATTACH = m({
  code: 'DJ107',
  name: 'attach-codec',
  title: 'In-table attachments are `<attach>` in 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['store-attach'],
  docs: {
    summary:
      '2.x rejects `attach` at declaration. `<attach>` stores the same `name\\0contents` bytes in a LONGBLOB; existing columns also need the comment label `:<attach>:`.',
    before: 'thumbnail = null : attach',
    after: 'thumbnail = null : <attach>',
  },
});

export const IN_STORE = m({
  code: 'DJ108',
  name: 'in-store-codec',
  title: '`blob@store` / `attach@store` are `<blob@store>` / `<attach@store>` in 2.x (phase 2)',
  safety: 'safe',
  severity: 'error',
  phase: 2,
  catalogue: ['store-blob', 'store-attach'],
  docs: {
    summary:
      'Deferred to phase 2 because existing rows hold 0.14.6 UUID pointers into `~external_<store>`: the definition can only change together with the pointer migration (2.x stores JSON metadata and hash-addressed objects). In phase 1 this is reported for information, without a fix. The Python API of these attributes (insert a value, fetch it back) is unchanged, so the definition edit itself is safe.',
    before: 'signal : blob@raw\nsettings_file = null : attach@attachments',
    after: 'signal : <blob@raw>\nsettings_file = null : <attach@attachments>',
  },
});

export const FILEPATH = m({
  code: 'DJ109',
  name: 'filepath-codec',
  title: '`filepath@store` is `<filepath@store>` in 2.x, with new insert/fetch semantics (phase 2)',
  safety: 'safe',
  severity: 'error',
  phase: 2,
  catalogue: ['store-filepath'],
  docs: {
    summary:
      'Deferred to phase 2 with the pointer migration (see DJ108). The definition must change for 2.x to declare the table; the code around it must change too, and DJ121 flags every insert into such a table: 2.x inserts a path relative to the store location (the file must already be there; nothing is uploaded from `stage`), and fetch returns an `ObjectRef` (use `.download()`, `.open()` or `.full_path`) instead of a local path string.',
    before: 'raw_file = null : filepath@files',
    after: 'raw_file = null : <filepath@files>',
  },
});

export const DEFAULT_STORE = m({
  code: 'DJ110',
  name: 'default-store-codec',
  title: 'A bare default store (`<blob@>`, `<attach@>`, `<filepath@>`) cannot be written in 2.x; name the store',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['cfg-stores', 'storage-formats B7'],
  docs: {
    summary:
      'Declaring `<blob@>` works, but every insert fails in every 2.x release up to 2.3.2: the empty store name is passed on and `get_store_spec("")` raises "Storage \'\' is requested but not configured". The fix writes the store named by `stores.default` (or `stores.filepath_default` for `<filepath@>`) when the configuration gives one; otherwise name the store by hand.',
    before: 'trace : <blob@>',
    after: 'trace : <blob@raw>',
  },
});

export const INT8 = m({
  code: 'DJ111',
  name: 'int8-meaning',
  title: '`int8` meant BIGINT in 0.14.6 but is TINYINT in 2.x',
  safety: 'unsafe',
  severity: 'warning',
  phase: 1,
  catalogue: ['§2.1 int8'],
  docs: {
    summary:
      '0.14.6 passed `int8` to MySQL, where it is a synonym for BIGINT (8 bytes). 2.x reads `int8` as its core 8-bit type: a table declared from this definition gets a TINYINT column and values above 127 no longer fit. `int64` keeps the BIGINT. The other attributes tell which version the definition was written for: with 0.14.6 spellings (and no 2.x-only ones) `int64` is offered as an unsafe fix (a definition half-way through a migration looks the same, so a person confirms); with 2.x spellings `int8` is left alone; when it cannot be told, a hint explains both meanings without a fix.',
    before: 'n_samples : int8\nspikes : longblob',
    after: 'n_samples : int64\nspikes : <blob>',
  },
});

export const UINT = m({
  code: 'DJ112',
  name: 'uint-types',
  title: '`uint8/16/32/64` do not exist in any 2.x release',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['§2.1 uint', '§6 unsigned'],
  docs: {
    summary:
      'The published migration guide recommends `uint32` etc., but these core types were removed before v2.0.0 (commit 1d6fd3b6, PR #1335): declaring one raises "Unsupported attribute type uint32" (they were never valid in 0.14.6 either). The fix follows the unsigned-integer policy: `native` writes the MySQL unsigned type the spelling meant (safe: the intended column), `widen` the next larger signed core type (unsafe, see DJ101). With the `uint` policy no fix is offered.',
    before: 'subject_id : uint32',
    after: 'subject_id : int64',
    guideCorrection:
      'uint* types are rejected by every 2.x release; `datajoint.migrate` still writes `:uint32:` comment labels, which 2.x ignores.',
  },
});

export const DECIMAL = m({
  code: 'DJ113',
  name: 'decimal-forms',
  title: '2.x accepts decimals only as `decimal(p,s)`',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['§2.1 decimal', '§2.1 numeric'],
  // per finding: `decimal(p,s) unsigned` → `decimal(p,s)` is safe (every stored value fits); a guessed scale is not
  docs: {
    summary:
      '2.x rejects `decimal(p,s) unsigned`, bare `decimal` and `decimal(p)` ("Unsupported attribute type"). `decimal(p,s) unsigned` → `decimal(p,s)` (admits negative values: unsafe) or, with the `native` policy, `numeric(p,s) unsigned` (the identical MySQL column, accepted as native: safe). Bare `decimal` / `decimal(p)` → `decimal(10,0)` / `decimal(p,0)`, exactly what MySQL made of them, offered as an unsafe fix because a scale of 0 is rarely what was meant: a person should confirm. `numeric(p,s)` → `decimal(p,s)` is the same column (safe).',
    before: 'weight = null : decimal(6,2) unsigned',
    after: 'weight = null : decimal(6,2)',
  },
});

export const DIVIDER = m({
  code: 'DJ114',
  name: 'divider',
  title: '`___` is no longer a primary-key divider; use `---`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['def-divider'],
  docs: {
    summary:
      '0.14.6 accepted `___` and `---`; 2.x parses `___` as an attribute and raises "Attribute name in line "___" starts with an underscore".',
    before: 'session_id : int32\n___\nnote : varchar(255)',
    after: 'session_id : int32\n---\nnote : varchar(255)',
  },
});

export const TEXT = m({
  code: 'DJ115',
  name: 'text-types',
  title: 'Text types are native in 2.x (and were rejected by 0.14.6)',
  safety: 'manual',
  severity: 'info',
  phase: 1,
  catalogue: ['§2.1 text'],
  docs: {
    summary:
      '`text`, `mediumtext`, `longtext` are accepted by 2.x as native types with a warning; 0.14.6 rejected them, so this definition was not declared by 0.14.6. Prefer `varchar(n)` when a bound is known.',
    before: 'notes : text',
    after: 'notes : varchar(4000)',
  },
});

export const ADAPTED = m({
  code: 'DJ116',
  name: 'adapted-type',
  title: 'Adapted type `<name>` needs a registered `dj.Codec` named `name` in 2.x',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['def-adapted', 'mod-attribute-adapter'],
  docs: {
    summary:
      'The definition stays `<name>`. 2.x looks codecs up in a global registry by `Codec.name`, not in the schema context: without one, declaration raises "Codec <name> is not registered" and existing columns fail on first use. An adapter whose `attribute_type` was `longblob` becomes a codec whose `get_dtype` returns "<blob>" (same bytes, existing columns stay readable); one whose type was `blob@store` needs `<name@store>` plus the phase-2 data migration.',
    before: 'wiring : <graph>',
    after: 'wiring : <graph>   # with: class GraphCodec(dj.Codec): name = "graph"',
  },
});

export const COMPUTED_NATIVE_PK = m({
  code: 'DJ117',
  name: 'computed-native-pk',
  title: 'Computed/Imported tables may not add primary-key attributes of their own in 2.x',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['pop-native-pk', 'def-native-pk-computed'],
  docs: {
    summary:
      'Every 2.x release (v2.0.0 through v2.3.2 and master: `AutoPopulate._declare_check`) raises "Auto-populated table … has non-FK primary key attribute(s)" when such a table is declared, unless `dj.config.jobs.allow_new_pk_fields_in_computed_tables = True` (env `DJ_JOBS_ALLOW_NEW_PK_FIELDS_IN_COMPUTED_TABLES`) — which degrades job granularity. Tables that already exist are not affected. The 2.x design: `make()` fills one row of the master per key, and the extra rows go into a Part table.',
    before: '-> Recording\nneuron_id : smallint unsigned\n---\nspike_times : longblob',
    after:
      '-> Recording\n---\nn_neurons : int32\n\nclass Neuron(dj.Part):\n    definition = """\n    -> master\n    neuron_id : int32\n    ---\n    spike_times : <blob>\n    """',
  },
});

export const CORE_CASE = m({
  code: 'DJ118',
  name: 'core-type-case',
  title: 'Write core types exactly as 2.x spells them: `VARCHAR(32)` and `varchar (32)` fail in 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['storage-formats B6'],
  docs: {
    summary:
      'Type patterns are case-insensitive, but from v2.1.0 the core type text is looked up case-sensitively (`core_type_to_sql`): `VARCHAR(32)`, `DATE` or `Int32` raise "ValueError: Unknown core type" at declaration; so does a blank before the parenthesis (`varchar (32)`), which the prefix check `startswith("varchar(")` misses. Lower-casing the keyword and closing the gap is the same type; enum values keep their case.',
    before: "name : VARCHAR(32)\nsex : ENUM('M', 'F')",
    after: "name : varchar(32)\nsex : enum('M', 'F')",
  },
});

export const NATIVE_KEPT = m({
  code: 'DJ119',
  name: 'native-type-kept',
  title: 'Native type without a core equivalent: 2.x accepts it with a warning',
  safety: 'manual',
  severity: 'hint',
  phase: 1,
  catalogue: ['§2.1 time', '§2.1 timestamp', '§2.1 auto_increment'],
  docs: {
    summary:
      '`time`, `timestamp`, `year`, `auto_increment`/`serial`, `float(p)`, `float/double unsigned` (and unsigned integers under the `native` policy) have no 2.x core type. They keep working; 2.x logs "Native type … is used" whenever the table is declared. `timestamp` converts to and from the session time zone; `datetime` does not — change only after that review.',
    before: 'registered = CURRENT_TIMESTAMP : timestamp',
    after: 'registered = CURRENT_TIMESTAMP : timestamp',
  },
});

export const UNSUPPORTED = m({
  code: 'DJ120',
  name: 'unsupported-type',
  title: 'Type not accepted by 2.x',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['§2.1'],
  docs: {
    summary:
      'The type matches no 2.x pattern (or a store-only codec is used without `@store`): declaration raises "Unsupported attribute type" or a codec error.',
    before: 'x : varbinary(16)',
    after: '',
  },
});

export const definitionRules: RuleMeta[] = [
  INTEGER_NAMES,
  INTEGER_WIDENING,
  BIGINT_UNSIGNED,
  FLOAT_NAMES,
  DOUBLE_PRECISION,
  BOOLEAN,
  BLOB,
  ATTACH,
  IN_STORE,
  FILEPATH,
  DEFAULT_STORE,
  INT8,
  UINT,
  DECIMAL,
  DIVIDER,
  TEXT,
  ADAPTED,
  COMPUTED_NATIVE_PK,
  CORE_CASE,
  NATIVE_KEPT,
  UNSUPPORTED,
];

// DJ060-070 rule metadata (api-changes.md §1D, §1E), and the changes deliberately left without a rule.
import type { RuleMeta } from '../meta';

export const m = (meta: RuleMeta) => meta;

export const UPDATE_UNDERSCORE = m({
  code: 'DJ060',
  name: 'update-underscore',
  title: '`_update` does not exist (removed in 0.14.0); use `update1` with the full primary key',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['upd-underscore'],
  docs: {
    summary:
      '`(T & key)._update("a", v)` raises AttributeError on 0.14.6 and 2.x alike. `T.update1({**key, "a": v})` updates one row. The fix is unsafe: `key` must be a mapping holding the full primary key, and `_update("a")` without a value meant NULL while `update1` with None resets the attribute to its default.',
    before: '(Session & key)._update("notes", "re-sorted")',
    after: 'Session.update1({**key, "notes": "re-sorted"})',
    guideCorrection: 'The guide lists this as a 0.14.6 → 2.x change; `_update` was already removed in 0.14.0.',
  },
});
export const DELETE_SAFEMODE = m({
  code: 'DJ061',
  name: 'delete-safemode',
  title: '`delete(safemode=...)` is `delete(prompt=...)` in DataJoint 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['del-safemode'],
  docs: {
    summary:
      'TypeError in 2.x. `prompt` has the same meaning (None = use `dj.config["safemode"]`). `transaction=` is unchanged. A `"safemode"` key of a dict passed as `**kwargs` (`kwargs["safemode"] = False`, `opts = {"safemode": False}`, `dict(safemode=False)`, in the scope of the `delete(**kwargs)` call) is renamed the same way; it stays manual when the table class defines its own `delete()` or the key is also read there, and unverified when the receiver is not resolved. DJ062/DJ063 read `force_parts`/`force_masters` keys the same way.',
    before: '(Session & key).delete(safemode=False)',
    after: '(Session & key).delete(prompt=False)',
  },
});
export const DELETE_FORCE_PARTS = m({
  code: 'DJ062',
  name: 'delete-force-parts',
  title: '`delete(force_parts=True)` is `delete(part_integrity="ignore")` in DataJoint 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['del-force-parts'],
  docs: {
    summary:
      'TypeError in 2.x. `part_integrity="ignore"` deletes from part tables without their masters, as `force_parts=True` did; `force_parts=False` is the default `part_integrity="enforce"`.',
    before: '(Session.Note & key).delete(force_parts=True)',
    after: '(Session.Note & key).delete(part_integrity="ignore")',
  },
});
export const DELETE_FORCE_MASTERS = m({
  code: 'DJ063',
  name: 'delete-force-masters',
  title: '`delete(force_masters=True)` is `delete(part_integrity="cascade")` in DataJoint 2.x',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['del-force-masters'],
  docs: {
    summary:
      'TypeError in 2.x. `part_integrity="cascade"` also deletes the masters of any part rows reached. 2.3 rewrote the cascade over part-of-part tables and renamed foreign keys, so review deletes that depend on it: the fix is unsafe.',
    before: '(Subject & key).delete(force_masters=True)',
    after: '(Subject & key).delete(part_integrity="cascade")',
  },
});
export const PART_FORCE = m({
  code: 'DJ064',
  name: 'part-force',
  title: '`Part.delete/drop(force=True)` is `part_integrity="ignore"` in DataJoint 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['part-delete-force', 'part-drop-force'],
  docs: {
    summary:
      'TypeError in 2.x (`force` reaches `Table.delete` through **kwargs). `part_integrity="ignore"` deletes or drops the part without its master, exactly what `force=True` did. `T.drop()`, `drop_quick()` and `delete_quick()` are unchanged.',
    before: 'Session.Note.drop(force=True)',
    after: 'Session.Note.drop(part_integrity="ignore")',
  },
});
export const SCHEMA_DROP_FORCE = m({
  code: 'DJ065',
  name: 'schema-drop-force',
  title: '`schema.drop(force=True)` is `schema.drop(prompt=False)` in DataJoint 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['schema-drop-force'],
  docs: {
    summary:
      'TypeError in 2.x. A positional `schema.drop(True)` is worse: 2.x reads it as `prompt=True`, the opposite. `force=False` is the default (`prompt=None`: ask when safemode is on). A schema reached as a module attribute (`experiment.schema`) is resolved through the index of the project; when the module is imported from outside it, the attribute name alone marks it, and the finding is a hint (unverified).',
    before: 'schema.drop(force=True)',
    after: 'schema.drop(prompt=False)',
  },
});
export const SPAWN_MISSING = m({
  code: 'DJ066',
  name: 'spawn-missing-classes',
  title: '`schema.spawn_missing_classes(context=...)` is `schema.make_classes(into=...)` in DataJoint 2.x',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['schema-spawn'],
  docs: {
    summary:
      'AttributeError in 2.x. `make_classes` behaves identically: without `into` it fills the schema context or else the calling namespace.',
    before: 'schema.spawn_missing_classes(context=locals())',
    after: 'schema.make_classes(into=locals())',
    guideCorrection: 'The published guide still calls `schema.spawn_missing_classes()`; it fails on every 2.x release.',
  },
});
export const SCHEMA_REMOVED = m({
  code: 'DJ067',
  name: 'schema-removed-attrs',
  title: 'This schema attribute was removed in DataJoint 2.x',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['schema-removed', 'store-gc'],
  docs: {
    summary:
      '`schema.log`, `schema.size_on_disk`, `schema.code`, `schema.save()` and `schema.external[...]` raise AttributeError. There is no `~log` any more. External-store clean-up moved to `datajoint.gc`: functions `scan()`/`collect()` in 2.0.0–2.3.0, `dj.gc.GarbageCollector(*schemas, store=...).collect(dry_run=False)` from 2.3.1. A schema reached as a module attribute (`experiment.schema`) is resolved through the index of the project; when the module is imported from outside it, the attribute name alone marks it, and the finding is a hint (unverified).',
    before: 'schema.external["raw"].delete(delete_external_files=True)',
    after: 'dj.gc.GarbageCollector(schema, store="raw").collect(dry_run=False)  # 2.3.1+',
  },
});
export const TABLE_REMOVED = m({
  code: 'DJ068',
  name: 'table-removed-attrs',
  title: 'This table attribute was removed in DataJoint 2.x',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['tbl-removed-attrs'],
  docs: {
    summary:
      '`T.size_on_disk`, `T.external` and `T._log` raise AttributeError. Query `information_schema.tables` for sizes; external-store clean-up moved to `datajoint.gc`.',
    before: 'T.size_on_disk',
    after: '',
  },
});
export const POSITIONAL_INSERT = m({
  code: 'DJ069',
  name: 'positional-insert',
  title: 'Positional rows are deprecated in DataJoint 2.x; insert dicts',
  safety: 'unsafe',
  severity: 'info',
  phase: 1,
  catalogue: ['ins-positional'],
  docs: {
    summary:
      "Tuples and lists still insert in 2.x but emit a DeprecationWarning. When the table definition and its parents' primary keys are in the workspace, the fix names every value in heading order (the primary key in declared order with foreign-key attributes expanded from the parents, then the secondary attributes). It is unsafe because the declared table may differ from the definition text; without a known heading the finding only explains (at runtime: `dict(zip(T.heading.names, row))`). Keyword arguments of insert, inserts of dicts, DataFrames and queries are unchanged.",
    before: 'User.insert([("alice", "Alice A")])',
    after: 'User.insert([{"username": "alice", "full_name": "Alice A"}])',
    guideCorrection:
      'The guide says positional inserts are "no longer supported"; 2.x only deprecates them (table.py:1476).',
  },
});
export const LOOKUP_CONTENTS = m({
  code: 'DJ070',
  name: 'lookup-contents',
  title: 'Positional Lookup `contents` are deprecated in DataJoint 2.x; use dicts',
  safety: 'unsafe',
  severity: 'info',
  phase: 1,
  catalogue: ['def-lookup-contents'],
  docs: {
    summary:
      'Lookup contents are inserted when the class is decorated; positional rows emit a DeprecationWarning. The fix (unsafe: field order follows the definition text) writes dicts in heading order; `zip([...], [...])` of literal columns becomes a list of dicts.',
    before: 'contents = [("mouse", "Mus musculus")]',
    after: 'contents = [{"species": "mouse", "latin_name": "Mus musculus"}]',
  },
});

/** Catalogue ids of §1D/§1E that need no rule of this family. */
export const noRuleBecause: Record<string, string> = {
  'heading-attr-fields': 'covered by DJ015 (modules.ts)',
  'ins-kwargs': 'insert keywords, DataFrame/query/CSV inserts are unchanged',
  upd1: '`update1` is unchanged (it is the target of DJ060)',
  'del-transaction': '`delete(transaction=...)` is unchanged',
  drop: '`drop()`, `drop_quick()`, `delete_quick()` are unchanged',
  classname: 'a relaxation: 0.14.6 rejected such class names, so working 0.14.6 code has none',
  'schema-ctor': '`dj.Schema(...)` arguments and `schema.activate(...)` are unchanged (the name suffix is DJ130)',
  'schema-new': 'new 2.x API only; nothing in 0.14.6 code to rewrite',
};

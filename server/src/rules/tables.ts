// DJ060-070: table and schema methods (api-changes.md §1D, §1E): `_update`, delete/drop keywords,
// `spawn_missing_classes`, removed attributes, positional inserts and Lookup `contents`.
import type { Node } from 'web-tree-sitter';
import type { TableClass } from '../index/fileIndex';
import type { ModuleExports } from '../index/workspace';
import { stringValue, unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { provenNonDataJoint } from './receivers';
import { keywordArgs, positionalArgs } from './edits';
import type { RuleMeta, TextEdit } from './meta';

const m = (meta: RuleMeta) => meta;

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
      'TypeError in 2.x. `prompt` has the same meaning (None = use `dj.config["safemode"]`). `transaction=` is unchanged.',
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
      'TypeError in 2.x. A positional `schema.drop(True)` is worse: 2.x reads it as `prompt=True`, the opposite. `force=False` is the default (`prompt=None`: ask when safemode is on).',
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
      '`schema.log`, `schema.size_on_disk`, `schema.code`, `schema.save()` and `schema.external[...]` raise AttributeError. There is no `~log` any more. External-store clean-up moved to `datajoint.gc`: functions `scan()`/`collect()` in 2.0.0–2.3.0, `dj.gc.GarbageCollector(*schemas, store=...).collect(dry_run=False)` from 2.3.1.',
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

// ---------------------------------------------------------------------------------------------
// Small helpers shared with populate.ts and configApi.ts

/**
 * The nodes `x.name` for the given member names, found from the text rather than by visiting every
 * attribute of the file (each node access crosses into WASM): a regex finds candidates, tree-sitter
 * confirms them, so matches in strings and comments are dropped.
 */
export function membersNamed(ctx: RuleContext, names: string[]): Node[] {
  const re = new RegExp(`\\.\\s*(${names.join('|')})\\b`, 'g');
  const out: Node[] = [];
  for (const m of ctx.text.matchAll(re)) {
    const start = m.index! + m[0].length - m[1].length;
    const id = ctx.index.tree.rootNode.descendantForIndex(start, start + m[1].length);
    if (id?.type !== 'identifier') continue;
    const attr = id.parent;
    if (attr?.type === 'attribute' && attr.childForFieldName('attribute')?.id === id.id) out.push(attr);
  }
  return out;
}

/** Identifiers spelled `name` in code (not in strings or comments), found from the text. */
export function identifiersNamed(ctx: RuleContext, names: string[]): Node[] {
  const re = new RegExp(`\\b(?:${names.join('|')})\\b`, 'g');
  const out: Node[] = [];
  for (const m of ctx.text.matchAll(re)) {
    const id = ctx.index.tree.rootNode.descendantForIndex(m.index!, m.index! + m[0].length);
    if (id?.type === 'identifier') out.push(id);
  }
  return out;
}

/** The call whose function is this node (`node(...)`), or null. */
export function callOf(fn: Node): Node | null {
  const p = fn.parent;
  return p?.type === 'call' && p.childForFieldName('function')?.id === fn.id ? p : null;
}

/** `recv.method(...)`: the receiver, method name and the attribute node, or null. */
export function methodCall(call: Node): { receiver: Node; method: string; attr: Node } | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return null;
  const receiver = fn.childForFieldName('object');
  const attr = fn.childForFieldName('attribute');
  return receiver && attr ? { receiver, method: attr.text, attr } : null;
}

/** True / False for the literals, null for anything else. */
export function boolLiteral(node: Node): boolean | null {
  const n = unparen(node);
  return n.type === 'true' ? true : n.type === 'false' ? false : null;
}

export function isTableOrQuery(ctx: RuleContext, node: Node): boolean {
  const k = ctx.index.kindOf(node);
  return k === 'table' || k === 'query';
}

/** A schema object: `schema`, `pipeline.schema`, or a virtual module's `vm.schema`. */
export function isSchemaValue(ctx: RuleContext, node: Node): boolean {
  const n = unparen(node);
  if (ctx.index.kindOf(n) === 'schema') return true;
  return (
    n.type === 'attribute' &&
    n.childForFieldName('attribute')?.text === 'schema' &&
    ctx.index.kindOf(n.childForFieldName('object')!) === 'vmodule'
  );
}

/** The table class an expression is about: `T`, `T()`, `T & k`, `T - k`, `Master.Part`, `self`, `self.Part`. */
export function resolveTable(ctx: RuleContext, node: Node): TableClass | null {
  const n = unparen(node);
  if (n.type === 'identifier' && (n.text === 'self' || n.text === 'cls') && ctx.index.kindOf(n) !== 'unknown')
    return ctx.index.enclosingTable(n);
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object')!;
    const name = n.childForFieldName('attribute')!.text;
    const owner = resolveTable(ctx, obj);
    const part = owner?.parts.get(name);
    if (part) return part;
    if (!owner && ctx.index.kindOf(obj) === 'wsmodule') return moduleTable(ctx, unparen(obj).text, name);
  }
  if (n.type === 'call' && positionalArgs(n).length === 0 && keywordArgs(n).size === 0)
    return resolveTable(ctx, n.childForFieldName('function')!);
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    if (op === '&' || op === '-') return resolveTable(ctx, n.childForFieldName('left')!);
    return null;
  }
  return ctx.index.tableOf(n);
}

/** `pipeline.Subject` where `pipeline` is a workspace module: the table as an import would see it. */
function moduleTable(ctx: RuleContext, module: string, name: string): TableClass | null {
  const m = ctx.index.wsModules.get(module)?.find((x) => x.tables.has(name));
  const exported = m?.tables.get(name);
  if (!m || !exported) return null;
  const t: TableClass = {
    name,
    node: null,
    tier: exported.tier,
    master: null,
    parts: new Map(),
    definition: null,
    contents: null,
    imported: true,
    origin: { module: m, name },
  };
  for (const p of exported.parts)
    t.parts.set(p, {
      name: p,
      node: null,
      tier: 'part',
      master: t,
      parts: new Map(),
      definition: null,
      contents: null,
      imported: true,
    });
  return t;
}

/** A Part table: tier 'part' in the index, or the `Master.Part` attribute form of a known master. */
function isPart(ctx: RuleContext, node: Node): boolean {
  const t = resolveTable(ctx, node);
  if (t) return t.tier === 'part';
  let n = unparen(node);
  while (n.type === 'binary_operator' && ['&', '-'].includes(n.childForFieldName('operator')?.type ?? ''))
    n = unparen(n.childForFieldName('left')!);
  if (n.type === 'call') n = unparen(n.childForFieldName('function')!);
  return (
    n.type === 'attribute' &&
    /^[A-Z]/.test(n.childForFieldName('attribute')!.text) &&
    ctx.index.kindOf(n.childForFieldName('object')!) === 'table'
  );
}

/** Replace `name=value` by `name=<text>`'s value only: edit the keyword name. */
function renameKeyword(arg: Node, to: string): TextEdit {
  const name = arg.childForFieldName('name')!;
  return { start: name.startIndex, end: name.endIndex, text: to };
}

function argumentValue(arg: Node): Node {
  return arg.type === 'keyword_argument' ? arg.childForFieldName('value')! : arg;
}

// ---------------------------------------------------------------------------------------------
// Table definitions: names, `->` references and the divider, enough to know the heading order.

export type DefinitionItem =
  | { kind: 'attr'; name: string }
  | { kind: 'fk'; ref: string; renames: Map<string, string> /* new name -> parent's name */ }
  | { kind: 'unknown'; line: string };

export interface ParsedDefinition {
  primary: DefinitionItem[];
  secondary: DefinitionItem[];
}

const FK_LINE = /^->\s*(?:\[[^\]]*\]\s*)?([A-Za-z_][\w.]*?)(?:\.proj\(([^)]*)\))?\s*$/;
const ATTR_LINE = /^([a-z_]\w*)\s*(?:=|:)/;
const INDEX_LINE = /^(unique\s+)?index\s*\(/i;

/** A tolerant parser of a 0.14.6 definition string; unrecognised lines become 'unknown' items. */
export function parseDefinition(text: string): ParsedDefinition {
  const out: ParsedDefinition = { primary: [], secondary: [] };
  let section = out.primary;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^(-{3,}|_{3,})/.test(line)) {
      section = out.secondary;
      continue;
    }
    if (line.startsWith('->')) {
      const fk = FK_LINE.exec(line.replace(/\s*#.*$/, ''));
      const renames = fk ? parseRenames(fk[2]) : null;
      section.push(fk && renames ? { kind: 'fk', ref: fk[1], renames } : { kind: 'unknown', line });
      continue;
    }
    if (INDEX_LINE.test(line)) continue;
    const attr = ATTR_LINE.exec(line);
    section.push(attr ? { kind: 'attr', name: attr[1] } : { kind: 'unknown', line });
  }
  return out;
}

/** `new='old', other="x"` → {new: old, other: x}; null when the projection is anything else. */
function parseRenames(args: string | undefined): Map<string, string> | null {
  const map = new Map<string, string>();
  if (args === undefined || !args.trim()) return map;
  for (const part of args.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const r = /^([a-z_]\w*)\s*=\s*(['"])([a-z_]\w*)\2$/.exec(p);
    if (!r) return null;
    map.set(r[1], r[3]);
  }
  return map;
}

export interface Heading {
  primary: string[];
  all: string[];
}

/** A table whose definition can be read: declared in this file, or exported by another workspace file. */
type HeadingSource =
  | { kind: 'local'; table: TableClass }
  | { kind: 'exported'; module: ModuleExports; name: string; part: string | null };

function sourceOf(table: TableClass): HeadingSource | null {
  if (!table.imported) return { kind: 'local', table };
  if (table.origin) return { kind: 'exported', module: table.origin.module, name: table.origin.name, part: null };
  const origin = table.master?.origin;
  return origin ? { kind: 'exported', module: origin.module, name: origin.name, part: table.name } : null;
}

function sourceKey(src: HeadingSource): string {
  return src.kind === 'local'
    ? `local:${src.table.node?.id ?? src.table.name}`
    : `${src.module.path}:${src.name}:${src.part ?? ''}`;
}

function definitionText(src: HeadingSource): string | null {
  if (src.kind === 'local') return src.table.definition ? stringValue(unparen(src.table.definition)) : null;
  const t = src.module.tables.get(src.name);
  if (!t) return null;
  return (src.part === null ? t.definition : t.partDefinitions?.get(src.part)) ?? null;
}

/** The table a `-> ref` line names, resolved in the namespace of the module that declares the table. */
function referencedSource(ctx: RuleContext, src: HeadingSource, ref: string): HeadingSource | null {
  const parts = ref.split('.');
  if (src.kind === 'local') {
    const table = src.table;
    let t: TableClass | null | undefined =
      parts[0] === 'master' ? table.master : (ctx.index.tables.get(parts[0]) ?? table.master?.parts.get(parts[0]));
    for (const p of parts.slice(1)) t = t?.parts.get(p);
    return t ? sourceOf(t) : null;
  }
  if (parts[0] === 'master') return src.part !== null ? { ...src, part: null } : null;
  const t = src.module.tables.get(parts[0]);
  if (!t || parts.length > 2 || (parts.length === 2 && !t.parts.includes(parts[1]))) return null;
  return { kind: 'exported', module: src.module, name: parts[0], part: parts[1] ?? null };
}

/**
 * The heading of a table as 0.14.6 declared it: primary-key names, then secondary names, with foreign-key
 * attributes expanded from the parents (each attribute once, at its first occurrence). Definitions are read
 * in this file or, for imported tables, in the workspace file that declares them. Null when any part of the
 * heading cannot be resolved.
 */
export function headingOf(ctx: RuleContext, table: TableClass): Heading | null {
  const src = sourceOf(table);
  return src ? headingOfSource(ctx, src, new Set()) : null;
}

function headingOfSource(ctx: RuleContext, src: HeadingSource, seen: Set<string>): Heading | null {
  const key = sourceKey(src);
  const text = seen.has(key) ? null : definitionText(src);
  if (text === null) return null;
  seen.add(key);
  try {
    const def = parseDefinition(text);
    const names: string[] = [];
    const add = (items: DefinitionItem[]): boolean => {
      for (const item of items) {
        if (item.kind === 'unknown') return false;
        if (item.kind === 'attr') {
          if (!names.includes(item.name)) names.push(item.name);
          continue;
        }
        const parent = referencedSource(ctx, src, item.ref);
        const ph = parent && headingOfSource(ctx, parent, seen);
        if (!ph) return false;
        const back = new Map([...item.renames].map(([n, o]) => [o, n]));
        if ([...item.renames.values()].some((o) => !ph.primary.includes(o))) return false;
        for (const a of ph.primary) {
          const name = back.get(a) ?? a;
          if (!names.includes(name)) names.push(name);
        }
      }
      return true;
    };
    if (!add(def.primary)) return null;
    const primary = [...names];
    if (!add(def.secondary)) return null;
    return { primary, all: names };
  } finally {
    seen.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------
// Positional rows

/** Edits turning a positional row `(a, b)` / `[a, b]` into `{"x": a, "y": b}`, or null if it does not fit. */
function rowToDict(row: Node, names: string[]): TextEdit[] | null {
  const r = unparen(row);
  const isTuple = r.type === 'tuple';
  if (!isTuple && r.type !== 'list') return null;
  const values = r.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (values.length !== names.length || values.some((v) => v.type === 'list_splat' || v.type === 'dictionary_splat'))
    return null;
  const open = r.child(0)!;
  const close = r.child(r.childCount - 1)!;
  if (open.text !== (isTuple ? '(' : '[') || close.text !== (isTuple ? ')' : ']')) return null;
  const edits: TextEdit[] = [{ start: open.startIndex, end: open.endIndex, text: '{' }];
  values.forEach((v, i) => {
    edits.push({ start: v.startIndex, end: v.startIndex, text: `${JSON.stringify(names[i])}: ` });
  });
  // `(x,)`: the comma only made it a tuple; a dict does not need it.
  const comma = values.length === 1 && isTuple ? values[0].nextSibling : null;
  if (comma?.type === ',') edits.push({ start: comma.startIndex, end: comma.endIndex, text: '' });
  edits.push({ start: close.startIndex, end: close.endIndex, text: '}' });
  return edits;
}

function isPositionalRow(node: Node): boolean {
  const n = unparen(node);
  return n.type === 'tuple' || n.type === 'list';
}

/** Rows of an insert argument: list/tuple literal elements, or the body of a comprehension/generator. */
function rowsOf(arg: Node): Node[] | null {
  const n = unparen(arg);
  if (n.type === 'list' || n.type === 'tuple')
    return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (n.type === 'list_comprehension' || n.type === 'generator_expression') {
    const body = n.childForFieldName('body');
    return body ? [body] : null;
  }
  return null;
}

function checkPositionalInserts(ctx: RuleContext, call: Node, mc: { receiver: Node; method: string }): void {
  const list = call.childForFieldName('arguments');
  // `T.insert(row for row in ...)`: the generator is the whole argument list.
  const args = list?.type === 'generator_expression' ? [list] : positionalArgs(call);
  if (!args.length) return;
  const source = unparen(args[0]).type === 'identifier' ? (rowsVariable(ctx, unparen(args[0])) ?? args[0]) : args[0];
  const rows = mc.method === 'insert1' ? [source] : rowsOf(source);
  const positional = (rows ?? []).filter(isPositionalRow);
  if (!positional.length) return;
  const known = isTableOrQuery(ctx, mc.receiver);
  if (!known && mc.method !== 'insert1') return;
  if (ctx.isGuarded(call)) return;
  const table = known ? resolveTable(ctx, mc.receiver) : null;
  const heading = table ? headingOf(ctx, table) : null;
  reportRows(ctx, POSITIONAL_INSERT, call, positional, heading?.all ?? null, table?.name ?? null, !known);
}

/**
 * `rows = [(1, "a"), ...]` then `T.insert(rows)`, or `row = (1, "a")` then `T.insert1(row)`: the literal,
 * when the variable is assigned once in the file and used nowhere else (so rewriting it affects nothing else).
 */
function rowsVariable(ctx: RuleContext, id: Node): Node | null {
  const uses = identifiersNamed(ctx, [id.text]);
  if (uses.length !== 2) return null;
  const target = uses.find((u) => u.id !== id.id)!;
  const assign = target.parent;
  if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.id !== target.id) return null;
  const value = assign.childForFieldName('right');
  return value && ['list', 'tuple', 'list_comprehension'].includes(unparen(value).type) ? value : null;
}

function reportRows(
  ctx: RuleContext,
  meta: RuleMeta,
  at: Node,
  rows: Node[],
  names: string[] | null,
  table: string | null,
  uncertain: boolean,
): void {
  if (!names) {
    const why = table
      ? `the heading of \`${table}\` cannot be resolved from the definitions in the workspace`
      : 'the table is not known';
    ctx.report(asManual(meta), at, {
      uncertain,
      message: `Positional rows are deprecated in DataJoint 2.x (DeprecationWarning, not removed); ${why}, so write dicts by hand or use \`dict(zip(T.heading.names, row))\``,
    });
    return;
  }
  const edits: TextEdit[] = [];
  let skipped = 0;
  for (const row of rows) {
    const e = rowToDict(row, names);
    if (e) edits.push(...e);
    else skipped++;
  }
  const order = names.join(', ');
  if (!edits.length) {
    ctx.report(asManual(meta), at, {
      message: `Positional rows are deprecated in DataJoint 2.x; a row does not match the ${names.length} fields of \`${table}\` (${order}), so it is left for you`,
    });
    return;
  }
  ctx.report(meta, at, {
    edits,
    fixTitle: `Write the rows as dicts (${order})`,
    message: `Positional rows are deprecated in DataJoint 2.x (DeprecationWarning); name the fields in heading order: ${order}${skipped ? ` (${skipped} row(s) of another length left as they are)` : ''}`,
  });
}

function asManual(meta: RuleMeta): RuleMeta {
  return { ...meta, safety: 'manual' };
}

function checkLookupContents(ctx: RuleContext): void {
  for (const table of ctx.index.allTables) {
    const value = table.contents ? unparen(table.contents) : null;
    if (!value || ctx.isGuarded(value)) continue;
    if (
      value.type === 'call' &&
      ctx.index.qualified(value.childForFieldName('function')!) === null &&
      value.childForFieldName('function')?.text === 'zip'
    ) {
      checkZipContents(ctx, table, value, headingOf(ctx, table)?.all ?? null);
      continue;
    }
    const rows = rowsOf(value)?.filter(isPositionalRow) ?? [];
    if (rows.length)
      reportRows(ctx, LOOKUP_CONTENTS, value, rows, headingOf(ctx, table)?.all ?? null, table.name, false);
  }
}

/** `contents = zip([a1, a2], [b1, b2])` → `[{"a": a1, "b": b1}, {"a": a2, "b": b2}]` (literal columns only). */
function checkZipContents(ctx: RuleContext, table: TableClass, call: Node, names: string[] | null): void {
  const cols = positionalArgs(call).map(unparen);
  const literal =
    cols.length > 0 && keywordArgs(call).size === 0 && cols.every((c) => c.type === 'list' || c.type === 'tuple');
  const values = literal ? cols.map((c) => c.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment')) : [];
  const n = values[0]?.length ?? 0;
  const fits =
    literal &&
    names &&
    names.length === cols.length &&
    values.every((v) => v.length === n && v.every((x) => x.type !== 'list_splat'));
  // The rewrite re-prints the values; comments between them would be lost.
  const comments = call.descendantsOfType('comment').length > 0;
  if (!fits || !names || comments) {
    const reason = !names
      ? `the heading of \`${table.name}\` cannot be resolved from the definitions in the workspace`
      : !literal
        ? 'the columns are not literal lists'
        : comments
          ? 'comments inside `zip(...)` would be lost'
          : `the columns do not match the ${names.length} fields (${names.join(', ')})`;
    ctx.report(asManual(LOOKUP_CONTENTS), call, {
      message: `Positional Lookup contents (\`zip(...)\`) are deprecated in DataJoint 2.x; ${reason}, so write a list of dicts by hand`,
    });
    return;
  }
  const multiline = call.text.includes('\n');
  const lineStart = ctx.text.lastIndexOf('\n', call.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(ctx.text.slice(lineStart))![0];
  const dicts: string[] = [];
  for (let i = 0; i < n; i++)
    dicts.push(`{${names.map((name, j) => `${JSON.stringify(name)}: ${values[j][i].text}`).join(', ')}}`);
  const text = multiline
    ? `[\n${dicts.map((d) => `${indent}    ${d},`).join('\n')}\n${indent}]`
    : `[${dicts.join(', ')}]`;
  ctx.report(LOOKUP_CONTENTS, call, {
    edits: [ctx.replace(call, text)],
    fixTitle: `Write the contents as dicts (${names.join(', ')})`,
    message: `Positional Lookup contents are deprecated in DataJoint 2.x; name the fields in heading order: ${names.join(', ')}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Methods

function checkUpdate(ctx: RuleContext, call: Node, mc: { receiver: Node; attr: Node }): void {
  if (ctx.isGuarded(call)) return;
  if (!isTableOrQuery(ctx, mc.receiver)) {
    if (ctx.index.kindOf(mc.receiver) === 'unknown' && !provenNonDataJoint(ctx, mc.receiver))
      ctx.report(asManual(UPDATE_UNDERSCORE), mc.attr, {
        unverified: true,
        receiver: mc.receiver,
        message:
          '`_update` does not exist in DataJoint 2.x (removed in 0.14.0): if this is a DataJoint table, use `T.update1({**key, "attr": value})` with the full primary key',
      });
    return;
  }
  const args = positionalArgs(call);
  const recv = unparen(mc.receiver);
  const restricted = recv.type === 'binary_operator' && recv.childForFieldName('operator')?.type === '&';
  const table = restricted ? unparen(recv.childForFieldName('left')!) : null;
  const key = restricted ? unparen(recv.childForFieldName('right')!) : null;
  const name = args[0] ? stringValue(args[0]) : null;
  const simpleTable =
    table && (table.type === 'identifier' || table.type === 'attribute') && ctx.index.kindOf(table) === 'table';
  const simpleKey = key && ['identifier', 'attribute', 'subscript', 'dictionary', 'call'].includes(key.type);
  if (
    !simpleTable ||
    !simpleKey ||
    name === null ||
    args.length !== 2 ||
    keywordArgs(call).size ||
    call.descendantsOfType('comment').length
  ) {
    const why =
      args.length === 1 ? ' `_update("a")` without a value meant NULL; `update1` with None resets to the default.' : '';
    ctx.report(asManual(UPDATE_UNDERSCORE), mc.attr, {
      message: `\`_update\` does not exist in DataJoint (removed in 0.14.0): use \`T.update1({**key, "attr": value})\` with the full primary key.${why}`,
    });
    return;
  }
  const keyText =
    key!.type === 'dictionary' ? key!.text.replace(/^\{\s*/, '').replace(/,?\s*\}$/, '') : `**${key!.text}`;
  const text = `${table!.text}.update1({${keyText ? `${keyText}, ` : ''}${args[0].text}: ${args[1].text}})`;
  ctx.report(UPDATE_UNDERSCORE, mc.attr, {
    edits: [ctx.replace(call, text)],
    fixTitle: `Use \`${table!.text}.update1(...)\` (the key must hold the full primary key)`,
    message: `\`_update\` does not exist in DataJoint; use \`${table!.text}.update1({...})\` — \`${key!.text}\` must hold the full primary key of \`${table!.text}\``,
  });
}

function checkDelete(ctx: RuleContext, call: Node, mc: { receiver: Node; method: string; attr: Node }): void {
  const kw = keywordArgs(call);
  const known = isTableOrQuery(ctx, mc.receiver);
  const part = known && isPart(ctx, mc.receiver);
  if (part) {
    checkPartForce(ctx, call, mc);
    return;
  }
  if (!kw.has('safemode') && !kw.has('force_parts') && !kw.has('force_masters')) return;
  if (ctx.isGuarded(call)) return;
  const uncertain = !known;
  const safemode = kw.get('safemode');
  if (safemode)
    ctx.report(DELETE_SAFEMODE, safemode, {
      uncertain,
      receiver: mc.receiver,
      edits: [renameKeyword(safemode, 'prompt')],
      fixTitle: 'Rename `safemode=` to `prompt=`',
    });
  const fp = kw.get('force_parts');
  const fm = kw.get('force_masters');
  if (!fp && !fm) return;
  const fmValue = fm ? boolLiteral(argumentValue(fm)) : false;
  if (positionalArgs(call).length > 2) {
    ctx.report(asManual(DELETE_FORCE_PARTS), call, {
      message: 'Positional `force_parts`/`force_masters` are `part_integrity` in DataJoint 2.x: name the argument',
    });
    return;
  }
  if (fm && fmValue !== false) {
    if (fmValue === null) {
      ctx.report(asManual(DELETE_FORCE_MASTERS), fm, {
        message:
          '`force_masters=` was removed: use `part_integrity="cascade"` where it was true (also deletes the masters of part rows reached)',
      });
      return;
    }
    const edits = [ctx.replace(fm, 'part_integrity="cascade"'), ...removeArguments(fp ? [fp] : [])];
    ctx.report(DELETE_FORCE_MASTERS, fm, {
      uncertain,
      receiver: mc.receiver,
      edits,
      fixTitle: 'Use `part_integrity="cascade"` (review: also deletes masters)',
    });
    return;
  }
  const fpValue = fp ? boolLiteral(argumentValue(fp)) : null;
  const removed = [fm, fp && fpValue === false ? fp : undefined].filter((x): x is Node => !!x);
  const edits = removeArguments(removed);
  if (fp && fpValue !== false)
    edits.push(
      ctx.replace(
        fp,
        fpValue === true
          ? 'part_integrity="ignore"'
          : `part_integrity="ignore" if ${argumentValue(fp).text} else "enforce"`,
      ),
    );
  ctx.report(DELETE_FORCE_PARTS, fp ?? fm!, {
    uncertain,
    receiver: mc.receiver,
    edits,
    fixTitle: fp ? 'Use `part_integrity=` instead of `force_parts=`' : 'Remove `force_masters=False` (the default)',
  });
}

/**
 * Edits removing arguments of one call with their commas, as non-overlapping ranges. Comments that belong
 * to kept arguments stay; when no argument is left, a trailing comma goes too (`f(\n    a=1,\n)` → `f(\n)`).
 */
export function removeArguments(removed: Node[]): TextEdit[] {
  if (!removed.length) return [];
  const list = removed[0].parent!;
  const children = list.namedChildren.filter((x): x is Node => !!x);
  const all = children.filter((x) => x.type !== 'comment');
  const comments = children.filter((x) => x.type === 'comment');
  const gone = new Set(removed.map((r) => r.id));
  const edits: TextEdit[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!gone.has(all[i].id)) continue;
    let j = i;
    while (j + 1 < all.length && gone.has(all[j + 1].id)) j++;
    const keptBefore =
      i > 0 && !comments.some((c) => c.startIndex >= all[i - 1].endIndex && c.endIndex <= all[i].startIndex);
    if (j + 1 < all.length) edits.push({ start: all[i].startIndex, end: all[j + 1].startIndex, text: '' });
    else if (keptBefore) edits.push({ start: all[i - 1].endIndex, end: all[j].endIndex, text: '' });
    else {
      // The first arguments, or trailing ones after a commented line: remove them with their own comma only.
      const next = all[j].nextSibling;
      let start = all[i].startIndex;
      const end = next?.type === ',' ? next.endIndex : all[j].endIndex;
      // Arguments alone on their lines: take the lines with them.
      const before = list.text.slice(0, start - list.startIndex);
      const after = list.text.slice(end - list.startIndex);
      const lineStart = before.lastIndexOf('\n');
      if (lineStart >= 0 && !before.slice(lineStart + 1).trim() && /^[ \t]*\n/.test(after))
        start = list.startIndex + lineStart;
      edits.push({ start, end, text: '' });
    }
    i = j;
  }
  return edits;
}

/** `Part.delete(force=...)` / `Part.drop(force=...)`. */
function checkPartForce(ctx: RuleContext, call: Node, mc: { receiver: Node; method: string; attr: Node }): void {
  const kw = keywordArgs(call);
  const args = positionalArgs(call);
  const force = kw.get('force') ?? (args.length === 1 && kw.size === 0 ? args[0] : undefined);
  if (!force || ctx.isGuarded(call)) return;
  if (force.type !== 'keyword_argument' && boolLiteral(force) === null) return; // a positional part_integrity value already
  const v = boolLiteral(argumentValue(force));
  const edit =
    v === true
      ? ctx.replace(force, 'part_integrity="ignore"')
      : v === false
        ? removeArguments([force])[0]
        : ctx.replace(force, `part_integrity="ignore" if ${argumentValue(force).text} else "enforce"`);
  const positional =
    force.type !== 'keyword_argument' ? ` (a positional \`${force.text}\` would be read as \`part_integrity\`)` : '';
  ctx.report(PART_FORCE, force, {
    edits: [edit],
    fixTitle: v === false ? 'Remove `force=False` (the default)' : 'Use `part_integrity="ignore"`',
    message: `\`Part.${mc.method}(force=...)\` is \`part_integrity="ignore"\` in DataJoint 2.x${positional}`,
  });
}

function checkSchemaDrop(ctx: RuleContext, call: Node, mc: { receiver: Node; attr: Node }): void {
  const kw = keywordArgs(call);
  const args = positionalArgs(call);
  const schema = isSchemaValue(ctx, mc.receiver);
  const force = kw.get('force') ?? (schema && args.length === 1 ? args[0] : undefined);
  if (!force || ctx.isGuarded(call)) return;
  // Part tables are handled with delete; Table.drop() had no `force`; `x.drop(force=True)` on an unknown x is not DataJoint enough.
  if (!schema) return;
  const v = boolLiteral(argumentValue(force));
  const positional = force.type !== 'keyword_argument';
  const edit =
    v === true
      ? ctx.replace(force, 'prompt=False')
      : v === false
        ? removeArguments([force])[0]
        : ctx.replace(force, `prompt=False if ${argumentValue(force).text} else None`);
  ctx.report(SCHEMA_DROP_FORCE, force, {
    edits: [edit],
    fixTitle: v === false ? 'Remove `force=False` (the default)' : 'Use `prompt=False`',
    message: positional
      ? `\`schema.drop(${force.text})\`: 2.x reads a positional argument as \`prompt\`, the opposite of \`force\``
      : undefined,
  });
}

function checkSpawn(ctx: RuleContext, call: Node, mc: { receiver: Node; attr: Node }): void {
  if (ctx.isGuarded(call)) return;
  const uncertain = !isSchemaValue(ctx, mc.receiver);
  if (uncertain && ctx.index.kindOf(mc.receiver) !== 'unknown') return;
  const edits = [ctx.replace(mc.attr, 'make_classes')];
  const context = keywordArgs(call).get('context');
  if (context) edits.push(renameKeyword(context, 'into'));
  ctx.report(SPAWN_MISSING, mc.attr, {
    uncertain,
    receiver: mc.receiver,
    edits,
    fixTitle: 'Use `make_classes(into=...)`',
  });
}

const SCHEMA_GONE: Record<string, string> = {
  log: '`schema.log` was removed in DataJoint 2.x: nothing is logged to `~log` any more',
  size_on_disk:
    '`schema.size_on_disk` was removed in DataJoint 2.x: sum `data_length + index_length` from `information_schema.tables`',
  code: '`schema.code` was removed in DataJoint 2.x: there is no code generator',
  save: '`schema.save()` was removed in DataJoint 2.x: there is no code generator',
  external:
    '`schema.external` was removed in DataJoint 2.x: external-store clean-up moved to `datajoint.gc` (`GarbageCollector(schema, store=...)` from 2.3.1, `scan()`/`collect()` before)',
};
const TABLE_GONE: Record<string, string> = {
  size_on_disk: '`size_on_disk` was removed from tables in DataJoint 2.x: query `information_schema.tables`',
  external: '`T.external` was removed in DataJoint 2.x: external-store clean-up moved to `datajoint.gc`',
  _log: '`T._log` was removed in DataJoint 2.x: nothing is logged to `~log` any more',
};

function checkRemovedAttributes(ctx: RuleContext): void {
  for (const node of membersNamed(ctx, [...new Set([...Object.keys(SCHEMA_GONE), ...Object.keys(TABLE_GONE)])])) {
    const attr = node.childForFieldName('attribute')!.text;
    const obj = node.childForFieldName('object')!;
    if (SCHEMA_GONE[attr] && isSchemaValue(ctx, obj)) {
      if (!ctx.isGuarded(node)) ctx.report(SCHEMA_REMOVED, node, { message: SCHEMA_GONE[attr] });
    } else if (TABLE_GONE[attr] && isTableOrQuery(ctx, obj) && !ownMember(ctx, obj, attr)) {
      if (!ctx.isGuarded(node)) ctx.report(TABLE_REMOVED, node, { message: TABLE_GONE[attr] });
    }
  }
}

/** The table class defines this member itself (then it is not DataJoint's). */
export function ownMember(ctx: RuleContext, obj: Node, name: string): boolean {
  const t = resolveTable(ctx, obj);
  const body = t?.node?.childForFieldName('body');
  if (!body) return false;
  return body.namedChildren.some((s) => {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    if (def?.type === 'function_definition') return def.childForFieldName('name')?.text === name;
    const a = def?.type === 'expression_statement' ? def.namedChild(0) : null;
    return a?.type === 'assignment' && a.childForFieldName('left')?.text === name;
  });
}

export const tableRules: Rule[] = [
  {
    metas: [
      UPDATE_UNDERSCORE,
      DELETE_SAFEMODE,
      DELETE_FORCE_PARTS,
      DELETE_FORCE_MASTERS,
      PART_FORCE,
      SCHEMA_DROP_FORCE,
      SPAWN_MISSING,
      SCHEMA_REMOVED,
      TABLE_REMOVED,
      POSITIONAL_INSERT,
      LOOKUP_CONTENTS,
    ],
    check(ctx) {
      for (const attr of membersNamed(ctx, [
        '_update',
        'delete',
        'drop',
        'spawn_missing_classes',
        'insert',
        'insert1',
      ])) {
        const call = callOf(attr);
        const mc = call && methodCall(call);
        if (!call || !mc) continue;
        switch (mc.method) {
          case '_update':
            checkUpdate(ctx, call, mc);
            break;
          case 'delete':
            checkDelete(ctx, call, mc);
            break;
          case 'drop':
            if (isTableOrQuery(ctx, mc.receiver) && isPart(ctx, mc.receiver)) checkPartForce(ctx, call, mc);
            else checkSchemaDrop(ctx, call, mc);
            break;
          case 'spawn_missing_classes':
            checkSpawn(ctx, call, mc);
            break;
          case 'insert':
          case 'insert1':
            checkPositionalInserts(ctx, call, mc);
            break;
        }
      }
      checkRemovedAttributes(ctx);
      checkLookupContents(ctx);
    },
  },
];

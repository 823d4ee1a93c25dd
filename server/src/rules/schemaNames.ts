// DJ130-131: schema names for the parallel-schema workflow. The migrated code writes to `<name><suffix>`
// (`lab_v2`) beside the 0.14.6 schemas; at cut-over, after the database `swap`, finalize removes the suffix.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { keywordArgs, positionalArgs } from './edits';
import type { RuleMeta, TextEdit } from './meta';
import { callOf, identifiersNamed, isSchemaValue, methodCall } from './tables';

const m = (meta: RuleMeta) => meta;

export const SCHEMA_SUFFIX = m({
  code: 'DJ130',
  name: 'schema-suffix',
  title: 'Point this schema at its parallel 2.x schema (suffix from the project settings)',
  safety: 'safe',
  severity: 'info',
  phase: 1,
  catalogue: [],
  docs: {
    summary:
      'In the parallel-schema workflow the 0.14.6 pipeline keeps running on `lab` while the 2.x code and the copied data live in `lab_v2`. The suffix comes from the project setting `schema-suffix` (`datajoint.migration.schemaSuffix`, default `_v2`; empty disables this rule). It is applied to `dj.Schema(...)`, `schema.activate(...)`, `dj.VirtualModule(...)` and `dj.virtual_schema(...)` names and to `name in dj.list_schemas()` checks, written as literals, f-strings, `prefix + "name"`, `"...".format(...)` and `"..." % ...`, and to a variable assigned once to such a value. A DataJoint Element\'s `module.activate(name, other_schema_name=..., create_schema=...)` (a module imported from an `element_*` package) gets the same safe fix, on every schema-name argument at once; an `activate` of another module outside the workspace, called with `create_schema=`, `create_tables=` or `linking_module=`, gets a hint with an unsafe fix. A name that already ends with the suffix is left alone (never `_v2_v2`). The fix is safe because the project setting asked for it; the database commands use the same setting. A schema that is not copied to a parallel schema (another team\'s, read through a virtual module) must keep its name: do not apply this fix there (fix it individually elsewhere rather than with fix-all).',
    before: 'schema = dj.Schema(f"{prefix}_lab")',
    after: 'schema = dj.Schema(f"{prefix}_lab_v2")',
  },
});
export const SCHEMA_FINALIZE = m({
  code: 'DJ131',
  name: 'schema-suffix-finalize',
  title: 'Cut-over: remove the parallel-schema suffix from this schema name',
  safety: 'safe',
  severity: 'info',
  phase: 1,
  catalogue: [],
  docs: {
    summary:
      'Finalize (`dj-migrate fix <paths> --finalize`, or the Finalize command) belongs with the database `swap` command: once the swap has renamed `lab_v2` back to `lab`, the code must name `lab` again. Run it only after the swap. It removes exactly the configured suffix from every schema name the suffix rule would have edited.',
    before: 'schema = dj.Schema(f"{prefix}_lab_v2")',
    after: 'schema = dj.Schema(f"{prefix}_lab")',
  },
});

export const SCHEMA_NAME_STRING = m({
  code: 'DJ132',
  name: 'schema-name-string',
  title: 'This string names a schema that the migrated code declares with the parallel-schema suffix',
  safety: 'manual',
  severity: 'info',
  phase: 1,
  catalogue: [],
  docs: {
    summary:
      'Found by `dj-migrate fix` and `report` over the whole project, after the suffix rule (DJ130): a string equal to a schema name the code now declares as `<name>_v2` (`self.database == "lab"`, a check of the name\'s parts), or a full table name that quotes it (`` "`lab`.`session`" ``), still names the 0.14.6 schema. Until the cut-over, such code compares or queries against the wrong schema. Decide per string: use the suffixed name (and remove the suffix again at the cut-over), or derive it from the table (`Table.database`). Not offered in the editor, where only one file is seen.',
    before: 'schema = dj.Schema("lab")\n...\nif table.database == "lab":',
    after:
      'schema = dj.Schema("lab_v2")\n...\nif table.database == "lab":  # DJ132: compare with "lab_v2" until the cut-over',
  },
});

export const noRuleBecause: Record<string, string> = {};

/** The functions and methods whose arguments name schemas. */
export const SCHEMA_CALLS = [
  'Schema',
  'schema',
  'VirtualModule',
  'create_virtual_module',
  'virtual_schema',
  'activate',
];

interface NameArgument {
  arg: Node;
  /** The call is only probably DataJoint (an Element module's `activate`): a hint with an unsafe fix. */
  uncertain: boolean;
}

/** The schema-name arguments of a call, if the call creates or activates a schema. */
function schemaNameArguments(ctx: RuleContext, call: Node): NameArgument[] {
  const fn = call.childForFieldName('function')!;
  const q = ctx.index.qualified(fn);
  const member = q ? q.slice(q.lastIndexOf('.') + 1) : null;
  const kws = keywordArgs(call);
  const kw = kws.get('schema_name')?.childForFieldName('value') ?? null;
  const pos = positionalArgs(call);
  const sure = (n: Node | null | undefined) => (n ? [{ arg: n, uncertain: false }] : []);
  if (member === 'Schema' || member === 'schema' || member === 'virtual_schema') return sure(kw ?? pos[0]);
  if (member === 'VirtualModule' || member === 'create_virtual_module') return sure(kw ?? pos[1]);
  const mc = methodCall(call);
  if (mc?.method !== 'activate') return [];
  if (isSchemaValue(ctx, mc.receiver)) return sure(kw ?? pos[0]);
  // DataJoint Elements: `ephys.activate(prefix + "ephys", probe_schema_name=prefix + "probe", create_schema=True, linking_module=...)`,
  // and a workspace module's own `activate(name)` wrapper (a workflow's `analysis.activate("lab_analysis")`).
  const kind = ctx.index.kindOf(mc.receiver);
  const element = isElementModule(ctx, mc.receiver);
  if (
    (kind !== 'unknown' && kind !== 'wsmodule') ||
    !(['create_schema', 'create_tables', 'linking_module'].some((k) => kws.has(k)) || element || kind === 'wsmodule')
  )
    return [];
  // Every positional argument of an Element's activate is a schema name (`imaging.activate(im, scan, ...)`): a
  // suffix on the first alone would pair the 2.x schema with the 0.14.6 one of its upstream module.
  const names = [
    ...pos,
    ...[...kws].filter(([k]) => k.endsWith('schema_name')).map(([, a]) => a.childForFieldName('value')),
  ];
  // A module of an `element_*` package is an Element's: its names are as sure as `dj.VirtualModule`'s, and a fix-all
  // that suffixed those but not these would split one schema between `x` and `x_v2`.
  return names.filter((n): n is Node => !!n).map((arg) => ({ arg, uncertain: !element }));
}

/** `lab` of `from element_lab import lab` (or `import element_lab.lab as lab`): a DataJoint Element module. */
function isElementModule(ctx: RuleContext, receiver: Node): boolean {
  const n = unparen(receiver);
  if (n.type !== 'identifier') return false;
  return ctx.index.imports.other.some((i) => i.local === n.text && /^element_\w+/.test(i.module));
}

/** `name in dj.list_schemas()`: the name tested, so existence checks follow the suffixed schema. */
function listedName(ctx: RuleContext, call: Node): Node | null {
  if (ctx.index.qualified(call.childForFieldName('function')!) !== 'datajoint.list_schemas') return null;
  const cmp = call.parent;
  if (cmp?.type !== 'comparison_operator') return null;
  const operands = cmp.namedChildren.filter((x): x is Node => !!x);
  const op = cmp.children
    .filter((x) => x && !x.isNamed)
    .map((x) => x!.type)
    .join(' ');
  return operands.length === 2 && operands[1].id === call.id && (op === 'in' || op === 'not in') ? operands[0] : null;
}

/** The string literal (plain or f-string) whose end is the end of the schema name, or null. */
function lastLiteral(ctx: RuleContext, expr: Node, seen = new Set<number>()): Node | null | 'other' {
  const n = unparen(expr);
  if (n.type === 'string') return /^[bB]/.test(n.child(0)?.text ?? '') ? null : n;
  if (n.type === 'concatenated_string') return lastLiteral(ctx, n.namedChildren[n.namedChildCount - 1]!, seen);
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    if (op === '+') {
      const right = lastLiteral(ctx, n.childForFieldName('right')!, seen);
      return right ?? 'other';
    }
    if (op === '%') {
      const left = unparen(n.childForFieldName('left')!);
      return left.type === 'string' ? lastLiteral(ctx, left, seen) : null;
    }
    return null;
  }
  if (n.type === 'call') {
    const mc = methodCall(n);
    if (mc?.method === 'format' && unparen(mc.receiver).type === 'string') return unparen(mc.receiver);
    return null;
  }
  return null;
}

/** What ends a name: the text before the closing quote of its last literal. */
function literalTail(s: Node): { insertAt: number; tail: string } | null {
  const end = s.child(s.childCount - 1);
  if (end?.type !== 'string_end') return null;
  let tail = '';
  for (let i = s.childCount - 2; i >= 0; i--) {
    const c = s.child(i)!;
    if (c.type === 'string_content' || c.type === 'escape_sequence') tail = c.text + tail;
    else break;
  }
  return { insertAt: end.startIndex, tail };
}

/** A variable assigned exactly once in the file, to a value whose name can be suffixed. */
function singleAssignment(ctx: RuleContext, id: Node): Node | null {
  let found: Node | null = null;
  for (const a of ctx.allAssignments()) {
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier' || left.text !== id.text) continue;
    if (found) return null;
    found = a.childForFieldName('right');
  }
  return found && found.type !== 'assignment' ? found : null;
}

/** The text of an expression after edits inside it. */
function edited(expr: Node, edits: TextEdit[]): string {
  let text = expr.text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    text = text.slice(0, e.start - expr.startIndex) + e.text + text.slice(e.end - expr.startIndex);
  }
  return text;
}

function nameEdits(
  ctx: RuleContext,
  arg: Node,
  suffix: string,
  finalize: boolean,
): { edits: TextEdit[]; expr: Node; via: string } | null {
  let expr = unparen(arg);
  let via = '';
  if (expr.type === 'identifier') {
    const value = singleAssignment(ctx, expr);
    if (!value) return null;
    via = ` (assigned to \`${expr.text}\`)`;
    expr = unparen(value);
  }
  const last = lastLiteral(ctx, expr);
  if (last === null) return null;
  if (last === 'other') {
    // prefix + name: the last operand is not a literal.
    if (expr.type !== 'binary_operator') return null;
    if (finalize) return null;
    return { edits: [{ start: expr.endIndex, end: expr.endIndex, text: ` + ${JSON.stringify(suffix)}` }], expr, via };
  }
  const tail = literalTail(last);
  if (!tail) return null;
  const parent = last.parent;
  const onlySuffix =
    tail.tail === suffix &&
    parent?.type === 'binary_operator' &&
    parent.childForFieldName('right')?.id === last.id &&
    parent.childForFieldName('operator')?.type === '+';
  if (finalize) {
    if (!tail.tail.endsWith(suffix)) return null;
    if (onlySuffix)
      return {
        edits: [{ start: parent!.childForFieldName('left')!.endIndex, end: last.endIndex, text: '' }],
        expr,
        via,
      };
    if (stringValue(last) === suffix) return null; // nothing would be left of the name
    return { edits: [{ start: tail.insertAt - suffix.length, end: tail.insertAt, text: '' }], expr, via };
  }
  if (tail.tail.endsWith(suffix)) return null;
  return { edits: [{ start: tail.insertAt, end: tail.insertAt, text: suffix }], expr, via };
}

export const schemaNameRules: Rule[] = [
  {
    // SCHEMA_NAME_STRING is reported over the whole project after fixing (report/schemaNameStrings.ts).
    metas: [SCHEMA_SUFFIX, SCHEMA_FINALIZE, SCHEMA_NAME_STRING],
    check(ctx) {
      const suffix = ctx.options.schemaSuffix;
      if (!suffix) return;
      const finalize = ctx.options.finalize;
      // Reported at an argument of the call (or the name tested in `x in dj.list_schemas()`): its statement.
      for (const id of identifiersNamed(ctx, [...SCHEMA_CALLS, 'list_schemas'], { inScope: true })) {
        const p = id.parent;
        const call = callOf(p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id ? p : id);
        if (!call || ctx.isGuarded(call)) continue;
        const listed = id.text === 'list_schemas' ? listedName(ctx, call) : null;
        const args = listed
          ? [{ arg: listed, uncertain: false }]
          : id.text === 'list_schemas'
            ? []
            : schemaNameArguments(ctx, call);
        for (const { arg, uncertain } of args) {
          const found = nameEdits(ctx, arg, suffix, finalize);
          if (!found) continue;
          const shown = `\`${edited(found.expr, found.edits)}\`${found.via}`;
          const probably = uncertain
            ? " — if this `activate` takes schema names (a DataJoint Element's, or a wrapper of `schema.activate`)"
            : '';
          if (finalize) {
            ctx.report(SCHEMA_FINALIZE, arg, {
              uncertain,
              edits: found.edits,
              fixTitle: `Remove the suffix \`${suffix}\` (after the database swap)`,
              message: `Cut-over: the schema name loses its \`${suffix}\` suffix (${shown}); run this only after the database swap${probably}`,
            });
          } else {
            ctx.report(SCHEMA_SUFFIX, arg, {
              uncertain,
              edits: found.edits,
              fixTitle: `Add the suffix \`${suffix}\``,
              message: `Parallel-schema workflow: the 2.x code writes to the schema name with \`${suffix}\` (${shown})${probably}`,
            });
          }
        }
      }
    },
  },
];

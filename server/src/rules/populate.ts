// DJ071-075: AutoPopulate and jobs (api-changes.md §1F): populate(keys/order/limit), self.target, schema.jobs.
import type { Node } from 'web-tree-sitter';
import { stringValue, unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { provenNonDataJoint } from './receivers';
import { keywordArgs, positionalArgs } from './edits';
import type { RuleMeta, Severity, TextEdit } from './meta';
import { dictWrites } from './splatDicts';
import { guessedSchemaNote, schemaReceiver } from './tables/moduleSchema';
import { callOf, isTableOrQuery, membersNamed, ownMember, removeArguments, resolveTable } from './tables';

const m = (meta: RuleMeta) => meta;

export const POPULATE_KEYS = m({
  code: 'DJ071',
  name: 'populate-keys',
  title: '`populate(keys=K)` was removed; pass the keys as a restriction: `populate(K)`',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['pop-keys'],
  docs: {
    summary:
      'TypeError in 2.x. `populate(K)` restricts `key_source` by the keys (a list of dicts is OR-ed). 0.14.6 bypassed `key_source` and called `make` on exactly these keys, so keys outside `key_source` are no longer computed: the fix is unsafe. Other populate arguments (`reserve_jobs`, `suppress_errors`, `max_calls`, `display_progress`, `processes`, `make_kwargs`) and `make`/`key_source` are unchanged.',
    before: 'Spikes.populate(keys=todo, reserve_jobs=True)',
    after: 'Spikes.populate(todo, reserve_jobs=True)',
  },
});
export const POPULATE_ORDER = m({
  code: 'DJ072',
  name: 'populate-order',
  title: '`populate(order=...)` was removed; there is no equivalent',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['pop-order'],
  docs: {
    summary:
      'TypeError in 2.x. Remove the keyword; the order is lost. In distributed mode (`reserve_jobs=True`) jobs run by `priority`, then `scheduled_time`: set `priority=` if some keys must go first.',
    before: 'Spikes.populate(order="random", reserve_jobs=True)',
    after: 'Spikes.populate(reserve_jobs=True)',
  },
});
export const POPULATE_LIMIT = m({
  code: 'DJ073',
  name: 'populate-limit',
  title: '`populate(limit=N)` is `populate(max_calls=N)` in DataJoint 2.x',
  safety: 'unsafe',
  severity: 'error',
  phase: 1,
  catalogue: ['pop-limit'],
  docs: {
    summary:
      'TypeError in 2.x. 0.14.6 `limit` capped the keys fetched (ordered by key) before jobs already reserved or failing were skipped; `max_calls` caps the `make` calls. They agree in direct mode apart from ordering: the fix is unsafe.',
    before: 'Spikes.populate(limit=5)',
    after: 'Spikes.populate(max_calls=5)',
    guideCorrection: 'The guide writes `populate(limit=5)` for 2.x; it raises TypeError.',
  },
});
export const SELF_TARGET = m({
  code: 'DJ074',
  name: 'self-target',
  title: '`self.target` was removed from AutoPopulate; use `self`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['pop-target'],
  docs: {
    summary:
      'In 0.14.6 `target` returned `self` unless overridden. AttributeError in 2.x; a `_job_key()` override is silently ignored.',
    before: 'todo = self.key_source - self.target',
    after: 'todo = self.key_source - self',
  },
});
export const SCHEMA_JOBS = m({
  code: 'DJ075',
  name: 'schema-jobs',
  title: '`schema.jobs` is a list of per-table job tables in DataJoint 2.x; use `T.jobs`',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['schema-jobs', 'jobs-errors', 'jobs-ignore'],
  docs: {
    summary:
      "2.x keeps one job table per auto-populated table (`~~<table>`), reached as `T.jobs`; `schema.jobs` is a `list[Job]`, so `schema.jobs & ...` is a TypeError and `schema.jobs.delete()` an AttributeError. The new job table's key is the target's primary key (no `table_name`, `key_hash` or `key` blob). The old `~jobs` table is ignored. A schema reached as a module attribute (`experiment.schema`) is resolved through the index of the project; when the module is imported from outside it, the attribute name alone marks it, and the finding is a hint (unverified).",
    before: '(schema.jobs & {"table_name": Spikes.table_name} & \'status="error"\').delete()',
    after: 'Spikes.jobs.errors.delete()',
    guideCorrection:
      'The "what\'s new" page shows `Analysis.jobs.update(..., priority=1)`; the 2.x `Job` table has no `update` method.',
  },
});

export const noRuleBecause: Record<string, string> = {
  'pop-same': 'the other populate arguments are unchanged',
  'pop-make': '`make`, `_make_tuples`, tripartite make and `key_source` are unchanged',
  'pop-native-pk': 'a definition rule (DJ100-129): a Computed/Imported definition with a non-FK primary-key attribute',
};

/**
 * `populate(**arguments)` whose dict holds `order` or `limit` (`{"reserve_jobs": True, "order": "random"}`): the same
 * TypeError as the keywords. Left for a person (the dict may be shared, and `order` has no replacement).
 */
function checkPopulateSplats(ctx: RuleContext, call: Node, receiver: Node): void {
  const splats = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a?.type === 'dictionary_splat',
  );
  if (!splats.length || ctx.isGuarded(call)) return;
  const writes = splats.flatMap((splat) => dictWrites(ctx, call, splat).map((w) => ({ w, splat })));
  const removed = writes.filter(({ w }) => w.key === 'order' || w.key === 'limit');
  if (!removed.length) return;
  const known = isTableOrQuery(ctx, receiver);
  if (!known && (ctx.index.kindOf(receiver) !== 'unknown' || provenNonDataJoint(ctx, receiver))) return;
  // On an unresolved receiver the dict must also hold a key only `populate` takes.
  const keys = new Map(writes.map(({ w }) => [w.key, w.keyNode]));
  const unverified = !known && !unmistakablyPopulate(keys);
  for (const { w, splat } of removed) {
    const meta = { ...(w.key === 'order' ? POPULATE_ORDER : POPULATE_LIMIT), safety: 'manual' as const };
    ctx.report(meta, w.keyNode, {
      uncertain: !known,
      unverified,
      receiver,
      message:
        w.key === 'order'
          ? `\`${w.keyNode.text}\` is passed to \`populate()\` in \`${splat.text}\`: removed in DataJoint 2.x (TypeError); remove the key, there is no ordering option (use \`priority=\` with \`reserve_jobs=True\`)`
          : `\`${w.keyNode.text}\` is passed to \`populate()\` in \`${splat.text}\`: removed in DataJoint 2.x (TypeError); \`max_calls\` caps \`make\` calls instead of keys fetched`,
    });
  }
}

function checkPopulate(ctx: RuleContext, call: Node, receiver: Node): void {
  checkPopulateSplats(ctx, call, receiver);
  const kw = keywordArgs(call);
  const keys = kw.get('keys');
  const order = kw.get('order');
  const limit = kw.get('limit');
  if (!keys && !order && !limit) return;
  const known = isTableOrQuery(ctx, receiver);
  if (!known && (ctx.index.kindOf(receiver) !== 'unknown' || provenNonDataJoint(ctx, receiver))) return;
  if (ctx.isGuarded(call)) return;
  const uncertain = !known;
  // Without a keyword only `populate` has, an unresolved receiver is listed as unverified (no fix).
  const unverified = uncertain && !unmistakablyPopulate(kw);
  if (keys) reportKeys(ctx, call, keys, uncertain, unverified, receiver);
  if (order) {
    const v = unparen(order.childForFieldName('value')!).text;
    ctx.report(POPULATE_ORDER, order, {
      uncertain,
      unverified,
      receiver,
      message: `\`populate(order=${v})\` was removed in DataJoint 2.x (TypeError): remove it; there is no ordering option (use \`priority=\` with \`reserve_jobs=True\`)`,
    });
  }
  if (limit) {
    if (kw.has('max_calls')) {
      ctx.report({ ...POPULATE_LIMIT, safety: 'manual' }, limit, {
        uncertain,
        unverified,
        receiver,
        message:
          '`populate(limit=...)` was removed; with `max_calls=` already given, keep the smaller of the two as `max_calls`',
      });
    } else {
      const name = limit.childForFieldName('name')!;
      ctx.report(POPULATE_LIMIT, limit, {
        uncertain,
        unverified,
        receiver,
        edits: [ctx.replace(name, 'max_calls')],
        fixTitle: 'Use `max_calls=` (caps `make` calls instead of keys fetched)',
      });
    }
  }
}

/** On an unresolved receiver, a populate call counts only with another DataJoint-specific keyword. */
function unmistakablyPopulate(kw: Map<string, Node>): boolean {
  const order = (kw.get('order')?.childForFieldName('value')?.text ?? '').replace(/['"]/g, '');
  if (order && ['original', 'reverse', 'random'].includes(order)) return true;
  return [
    'reserve_jobs',
    'suppress_errors',
    'display_progress',
    'make_kwargs',
    'return_exception_objects',
    'max_calls',
    'processes',
  ].some((k) => kw.has(k));
}

function reportKeys(
  ctx: RuleContext,
  call: Node,
  keys: Node,
  uncertain: boolean,
  unverified: boolean,
  receiver: Node,
): void {
  const value = keys.childForFieldName('value')!;
  if (positionalArgs(call).length) {
    ctx.report({ ...POPULATE_KEYS, safety: 'manual' }, keys, {
      uncertain,
      unverified,
      receiver,
      message:
        '`populate(keys=...)` was removed; 0.14.6 ignored the positional restrictions when keys were given: pass only the keys, `populate(K)` (they must lie within `key_source`)',
    });
    return;
  }
  if (value.type === 'none') {
    ctx.report({ ...POPULATE_KEYS, safety: 'safe' }, keys, {
      uncertain,
      unverified,
      receiver,
      edits: removeArguments([keys]),
      fixTitle: 'Remove `keys=None` (the default)',
    });
    return;
  }
  const list = call.childForFieldName('arguments')!;
  const first = list.namedChildren.find((c) => c && c.type !== 'comment');
  const edits: TextEdit[] =
    first?.id === keys.id
      ? [{ start: keys.startIndex, end: value.startIndex, text: '' }]
      : [{ start: first!.startIndex, end: first!.startIndex, text: `${value.text}, ` }, ...removeArguments([keys])];
  ctx.report(POPULATE_KEYS, keys, {
    uncertain,
    unverified,
    receiver,
    edits,
    fixTitle: 'Pass the keys as a restriction (they must lie within key_source)',
    message:
      '`populate(keys=K)` was removed in DataJoint 2.x: `populate(K)` restricts `key_source` by the keys, while 0.14.6 called `make` on exactly these keys',
  });
}

function checkTarget(ctx: RuleContext): void {
  for (const node of membersNamed(ctx, ['target'])) {
    const obj = node.childForFieldName('object')!;
    if (obj.type !== 'identifier' || obj.text !== 'self' || ctx.index.kindOf(obj) !== 'query') continue;
    const table = resolveTable(ctx, obj);
    if (!table || (table.tier !== 'computed' && table.tier !== 'imported')) continue;
    if (ownMember(ctx, obj, 'target') || ctx.isGuarded(node)) continue;
    if (node.parent?.type === 'assignment' && node.parent.childForFieldName('left')?.id === node.id) continue;
    ctx.report(SELF_TARGET, node, {
      edits: [ctx.replace(node, 'self')],
      fixTitle: 'Replace `self.target` with `self`',
    });
  }
}

/**
 * What a use of `schema.jobs` does in 2.x. Restriction, delete, fetch and the old job methods fail (error);
 * `len()` and other uses silently mean something else (warning); iteration is valid 2.x over the job
 * tables, so only information.
 */
function jobsUse(use: Node): { message: string; severity: Severity } {
  const p = use.parent;
  if (p?.type === 'binary_operator' && p.childForFieldName('left')?.id === use.id) {
    const here = perTableEquivalent(use);
    return {
      severity: 'error',
      message:
        '`schema.jobs & ...` fails in DataJoint 2.x (`schema.jobs` is a list): restrict the per-table job table instead, e.g. `T.jobs.errors` for `status="error"`, `T.jobs & key`' +
        (here ? `; here: \`${here}\`` : ''),
    };
  }
  if (p?.type === 'attribute' && p.childForFieldName('object')?.id === use.id) {
    const method = p.childForFieldName('attribute')!.text;
    if (method === 'delete')
      return {
        severity: 'error',
        message:
          "`schema.jobs.delete()` fails in DataJoint 2.x: clear each table's jobs with `T.jobs.delete()` (errors only: `T.jobs.errors.delete()`)",
      };
    if (['ignore', 'reserve', 'complete', 'error'].includes(method))
      return {
        severity: 'error',
        message: `\`schema.jobs.${method}(table_name, key)\` fails in DataJoint 2.x: call \`T.jobs.${method}(key)\` on the table (new signatures; see also \`T.jobs.refresh()\`, \`T.jobs.progress()\`)`,
      };
    if (method === 'fetch' || method === 'fetch1')
      return {
        severity: 'error',
        message:
          "`schema.jobs.fetch()` fails in DataJoint 2.x: read each table's jobs, e.g. `T.jobs.errors.to_dicts()`; the key is the target's primary key, not `key_hash`",
      };
  }
  if (
    p?.type === 'argument_list' &&
    p.parent?.type === 'call' &&
    p.parent.childForFieldName('function')?.text === 'len'
  ) {
    return {
      severity: 'warning',
      message:
        '`len(schema.jobs)` silently changes meaning in DataJoint 2.x: it counts job tables, not jobs; count per table with `len(T.jobs)` (or `len(T.jobs.errors)`)',
    };
  }
  if ((p?.type === 'for_statement' || p?.type === 'for_in_clause') && p.childForFieldName('right')?.id === use.id) {
    return {
      severity: 'info',
      message:
        'Iterating over `schema.jobs` yields one job table per auto-populated table in DataJoint 2.x (0.14.6 yielded job rows); fine if the loop is written for 2.x',
    };
  }
  return {
    severity: 'warning',
    message:
      '`schema.jobs` is a list of per-table job tables in DataJoint 2.x; use `T.jobs`, `T.jobs.errors`, `T.jobs.delete()` on each auto-populated table',
  };
}

const STATUS_VIEW: Record<string, string> = { error: 'errors', reserved: 'reserved', ignore: 'ignored' };

/**
 * The 2.x form of the common clean-up idiom `(schema.jobs & {"table_name": T.table_name} & 'status="error"').delete()`:
 * `T.jobs.errors.delete()`. Null when the restrictions are anything else.
 */
function perTableEquivalent(jobs: Node): string | null {
  let table: string | null = null;
  let view = '';
  let cur = jobs;
  for (;;) {
    const p = cur.parent?.type === 'parenthesized_expression' ? cur.parent : cur;
    const op = p.parent;
    if (
      op?.type !== 'binary_operator' ||
      op.childForFieldName('operator')?.type !== '&' ||
      op.childForFieldName('left')?.id !== p.id
    ) {
      cur = p;
      break;
    }
    const right = unparen(op.childForFieldName('right')!);
    const text = right.type === 'string' ? stringValue(right) : null;
    const status = text === null ? null : /^\s*status\s*=\s*["'](\w+)["']\s*$/.exec(text)?.[1];
    if (right.type === 'dictionary') {
      const pairs = right.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
      const value =
        pairs.length === 1 &&
        pairs[0].type === 'pair' &&
        stringValue(unparen(pairs[0].childForFieldName('key')!)) === 'table_name'
          ? unparen(pairs[0].childForFieldName('value')!)
          : null;
      if (value?.type !== 'attribute' || value.childForFieldName('attribute')?.text !== 'table_name') return null;
      table = value.childForFieldName('object')!.text;
    } else if (status && STATUS_VIEW[status]) view = `.${STATUS_VIEW[status]}`;
    else return null;
    cur = op;
  }
  if (!table) return null;
  const outer = cur.parent?.type === 'parenthesized_expression' ? cur.parent : cur;
  const method =
    outer.parent?.type === 'attribute' && outer.parent.childForFieldName('object')?.id === outer.id
      ? outer.parent.childForFieldName('attribute')!.text
      : null;
  return `${table}.jobs${view}${method === 'delete' ? '.delete()' : method === 'fetch' ? '.to_dicts()' : ''}`;
}

function checkJobs(ctx: RuleContext): void {
  for (const node of membersNamed(ctx, ['jobs'])) {
    const obj = node.childForFieldName('object')!;
    const how = schemaReceiver(ctx, obj);
    if (!how || ctx.isGuarded(node)) continue;
    // `(schema.jobs & ...)` in parentheses: judge the use from outside the parentheses.
    let use: Node = node;
    while (use.parent?.type === 'parenthesized_expression') use = use.parent;
    const found = jobsUse(use);
    if (how === 'schema') ctx.report(SCHEMA_JOBS, node, found);
    else
      ctx.report(SCHEMA_JOBS, node, {
        ...found,
        message: found.message + guessedSchemaNote(obj),
        uncertain: true,
        receiver: obj,
      });
  }
}

export const populateRules: Rule[] = [
  {
    metas: [POPULATE_KEYS, POPULATE_ORDER, POPULATE_LIMIT, SELF_TARGET, SCHEMA_JOBS],
    check(ctx) {
      for (const attr of membersNamed(ctx, ['populate'])) {
        const call = callOf(attr);
        if (call) checkPopulate(ctx, call, attr.childForFieldName('object')!);
      }
      checkTarget(ctx);
      checkJobs(ctx);
    },
  },
];

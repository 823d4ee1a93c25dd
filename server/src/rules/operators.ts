// DJ040-059: query operators (api-changes.md §1C, §4): `@` and `^` are gone, `dj.U` joins are gone, `aggr`
// flipped its default to a left join and lost `keep_all_rows`, left joins need functional dependency, and the
// primary key of a join now follows functional dependency.
import type { Node } from 'web-tree-sitter';
import { unparen } from '../python/syntax';
import type { Rule, RuleContext } from './context';
import { provenNonDataJoint, tableLike } from './receivers';
import { editArguments } from './edits';
import { methodCallIn, methodNameIn, receiverKind, type MethodCall } from './fetch';
import { lowerBound } from '../lowerBound';
import type { RuleMeta, TextEdit } from './meta';

const m = (meta: RuleMeta) => meta;

export const MATMUL = m({
  code: 'DJ040',
  name: 'matmul-join',
  title: 'The `@` operator was removed; use `.join(..., semantic_check=False)`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['op-matmul'],
  docs: {
    summary:
      '`A @ B` raises DataJointError in 2.x. `A.join(B, semantic_check=False)` is the exact equivalent: a natural join that skips the attribute-compatibility check (`join` is callable on the class too). Only `@` between DataJoint expressions is touched, never numpy matrix products or decorators.',
    before: 'q = Session @ Rig',
    after: 'q = Session.join(Rig, semantic_check=False)',
    guideCorrection:
      'The migration guide rewrites `t1 @ t2` as `t1 * t2`, which is not equivalent: `*` switches the lineage check on and may raise where `@` did not.',
  },
});
export const XOR = m({
  code: 'DJ041',
  name: 'xor-restrict',
  title: 'The `^` operator was removed; use `.restrict(..., semantic_check=False)`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['op-xor', 'op-antijoin-nocheck'],
  docs: {
    summary:
      '`A ^ B` raises DataJointError in 2.x. `A.restrict(B, semantic_check=False)` is the exact equivalent. `restrict` is not callable on the class, so a table class is instantiated: `A().restrict(...)`. Bitwise xor of numbers is never touched. (An antijoin without the check, which 0.14.6 could not express, is `A().restrict(dj.Not(B), semantic_check=False)`.)',
    before: 'q = Session ^ "session_date > \'2024-01-01\'"',
    after: 'q = Session().restrict("session_date > \'2024-01-01\'", semantic_check=False)',
  },
});
export const U_JOIN = m({
  code: 'DJ042',
  name: 'u-join',
  title: '`dj.U(...) * t` is no longer supported, and `dj.U(...) & t` is a different query',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['op-u-join'],
  docs: {
    summary:
      '0.14.6 `dj.U("a") * t` (also `t * dj.U("a")` and `dj.U("a").join(t)`) kept every row and attribute of `t` and promoted `a` into the primary key, often to join on a non-key attribute or to group later. 2.x raises DataJointError. Rewrite by intent: (1) to join on a shared secondary attribute, `A * B` if it is FK-derived in both, else `A.join(B, semantic_check=False)`; (2) to promote to the key for grouping, `dj.U("a", *t.primary_key).aggr(t, ...)` or restructure; (3) if nothing used the promoted key, plain `t`.',
    before: 'q = dj.U("rig") * Session',
    after: 'q = Session  # if nothing relied on "rig" being in the primary key',
    guideCorrection:
      'The guide rewrites `dj.U("a") * t` as `dj.U("a") & t`. That returns only the distinct values of `a`, not the rows of `t`.',
  },
});
export const U_MINUS = m({
  code: 'DJ043',
  name: 'u-minus',
  title: '`dj.U(...) - t` is not supported',
  safety: 'manual',
  severity: 'error',
  phase: 1,
  catalogue: ['op-u-minus'],
  docs: {
    summary:
      'The complement of an infinite set: 2.x raises DataJointError (0.14.6 raised TypeError). There is no replacement; restate the query.',
    before: 'q = dj.U("rig") - Session',
    after: '',
  },
});
export const AGGR_DEFAULT = m({
  code: 'DJ044',
  name: 'aggr-default',
  title: '`aggr` now keeps rows without a match (left join); add `exclude_nonmatching=True` to keep 0.14.6 results',
  safety: 'safe',
  severity: 'warning',
  phase: 1,
  catalogue: ['op-aggr-default'],
  docs: {
    summary:
      'SILENT change: 0.14.6 `A.aggr(B, ...)` was an inner join; 2.x defaults to a LEFT join, so rows of A without a match in B appear, with `count(*)` = 1 (the NULL row) and NULL for other aggregates. `exclude_nonmatching=True` restores the exact old result.',
    before: 'n = Session.aggr(Trial, n_trials="count(*)")',
    after: 'n = Session.aggr(Trial, n_trials="count(*)", exclude_nonmatching=True)',
    guideCorrection:
      'The published guide does not mention the flipped `aggr` default, the most dangerous change for pipeline results: nothing fails, the numbers change.',
  },
});
export const AGGR_KEEP_ALL_ROWS = m({
  code: 'DJ045',
  name: 'aggr-keep-all-rows',
  title: '`keep_all_rows=` was removed from `aggr`; use `exclude_nonmatching=`',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['op-aggr-keep-all', 'op-aggr-keep-false'],
  docs: {
    summary:
      'The keyword now falls into the computed attributes and raises TypeError. `keep_all_rows=True` is the 2.x default; the fix writes it as `exclude_nonmatching=False` rather than dropping it, so the call cannot be mistaken for a 0.14.6 inner aggregation (DJ044). `keep_all_rows=False` is `exclude_nonmatching=True`; any other value `v` is `exclude_nonmatching=not v`.',
    before:
      'a = Session.aggr(Trial, n="count(*)", keep_all_rows=True)\nb = Session.aggr(Trial, n="count(*)", keep_all_rows=False)',
    after:
      'a = Session.aggr(Trial, n="count(*)", exclude_nonmatching=False)\nb = Session.aggr(Trial, n="count(*)", exclude_nonmatching=True)',
    guideCorrection: 'The published guide does not mention that `keep_all_rows` was removed.',
  },
});
export const U_AGGR_KEEP = m({
  code: 'DJ046',
  name: 'u-aggr-keep-all-rows',
  title: '`dj.U(...).aggr` takes no `keep_all_rows=`; drop it',
  safety: 'safe',
  severity: 'error',
  phase: 1,
  catalogue: ['op-u-aggr'],
  docs: {
    summary:
      '`dj.U(...).aggr(T, ...)` is unchanged (always an inner aggregation), but a `keep_all_rows=` keyword now raises TypeError. 0.14.6 accepted only a false value there, so dropping it keeps the result.',
    before: 'n = dj.U("rig").aggr(Session, n="count(*)", keep_all_rows=False)',
    after: 'n = dj.U("rig").aggr(Session, n="count(*)")',
  },
});
export const LEFT_JOIN = m({
  code: 'DJ047',
  name: 'left-join',
  title: '`join(..., left=True)` now requires the left operand to determine the right; `extend` says so',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['op-left-join'],
  docs: {
    summary:
      '2.x raises DataJointError ("Left join requires the left operand to determine the right operand") unless every primary-key attribute of B is an attribute of A. Where that holds, `A.extend(B)` is the same query; otherwise restructure.',
    before: 'q = Session.join(Rig, left=True)',
    after: 'q = Session.extend(Rig)',
  },
});
export const JOIN_PK = m({
  code: 'DJ048',
  name: 'join-primary-key',
  title: 'The primary key of a join now follows functional dependency: keys of this join may have fewer attributes',
  safety: 'manual',
  severity: 'info',
  phase: 1,
  catalogue: ['op-join-pk'],
  docs: {
    summary:
      'SILENT change: 0.14.6 gave `A * B` the key PK(A) ∪ PK(B). 2.x gives PK(A) when every key attribute of B is an attribute of A (and PK(B) in the reverse case). `Session(subject, session; rig) * Rig(rig)` had key (subject, session, rig) and now has (subject, session). Review the keys fetched from a join, a DataFrame index built from one and code that depends on column order.',
    before: 'keys = (Session * Rig).fetch("KEY")',
    after: 'keys = (Session * Rig).keys()  # now [{subject, session}], without rig',
    guideCorrection:
      'The published guide does not mention the new primary-key rule for joins; in both of its `@` rewrites the result key follows it.',
  },
});

export const noRuleBecause: Record<string, string> = {
  'op-semantic':
    'Whether `A * B` / `A & B` / `A - B` raises under the 2.x lineage check depends on the `~lineage` tables of the database, not on the code; flagging every join would bury the real findings. The database commands check lineage; where one fails, the error names the attribute and `.proj()` renaming or `semantic_check=False` fixes it.',
  'op-aggr-fd':
    'Needs the primary keys of both operands, which pipeline code alone rarely determines (tables of other schemas, virtual modules, projections). 2.x rejects such a grouping with a clear DataJointError on first use, so nothing changes silently.',
  'op-u-restrict': '`dj.U(...) & A` is unchanged.',
  'op-top': '`q & dj.Top(...)` is unchanged for normal use.',
  'op-unchanged':
    '`proj`, union, `dj.AndList`, `dj.Not`, dict/string/list restrictions, `len`, `bool`, `in` are unchanged.',
};

/** The expression's text when it is short enough to quote in a message, else a placeholder. */
function short(node: Node, placeholder: string): string {
  const t = unparen(node).text;
  return t.length <= 40 && !t.includes('\n') ? t : placeholder;
}

/** Node types that can take `.method(...)` without parentheses. */
const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression']);

function isDj(ctx: RuleContext, node: Node): boolean {
  const k = ctx.index.kindOf(node);
  return k === 'table' || k === 'query';
}

/** `A op B` → `A<prefix>.method(B, semantic_check=False)`, touching only the operator and the operands' ends. */
function operatorToMethod(ctx: RuleContext, bin: Node, method: string, instantiate: boolean): TextEdit[] | null {
  const left = bin.childForFieldName('left')!;
  const right = bin.childForFieldName('right')!;
  if (ctx.text.slice(left.endIndex, right.startIndex).includes('#')) return null;
  const wrap = !PRIMARY.has(left.type);
  const edits: TextEdit[] = [];
  if (wrap) edits.push({ start: left.startIndex, end: left.startIndex, text: '(' });
  edits.push({
    start: left.endIndex,
    end: right.startIndex,
    text: `${wrap ? ')' : ''}${instantiate ? '()' : ''}.${method}(`,
  });
  edits.push({ start: right.endIndex, end: right.endIndex, text: ', semantic_check=False)' });
  return edits;
}

function checkBinary(ctx: RuleContext, bin: Node, mayHaveU: boolean): void {
  const op = bin.childForFieldName('operator')?.type;
  if (op !== '@' && op !== '^' && !((op === '*' || op === '-') && mayHaveU)) return;
  const left = bin.childForFieldName('left');
  const right = bin.childForFieldName('right');
  if (!left || !right) return;
  if (op === '@') {
    // QueryExpression.__matmul__ runs whenever the left operand is a query; a query on the right only with an unresolved left.
    const l = isDj(ctx, left);
    const unknownLeft = !l && ctx.index.kindOf(left) === 'unknown';
    const r = unknownLeft && isDj(ctx, right);
    const unverified = unknownLeft && !r && (tableLike(ctx, left) || tableLike(ctx, right));
    if (!l && !r && !unverified) return;
    if (ctx.isGuarded(bin)) return;
    ctx.report(MATMUL, bin, {
      message:
        '`@` raises DataJointError in 2.x: `.join(other, semantic_check=False)` is the exact equivalent (not `*`)' +
        (l ? '' : ' (if the left operand is a DataJoint query)'),
      uncertain: !l,
      unverified,
      receiver: left,
      edits: operatorToMethod(ctx, bin, 'join', false) ?? undefined,
      fixTitle: 'Replace with `.join(..., semantic_check=False)`',
    });
  } else if (op === '^') {
    const unverified =
      !isDj(ctx, left) &&
      ctx.index.kindOf(left) === 'unknown' &&
      (tableLike(ctx, left) || (tableLike(ctx, right) && !provenNonDataJoint(ctx, left)));
    if ((!isDj(ctx, left) && !unverified) || ctx.isGuarded(bin)) return;
    const isClass = ctx.index.kindOf(left) === 'table';
    ctx.report(XOR, bin, {
      unverified,
      receiver: left,
      message: isClass
        ? `\`^\` raises DataJointError in 2.x: use \`${unparen(left).text}().restrict(other, semantic_check=False)\` (restrict needs an instance)`
        : '`^` raises DataJointError in 2.x: use `.restrict(other, semantic_check=False)`',
      edits: operatorToMethod(ctx, bin, 'restrict', isClass) ?? undefined,
      fixTitle: 'Replace with `.restrict(..., semantic_check=False)`',
    });
  } else if (op === '*') {
    const u = ctx.index.kindOf(left) === 'U' ? left : ctx.index.kindOf(right) === 'U' ? right : null;
    if (!u || ctx.isGuarded(bin)) return;
    const U = short(u, 'dj.U(...)');
    const t = short(u === left ? right : left, 't');
    ctx.report(U_JOIN, bin, {
      message: `\`${U} * ${t}\` raises DataJointError in 2.x. \`${U} & ${t}\` is NOT a replacement: it returns only the distinct ${U} values, while this kept every row of ${t} with the U attributes added to its key. Rewrite by intent (see the rule documentation).`,
    });
  } else if (op === '-') {
    if (ctx.index.kindOf(left) !== 'U' || ctx.isGuarded(bin)) return;
    ctx.report(U_MINUS, bin, {
      message: `\`${short(left, 'dj.U(...)')} - ...\` raises DataJointError in 2.x (the complement of the universal set); restate the query`,
    });
  }
}

/** `q @= B` / `q ^= B` on a query variable → `q = q.join(B, ...)` / `q = q.restrict(B, ...)`. */
function checkAugmented(ctx: RuleContext): void {
  if (!ctx.text.includes('@=') && !ctx.text.includes('^=')) return;
  for (const aug of ctx.index.tree.rootNode.descendantsOfType('augmented_assignment')) {
    const left = aug?.childForFieldName('left');
    const right = aug?.childForFieldName('right');
    const op = aug?.childForFieldName('operator');
    if (!aug || !left || !right || !op || (op.type !== '@=' && op.type !== '^=')) continue;
    // A class cannot be re-bound to a query sensibly; only query variables (and self) are rewritten.
    if (ctx.index.kindOf(left) !== 'query' || left.type !== 'identifier' || ctx.isGuarded(aug)) continue;
    const matmul = op.type === '@=';
    const method = matmul ? 'join' : 'restrict';
    const between = ctx.text.slice(left.endIndex, right.startIndex);
    ctx.report(matmul ? MATMUL : XOR, aug, {
      message: `\`${op.type}\` raises DataJointError in 2.x: use \`${left.text} = ${left.text}.${method}(other, semantic_check=False)\``,
      edits: between.includes('#')
        ? undefined
        : [
            { start: left.endIndex, end: right.startIndex, text: ` = ${left.text}.${method}(` },
            { start: right.endIndex, end: right.endIndex, text: ', semantic_check=False)' },
          ],
      fixTitle: `Replace with \`.${method}(..., semantic_check=False)\``,
    });
  }
}

function checkAggr(ctx: RuleContext, mc: MethodCall): void {
  const { call, keywords } = mc;
  const rk = ctx.index.kindOf(mc.receiver);
  const keep = keywords.get('keep_all_rows');
  if (rk === 'U') {
    if (keep && !ctx.isGuarded(call)) {
      ctx.report(U_AGGR_KEEP, keep, {
        message: '`dj.U(...).aggr` takes no `keep_all_rows=` in 2.x (TypeError); drop it',
        edits: editArguments(call, [keep]) ?? undefined,
        fixTitle: 'Remove `keep_all_rows=`',
      });
    }
    return;
  }
  const kind = receiverKind(ctx, mc.receiver);
  if (kind === 'other') return;
  const uncertain = kind === 'unknown';
  if (uncertain && provenNonDataJoint(ctx, mc.receiver)) return;
  // `aggregate` is also pandas'; on an unresolved receiver only `aggr` with a group argument is DataJoint's,
  // and `aggr(...)` without one is listed as unverified.
  if (uncertain && mc.method.text !== 'aggr' && !keep) return;
  const unverified = uncertain && !mc.positional.length && !keep;
  if (ctx.isGuarded(call)) return;
  const note = uncertain ? ' (if this is a DataJoint query)' : '';
  if (keep) {
    const v = keep.childForFieldName('value');
    if (!v) return;
    let edits: TextEdit[] | null;
    // `keep_all_rows=True` becomes an explicit `exclude_nonmatching=False` rather than nothing: a bare `aggr`
    // reads as 0.14.6 code (DJ044), so dropping the keyword would be undone into the opposite query.
    if (v.type === 'true') edits = [ctx.replace(keep, 'exclude_nonmatching=False')];
    else if (v.type === 'false') edits = [ctx.replace(keep, 'exclude_nonmatching=True')];
    else edits = [ctx.replace(keep, `exclude_nonmatching=not ${PRIMARY.has(v.type) ? v.text : `(${v.text})`}`)];
    ctx.report(AGGR_KEEP_ALL_ROWS, keep, {
      message:
        (v.type === 'true'
          ? '`keep_all_rows=True` raises TypeError in 2.x; the 2.x default keeps all rows, written explicitly as `exclude_nonmatching=False`'
          : '`keep_all_rows=` raises TypeError in 2.x: use `exclude_nonmatching=` (the negation)') + note,
      uncertain,
      unverified,
      receiver: mc.receiver,
      edits: keywords.has('exclude_nonmatching') ? undefined : (edits ?? undefined),
      fixTitle: 'Replace with `exclude_nonmatching=`',
    });
    return;
  }
  if (keywords.has('exclude_nonmatching')) return;
  ctx.report(AGGR_DEFAULT, call, {
    message:
      '`aggr` is now a LEFT join: rows without a match appear (count(*) = 1, other aggregates NULL). Add `exclude_nonmatching=True` to keep the 0.14.6 result' +
      note,
    uncertain,
    unverified,
    receiver: mc.receiver,
    edits: mc.splat ? undefined : (editArguments(call, [], ['exclude_nonmatching=True']) ?? undefined),
    fixTitle: 'Add `exclude_nonmatching=True`',
  });
}

function checkJoinCall(ctx: RuleContext, mc: MethodCall): void {
  const rk = ctx.index.kindOf(mc.receiver);
  if (rk === 'U') {
    if (!ctx.isGuarded(mc.call))
      ctx.report(U_JOIN, mc.call, {
        message: `\`${short(mc.receiver, 'dj.U(...)')}.join(...)\` does not exist in 2.x (AttributeError); \`&\` is NOT a replacement (it returns only the distinct U values). Rewrite by intent (see the rule documentation).`,
      });
    return;
  }
  const left = mc.keywords.get('left');
  if (
    !left ||
    left.childForFieldName('value')?.type === 'false' ||
    receiverKind(ctx, mc.receiver) !== 'dj' ||
    ctx.isGuarded(mc.call)
  )
    return;
  ctx.report(LEFT_JOIN, mc.call, {
    message:
      '`join(..., left=True)` raises DataJointError in 2.x unless the left operand determines the right (every key attribute of the right is in the left); then `extend(...)` is the same query',
  });
}

/** The query a key/frame fetch reads from, if it is (or is assigned from) a join of DataJoint values. */
function joinIn(ctx: RuleContext, receiver: Node, depth = 0): Node | null {
  const n = unparen(receiver);
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    const l = n.childForFieldName('left')!;
    const r = n.childForFieldName('right')!;
    if (op === '*' && isDj(ctx, l) && isDj(ctx, r)) return n;
    if (op === '&' || op === '-' || op === '*') return joinIn(ctx, l, depth);
    return null;
  }
  if (n.type === 'call') {
    const mc = methodCallIn(ctx, n);
    if (!mc) return null;
    if (mc.method.text === 'join' && isDj(ctx, mc.receiver)) return n;
    if (mc.method.text === 'proj' || mc.method.text === 'restrict') return joinIn(ctx, mc.receiver, depth);
    return null;
  }
  if (n.type === 'identifier' && depth < 3) {
    const defs = ctx.index.assignedValues(n).filter((right) => right.startIndex < n.startIndex);
    return defs.length === 1 ? joinIn(ctx, defs[0], depth + 1) : null;
  }
  return null;
}

/** `….proj(…)`, parenthesised or not. */
function isProjCall(ctx: RuleContext, node: Node): boolean {
  const n = unparen(node);
  return n.type === 'call' && methodCallIn(ctx, n)?.method.text === 'proj';
}

function checkJoinKeys(ctx: RuleContext, mc: MethodCall): void {
  const name = mc.method.text;
  const usesKey =
    name === 'keys' ||
    name === 'to_pandas' ||
    (name === 'fetch' &&
      (mc.positional.some((a) => /^["']KEY["']$/.test(a.text) || ctx.index.qualified(a) === 'datajoint.key') ||
        /^["']frame["']$/.test(mc.keywords.get('format')?.childForFieldName('value')?.text ?? ''))) ||
    (name === 'to_arrays' && mc.keywords.get('include_key')?.childForFieldName('value')?.type === 'true') ||
    // `fetch("KEY", "a", as_dict=True)` is fixed into `proj("a").to_dicts()`, whose rows hold the key too.
    (name === 'to_dicts' && isProjCall(ctx, mc.receiver));
  if (!usesKey) return;
  const join = joinIn(ctx, mc.receiver);
  if (!join || ctx.isGuarded(mc.call)) return;
  ctx.report(JOIN_PK, mc.call, {
    message: `The primary key of \`${join.text.length > 60 ? 'this join' : join.text}\` follows functional dependency in 2.x and may have fewer attributes than PK(A) ∪ PK(B): review what these keys are used for`,
  });
}

const OPERATORS = /[@^]/g;
const OPERATORS_WITH_U = /[@^*-]/g;

/** Methods whose calls this family looks at (aggregation, joins, and the key-returning fetches of DJ048). */
const CALL_METHODS = new Set(['aggr', 'aggregate', 'join', 'fetch', 'keys', 'to_pandas', 'to_arrays', 'to_dicts']);

export const operatorRules: Rule[] = [
  {
    metas: [MATMUL, XOR, U_JOIN, U_MINUS, AGGR_DEFAULT, AGGR_KEEP_ALL_ROWS, U_AGGR_KEEP, LEFT_JOIN, JOIN_PK],
    check(ctx) {
      // Every dj.U value is spelled `U(` somewhere in the file (a call, or the call a variable was assigned from).
      const mayHaveU = ctx.text.includes('U(');
      // Only `@`, `^` (and `*`, `-` with a dj.U about) are looked at: an operation whose text holds none of these
      // characters is none of them, found without reading its operator node (each node read crosses into WASM).
      const operators = mayHaveU ? OPERATORS_WITH_U : OPERATORS;
      for (const bin of ctx.index.syntax.binaryOperators) {
        const spots = ctx.spotsFor(operators, bin.startIndex);
        const at = lowerBound(spots, bin.startIndex);
        if (at < spots.length && spots[at] < bin.endIndex) checkBinary(ctx, bin, mayHaveU);
      }
      checkAugmented(ctx);
      for (const call of ctx.index.syntax.calls) {
        if (!methodNameIn(ctx, call, CALL_METHODS)) continue;
        const mc = methodCallIn(ctx, call);
        if (!mc) continue;
        const name = mc.method.text;
        if (name === 'aggr' || name === 'aggregate') checkAggr(ctx, mc);
        else if (name === 'join') checkJoinCall(ctx, mc);
        checkJoinKeys(ctx, mc);
      }
    },
  },
];

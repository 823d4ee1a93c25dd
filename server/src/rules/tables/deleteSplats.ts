// DJ061-063 for delete's removed keywords passed through a dict (api-changes.md `del-safemode`, `del-force-parts`,
// `del-force-masters`): `kwargs["safemode"] = False` then `super().delete(*args, **kwargs)`,
// `opts = {"force_masters": True}` then `(T & key).delete(**opts)`, and `delete(**{"safemode": False})`.
// The dict's keys are read where it is built, in the call's own scope and before it (python/dictKeys.ts).
import type { Node } from 'web-tree-sitter';
import { overrideFor } from '../../index/overrides';
import { type KeyWrite, subscriptWrite } from '../../python/dictKeys';
import { dictWrites } from '../splatDicts';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import type { RuleMeta, TextEdit } from '../meta';
import { provenNonDataJoint } from '../receivers';
import { asManual } from './inserts';
import { DELETE_FORCE_MASTERS, DELETE_FORCE_PARTS, DELETE_SAFEMODE } from './meta';
import { boolLiteral, identifiersNamed, isTableOrQuery } from './nodes';

const REMOVED = new Set(['safemode', 'force_parts', 'force_masters']);

/** What the `delete` reached is: DataJoint's, a table class's own override, or unresolved (null: not DataJoint). */
type Target = { kind: 'table' } | { kind: 'override'; owner: string } | { kind: 'unverified' };

export function checkDeleteSplats(ctx: RuleContext, calls: { call: Node; receiver: Node }[]): void {
  const seen = new Set<number>(); // a dict passed to two deletes is reported once
  for (const { call, receiver } of calls) {
    const splats = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (a): a is Node => a?.type === 'dictionary_splat',
    );
    if (!splats.length || ctx.isGuarded(call)) continue;
    const found = splats.map((splat) => ({
      splat,
      writes: dictWrites(ctx, call, splat).filter((w) => REMOVED.has(w.key) && !seen.has(w.keyNode.id)),
    }));
    if (!found.some((f) => f.writes.length)) continue;
    const target = deleteTarget(ctx, receiver);
    if (!target) continue;
    const all = found.flatMap((f) => f.writes);
    const both = all.some((w) => w.key === 'force_parts') && all.some((w) => w.key === 'force_masters');
    for (const { splat, writes } of found) {
      const via = `\`${splat.text}\``; // no line number: the finding may sit in another statement
      for (const w of writes) {
        seen.add(w.keyNode.id);
        report(ctx, w, { target, via, receiver, both, shared: readElsewhere(ctx, call, splat, w.key) });
      }
    }
  }
}

function deleteTarget(ctx: RuleContext, receiver: Node): Target | null {
  const r = unparen(receiver);
  if (r.type === 'call' && r.childForFieldName('function')?.text === 'super') return superTarget(ctx, r);
  if (isTableOrQuery(ctx, r)) {
    const own = overrideFor(ctx.index, r, 'delete');
    return own ? { kind: 'override', owner: own.owner } : { kind: 'table' };
  }
  if (ctx.index.kindOf(r) !== 'unknown' || provenNonDataJoint(ctx, r)) return null;
  return { kind: 'unverified' };
}

/**
 * `super().delete(...)` is DataJoint's own only in a table class whose bases are all DataJoint's (`dj.Manual`); after a
 * mixin (`class T(Mixin, dj.Manual)`) or in the mixin itself, the next `delete` may be anyone's: unresolved.
 */
function superTarget(ctx: RuleContext, call: Node): Target {
  const cls = ctx.index.classOf(call);
  const bases = cls?.childForFieldName('superclasses')?.namedChildren ?? [];
  const djOnly = bases.every((b) => !!b && ctx.index.qualified(b)?.startsWith('datajoint.'));
  return cls && ctx.index.enclosingTable(call) && djOnly ? { kind: 'table' } : { kind: 'unverified' };
}

/**
 * The dict's key is read in the call's scope (`kwargs.pop("safemode")`, `kwargs["safemode"]`, `"safemode" in kwargs`):
 * renaming where it is written alone would change what that code sees.
 */
function readElsewhere(ctx: RuleContext, call: Node, splat: Node, key: string): boolean {
  const value = splat.namedChildren.find((c) => c?.type !== 'comment');
  const name = value ? unparen(value) : null;
  if (name?.type !== 'identifier') return false;
  const scope = ctx.index.scopeOf(call);
  return identifiersNamed(ctx, [name.text]).some((id) => {
    if (ctx.index.scopeOf(id)?.id !== scope?.id) return false;
    const p = id.parent;
    if (p?.type === 'subscript' && p.childForFieldName('value')?.id === id.id)
      return !subscriptWrite(p) && stringValue(unparen(p.childForFieldName('subscript') ?? p)) === key;
    if (
      p?.type === 'attribute' &&
      ['get', 'pop', 'setdefault'].includes(p.childForFieldName('attribute')?.text ?? '')
    ) {
      const first = p.parent?.type === 'call' ? p.parent.childForFieldName('arguments')?.namedChild(0) : null;
      return !!first && stringValue(unparen(first)) === key;
    }
    if (p?.type === 'comparison_operator') return p.namedChildren.some((c) => !!c && stringValue(unparen(c)) === key);
    return false;
  });
}

function report(
  ctx: RuleContext,
  w: KeyWrite,
  how: { target: Target; via: string; receiver: Node; both: boolean; shared: boolean },
): void {
  const { target, via } = how;
  const name = `\`${w.keyNode.text}\``;
  let meta: RuleMeta;
  let message: string;
  let edits: TextEdit[] | null = null;
  const v = boolLiteral(w.value);
  if (w.key === 'safemode') {
    meta = DELETE_SAFEMODE;
    message = `${name} is passed to \`delete()\` in ${via}: DataJoint 2.x calls it \`prompt\` (TypeError otherwise)`;
    edits = rename(ctx, w, 'prompt');
  } else if (how.both) {
    meta = asManual(w.key === 'force_masters' ? DELETE_FORCE_MASTERS : DELETE_FORCE_PARTS);
    message = `${name} is passed to \`delete()\` in ${via} with the other \`force_*\` key: DataJoint 2.x has one \`part_integrity\` ("ignore" for \`force_parts\`, "cascade" for \`force_masters\`); choose one`;
  } else if (v === false) {
    meta = asManual(DELETE_FORCE_PARTS);
    message = `${name} is passed to \`delete()\` in ${via}: it was removed in DataJoint 2.x (TypeError); remove the key, False is the default (\`part_integrity="enforce"\`)`;
  } else if (w.key === 'force_masters') {
    meta = v === true ? DELETE_FORCE_MASTERS : asManual(DELETE_FORCE_MASTERS);
    message = `${name} is passed to \`delete()\` in ${via}: DataJoint 2.x has \`part_integrity="cascade"\` instead, which also deletes the masters of part rows reached (review)`;
    if (v === true) edits = rename(ctx, w, 'part_integrity', quoted(w, 'cascade'));
  } else {
    meta = DELETE_FORCE_PARTS;
    message = `${name} is passed to \`delete()\` in ${via}: DataJoint 2.x has \`part_integrity="ignore"\` instead (TypeError otherwise)`;
    edits = rename(
      ctx,
      w,
      'part_integrity',
      v === true ? quoted(w, 'ignore') : `${quoted(w, 'ignore')} if ${w.value.text} else ${quoted(w, 'enforce')}`,
    );
  }
  if (target.kind === 'override' || how.shared) {
    meta = asManual(meta);
    edits = null;
    message +=
      target.kind === 'override'
        ? ` — but \`${target.owner}\` defines its own \`delete()\`, which may read the old key: migrate it by hand`
        : ' — the key is also read in this scope: rename it everywhere by hand';
  }
  ctx.report(meta, w.keyNode, {
    message,
    edits: edits ?? undefined,
    fixTitle: `Rename the key to \`${w.key === 'safemode' ? 'prompt' : 'part_integrity'}\``,
    unverified: target.kind === 'unverified',
    receiver: how.receiver,
  });
}

/** Edits renaming the key (keeping its quotes) and, if given, replacing the value. */
function rename(ctx: RuleContext, w: KeyWrite, key: string, value?: string): TextEdit[] | null {
  const content =
    w.keyNode.type === 'string' ? w.keyNode.namedChildren.find((c) => c?.type === 'string_content') : w.keyNode;
  if (!content) return null;
  const edits = [ctx.replace(content, key)];
  if (value !== undefined) edits.push(ctx.replace(w.value, value));
  return edits;
}

/** A string in the key's quotes (`"cascade"`; in `dict(k=v)`, double quotes). */
function quoted(w: KeyWrite, s: string): string {
  const q = w.keyNode.type === 'string' ? (w.keyNode.child(0)?.text.slice(-1) ?? '"') : '"';
  return `${q}${s}${q}`;
}

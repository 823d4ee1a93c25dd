// What the Migration view shows, without VS Code: which pipelines it follows before the user chose any (the
// ones the workspace's code names), and a schema's steps with the finished ones folded into one row.
import type { Pipeline } from '../map/pipeline';
import type { StepState } from './workflow';

/** A schema name as the code writes it: exactly, or only its literal end (`f"{PREFIX}_lab"` → `_lab`). */
export interface SchemaHint {
  name: string;
  exact: boolean;
}

const CALL = /\b(?:Schema|schema|virtual_schema|activate)\(\s*([^,)]*)|\bschema_name\s*=\s*([^,)]*)/g;
const LITERAL = /([rRbBuUfF]{0,2})(['"])((?:\\.|(?!\2).)*)\2/g;

/**
 * The schema names Python source gives `dj.Schema(...)`, `dj.schema(...)`, `dj.virtual_schema(...)`,
 * `<module>.activate(...)` and `schema_name=`: a plain literal exactly; an f-string, `.format` template,
 * `%` template or a concatenation by the literal text after its last placeholder. Names built entirely at run
 * time give nothing.
 */
export function schemaHints(source: string): SchemaHint[] {
  const out = new Map<string, SchemaHint>();
  for (const m of source.matchAll(CALL)) {
    const arg = (m[1] ?? m[2] ?? '').trim().replace(/^schema_name\s*=\s*/, '');
    if (/^\w+\s*=/.test(arg)) continue;
    const literals = [...arg.matchAll(LITERAL)];
    const last = literals.at(-1);
    if (!last) continue;
    const [whole, prefix, , text] = last;
    const templated = /f/i.test(prefix) || /\{[^}]*\}|%[sd]/.test(text);
    const exact = !templated && whole === arg;
    const name = exact ? text : text.replace(/^[\s\S]*(\{[^}]*\}|%[sd])/, '');
    if (name.length < 2 || !/^[\w$]+$/.test(name)) continue;
    out.set(`${exact}:${name}`, { name, exact });
  }
  return [...out.values()];
}

/** Does the code name this schema (or its parallel schema `<schema><suffix>`)? */
export function namedByCode(schema: string, hints: readonly SchemaHint[], suffix: string): boolean {
  const names = suffix ? [schema, schema + suffix] : [schema];
  // A template ending only in the suffix (`f"{name}_v2"`) or in a character or two says nothing.
  const telling = hints.filter((h) => h.exact || (h.name.length >= 3 && h.name !== suffix));
  return telling.some((h) => names.some((n) => (h.exact ? n === h.name : n.endsWith(h.name))));
}

/**
 * The pipelines the view follows before the user chose: those with a schema the workspace's code names;
 * failing that the only pipeline there is; otherwise none (every pipeline waits behind "Add pipeline…"
 * rather than every schema on the server crowding the view).
 */
export function defaultPipelines(all: readonly Pipeline[], hints: readonly SchemaHint[], suffix: string): Pipeline[] {
  const named = all.filter((p) => p.schemas.some((s) => namedByCode(s, hints, suffix)));
  if (named.length) return named;
  return all.length === 1 ? [...all] : [];
}

/** The pipelines shown and hidden, given the user's choice (undefined: never chose) and the default. */
export function followedPipelines(
  all: readonly Pipeline[],
  chosen: readonly string[] | undefined,
  byDefault: readonly Pipeline[],
): { shown: Pipeline[]; hidden: Pipeline[] } {
  const names = chosen ?? byDefault.map((p) => p.name);
  return { shown: all.filter((p) => names.includes(p.name)), hidden: all.filter((p) => !names.includes(p.name)) };
}

const FINISHED: ReadonlySet<StepState['status']> = new Set(['done', 'not-needed']);

/**
 * A schema's rows: its finished steps (done or not needed) folded into one row, which comes first, then the
 * steps still to do, in workflow order. `label` reads "4 steps done" (", 1 not needed").
 */
export function stepRows(steps: readonly StepState[]): {
  finished: StepState[];
  open: StepState[];
  label: string;
} {
  const finished = steps.filter((s) => FINISHED.has(s.status));
  const open = steps.filter((s) => !FINISHED.has(s.status));
  const done = finished.filter((s) => s.status === 'done').length;
  const notNeeded = finished.length - done;
  const parts = [];
  if (done || !notNeeded) parts.push(`${done} step${done === 1 ? '' : 's'} done`);
  if (notNeeded) parts.push(`${notNeeded} not needed`);
  return { finished, open, label: parts.join(', ') };
}

// Table definitions and headings, used to turn positional rows into dicts.
import type { TableClass } from '../../index/fileIndex';
import type { ModuleExports } from '../../index/workspace';
import { stringValue, unparen } from '../../python/syntax';
import type { RuleContext } from '../context';

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

/** What one trimmed line of a definition is, as parseDefinition reads it. */
type LineKind = 'skip' | 'divider' | 'fk' | 'index' | 'attr' | 'unknown';

function lineKind(line: string): LineKind {
  if (!line || line.startsWith('#')) return 'skip';
  if (/^(-{3,}|_{3,})/.test(line)) return 'divider';
  if (line.startsWith('->')) return 'fk';
  if (INDEX_LINE.test(line)) return 'index';
  return ATTR_LINE.test(line) ? 'attr' : 'unknown';
}

/** A tolerant parser of a 0.14.6 definition string; unrecognised lines become 'unknown' items. */
export function parseDefinition(text: string): ParsedDefinition {
  const out: ParsedDefinition = { primary: [], secondary: [] };
  let section = out.primary;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const kind = lineKind(line);
    if (kind === 'divider') section = out.secondary;
    else if (kind === 'fk') {
      const fk = FK_LINE.exec(line.replace(/\s*#.*$/, ''));
      const renames = fk ? parseRenames(fk[2]) : null;
      section.push(fk && renames ? { kind: 'fk', ref: fk[1], renames } : { kind: 'unknown', line });
    } else if (kind === 'attr') section.push({ kind: 'attr', name: ATTR_LINE.exec(line)![1] });
    else if (kind === 'unknown') section.push({ kind: 'unknown', line });
  }
  return out;
}

/**
 * What a table naming this definition in a `->` line can read of it (see headingOfSource): the definition's lines
 * without comments, blank lines and secondary attributes. A child inherits only the primary key, and a secondary
 * attribute never makes a heading unresolvable, so two definitions with the same result give every child the same
 * heading. The text of a definition as the string's value holds it (escapes resolved).
 */
export function keyedLines(text: string): string {
  const out: string[] = [];
  let secondary = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const kind = lineKind(line);
    if (kind === 'divider') secondary = true;
    if (kind === 'skip' || (secondary && kind === 'attr')) continue;
    out.push(line);
  }
  return out.join('\n');
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

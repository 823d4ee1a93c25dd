// One PEP 508 requirement inside a piece of file text, located by offsets so a fix can replace just the
// version specifier and leave the name, extras, environment marker and any comment untouched.

export interface RequirementSpan {
  /** From the first character of the name to the end of the specifier (or of the extras when unpinned). */
  start: number;
  end: number;
  /** The specifier without surrounding parentheses; an empty range where one would be inserted. */
  specStart: number;
  specEnd: number;
  spec: string;
  /** `name @ url` direct references have no specifier. */
  url?: string;
}

const NAME_RE = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/y;

/** PEP 503 normalisation: `DataJoint`, `data_joint` and `data.joint` name different projects than `datajoint` only by spelling. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Parses `text[from, to)` as one requirement for the project `project` (normalised name).
 * Returns undefined if it is another project or not a requirement at all (free text, a path …).
 */
export function parseRequirementAt(
  text: string,
  from: number,
  to: number,
  project = 'datajoint',
): RequirementSpan | undefined {
  let i = skipSpace(text, from, to);
  NAME_RE.lastIndex = i;
  const m = NAME_RE.exec(text);
  if (!m || m.index !== i || i + m[0].length > to) return undefined;
  if (normalizeName(m[0]) !== project) return undefined;
  const start = i;
  i += m[0].length;
  let afterName = i;
  i = skipSpace(text, i, to);
  if (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || close >= to) return undefined;
    i = close + 1;
    afterName = i;
    i = skipSpace(text, i, to);
  }
  const markerAt = indexOrEnd(text, ';', i, to);
  if (text[i] === '@') {
    const url = text.slice(i + 1, markerAt).trim();
    if (!url) return undefined;
    return { start, end: trimEnd(text, i, markerAt), specStart: afterName, specEnd: afterName, spec: '', url };
  }
  const specEndRaw = trimEnd(text, i, markerAt);
  if (specEndRaw === i) return { start, end: afterName, specStart: afterName, specEnd: afterName, spec: '' };
  let specStart = i;
  let specEnd = specEndRaw;
  if (text[specStart] === '(') {
    if (text[specEnd - 1] !== ')') return undefined;
    specStart = skipSpace(text, specStart + 1, specEnd - 1);
    specEnd = trimEnd(text, specStart, specEnd - 1);
  }
  const spec = text.slice(specStart, specEnd);
  if (!/^[<>=!~]/.test(spec)) return undefined;
  return { start, end: specEndRaw, specStart, specEnd, spec };
}

function skipSpace(text: string, i: number, to: number): number {
  while (i < to && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function trimEnd(text: string, from: number, to: number): number {
  while (to > from && /\s/.test(text[to - 1])) to--;
  return to;
}

function indexOrEnd(text: string, ch: string, from: number, to: number): number {
  const k = text.indexOf(ch, from);
  return k < 0 || k > to ? to : k;
}

// Reads a DataJoint definition string line by line, the way declare.py does, keeping UTF-16 offsets
// into the text so findings can point at (and replace) exactly one type token.
//
// The text may come from an f-string: each interpolation arrives replaced by a placeholder `{…}` of
// arbitrary content. Placeholders are opaque: scanning steps over them (so a `:` or `#` inside one is
// never taken as syntax), and a span that contains one is never edited.

export interface Span {
  start: number;
  end: number;
}

export type DefinitionLine =
  | { kind: 'tableComment' | 'comment'; span: Span }
  | { kind: 'divider'; span: Span /** the marker as written: '---' (2.x) or '___' (0.14.6 only) */; marker: string }
  | { kind: 'foreignKey'; span: Span; inKey: boolean }
  | { kind: 'index'; span: Span }
  | { kind: 'attribute'; span: Span; attr: AttributeLine }
  | { kind: 'unparsed'; span: Span };

export interface AttributeLine {
  inKey: boolean;
  name: Span & { text: string };
  default?: Span & { text: string };
  type: Span & { text: string };
  comment?: Span & { text: string };
  /** True when the type token contains a placeholder (its real value is only known at run time). */
  dynamicType: boolean;
}

/** What `\s` matches, without a regular expression per character (definitions are read on every analysis). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const INDEX_LINE = /^(unique\s+)?index\s*\(.*\)\s*(#.*)?$/i;

export function readDefinition(text: string): DefinitionLine[] {
  const out: DefinitionLine[] = [];
  let inKey = true;
  let seenContent = false;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    const line = text.slice(start, end);
    const span = { start, end };
    if (line !== '') {
      if (line.startsWith('#')) {
        out.push({ kind: seenContent ? 'comment' : 'tableComment', span });
      } else if (line.startsWith('---') || line.startsWith('___')) {
        out.push({
          kind: 'divider',
          span: { start, end: start + (/^[-_]+/.exec(line)?.[0].length ?? 3) },
          marker: line.slice(0, 3),
        });
        inKey = false;
      } else if (isForeignKey(line)) {
        out.push({ kind: 'foreignKey', span, inKey });
      } else if (INDEX_LINE.test(line)) {
        out.push({ kind: 'index', span });
      } else {
        const attr = readAttribute(text, start, end, inKey);
        out.push(attr ? { kind: 'attribute', span, attr } : { kind: 'unparsed', span });
      }
      seenContent = true;
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

/** declare.py `is_foreign_key`: `->` with no quote or `#` before it. */
function isForeignKey(line: string): boolean {
  const arrow = line.indexOf('->');
  return arrow >= 0 && !/["#']/.test(line.slice(0, arrow));
}

/**
 * Index of the first character in `stops` at or after `from` (before `end`) that is outside quotes and
 * placeholders, or -1.
 */
function scanTo(text: string, from: number, end: number, stops: '=:' | ':' | '#'): number {
  // Character codes, not one-character strings looked up in `stops`: this runs over every attribute line.
  const a = stops.charCodeAt(0);
  const b = stops.charCodeAt(stops.length - 1);
  let quote = 0;
  for (let i = from; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === OPEN_BRACE) {
      i = skipPlaceholder(text, i, end) - 1;
    } else if (ch === DOUBLE_QUOTE || ch === SINGLE_QUOTE) {
      quote = ch;
    } else if (ch === a || ch === b) {
      return i;
    }
  }
  return -1;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** The offset just after the placeholder that opens at `open` (balanced braces), or `end`. */
function skipPlaceholder(text: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === OPEN_BRACE) depth++;
    else if (ch === CLOSE_BRACE && --depth === 0) return i + 1;
  }
  return end;
}

function trimmed(text: string, start: number, end: number): Span & { text: string } {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return { start, end, text: text.slice(start, end) };
}

/** `name [= default] : type [# comment]` (declare.py attribute_parser). Null if the line has no `:`. */
function readAttribute(text: string, start: number, end: number, inKey: boolean): AttributeLine | null {
  const nameEnd = scanTo(text, start, end, '=:');
  if (nameEnd < 0) return null;
  const name = trimmed(text, start, nameEnd);
  let colon = nameEnd;
  let dflt: (Span & { text: string }) | undefined;
  if (text[nameEnd] === '=') {
    colon = scanTo(text, nameEnd + 1, end, ':');
    if (colon < 0) return null;
    dflt = trimmed(text, nameEnd + 1, colon);
  }
  let typeStart = colon + 1;
  while (typeStart < end && isSpace(text.charCodeAt(typeStart))) typeStart++;
  let typeEnd: number;
  if (text[typeStart] === '<') {
    const close = text.indexOf('>', typeStart);
    typeEnd = close >= 0 && close < end ? close + 1 : end;
  } else {
    const hash = scanTo(text, typeStart, end, '#');
    typeEnd = hash < 0 ? end : hash;
  }
  const type = trimmed(text, typeStart, typeEnd);
  const hash = scanTo(text, type.end, end, '#');
  const comment = hash >= 0 ? trimmed(text, hash + 1, end) : undefined;
  return { inKey, name, default: dflt, type, comment, dynamicType: type.text.includes('{') };
}

// JSON config text: parse with a clear, positioned error, and find where each property sits so a
// finding can point at the key it is about.

export type JsonPath = string[];

export interface JsonSyntaxError {
  message: string;
  offset: number;
  line: number;
  column: number;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const raw = (e as Error).message;
    const at = /position (\d+)/.exec(raw);
    let offset = at ? Number(at[1]) : text.length;
    if (!at && /Unexpected end/i.test(raw)) offset = text.length;
    offset = Math.min(offset, text.length);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    const message = raw.replace(/^JSON\.parse: /, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    return { ok: false, error: { message, offset, line, column } };
  }
}

export interface PropertyRange {
  /** Offsets of the key, quotes included. */
  keyStart: number;
  keyEnd: number;
  /** End of the value. */
  valueEnd: number;
}

/** Ranges of every object property, keyed by `JSON.stringify(path)`. Only call on text that parses. */
export function propertyRanges(text: string): Map<string, PropertyRange> {
  const out = new Map<string, PropertyRange>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: JsonPath): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const keyStart = i;
        const key = str();
        const keyEnd = i;
        ws();
        i++; // ':'
        value([...path, key]);
        out.set(JSON.stringify([...path, key]), { keyStart, keyEnd, valueEnd: i });
        ws();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value([...path, String(n)]);
        ws();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') {
      str();
      return;
    }
    while (i < text.length && /[^\s,\]}]/.test(text[i])) i++;
  };
  value([]);
  return out;
}

// Minimal edits of a notebook's JSON text: only the "source" values of changed cells are replaced, so every
// other byte (formatting, key order, escapes, untouched cells such as an empty `"source": []`) stays as it was.

type Span = [number, number];

/** Offsets of each cell's "source" value in the notebook text (null where a cell has none). */
export function sourceSpans(json: string): Array<Span | null> {
  const top = members(json, skipWs(json, 0));
  const cells = top.get('cells');
  if (!cells) throw new Error('no "cells" array');
  return items(json, cells[0]).map(([start]) => members(json, start).get('source') ?? null);
}

/**
 * Replace the sources of some cells (cell index → new source text), writing each in the form it had: a list of
 * lines (indented like the original list, or as Jupyter writes it) or a single string.
 */
export function replaceSources(json: string, changed: Map<number, string>, indentUnit: number): string {
  const spans = sourceSpans(json);
  const edits = [...changed]
    .map(([cell, source]) => {
      const span = spans[cell];
      if (!span) throw new Error(`cell ${cell + 1} has no "source"`);
      return { span, text: serialise(json, span, source, indentUnit) };
    })
    .sort((a, b) => b.span[0] - a.span[0]);
  let out = json;
  for (const { span, text } of edits) out = out.slice(0, span[0]) + text + out.slice(span[1]);
  return out;
}

function serialise(json: string, [start, end]: Span, source: string, unit: number): string {
  const old = json.slice(start, end);
  if (!old.startsWith('[')) return JSON.stringify(source);
  const lines = source.split(/(?<=\n)/).filter((l) => l !== '');
  if (!lines.length) return '[]';
  const lineStart = json.lastIndexOf('\n', start) + 1;
  const keyIndent = /^[ \t]*/.exec(json.slice(lineStart))![0];
  const open = /^\[([ \t]*\r?\n?[ \t]*)/.exec(old)![1];
  const close = /([ \t]*\r?\n?[ \t]*)\]$/.exec(old)![1];
  const multiline = old.length > 2 ? open.includes('\n') : true;
  if (!multiline) return `[${lines.map((l) => JSON.stringify(l)).join(', ')}]`;
  const eol = json.includes('\r\n') ? '\r\n' : '\n';
  const inner = old.length > 2 ? open.replace(/^\r?\n/, '') : keyIndent + ' '.repeat(unit);
  const after = old.length > 2 ? close.replace(/^\r?\n/, '') : keyIndent;
  return `[${eol}${lines.map((l) => inner + JSON.stringify(l)).join(`,${eol}`)}${eol}${after}]`;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && ' \t\r\n'.includes(s[i])) i++;
  return i;
}

function stringEnd(s: string, i: number): number {
  let k = i + 1;
  while (k < s.length && s[k] !== '"') k += s[k] === '\\' ? 2 : 1;
  if (k >= s.length) throw new Error('unterminated string');
  return k + 1;
}

/** End offset of the JSON value starting at i. */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    let k = skipWs(s, i + 1);
    if (s[k] === close) return k + 1;
    for (;;) {
      if (c === '{') {
        k = skipWs(s, stringEnd(s, k));
        if (s[k] !== ':') throw new Error(`expected ":" at offset ${k}`);
        k = skipWs(s, k + 1);
      }
      k = skipWs(s, valueEnd(s, k));
      if (s[k] === close) return k + 1;
      if (s[k] !== ',') throw new Error(`expected "," at offset ${k}`);
      k = skipWs(s, k + 1);
    }
  }
  const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 64));
  if (!m) throw new Error(`unexpected character at offset ${i}`);
  return i + m[0].length;
}

function members(s: string, i: number): Map<string, Span> {
  const out = new Map<string, Span>();
  if (s[i] !== '{') throw new Error(`expected an object at offset ${i}`);
  let k = skipWs(s, i + 1);
  if (s[k] === '}') return out;
  for (;;) {
    const keyEnd = stringEnd(s, k);
    const key = JSON.parse(s.slice(k, keyEnd)) as string;
    k = skipWs(s, keyEnd);
    if (s[k] !== ':') throw new Error(`expected ":" at offset ${k}`);
    k = skipWs(s, k + 1);
    const end = valueEnd(s, k);
    out.set(key, [k, end]);
    k = skipWs(s, end);
    if (s[k] === '}') return out;
    if (s[k] !== ',') throw new Error(`expected "," at offset ${k}`);
    k = skipWs(s, k + 1);
  }
}

function items(s: string, i: number): Span[] {
  const out: Span[] = [];
  if (s[i] !== '[') throw new Error(`expected an array at offset ${i}`);
  let k = skipWs(s, i + 1);
  if (s[k] === ']') return out;
  for (;;) {
    const end = valueEnd(s, k);
    out.push([k, end]);
    k = skipWs(s, end);
    if (s[k] === ']') return out;
    if (s[k] !== ',') throw new Error(`expected "," at offset ${k}`);
    k = skipWs(s, k + 1);
  }
}

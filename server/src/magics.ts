// IPython magics in a notebook cell, replaced by Python of exactly the same length so that every offset of the
// analysed text is the offset in the cell (findings and fixes map back byte for byte):
//   %time / %timeit / %prun <statement>  → `0;` + spaces, then the statement, which is analysed;
//   %%time / %%timeit / %%prun / %%capture → the first line becomes a comment, the Python body is analysed;
//   every other magic line (%pip, %cd, %matplotlib ...), shell line (!pip ...) and help line (obj?, ??obj) → a comment;
//   any other cell magic (%%bash, %%sh, %%writefile, %%html ...) → the whole cell becomes comments.

/** [replacement, original] pairs, in order: a whole line for comments, the line's prefix for stubbed magics. */
export type Magics = Array<[string, string]>;

/** Options that take a value, per line magic whose argument is a Python statement. */
const PYTHON_LINE_MAGICS: Record<string, string> = { time: '', timeit: 'nrp', prun: 'slTD' };
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'prun', 'capture']);
// A magic or shell line, or IPython help on a name (`dj.Diagram?`, `??schema.spawn_missing_classes`).
const MAGIC_LINE = /^([ \t]*)([%!].*|\?{1,2}[A-Za-z_][\w.]*[ \t]*|[A-Za-z_][\w.]*\?{1,2}[ \t]*)$/gm;
const COMPOUND = /^(?:for|while|if|with|try|def|class|async|elif|else|except|finally|match)\b|^@/;

export function pythonOfCell(source: string): { python: string; magics: Magics } {
  const magics: Magics = [];
  const cellMagic = /^%%(\w+)/.exec(source.replace(/^\s*\n/, ''))?.[1];
  const wholeCell = cellMagic !== undefined && !PYTHON_CELL_MAGICS.has(cellMagic);
  const python = source.replace(wholeCell ? /^([ \t]*)(\S.*)$/gm : MAGIC_LINE, (line, ws: string, rest) => {
    const stub = wholeCell ? null : statementAfterMagic(rest);
    if (stub !== null) {
      magics.push([ws + stub, ws + rest.slice(0, stub.length)]);
      return ws + stub + rest.slice(stub.length);
    }
    const b = `${ws}#${rest.slice(1)}`;
    magics.push([b, line]);
    return b;
  });
  return { python, magics };
}

/** For `%timeit -n 10 f(x)`: the same-length no-op prefix replacing `%timeit -n 10 `; null if no statement follows. */
function statementAfterMagic(line: string): string | null {
  const m = /^%(\w+)/.exec(line);
  const valued = m ? PYTHON_LINE_MAGICS[m[1]] : undefined;
  if (valued === undefined) return null;
  let at = m![0].length;
  for (;;) {
    const opt = /^[ \t]+-(\w)/.exec(line.slice(at));
    if (!opt) break;
    at += opt[0].length;
    if (valued.includes(opt[1])) {
      const value = /^[ \t]*[^\s]+/.exec(line.slice(at));
      if (!value) return null;
      at += value[0].length;
    }
  }
  const ws = /^[ \t]+/.exec(line.slice(at));
  if (!ws) return null;
  at += ws[0].length;
  const statement = line.slice(at);
  if (!statement.trim() || statement.startsWith('#') || COMPOUND.test(statement)) return null;
  return `0;${' '.repeat(at - 2)}`;
}

/** The cell's source again: each replacement (at a line start, in order) gives way to its original text. */
export function restoreMagics(src: string, magics: Magics): string {
  let out = '';
  let rest = src;
  for (const [replacement, original] of magics) {
    const lineStart = out === '' || out.endsWith('\n');
    const at = lineStart && rest.startsWith(replacement) ? 0 : rest.indexOf(`\n${replacement}`) + 1;
    if (at === 0 && !(lineStart && rest.startsWith(replacement))) continue; // edited away by a fix: leave it
    out += rest.slice(0, at) + original;
    rest = rest.slice(at + replacement.length);
  }
  return out + rest;
}

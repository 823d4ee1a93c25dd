// setup.py is Python code first (it may import DataJoint and declare schemas, so every Python rule applies);
// it is also a packaging file when it calls `setup(...)`, and then only its dependency declarations —
// `install_requires=`, `extras_require=`, `setup_requires=`, `tests_require=` (or the same keys of a dict
// passed as `**kwargs`), and module-level lists those name — hold requirements. `name`, `author`,
// `description`, `keywords`, `classifiers`, URLs and comments never do.
import path from 'node:path';

const DEP_KEYS = 'install_requires|extras_require|setup_requires|tests_require';
const SETUP_CALL = /(?:^|[^\w.])(?:setuptools\.|distutils\.core\.)?setup\s*\(/m;

/** A setup.py that calls `setup(...)`: a packaging file besides Python code. */
export function isPackagingScript(file: string, text: string): boolean {
  return path.basename(file).toLowerCase() === 'setup.py' && callsSetup(text);
}

export function callsSetup(text: string): boolean {
  for (const m of text.matchAll(new RegExp(SETUP_CALL.source, 'gm'))) {
    const before = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index + m[0].length);
    if (!/^\s*def\s/.test(before) && !before.includes('#')) return true;
  }
  return false;
}

/** Ranges of the text holding dependency declarations (values of the keys above, and the lists they name). */
export function dependencyRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const named = new Set<string>();
  const key = new RegExp(`(?:\\b(?:${DEP_KEYS})\\s*=|["'](?:${DEP_KEYS})["']\\s*:)\\s*`, 'g');
  for (const m of text.matchAll(key)) {
    if (inComment(text, m.index)) continue;
    const start = m.index + m[0].length;
    const end = expressionEnd(text, start);
    ranges.push([start, end]);
    for (const id of text.slice(start, end).matchAll(/(?<![\w."'])([A-Za-z_]\w*)(?![\w("'])/g)) named.add(id[1]);
  }
  // Module-level `REQUIRED = [...]` (or `+=`) lists passed by name.
  for (const name of named) {
    for (const m of text.matchAll(new RegExp(`^${name}\\s*\\+?=\\s*`, 'gm'))) {
      const start = m.index + m[0].length;
      ranges.push([start, expressionEnd(text, start)]);
    }
  }
  return ranges;
}

function inComment(text: string, at: number): boolean {
  const line = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  return stripStrings(line).includes('#');
}

function stripStrings(s: string): string {
  return s.replace(/(["'])(?:\\.|(?!\1)[^\\])*\1/g, '""');
}

/** End of the Python expression starting at `start`: brackets balanced, strings and comments skipped. */
function expressionEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let k = i + q.length;
      while (k < text.length && !text.startsWith(q, k)) k += text[k] === '\\' ? 2 : 1;
      i = k + q.length;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return i;
      depth--;
    } else if ((c === ',' || c === '\n') && depth === 0) return i;
    i++;
  }
  return text.length;
}

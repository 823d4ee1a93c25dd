// Where a file pins `datajoint`: requirements*.txt, pyproject.toml (PEP 621, PEP 735 groups, Poetry),
// setup.cfg, setup.py and conda environment files (including their `pip:` section). Each site carries the
// offsets of its version specifier so the rules can replace exactly that text.
import path from 'node:path';
import { parseRequirementAt, normalizeName, type RequirementSpan } from './requirement';
import { dependencyRanges } from './setupScript';
import type { Dialect } from './versionSpec';

export type PinFileKind = 'requirements' | 'pyproject' | 'setup.cfg' | 'setup.py' | 'conda';

export interface PinSite extends RequirementSpan {
  dialect: Dialect;
  /** The version is also fixed by `--hash` options: editing the version alone would break the install. */
  hashPinned: boolean;
  /** Human-readable place, e.g. `[project] dependencies` or `conda pip:`. */
  where: string;
}

export function pinFileKind(file: string): PinFileKind | undefined {
  const base = path.basename(file).toLowerCase();
  if (base === 'pyproject.toml') return 'pyproject';
  if (base === 'setup.cfg') return 'setup.cfg';
  if (base === 'setup.py') return 'setup.py';
  if (/^(environment|env|conda)([-_.][\w.-]*)?\.ya?ml$/.test(base)) return 'conda';
  if (
    /^requirements.*\.(txt|in)$/.test(base) ||
    /\.requirements\.txt$/.test(base) ||
    /^(dev|test|docs)-requirements\.txt$/.test(base)
  )
    return 'requirements';
  if (base.endsWith('.txt') && /(^|[/\\])requirements[/\\]/.test(file)) return 'requirements';
  return undefined;
}

export function locateDataJointPins(file: string, text: string): PinSite[] {
  switch (pinFileKind(file)) {
    case 'requirements':
      return inRequirementsTxt(text);
    case 'pyproject':
      return inPyproject(text);
    case 'setup.cfg':
      return inSetupCfg(text);
    case 'setup.py':
      return inSetupPy(text);
    case 'conda':
      return inConda(text);
    default:
      return [];
  }
}

// ---- requirements.txt ------------------------------------------------------------------------------

function inRequirementsTxt(text: string): PinSite[] {
  const sites: PinSite[] = [];
  for (const line of logicalLines(text)) {
    const s = line.text;
    const hashPinned = /(^|\s)--hash[=\s]/.test(s);
    const first = s.search(/\S/);
    if (first < 0 || s[first] === '#') continue;
    // `-e git+https://…#egg=datajoint` or a bare URL with an egg fragment.
    const egg =
      /(?:^|\s)(?:-e\s+|--editable[=\s]+)?((?:git\+|hg\+|svn\+|bzr\+|https?:|file:)\S*#(?:\S*&)?egg=([A-Za-z0-9._-]+)\S*)/.exec(
        s,
      );
    if (egg && normalizeName(egg[2]) === 'datajoint') {
      const at = s.indexOf(egg[1]);
      const start = line.map(at);
      const end = line.mapEnd(at + egg[1].length);
      sites.push({
        start,
        end,
        specStart: end,
        specEnd: end,
        spec: '',
        url: egg[1],
        dialect: 'pep440',
        hashPinned,
        where: 'requirements file',
      });
      continue;
    }
    if (s[first] === '-') continue; // -r, -c, --index-url …
    const stop = s.slice(first).search(/\s(#|--?[A-Za-z])/);
    const to = stop < 0 ? s.length : first + stop;
    const req = parseRequirementAt(s, first, to);
    if (!req) continue;
    sites.push(mapSpan(req, line, { dialect: 'pep440', hashPinned, where: 'requirements file' }));
  }
  return sites;
}

interface LogicalLine {
  text: string;
  map(i: number): number;
  mapEnd(i: number): number;
}

/** Joins `\`-continued lines as pip does, keeping a map back to offsets in the original text. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let buf = '';
  let pos: number[] = [];
  const flush = () => {
    const p = pos;
    const t = buf;
    out.push({
      text: t,
      map: (i) => (i < p.length ? p[i] : p.length ? p[p.length - 1] + 1 : 0),
      mapEnd: (i) => (i === 0 ? (p[0] ?? 0) : p[i - 1] + 1),
    });
    buf = '';
    pos = [];
  };
  let i = 0;
  while (i <= text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    let lineEnd = end > i && text[end - 1] === '\r' ? end - 1 : end;
    const continued = lineEnd > i && text[lineEnd - 1] === '\\';
    if (continued) lineEnd -= 1;
    for (let k = i; k < lineEnd; k++) {
      buf += text[k];
      pos.push(k);
    }
    if (!continued || nl < 0) flush();
    if (nl < 0) break;
    i = nl + 1;
  }
  return out;
}

function mapSpan(req: RequirementSpan, line: LogicalLine, rest: Omit<PinSite, keyof RequirementSpan>): PinSite {
  const specStart = req.specStart === req.specEnd ? line.mapEnd(req.specStart) : line.map(req.specStart);
  return {
    ...req,
    start: line.map(req.start),
    end: line.mapEnd(req.end),
    specStart,
    specEnd: req.specStart === req.specEnd ? specStart : line.mapEnd(req.specEnd),
    ...rest,
  };
}

// ---- pyproject.toml ---------------------------------------------------------------------------------

interface TomlString {
  table: string;
  /** The key of the top-level `key = …` line the string belongs to. */
  lineKey?: string;
  /** The key directly assigned this string inside an inline table (`{ version = "…" }`). */
  innerKey?: string;
  /** Bracket/brace nesting at the string: 0 for `key = "…"` directly. */
  depth: number;
  /** Content offsets (inside the quotes). */
  start: number;
  end: number;
}

const POETRY_DEPS = /^tool\.poetry\.(dependencies|dev-dependencies|group\.[^.]+\.dependencies)$/;

function inPyproject(text: string): PinSite[] {
  const sites: PinSite[] = [];
  for (const s of tomlStrings(text)) {
    const table = s.table.replace(/\s+/g, '').replace(/"/g, '');
    if (table === 'tool.dj-migrate') continue;
    const poetryTable = POETRY_DEPS.test(table);
    const poetrySubtable =
      table.startsWith('tool.poetry.') &&
      table.endsWith('.datajoint') &&
      POETRY_DEPS.test(table.slice(0, -'.datajoint'.length));
    if (poetryTable || poetrySubtable) {
      const depName = poetrySubtable ? 'datajoint' : s.lineKey;
      if (!depName || normalizeName(depName) !== 'datajoint') continue;
      const key = poetrySubtable ? s.lineKey : s.innerKey;
      const where = `[${table}]`;
      if (s.depth > 0 && key === undefined) continue; // e.g. the extras list of an inline table
      if (key === undefined || key === 'version') {
        const spec = text.slice(s.start, s.end);
        sites.push({
          start: s.start,
          end: s.end,
          specStart: s.start,
          specEnd: s.end,
          spec,
          dialect: 'poetry',
          hashPinned: false,
          where,
        });
      } else if (key === 'git' || key === 'url' || key === 'path') {
        sites.push({
          start: s.start,
          end: s.end,
          specStart: s.end,
          specEnd: s.end,
          spec: '',
          url: text.slice(s.start, s.end),
          dialect: 'poetry',
          hashPinned: false,
          where,
        });
      }
      continue;
    }
    if (table.startsWith('tool.poetry') || !pep508Declaration(table, s.lineKey)) continue;
    const req = parseRequirementAt(text, s.start, s.end);
    if (req && req.end <= s.end)
      sites.push({
        ...req,
        dialect: 'pep440',
        hashPinned: false,
        where: `[${table || 'top level'}]${s.lineKey ? ' ' + s.lineKey : ''}`,
      });
  }
  return sites;
}

/**
 * Where pyproject.toml lists PEP 508 requirements: `[project] dependencies` and `optional-dependencies`,
 * PEP 735 `[dependency-groups]`, PDM's dev-dependencies, Hatch environments' (extra-)dependencies and uv's
 * dependency lists. Never `name`, `authors`, `keywords`, `description`, `classifiers` or URLs.
 */
function pep508Declaration(table: string, key: string | undefined): boolean {
  if (table === 'project') return key === 'dependencies' || key === 'optional-dependencies';
  if (table === 'project.optional-dependencies' || table === 'dependency-groups') return true;
  if (table === 'tool.pdm.dev-dependencies') return true;
  if (table === 'tool.pdm') return key === 'dev-dependencies';
  if (/^tool\.hatch\.envs\.[^.]+$/.test(table)) return key === 'dependencies' || key === 'extra-dependencies';
  if (table === 'tool.uv') return !!key && /^(dev|constraint|override)-dependencies$/.test(key);
  return false;
}

/**
 * Single-line TOML strings with the table and keys they belong to. Multi-line strings and strings with
 * escapes are skipped: a requirement never needs them, and their offsets would not map 1:1.
 */
function tomlStrings(text: string): TomlString[] {
  const out: TomlString[] = [];
  let table = '';
  let lineKey: string | undefined;
  let depth = 0;
  let lineStart = true;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      i = lineEnd(text, i);
      continue;
    }
    if (lineStart && depth === 0) {
      lineStart = false;
      if (c === '[') {
        const close = text.indexOf(']', i);
        const eol = lineEnd(text, i);
        if (close < 0 || close > eol) return out; // broken header: stop rather than guess
        table = text.slice(i, close).replace(/^\[+/, '').trim();
        lineKey = undefined;
        i = close + 1;
        while (text[i] === ']') i++;
        continue;
      }
      const key = /^("([^"\\\n]*)"|'([^'\n]*)'|[A-Za-z0-9_.-]+)\s*=/.exec(text.slice(i, lineEnd(text, i)));
      if (key) {
        lineKey = key[2] ?? key[3] ?? key[1];
        i += key[0].length;
        continue;
      }
    }
    lineStart = false;
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      const q = text.slice(i, i + 3);
      const close = text.indexOf(q, i + 3);
      i = close < 0 ? text.length : close + 3;
      continue;
    }
    if (c === '"' || c === "'") {
      let k = i + 1;
      let escaped = false;
      while (k < text.length && text[k] !== c && text[k] !== '\n') {
        if (c === '"' && text[k] === '\\') {
          escaped = true;
          k++;
        }
        k++;
      }
      if (text[k] === c && !escaped) {
        const before = text.slice(
          Math.max(text.lastIndexOf('{', i), text.lastIndexOf(',', i), text.lastIndexOf('\n', i)) + 1,
          i,
        );
        const inner = depth > 0 ? /([A-Za-z0-9_-]+)\s*=\s*$/.exec(before)?.[1] : undefined;
        out.push({ table, lineKey, innerKey: inner, depth, start: i + 1, end: k });
      }
      i = k + 1;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    i++;
  }
  return out;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

// ---- setup.cfg / setup.py ---------------------------------------------------------------------------

function inSetupCfg(text: string): PinSite[] {
  const sites: PinSite[] = [];
  let section = '';
  let key: string | undefined;
  let offset = 0;
  for (const raw of text.split('\n')) {
    const lineStartAt = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1].trim();
      key = undefined;
      continue;
    }
    if (/^\s*([#;]|$)/.test(line)) continue;
    let from: number;
    const kv = /^([A-Za-z0-9_.-]+)\s*[=:]\s*/.exec(line);
    if (kv && !/^\s/.test(line)) {
      key = kv[1];
      from = kv[0].length;
    } else if (/^\s/.test(line) && key) {
      from = line.search(/\S/);
    } else continue;
    const relevant = (section === 'options' && /requires$/.test(key)) || section === 'options.extras_require';
    if (!relevant) continue;
    const hash = line.slice(from).search(/\s#/);
    const to = hash < 0 ? line.length : from + hash;
    const req = parseRequirementAt(line, from, to);
    if (req)
      sites.push(shift(req, lineStartAt, { dialect: 'pep440', hashPinned: false, where: `[${section}] ${key}` }));
  }
  return sites;
}

function inSetupPy(text: string): PinSite[] {
  const sites: PinSite[] = [];
  const re = /(["'])((?:(?!\1)[^\\\n])*)\1/g;
  const ranges = dependencyRanges(text);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (text.startsWith(m[1].repeat(3), m.index)) {
      const close = text.indexOf(m[1].repeat(3), m.index + 3);
      re.lastIndex = close < 0 ? text.length : close + 3;
      continue;
    }
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (text.slice(lineStart, m.index).includes('#')) {
      re.lastIndex = lineEnd(text, m.index);
      continue;
    }
    const start = m.index + 1;
    if (!ranges.some(([a, b]) => a <= start && start < b)) continue;
    const end = start + m[2].length;
    const req = parseRequirementAt(text, start, end);
    if (req) sites.push({ ...req, dialect: 'pep440', hashPinned: false, where: 'setup.py dependencies' });
  }
  return sites;
}

// ---- conda environment.yml ----------------------------------------------------------------------------

function inConda(text: string): PinSite[] {
  const sites: PinSite[] = [];
  let offset = 0;
  let pipIndent = -1;
  // Only the items of the top-level `dependencies:` list (not `channels:`, `name:` or comments).
  let inDependencies = false;
  for (const raw of text.split('\n')) {
    const lineStartAt = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    const top = /^([A-Za-z_][\w-]*)\s*:/.exec(line);
    if (top) inDependencies = top[1] === 'dependencies';
    const item = /^(\s*)-\s+/.exec(line);
    if (!item || !inDependencies) {
      if (/^\S/.test(line)) pipIndent = -1;
      continue;
    }
    const indent = item[1].length;
    if (pipIndent >= 0 && indent <= pipIndent) pipIndent = -1;
    let from = item[0].length;
    let to = line.length;
    const comment = line.slice(from).search(/(^|\s)#/);
    if (comment >= 0) to = from + comment;
    while (to > from && /\s/.test(line[to - 1])) to--;
    if (/^pip\s*:\s*$/.test(line.slice(from, to))) {
      pipIndent = indent;
      continue;
    }
    if ((line[from] === '"' || line[from] === "'") && line[to - 1] === line[from]) {
      from++;
      to--;
    }
    if (pipIndent >= 0) {
      const req = parseRequirementAt(line, from, to);
      if (req)
        sites.push(shift(req, lineStartAt, { dialect: 'pep440', hashPinned: false, where: 'conda pip: section' }));
      continue;
    }
    const conda = condaRequirement(line, from, to);
    if (conda)
      sites.push(shift(conda, lineStartAt, { dialect: 'conda', hashPinned: false, where: 'conda dependencies' }));
  }
  return sites;
}

/** `[channel::]datajoint[ ][=|==|>=…]version…` */
function condaRequirement(line: string, from: number, to: number): RequirementSpan | undefined {
  const m = /^(?:[A-Za-z0-9_./:-]+::)?([A-Za-z0-9._-]+?)(?=[\s=<>!~]|$)/.exec(line.slice(from, to));
  if (!m || normalizeName(m[1]) !== 'datajoint') return undefined;
  const start = from;
  const nameEnd = from + m[0].length;
  let specStart = nameEnd;
  while (specStart < to && line[specStart] === ' ') specStart++;
  if (specStart >= to) return { start, end: nameEnd, specStart: nameEnd, specEnd: nameEnd, spec: '' };
  return { start, end: to, specStart, specEnd: to, spec: line.slice(specStart, to) };
}

function shift(req: RequirementSpan, by: number, rest: Omit<PinSite, keyof RequirementSpan>): PinSite {
  return {
    ...req,
    start: req.start + by,
    end: req.end + by,
    specStart: req.specStart + by,
    specEnd: req.specEnd + by,
    ...rest,
  };
}

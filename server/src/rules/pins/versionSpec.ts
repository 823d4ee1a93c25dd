// Version specifiers in the three dialects a DataJoint pin is written in (PEP 440 for pip, Poetry's
// caret/tilde, conda match specs), reduced to one form: a union of intersections of comparisons.
// Only what the pin rules need: whether a spec admits a given release, and which bounds to keep.

export type Dialect = 'pep440' | 'poetry' | 'conda';

export interface Version {
  release: number[];
  /** A pre-release (a, b, rc) or dev release sorts before the final release of the same number. */
  pre: boolean;
}

export type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Clause {
  op: Op;
  version: Version;
  /** `==2.0.*` / `!=0.14.*`: compares only the first `version.release.length` numbers. */
  prefix: boolean;
}

/** A spec: any of the alternatives, each of which requires all its clauses. Unparseable → undefined. */
export type Spec = Clause[][];

const VERSION_RE =
  /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview|dev)[-_.]?\d*)?(?:[-_.]?post\d*)?(?:\+[a-z0-9.]+)?$/i;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { release: m[1].split('.').map(Number), pre: m[2] !== undefined };
}

export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (a.pre !== b.pre) return a.pre ? -1 : 1;
  return 0;
}

export function formatVersion(v: Version): string {
  return v.release.join('.');
}

function samePrefix(v: Version, prefix: Version): boolean {
  return prefix.release.every((n, i) => (v.release[i] ?? 0) === n);
}

export function clauseAdmits(c: Clause, v: Version): boolean {
  if (c.prefix) return c.op === '==' ? samePrefix(v, c.version) : !samePrefix(v, c.version);
  const d = compareVersions(v, c.version);
  switch (c.op) {
    case '==':
      return d === 0;
    case '!=':
      return d !== 0;
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
  }
}

export function specAdmits(spec: Spec, v: Version): boolean {
  return spec.some((all) => all.every((c) => clauseAdmits(c, v)));
}

/** Parses `text` in `dialect`; an empty text is the unconstrained spec `[[]]`. */
export function parseSpec(text: string, dialect: Dialect): Spec | undefined {
  let t = text.trim();
  if (t === '' || t === '*') return [[]];
  // `conda env export` writes `=VERSION=BUILD` (or `VERSION BUILD`): an exact version of one build.
  const build = dialect === 'conda' ? /^(?:==?)?(\d[^=\s,|<>!*]*)(?:=|\s+)[A-Za-z0-9_.*]+$/.exec(t) : null;
  if (build) t = `==${build[1]}`;
  const alternatives = dialect === 'poetry' ? t.split('||') : dialect === 'conda' ? t.split('|') : [t];
  const out: Spec = [];
  for (const rawAlt of alternatives) {
    const alt = rawAlt.replace(/([<>=!~^]+)\s+/g, '$1');
    const parts = dialect === 'pep440' ? alt.split(',') : alt.split(/\s*,\s*|\s+(?=[<>=!~^\d])/);
    const clauses: Clause[] = [];
    for (const raw of parts) {
      const p = raw.trim();
      if (p === '') continue;
      const parsed = dialect === 'pep440' ? pep440Clause(p) : dialect === 'poetry' ? poetryClause(p) : condaClause(p);
      if (!parsed) return undefined;
      clauses.push(...parsed);
    }
    out.push(clauses);
  }
  return out;
}

function clause(op: Op, version: Version, prefix = false): Clause {
  return { op, version, prefix };
}

function v(release: number[]): Version {
  return { release, pre: false };
}

/** `~=X.Y.Z` = `>=X.Y.Z, ==X.Y.*` (PEP 440 compatible release). */
function compatible(ver: Version): Clause[] | undefined {
  if (ver.release.length < 2) return undefined;
  return [clause('>=', ver), clause('==', v(ver.release.slice(0, -1)), true)];
}

function pep440Clause(p: string): Clause[] | undefined {
  const m = /^(===|==|!=|~=|<=|>=|<|>)\s*(.+)$/.exec(p);
  if (!m) return undefined;
  const [, op, rest] = m;
  const wildcard = rest.endsWith('.*');
  const ver = parseVersion(wildcard ? rest.slice(0, -2) : rest);
  if (!ver) return undefined;
  if (wildcard && op !== '==' && op !== '!=') return undefined;
  if (op === '~=') return compatible(ver);
  if (op === '===') return [clause('==', ver)];
  return [clause(op as Op, ver, wildcard)];
}

/** Poetry: `^1.2.3`, `~1.2`, `1.2.*`, `1.2.3` (exact), plus PEP 440 comparisons. */
function poetryClause(p: string): Clause[] | undefined {
  if (p.startsWith('^')) {
    const ver = parseVersion(p.slice(1));
    if (!ver) return undefined;
    const r = ver.release;
    const firstNonZero = r.findIndex((n) => n !== 0);
    const bumpAt = firstNonZero === -1 ? Math.max(0, r.length - 1) : firstNonZero;
    const upper = r.slice(0, bumpAt + 1);
    upper[bumpAt] += 1;
    return [clause('>=', ver), clause('<', v(upper))];
  }
  if (p.startsWith('~') && !p.startsWith('~=')) {
    const ver = parseVersion(p.slice(1));
    if (!ver) return undefined;
    const r = ver.release;
    const upper = r.length === 1 ? [r[0] + 1] : [r[0], r[1] + 1];
    return [clause('>=', ver), clause('<', v(upper))];
  }
  if (/^\d/.test(p)) {
    if (p.endsWith('.*')) {
      const ver = parseVersion(p.slice(0, -2));
      return ver ? [clause('==', ver, true)] : undefined;
    }
    const ver = parseVersion(p);
    return ver ? [clause('==', ver)] : undefined;
  }
  return pep440Clause(p);
}

/** conda: `=1.2` and a bare `1.2` mean 1.2.*; `1.2.*`, `==1.2.0` and comparisons as in PEP 440. */
function condaClause(p: string): Clause[] | undefined {
  const fuzzy = /^=?(\d[^=<>!,|\s]*?)(\.\*|\*)?$/.exec(p);
  if (fuzzy && !p.startsWith('==')) {
    const ver = parseVersion(fuzzy[1]);
    return ver ? [clause('==', ver, true)] : undefined;
  }
  return pep440Clause(p);
}

/** Renders clauses as a PEP 440 specifier (also valid Poetry and conda syntax). */
export function formatClauses(clauses: Clause[]): string {
  return clauses.map((c) => `${c.op}${formatVersion(c.version)}${c.prefix ? '.*' : ''}`).join(',');
}

// What a DataJoint version specifier admits, judged against the real releases (and plausible later ones),
// and the specifier the migration branch should use instead.
import {
  compareVersions,
  formatClauses,
  parseSpec,
  parseVersion,
  specAdmits,
  type Clause,
  type Dialect,
  type Spec,
  type Version,
} from './versionSpec';

/** The first 2.x release whose `fetch("KEY", …)` works (api-changes.md §7: DJErr on 2.0.0–2.0.1). */
export const MIN_2X = '2.0.2';
export const MIN_2X_SPEC = `>=${MIN_2X}`;

const PRE_2 = ['0.12.9', '0.13.0', '0.13.8', '0.14.0', '0.14.3', '0.14.6', '0.14.9', '1.0.0', '1.9.9'];
/** Every 2.x release tag up to v2.3.2, and plausible later ones. */
const RELEASES_2 = ['2.0.0', '2.0.1', '2.0.2', '2.1.0', '2.1.1', '2.2.0', '2.2.1', '2.2.2', '2.2.3', '2.2.4'].concat([
  '2.3.0',
  '2.3.1',
  '2.3.2',
  '2.3.9',
  '2.4.0',
  '2.9.0',
]);

// "early" is relative to a floor: 2.0.0/2.0.1 for every project, more when the code needs a later release
// (floors.ts). Line detection always uses the base floor.
export type PinVerdict =
  | 'pre2-only' // only 0.x (0.14.x, <1, ~=0.14 …) — the 0.14.6 line
  | 'early2-only' // only 2.x releases below the floor (2.0.0 / 2.0.1 by default)
  | 'early2-mixed' // releases at or above the floor and 2.x ones below it, nothing older
  | 'pre2-mixed' // 0.x and 2.x (e.g. `>=0.14`): what installs depends on the environment
  | 'ok' // only 2.0.2 and later
  | 'unpinned'
  | 'empty' // admits no release at all
  | 'unreadable';

export interface Classified {
  verdict: PinVerdict;
  spec?: Spec;
}

export function classifySpec(text: string, dialect: Dialect, floor = MIN_2X): Classified {
  if (text.trim() === '' || text.trim() === '*') return { verdict: 'unpinned' };
  const spec = parseSpec(text, dialect);
  if (!spec) return { verdict: 'unreadable' };
  const min = parseVersion(floor) as Version;
  const admits = (list: string[]) => list.some((s) => specAdmits(spec, parseVersion(s) as Version));
  const below = (s: string) => compareVersions(parseVersion(s) as Version, min) < 0;
  const pre = admits(PRE_2);
  const early = admits(RELEASES_2.filter(below));
  const good = admits(RELEASES_2.filter((s) => !below(s)));
  const verdict: PinVerdict = good
    ? pre
      ? 'pre2-mixed'
      : early
        ? 'early2-mixed'
        : 'ok'
    : pre
      ? 'pre2-only'
      : early
        ? 'early2-only'
        : 'empty';
  return { verdict, spec };
}

/**
 * The specifier to write instead. Keeps what still means something on 2.x (upper bounds such as `<3`,
 * and `!=` exclusions of releases at or above the floor) and an exact-pin style (`==2.0.1` → `==2.0.2`);
 * anything else becomes `>=floor`. The result is re-checked: it must admit the floor+ and nothing older.
 */
export function replacementSpec(text: string, dialect: Dialect, floor = MIN_2X): string {
  const { verdict, spec } = classifySpec(text, dialect, floor);
  const floorSpec = `>=${floor}`;
  const candidate = ((): string => {
    if (spec?.length !== 1) return floorSpec;
    if (verdict === 'early2-only') {
      const exact = spec[0].find((c) => c.op === '==' && !c.prefix);
      return exact ? `==${floor}` : floorSpec;
    }
    if (verdict !== 'early2-mixed' && verdict !== 'pre2-mixed') return floorSpec;
    const min = parseVersion(floor) as Version;
    const kept: Clause[] = [];
    for (const c of spec[0]) {
      if (c.op === '<' || c.op === '<=') kept.push(c);
      else if (c.op === '==' && c.prefix) kept.push(...prefixUpperBound(c));
      else if (c.op === '!=' && excludesFrom(c, min)) kept.push(c);
    }
    return [floorSpec, formatClauses(kept)].filter(Boolean).join(',');
  })();
  return classifySpec(candidate, 'pep440', floor).verdict === 'ok' ? candidate : floorSpec;
}

/** Whether a `!=` clause still excludes something at or above `min` (else it is noise once the floor is required). */
function excludesFrom(c: Clause, min: Version): boolean {
  const last = c.prefix ? prefixUpperBound(c)[0].version : c.version;
  return c.prefix ? compareVersions(last, min) > 0 : compareVersions(last, min) >= 0;
}

/** `==2.0.*` → `<2.1`; `==2.*` → `<3`. */
function prefixUpperBound(c: Clause): Clause[] {
  const r = [...c.version.release];
  r[r.length - 1] += 1;
  return [{ op: '<', version: { release: r, pre: false }, prefix: false }];
}

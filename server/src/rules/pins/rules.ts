// DJ160–169: the DataJoint version a project pins. The rewrite targets the migration branch: once the
// code and data are migrated, the project must install 2.0.2 or later.
import path from 'node:path';
import type { Finding, RuleMeta, Severity } from '../meta';
import { classifySpec, MIN_2X, replacementSpec } from './classify';
import { floorReasons, type ProjectFloor } from './floors';
import { locateDataJointPins, type PinSite } from './locate';

const WHY_202 =
  'DataJoint 2.0.0 and 2.0.1 raise DataJointError on `fetch("KEY", …)` through the deprecated `fetch` shim; 2.0.2 is the first 2.x release where unmigrated fetch calls keep working (api-changes.md §7).';
const BRANCH =
  'Apply this on the migration branch: 2.x code and migrated schemas do not work with 0.14.6, and 0.14.6 code does not work with 2.x.';
const FLOOR =
  'The version written is the highest floor the project needs: 2.0.2, or later when the code or config uses a feature older 2.x releases get wrong (see "DataJoint release floors" below); the message names each such use.';

export const pinRules: RuleMeta[] = [
  {
    code: 'DJ160',
    name: 'datajoint-pinned-pre-2',
    title: 'DataJoint is pinned to 0.x; the migrated project needs `datajoint>=2.0.2` or a later floor',
    safety: 'unsafe',
    severity: 'warning',
    phase: 1,
    catalogue: ['§7', 'cfg-files'],
    docs: {
      summary: `The specifier admits only pre-2 releases (0.14.x, \`<1\`, \`~=0.14\` …), so the migrated 2.x code cannot be installed. ${BRANCH} The fix replaces only the version specifier; extras, environment markers and comments stay. ${WHY_202} ${FLOOR}`,
      before: 'datajoint[s3]==0.14.6 ; python_version >= "3.9"  # lab pin',
      after: 'datajoint[s3]>=2.0.2 ; python_version >= "3.9"  # lab pin',
    },
  },
  {
    code: 'DJ161',
    name: 'datajoint-unpinned',
    title: 'DataJoint is not pinned; pin `datajoint>=2.0.2` (or a later floor) on the migration branch',
    safety: 'unsafe',
    severity: 'warning',
    phase: 1,
    catalogue: ['§7'],
    docs: {
      summary: `Without a specifier, a fresh install gets the newest 2.x while an existing environment keeps its 0.14.x: the same project then behaves differently per machine. ${BRANCH} ${WHY_202} ${FLOOR}`,
      before: 'datajoint',
      after: 'datajoint>=2.0.2',
    },
  },
  {
    code: 'DJ162',
    name: 'datajoint-2.0-early',
    title: 'The pin admits 2.x releases older than the project needs (2.0.0/2.0.1, or below a feature floor)',
    safety: 'safe',
    severity: 'warning',
    phase: 1,
    catalogue: ['§7'],
    docs: {
      summary: `${WHY_202} A project that uses \`populate(reserve_jobs=True)\`, relies on \`~lineage\` or sets store prefixes needs a later release (2.2.0 to 2.3.2: see "DataJoint release floors" below), and a pin such as \`>=2.0.2\` is then raised too. Upper bounds and exclusions that still matter are kept; an exact \`==2.x.y\` pin stays exact.`,
      before: 'datajoint>=2.0.0,<3',
      after: 'datajoint>=2.0.2,<3',
    },
  },
  {
    code: 'DJ163',
    name: 'datajoint-pin-spans-0.14-and-2',
    title: 'The pin admits both 0.x and 2.x; which one installs depends on the environment',
    safety: 'unsafe',
    severity: 'warning',
    phase: 1,
    catalogue: ['§7'],
    docs: {
      summary: `A specifier such as \`datajoint>=0.14\` lets pip keep an installed 0.14.x or install the newest 2.x, and 0.14.6 and 2.x code are not interchangeable. ${BRANCH} ${WHY_202} ${FLOOR}`,
      before: 'datajoint>=0.14',
      after: 'datajoint>=2.0.2',
    },
  },
  {
    code: 'DJ164',
    name: 'datajoint-direct-reference',
    title: 'DataJoint comes from a URL or path; check that it is a 2.0.2+ release (or the later floor)',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['§7'],
    docs: {
      summary:
        'A git URL, archive or local path does not say which DataJoint version it holds. Point it at a 2.x tag (v2.0.2 or later), or use the PyPI release `datajoint>=2.0.2`.',
      before: 'datajoint @ git+https://github.com/datajoint/datajoint-python.git@v0.14.6',
      after: 'datajoint @ git+https://github.com/datajoint/datajoint-python.git@v2.3.2',
    },
  },
  {
    code: 'DJ165',
    name: 'datajoint-pin-unreadable',
    title: 'The DataJoint version specifier could not be read',
    safety: 'manual',
    severity: 'info',
    phase: 1,
    catalogue: ['§7'],
    docs: {
      summary:
        'The specifier is not valid PEP 440 / Poetry / conda syntax as far as dj-migrate can tell; check by hand that it admits DataJoint 2.0.2 or later and nothing older.',
      before: 'datajoint 0.14.6 py_0',
      after: 'datajoint>=2.0.2',
    },
  },
];

const META = new Map(pinRules.map((r) => [r.code, r]));

export interface PinOptions {
  /** False in a workspace that still runs 0.14.x: findings are shown as information only. */
  enabled: boolean;
  /** The release the project needs (floors.ts); 2.0.2 when absent. */
  floor?: ProjectFloor;
}

/** Findings for every DataJoint requirement in a dependency file (requirements*.txt, pyproject.toml, setup.cfg, setup.py, environment.yml). */
export function analyzePins(file: string, text: string, opts: PinOptions): Finding[] {
  const findings: Finding[] = [];
  const generated = /autogenerated by pip-compile|uv pip compile|This file was autogenerated/i.test(
    text.slice(0, 2000),
  );
  const floor = opts.floor ?? { version: MIN_2X, reasons: [] };
  const why = floorReasons(floor, (f) => path.relative(path.dirname(file), f).split(path.sep).join('/'));
  for (const site of locateDataJointPins(file, text)) {
    const f = findingFor(site, generated, floor.version, why);
    if (!f) continue;
    if (!opts.enabled) f.severity = 'info';
    findings.push(f);
  }
  return findings;
}

function findingFor(site: PinSite, generated: boolean, floor: string, why: string): Finding | undefined {
  const floorSpec = `>=${floor}`;
  const also = why ? ` ${why}` : '';
  if (site.url !== undefined)
    return make(
      'DJ164',
      site,
      `DataJoint is installed from ${site.url}; make sure it is DataJoint ${floor} or later on the migration branch.${also}`,
    );
  const { verdict } = classifySpec(site.spec, site.dialect, floor);
  const current = site.spec === '' ? 'no version' : `\`${site.spec}\``;
  let code: string;
  let message: string;
  switch (verdict) {
    case 'ok':
    case 'empty':
      return undefined;
    case 'unreadable':
      return make(
        'DJ165',
        site,
        `Could not read the DataJoint specifier ${current}; check by hand that it admits ${floor} or later and nothing older.${also}`,
      );
    case 'pre2-only':
      code = 'DJ160';
      message = `DataJoint is pinned to ${current}, which admits only 0.x releases. On the migration branch use \`${floorSpec}\`: 2.0.0 and 2.0.1 fail on \`fetch("KEY")\`.${also}`;
      break;
    case 'unpinned':
      code = 'DJ161';
      message = `DataJoint is not pinned. On the migration branch pin \`${floorSpec}\` so every machine installs the same major version (2.0.0–2.0.1 fail on \`fetch("KEY")\`).${also}`;
      break;
    case 'early2-only':
    case 'early2-mixed':
      code = 'DJ162';
      message =
        floor === MIN_2X
          ? `${current} admits DataJoint 2.0.0/2.0.1, where \`fetch("KEY", …)\` raises DataJointError; raise it to ${MIN_2X}.`
          : `${current} admits DataJoint releases before ${floor}; raise it to ${floor}.${also}`;
      break;
    case 'pre2-mixed':
      code = 'DJ163';
      message = `${current} admits both 0.x and 2.x, so the version installed depends on the environment. On the migration branch require \`${floorSpec}\`.${also}`;
      break;
  }
  const f = make(code, site, message);
  const replacement = replacementSpec(site.spec, site.dialect, floor);
  if (site.hashPinned) {
    f.safety = 'manual';
    f.message +=
      ' The requirement is hash-pinned: change the version in the input file and regenerate the hashes (pip-compile --generate-hashes / uv pip compile).';
    return f;
  }
  if (generated)
    f.message +=
      ' This file is generated: change the input file (e.g. requirements.in) too, or the next compile reverts it.';
  if (site.dialect === 'conda')
    f.message += ' If your conda channel has no 2.x build, move DataJoint to the `pip:` section instead.';
  f.fix = {
    title: site.spec === '' ? `Pin ${replacement}` : `Replace \`${site.spec}\` with \`${replacement}\``,
    edits: [{ start: site.specStart, end: site.specEnd, text: replacement }],
  };
  return f;
}

function make(code: string, site: PinSite, message: string): Finding {
  const meta = META.get(code) as RuleMeta;
  const severity: Severity = meta.severity;
  return { code, message, start: site.start, end: site.end, severity, safety: meta.safety, phase: meta.phase };
}

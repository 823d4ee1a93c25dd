// The lowest DataJoint 2.x release a project can use: 2.0.2 for every migrated project, later for projects that
// use a feature an earlier 2.x release gets wrong. Each floor was checked against the release tags of
// datajoint/datajoint-python (`git tag --contains <fix commit>`); the table is rendered into docs/rules.md.
import type { ReleaseFeature } from '../../index/releaseFeatures';
import { configFileFeatures, hasUuidKey } from '../../index/releaseFeatures';
import type { ModuleExports, WorkspaceIndex } from '../../index/workspace';
import { MIN_2X } from './classify';
import { compareVersions, parseVersion, type Version } from './versionSpec';

export interface ReleaseFloor {
  feature: ReleaseFeature | 'base';
  version: string;
  /** What in the project's code or config sets this floor. */
  signal: string;
  /** What goes wrong on older 2.x releases (one sentence, used in messages). */
  why: string;
  /** The fixing commits / pull requests and the first release tag containing them. */
  evidence: string;
}

export const RELEASE_FLOORS: ReleaseFloor[] = [
  {
    feature: 'base',
    version: MIN_2X,
    signal: 'every migrated project',
    why: '2.0.0 and 2.0.1 raise DataJointError on `fetch("KEY", …)` through the deprecated `fetch` shim',
    evidence: 'PR #1384 (fix/fetch-KEY-support), first in v2.0.2',
  },
  {
    feature: 'reserve_jobs',
    version: '2.2.0',
    signal:
      '`populate(..., reserve_jobs=<anything but False/None/0>)`, also as a `"reserve_jobs"` key of a dict passed as `**kwargs`',
    why: 'before 2.2.0 `populate(reserve_jobs=True)` queues already-computed keys as pending (the antijoin lacked `.proj()`) and ignores the restrictions passed to it',
    evidence:
      'commits 14d44d75 (pending keys, antijoin with `.proj()`) and f9a89f00 (#1413, restrictions applied to pending jobs), both first in v2.2.0 (the atomic reservation fix #1399 is earlier, in v2.1.1)',
  },
  {
    feature: 'reserve_jobs_uuid_key',
    version: '2.3.2',
    signal:
      '`populate(..., reserve_jobs=...)` as above, in a project where some table has a `uuid` attribute in its primary key (its children inherit it through a foreign key)',
    why: 'before 2.3.2 the job table of a table whose primary key comes through a foreign key from a `uuid` attribute is declared with `binary(16)`, which DataJoint rejects: every `populate(reserve_jobs=True)` of it raises "Unsupported attribute type binary(16)"',
    evidence: "commit 2fcb014b (#1515, job table uses the attribute's original type), first in v2.3.2",
  },
  {
    feature: 'lineage',
    version: '2.3.0',
    signal:
      'code that manages or asks for the lineage check: `rebuild_lineage(...)`, `lineage_table_exists`, `semantic_check=True`. Plain `A * B` / `A & B` / `A - B` do not count: whether they consult `~lineage` depends on the database (see op-semantic)',
    why: 'before 2.3.0 a table whose `~lineage` rows are missing fails joins and `populate()` with "different lineages (… vs None)", and nothing repairs it; 2.3.0 re-creates the rows when `@schema` decorates the table',
    evidence:
      'commit fd0f23ae (#1454 / PR #1467, in-memory check and auto-heal of missing `~lineage` rows), first in v2.3.0',
  },
  {
    feature: 'store_prefix',
    version: '2.3.1',
    signal:
      '`hash_prefix`, `schema_prefix` or `filepath_prefix` set for a store in `datajoint.json` / `dj_local_conf.json` / `.datajoint_config.json` or in `dj.config` in code',
    why: 'before 2.3.1 writers ignore the store prefix settings (hashed objects always go to `_hash/`, schema-addressed objects to the store root) and garbage collection does not protect `filepath_prefix`',
    evidence:
      'commits c74a8309 (writers and GC honour `hash_prefix`/`schema_prefix`), 6e139a3b and 068b365e (`filepath_prefix` protected), all first in v2.3.1',
  },
];

export interface FeatureUse {
  feature: ReleaseFeature;
  /** A file where it is used (the first one seen). */
  file: string;
}

export interface ProjectFloor {
  version: string;
  /** The uses that raise the floor above 2.0.2, highest floor first (empty for the base floor). */
  reasons: (FeatureUse & { floor: ReleaseFloor })[];
}

const v = (s: string) => parseVersion(s) as Version;

/** The highest floor the uses need; 2.0.2 when none. */
export function projectFloor(uses: FeatureUse[]): ProjectFloor {
  const reasons = uses
    .map((u) => ({ ...u, floor: RELEASE_FLOORS.find((f) => f.feature === u.feature) as ReleaseFloor }))
    .sort((a, b) => compareVersions(v(b.floor.version), v(a.floor.version)) || a.file.localeCompare(b.file));
  return { version: reasons[0]?.floor.version ?? MIN_2X, reasons };
}

/** One use per feature across the workspace's Python files and config files (first file by path). */
export function featureUses(ws: WorkspaceIndex | undefined): FeatureUse[] {
  const first = new Map<ReleaseFeature, string>();
  if (!ws) return [];
  for (const m of ws.files())
    for (const f of m.features ?? []) {
      const seen = first.get(f);
      if (seen === undefined || m.path < seen) first.set(f, m.path);
    }
  const uses = [...first].map(([feature, file]) => ({ feature, file }));
  // reserve_jobs on a table whose key comes from a uuid: the definitions are in the index, by file.
  if (first.has('reserve_jobs')) {
    const uuidFile = [...ws.files()]
      .filter((m) =>
        [...m.tables.values()].some(
          (t) => hasUuidKey(t.definition) || [...(t.partDefinitions?.values() ?? [])].some(hasUuidKey),
        ),
      )
      .map((m) => m.path)
      .sort()[0];
    if (uuidFile) uses.push({ feature: 'reserve_jobs_uuid_key', file: uuidFile });
  }
  return uses;
}

/** A config file's entry in the workspace index: no tables, only the features its settings use. */
export function configFileExports(path: string, text: string): ModuleExports {
  return {
    path,
    tables: new Map(),
    vmodules: new Set(),
    schemaVars: new Set(),
    modules: new Set(),
    features: configFileFeatures(text),
  };
}

/** "`populate(reserve_jobs=True)` (pipeline/ephys.py) needs 2.2.0: …" for each reason above the base floor. */
export function floorReasons(floor: ProjectFloor, describe: (file: string) => string): string {
  return floor.reasons
    .map((r) => `${FEATURE_NAMES[r.feature]} (${describe(r.file)}) needs ${r.floor.version}: ${r.floor.why}.`)
    .join(' ');
}

const FEATURE_NAMES: Record<ReleaseFeature, string> = {
  reserve_jobs: '`populate(reserve_jobs=True)`',
  reserve_jobs_uuid_key: '`populate(reserve_jobs=True)` with a `uuid` primary-key attribute',
  lineage: 'Relying on `~lineage`',
  store_prefix: 'A store prefix setting',
};

/** The floors as one markdown table (docs/rules.md and the README). */
export function renderFloorTable(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| floor | when the project uses | why | checked against |',
    '|---|---|---|---|',
    ...RELEASE_FLOORS.map((f) => `| \`>=${f.version}\` | ${esc(f.signal)} | ${esc(f.why)} | ${esc(f.evidence)} |`),
  ].join('\n');
}

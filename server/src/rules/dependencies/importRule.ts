// DJ019: an import, in the user's code, of an installed package (an Element, a lab package) that DataJoint 2.x
// would mishandle or reject. The package is never changed; the warning names it, its installed version, what
// 2.x does with it and what to do. Which packages those are is decided once per project (./warnings.ts) and
// handed to every file through `EngineOptions.dependencies`.
import type { Rule, RuleContext } from '../context';
import type { RuleMeta } from '../meta';

/** What the import warning says about one installed distribution (keyed by its top-level import names). */
export interface DependencyWarning {
  /** Distribution name, e.g. `element-array-ephys`. */
  package: string;
  version?: string;
  /** The sentence of `describeRisks`: counts and what to do. */
  message: string;
}

export const DEPENDENCY_NOT_READY: RuleMeta = {
  code: 'DJ019',
  name: 'dependency-not-2x-ready',
  title: 'An installed DataJoint package this code imports is not ready for DataJoint 2.x',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['§2.1 longblob', '§2.1 blob', 'store-attach', '§2.1 boolean', 'mod-schema-alias'],
  docs: {
    summary:
      "Tables declared by an installed package (a DataJoint Element, a lab package pulled in by pip) are declared by the package's code, not yours: migrating your code does not migrate them. The package's files are read from the project's environment (`--site-packages`, `--python`, a `.venv`/`venv`, or the interpreter selected in VS Code) and assessed like your code, without ever being changed. Where 2.x would mishandle or reject them, every import of the package is flagged with the package's installed version (from its `*.dist-info`) and the counts: bare `longblob`/`blob` attributes (a new table stores `str(value)` and nothing raises), in-table `attach`, declarations 2.x rejects (`boolean`, `uint*`, …) and `dj.schema(` calls that fail at import. Upgrade the package to a release made for DataJoint 2.x, or hold the migration until there is one. `dj-migrate report` lists these packages in its Dependencies section.",
    before: 'from element_array_ephys import ephys  # element-array-ephys 0.3.1 declares bare longblob',
    after: '',
  },
};

export const dependencyImportRule: Rule = {
  metas: [DEPENDENCY_NOT_READY],
  check(ctx: RuleContext) {
    const deps = ctx.options.dependencies;
    if (!deps) return;
    const seen = new Set<string>();
    for (const imp of ctx.index.imports.other) {
      const top = imp.module.split('.')[0];
      const warning = top && Object.hasOwn(deps, top) ? deps[top] : undefined;
      if (!warning) continue;
      // One warning per statement and package: `from element_x.ephys import A, B` is one import of element_x.
      const key = `${imp.statement.startIndex}:${top}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const at = imp.name === null ? imp.node : (imp.statement.childForFieldName('module_name') ?? imp.node);
      ctx.report(DEPENDENCY_NOT_READY, at, { message: `\`${top}\`: ${warning.message}` });
    }
  },
};

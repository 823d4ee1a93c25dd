// Flags shared by check / fix / report, mapped onto the project settings (flags override the file).
import { UsageError, str, type ParsedArgs } from '../args';
import type { ProjectOverrides } from '../../../server/src/project';

export const CODE_OPTIONS = {
  phase: { type: 'string' },
  unsigned: { type: 'string' },
  suffix: { type: 'string' },
  finalize: { type: 'boolean' },
  'migration-enabled': { type: 'boolean' },
  store: { type: 'string' },
  python: { type: 'string' },
  'site-packages': { type: 'string', multiple: true },
} as const;

export function overridesFrom(flags: ParsedArgs['flags']): ProjectOverrides {
  const o: ProjectOverrides = {};
  const phase = str(flags, 'phase');
  if (phase !== undefined) {
    if (phase !== '1' && phase !== '2') throw new UsageError(`--phase must be 1 or 2 (got ${phase})`);
    o.phase = Number(phase) as 1 | 2;
  }
  const unsigned = str(flags, 'unsigned');
  if (unsigned !== undefined) {
    if (!['widen', 'native', 'uint'].includes(unsigned))
      throw new UsageError(`--unsigned must be widen, native or uint (got ${unsigned})`);
    o.unsigned = unsigned as ProjectOverrides['unsigned'];
  }
  const suffix = str(flags, 'suffix');
  if (suffix !== undefined) {
    if (suffix && !/^[A-Za-z0-9_]+$/.test(suffix))
      throw new UsageError(`--suffix may contain only letters, digits and _ (got ${suffix})`);
    o.schemaSuffix = suffix;
  }
  if (flags.finalize) o.finalize = true;
  if (flags['migration-enabled']) o.migrationEnabled = true;
  const store = str(flags, 'store');
  if (store) o.defaultStore = store;
  const python = str(flags, 'python');
  if (python) o.python = python;
  const site = flags['site-packages'];
  if (site !== undefined) o.sitePackages = (Array.isArray(site) ? site : [site]).map(String);
  return o;
}

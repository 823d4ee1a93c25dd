// What kind of file a path is, for the engine's dispatch. Dependency files are recognised by the pin rules'
// own test, so the engine and the pin rules always agree on which files hold requirements. setup.py is Python
// (every Python rule applies); whether it is also a packaging file depends on its content (isPackagingScript).
import { pinFileKind } from './rules/pins/locate';

export type FileKind = 'python' | 'notebook' | 'config' | 'pins' | 'other';

export function fileKind(path: string): FileKind {
  const pins = pinFileKind(path);
  if (pins && pins !== 'setup.py') return 'pins';
  const base = path.split(/[\\/]/).pop() ?? '';
  if (base.endsWith('.py') || base.endsWith('.pyi')) return 'python';
  if (base.endsWith('.ipynb')) return 'notebook';
  if (base === 'dj_local_conf.json' || base === '.datajoint_config.json' || base === 'datajoint.json') return 'config';
  return 'other';
}

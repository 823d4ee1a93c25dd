// What kind of file a path is, for the engine's dispatch.
export type FileKind = 'python' | 'notebook' | 'config' | 'pins' | 'other';

export function fileKind(path: string): FileKind {
  const base = path.split(/[\\/]/).pop() ?? '';
  if (base === 'setup.py') return 'pins';
  if (base.endsWith('.py') || base.endsWith('.pyi')) return 'python';
  if (base.endsWith('.ipynb')) return 'notebook';
  if (base === 'dj_local_conf.json' || base === '.datajoint_config.json' || base === 'datajoint.json') return 'config';
  if (/^requirements.*\.(txt|in)$/.test(base) || base === 'pyproject.toml' || base === 'setup.cfg' || base === 'setup.py' || /^environment.*\.ya?ml$/.test(base)) return 'pins';
  return 'other';
}

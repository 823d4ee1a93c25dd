// The interpreter selected in VS Code's Python extension (`ms-python.python`), turned into the site-packages
// folders the language server indexes (read-only). No `vscode` import: the extension's API is passed in, so this
// is tested against a stand-in of it (the extension cannot be installed in the test environment).
import { sitePackagesOfInterpreter, sitePackagesOfPrefix } from '../../server/src/index/sitePackages';

/** The part of the Python extension's API (`PythonExtension.environments`) used here. */
export interface PythonEnvironmentsApi {
  environments: {
    getActiveEnvironmentPath(resource?: unknown): { id: string; path: string };
    resolveEnvironment(environment: { id: string; path: string } | string): Promise<
      | {
          executable: { uri?: { fsPath: string }; sysPrefix?: string };
          environment?: { folderUri?: { fsPath: string } };
        }
      | undefined
    >;
    onDidChangeActiveEnvironmentPath?(listener: () => unknown): { dispose(): unknown };
  };
}

/**
 * Site-packages of the active environment: found under its `sys.prefix` when it is a virtual environment laid out
 * as usual, else asked of its interpreter. [] when there is no resolvable environment.
 */
export async function activeSitePackages(api: PythonEnvironmentsApi, resource?: unknown): Promise<string[]> {
  const active = api.environments.getActiveEnvironmentPath(resource);
  const env = await api.environments.resolveEnvironment(active);
  if (!env) return [];
  const prefix = env.executable.sysPrefix || env.environment?.folderUri?.fsPath;
  const found = prefix ? sitePackagesOfPrefix(prefix) : [];
  if (found.length) return found;
  const python = env.executable.uri?.fsPath;
  if (!python) return [];
  try {
    return sitePackagesOfInterpreter(python);
  } catch {
    return [];
  }
}

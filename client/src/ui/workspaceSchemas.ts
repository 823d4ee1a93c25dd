// The schema names the workspace's Python code gives (migrationModel.schemaHints), read once and again after
// a Python file changes: the Migration view follows the pipelines the code names until the user chooses.
import * as vscode from 'vscode';
import { type SchemaHint, schemaHints } from './migrationModel';

const EXCLUDE = '{**/node_modules/**,**/.venv/**,**/venv/**,**/site-packages/**,**/.git/**,**/.dj-migrate/**}';
const MAX_FILES = 2000;
const MAX_BYTES = 1_000_000;

export class WorkspaceSchemas implements vscode.Disposable {
  private cached: Promise<SchemaHint[]> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
    const forget = () => {
      this.cached = undefined;
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(forget),
      watcher.onDidCreate(forget),
      watcher.onDidDelete(forget),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  hints(): Promise<SchemaHint[]> {
    this.cached ??= this.read().catch(() => []);
    return this.cached;
  }

  private async read(): Promise<SchemaHint[]> {
    const files = await vscode.workspace.findFiles('**/*.py', EXCLUDE, MAX_FILES);
    const out = new Map<string, SchemaHint>();
    for (const uri of files) {
      const bytes = await vscode.workspace.fs.readFile(uri).then(undefined, () => undefined);
      if (!bytes || bytes.byteLength > MAX_BYTES) continue;
      for (const h of schemaHints(new TextDecoder().decode(bytes))) out.set(`${h.exact}:${h.name}`, h);
    }
    return [...out.values()];
  }
}

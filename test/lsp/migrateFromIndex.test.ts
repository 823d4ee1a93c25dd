// Migrate Workspace Code from the server's index: after the workspace is indexed nothing is read again; a file
// changed on disk since, or created since, is read (and seen by the other files); open files use their editor
// text. The edit gives, file by file, the text the CLI's `dj-migrate fix` computes from the same contents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import cp from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixProject } from '../../cli/src/code/fix';
import { repoRoot } from '../helpers/paths';

let child: cp.ChildProcess;
let conn: MessageConnection;
let workspace: string;
let refreshes = 0;

const PIPELINE = `import datajoint as dj

schema = dj.schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session_id : int unsigned
    ---
    weight : double
    """


keys = Session.fetch("KEY")
`;

const FILES: Record<string, string> = {
  'pipeline.py': PIPELINE,
  'analysis.py': 'from pipeline import Session\n\nrows = Session.fetch(as_dict=True)\n',
  'plain.py': 'import numpy as np\n\nx = np.ones(3)\n',
  'uses_plain.py': 'from plain import x\n\nprint(x)\n',
};

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'djlsp-mig-'));
  for (const [f, t] of Object.entries(FILES)) fs.writeFileSync(path.join(workspace, f), t);
  const server = path.join(repoRoot, 'dist', 'server.js');
  assert.ok(fs.existsSync(server), 'build first: npm run build');
  child = cp.fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => {
    refreshes++;
    return null;
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true } } },
  });
  conn.sendNotification('initialized', {});
  for (let i = 0; i < 200 && refreshes === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(refreshes > 0, 'the workspace was indexed');
});

after(() => {
  conn?.dispose();
  child?.kill();
  fs.rmSync(workspace, { recursive: true, force: true });
});

type Change = { textDocument?: { uri: string; version: number | null }; edits?: TextEditLike[] };
type TextEditLike = {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
};

/** The migration as computed by the server (not applied), with each changed file's text after the edit. */
async function migrate(texts: Record<string, string>) {
  const r = (await conn.sendRequest('workspace/executeCommand', {
    command: 'datajoint.migrateWorkspace',
    arguments: [{ apply: false }],
  })) as { files: number; read: number; edit: { documentChanges: Change[] } };
  const after = new Map<string, string>();
  for (const c of r.edit.documentChanges) {
    if (!c.textDocument || !c.edits) continue;
    const file = path.basename(new URL(c.textDocument.uri).pathname);
    const doc = TextDocument.create(c.textDocument.uri, 'python', 0, texts[file]);
    after.set(file, TextDocument.applyEdits(doc, c.edits));
  }
  return { read: r.read, files: r.files, after };
}

/** What `dj-migrate fix` computes for the files as they are on disk. */
async function cliAfter(): Promise<Map<string, string>> {
  const { fixed } = await fixProject([workspace], {}, false);
  return new Map(fixed.filter((f) => f.after !== f.before).map((f) => [path.basename(f.path), f.after]));
}

test('after indexing, the migration reads no file and equals the CLI fix', async () => {
  const first = await migrate(FILES);
  assert.equal(first.read, 0, 'every file came from the index');
  assert.deepEqual([...first.after.keys()].sort(), ['analysis.py', 'pipeline.py']);
  assert.deepEqual(first.after, await cliAfter());
});

test('a file changed on disk since indexing and a new file are read; the others still come from the index', async () => {
  const changed = PIPELINE.replace('keys = Session.fetch("KEY")', 'keys = Session.fetch("KEY")\nn = len(Session())');
  fs.writeFileSync(path.join(workspace, 'pipeline.py'), changed);
  // A later modification time than the indexed one, whatever the file system's timestamp resolution.
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(workspace, 'pipeline.py'), later, later);
  const created = 'from pipeline import Session\n\nold = Session.fetch(as_dict=True)\n';
  fs.writeFileSync(path.join(workspace, 'created.py'), created);
  const texts = { ...FILES, 'pipeline.py': changed, 'created.py': created };
  const second = await migrate(texts);
  assert.equal(second.read, 2, 'pipeline.py (changed) and created.py (new)');
  assert.ok(second.after.has('created.py'), 'the new file is migrated');
  assert.deepEqual(second.after, await cliAfter());
  // The changed file is now indexed as it is on disk: the next migration reads nothing.
  assert.equal((await migrate(texts)).read, 0);
});

test('an open document is migrated from its editor text, not from the index or the disk', async () => {
  const editor = `${PIPELINE}\nmore = Session.fetch("KEY")\n`;
  const uri = pathToFileURL(path.join(workspace, 'pipeline.py')).href;
  conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'python', version: 7, text: editor },
  });
  const disk = fs.readFileSync(path.join(workspace, 'pipeline.py'), 'utf8');
  const r = await migrate({
    ...FILES,
    'pipeline.py': editor,
    'created.py': fs.readFileSync(path.join(workspace, 'created.py'), 'utf8'),
  });
  assert.equal(r.read, 0);
  const migrated = r.after.get('pipeline.py') ?? '';
  assert.match(migrated, /more = /, 'the editor text was fixed');
  assert.doesNotMatch(migrated, /n = len\(Session\(\)\)/, `not the disk text:\n${disk}`);
});

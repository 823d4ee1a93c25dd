// The built language server over its real protocol (IPC), as VS Code drives it:
// initialize → didOpen → textDocument/diagnostic → codeAction → codeAction/resolve → executeCommand.
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
import { Project } from '../../server/src/project';
import { repoRoot } from '../helpers/paths';

let child: cp.ChildProcess;
let conn: MessageConnection;
let workspace: string;
const applied: unknown[] = [];
const configuration: Record<string, unknown> = {};
let refreshes = 0;

const SOURCE = `import datajoint as dj

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

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'djlsp-'));
  fs.writeFileSync(path.join(workspace, 'pipeline.py'), SOURCE);
  fs.writeFileSync(
    path.join(workspace, 'analysis.py'),
    'from pipeline import Session\n\nrows = Session.fetch(as_dict=True)\n',
  );
  const server = path.join(repoRoot, 'dist', 'server.js');
  assert.ok(fs.existsSync(server), 'build first: npm run build');
  child = cp.fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => configuration));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => {
    refreshes++;
    return null;
  });
  conn.onRequest('workspace/applyEdit', (p: unknown) => {
    applied.push(p);
    return { applied: true };
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  const init = (await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
    capabilities: {
      workspace: {
        configuration: true,
        applyEdit: true,
        workspaceEdit: { documentChanges: true, changeAnnotationSupport: {} },
        diagnostics: { refreshSupport: true },
      },
      textDocument: { diagnostic: {}, codeAction: { resolveSupport: { properties: ['edit'] } } },
    },
  })) as { capabilities: Record<string, unknown> };
  assert.ok(init.capabilities.diagnosticProvider, 'pull diagnostics');
  conn.sendNotification('initialized', {});
  // wait for the workspace index (the server asks for a diagnostics refresh when done)
  for (let i = 0; i < 100 && refreshes === 0; i++) await new Promise((r) => setTimeout(r, 50));
});

after(() => {
  conn?.dispose();
  child?.kill();
  fs.rmSync(workspace, { recursive: true, force: true });
});

function open(file: string, text: string, version = 1): string {
  const uri = pathToFileURL(path.join(workspace, file)).href;
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  return uri;
}

type Diag = {
  code: string;
  message: string;
  severity: number;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  data?: unknown;
  source: string;
  codeDescription?: { href: string };
};

async function diagnostics(uri: string): Promise<Diag[]> {
  const r = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] };
  return r.items;
}

test('diagnostics, quick fix, fix-all resolve, hover and the workspace migration command', async () => {
  const uri = open('pipeline.py', SOURCE);
  const diags = await diagnostics(uri);
  const codes = diags.map((d) => d.code);
  assert.ok(codes.includes('DJ001'), `dj.schema flagged: ${codes}`);
  assert.ok(diags.every((d) => d.source === 'DataJoint'));
  // the rule links are added by the client's middleware (test/ui/ruleLinks.test.ts), not sent with every reply
  assert.ok(diags.every((d) => d.codeDescription === undefined));
  const dj001 = diags.find((d) => d.code === 'DJ001')!;
  assert.equal(dj001.severity, 1);
  assert.deepEqual(dj001.range.start, { line: 2, character: 9 });

  const actions = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: dj001.range,
    context: { diagnostics: [dj001] },
  })) as Array<{
    title: string;
    kind: string;
    isPreferred?: boolean;
    edit?: { changes: Record<string, Array<{ newText: string }>> };
  }>;
  const quick = actions.find((a) => a.title.startsWith('DataJoint (DJ001)'))!;
  assert.ok(quick, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(quick.isPreferred, true);
  const doc = TextDocument.create(uri, 'python', 1, SOURCE);
  const fixed = TextDocument.applyEdits(doc, quick.edit!.changes[uri] as never);
  assert.match(fixed, /schema = dj\.Schema\("lab"\)/);

  // source.fixAll.datajoint: lazily computed in codeAction/resolve
  const fixAll = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: dj001.range,
    context: { diagnostics: [], only: ['source.fixAll.datajoint'] },
  })) as Array<{ title: string; kind: string; data: unknown; edit?: unknown }>;
  assert.equal(fixAll.length, 1);
  assert.equal(fixAll[0].kind, 'source.fixAll.datajoint');
  assert.equal(fixAll[0].edit, undefined, 'edits are computed only on resolve');
  const resolved = (await conn.sendRequest('codeAction/resolve', fixAll[0])) as {
    edit: { changes: Record<string, Array<{ newText: string; range: unknown }>> };
  };
  const all = TextDocument.applyEdits(doc, resolved.edit.changes[uri] as never);
  assert.match(all, /dj\.Schema\("lab_v2"\)/); // DJ130: the default project suffix `_v2` is a safe fix
  assert.match(all, /session_id : int64/);
  assert.match(all, /Session\.keys\(\)/);

  const hover = (await conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 2, character: 12 },
  })) as { contents: { value: string } };
  assert.match(hover.contents.value, /DJ001/);
  assert.match(hover.contents.value, /dj\.Schema/);

  // a stale version gets no quick fix (document-version guard)
  conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' },
    ],
  });
  const stale = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: dj001.range,
    context: { diagnostics: [dj001] },
  })) as Array<{ title: string }>;
  assert.ok(!stale.some((a) => a.title.startsWith('DataJoint (DJ001)')), 'no fix for an outdated diagnostic');
  const after = await diagnostics(uri);
  assert.deepEqual(
    after.find((d) => d.code === 'DJ001')!.range.start,
    { line: 3, character: 9 },
    'incremental re-parse moved the finding',
  );

  // cross-file: a table imported from pipeline.py is a DataJoint query in analysis.py
  const a2 = open('analysis.py', fs.readFileSync(path.join(workspace, 'analysis.py'), 'utf8'));
  const d2 = await diagnostics(a2);
  assert.ok(
    d2.some((d) => d.code.startsWith('DJ02')),
    `fetch on an imported table is flagged: ${d2.map((d) => d.code)}`,
  );

  const res = (await conn.sendRequest('workspace/executeCommand', {
    command: 'datajoint.migrateWorkspace',
    arguments: [],
  })) as { files: number; applied: boolean };
  assert.equal(res.applied, true);
  assert.ok(res.files >= 2);
  const edit = (
    applied[0] as {
      edit: {
        documentChanges: Array<{ edits: Array<{ annotationId: string }> }>;
        changeAnnotations: Record<string, { needsConfirmation: boolean }>;
      };
    }
  ).edit;
  assert.ok(
    Object.values(edit.changeAnnotations).every((a) => a.needsConfirmation),
    'refactor preview: every change needs confirmation',
  );
  assert.ok(
    edit.documentChanges.every(
      (c) => !('edits' in c) || c.edits.every((e) => e.annotationId in edit.changeAnnotations),
    ),
  );

  const report = (await conn.sendRequest('workspace/executeCommand', {
    command: 'datajoint.migrationReport',
    arguments: [],
  })) as string;
  assert.match(report, /Files changed: 2/);
  assert.match(report, /DJ001/);
});

test('a workspace that pins DataJoint 0.14.x gets informational findings and no fix-on-save', async () => {
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'datajoint==0.14.6\n');
  refreshes = 0;
  conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: pathToFileURL(path.join(workspace, 'requirements.txt')).href, type: 1 }],
  });
  for (let i = 0; i < 100 && refreshes === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const uri = open('pipeline.py', SOURCE, 10);
  const diags = await diagnostics(uri);
  assert.ok(diags.length > 0);
  assert.ok(
    diags.every((d) => d.severity >= 3),
    'informational only',
  );
  const onSave = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diags[0].range,
    context: { diagnostics: [], only: ['source.fixAll.datajoint'], triggerKind: 2 },
  })) as unknown[];
  assert.equal(onSave.length, 0, 'fix-all on save is off while 0.14.x is pinned');
  fs.rmSync(path.join(workspace, 'requirements.txt'));
});

test('the pin floor: the server and the CLI compute the same one over Python and config files', async () => {
  const dir = path.join(workspace, 'floors');
  fs.mkdirSync(dir);
  const req = 'datajoint>=2.0.2\n';
  fs.writeFileSync(path.join(dir, 'requirements.txt'), req);
  fs.writeFileSync(path.join(dir, 'workers.py'), 'def run(t):\n    t.populate(reserve_jobs=True)\n');
  fs.writeFileSync(path.join(dir, 'datajoint.json'), '{"stores": {"raw": {"protocol": "file", "hash_prefix": "h"}}}');
  const reindex = async (type: number) => {
    refreshes = 0;
    conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(path.join(dir, 'requirements.txt')).href, type }],
    });
    for (let i = 0; i < 100 && refreshes === 0; i++) await new Promise((r) => setTimeout(r, 50));
  };
  await reindex(1);
  const uri = pathToFileURL(path.join(dir, 'requirements.txt')).href;
  conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'pip-requirements', version: 1, text: req },
  });
  const diags = (await diagnostics(uri)).filter((d) => d.code === 'DJ162');
  assert.equal(diags.length, 1);
  assert.match(diags[0].message, /before 2\.3\.1/);
  assert.match(diags[0].message, /\(datajoint\.json\) needs 2\.3\.1/);
  assert.match(diags[0].message, /\(workers\.py\) needs 2\.2\.0/);
  const project = await Project.open([workspace]);
  const cli = project.analyze(path.join(dir, 'requirements.txt'), req);
  project.dispose();
  assert.deepEqual(
    cli.map((f) => f.message),
    diags.map((d) => d.message),
    'the CLI and the language server agree',
  );
  // Typing in the open config file moves the floor at once: without the prefix setting, reserve_jobs decides.
  const cfg = pathToFileURL(path.join(dir, 'datajoint.json')).href;
  conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: cfg, languageId: 'json', version: 1, text: '{"stores": {"raw": {"protocol": "file"}}}' },
  });
  await diagnostics(cfg);
  const now = (await diagnostics(uri)).filter((d) => d.code === 'DJ162');
  assert.match(now[0]?.message ?? '', /before 2\.2\.0; raise it to 2\.2\.0/);
  conn.sendNotification('textDocument/didClose', { textDocument: { uri: cfg } });
  conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  fs.rmSync(dir, { recursive: true });
  await reindex(3);
});

test('notebook cells: names bound in an earlier cell resolve; findings and quick fixes are per cell', async () => {
  const nbUri = pathToFileURL(path.join(workspace, 'analysis.ipynb')).href;
  const cell1 = `vscode-notebook-cell:${path.join(workspace, 'analysis.ipynb')}#c1`;
  const cell2 = `vscode-notebook-cell:${path.join(workspace, 'analysis.ipynb')}#c2`;
  conn.sendNotification('notebookDocument/didOpen', {
    notebookDocument: {
      uri: nbUri,
      notebookType: 'jupyter-notebook',
      version: 1,
      cells: [
        { kind: 2, document: cell1 },
        { kind: 2, document: cell2 },
      ],
    },
    cellTextDocuments: [
      { uri: cell1, languageId: 'python', version: 1, text: 'import datajoint as dj\n' },
      { uri: cell2, languageId: 'python', version: 1, text: 'lab = dj.schema("lab")\n' },
    ],
  });
  const d1 = await diagnostics(cell1);
  const d2 = await diagnostics(cell2);
  assert.deepEqual(
    d1.map((d) => d.code),
    [],
  );
  const dj001 = d2.find((d) => d.code === 'DJ001');
  assert.ok(dj001, JSON.stringify(d2.map((d) => d.code)));
  assert.deepEqual(dj001.range.start, { line: 0, character: 6 });
  const actions = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri: cell2 },
    range: dj001.range,
    context: { diagnostics: [dj001] },
  })) as Array<{
    title: string;
    edit?: { changes: Record<string, Array<{ range: { start: { character: number } }; newText: string }>> };
  }>;
  const fix = actions.find((a) => a.title.startsWith('DataJoint (DJ001)'))!;
  assert.deepEqual(
    fix.edit!.changes[cell2].map((e) => [e.range.start.character, e.newText]),
    [[9, 'Schema']],
  );
});

test('an unresolved receiver of a changed API is a hint in the editor naming the receiver, without a fix', async () => {
  const uri = open(
    'loader.py',
    'import datajoint as dj\nimport requests\n\n\ndef units(self_ephys, url):\n    requests.get(url).fetch()\n    return self_ephys.Unit.fetch()\n',
  );
  const diags = await diagnostics(uri);
  assert.deepEqual(
    diags.map((d) => [d.code, d.severity, d.range.start.line]),
    [['DJ021', 4, 6]],
  );
  assert.match(diags[0].message, /\[unverified: receiver not resolved: `self_ephys\.Unit`\]$/);
  assert.equal(diags[0].data, undefined, 'a finding without a fix carries no data');
});

test('pull diagnostics: a result id, "unchanged" while the findings and version stay, a full report after an edit', async () => {
  const uri = open('result_ids.py', SOURCE);
  type Report = { kind: string; resultId?: string; items?: Diag[] };
  const pull = (previousResultId?: string) =>
    conn.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId }) as Promise<Report>;
  const first = await pull();
  assert.equal(first.kind, 'full');
  assert.ok(first.resultId && first.items?.length);
  const again = await pull(first.resultId);
  assert.deepEqual(again, { kind: 'unchanged', resultId: first.resultId });
  // no previous id, or another one: everything again
  assert.equal((await pull()).kind, 'full');
  const stale = await pull('not-an-id');
  assert.equal(stale.kind, 'full');
  assert.deepEqual(stale.items, first.items);
  // an empty change still moves the version the quick fixes are checked against
  conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '' }],
  });
  const moved = await pull(stale.resultId);
  assert.equal(moved.kind, 'full');
  assert.notEqual(moved.resultId, stale.resultId);
  // fixable diagnostics name the report they were sent in (the quick fix checks it is of the current version)
  const refs = (r: Report) => r.items?.filter((d) => d.data !== undefined).map((d) => String(d.data).split(':')[0]);
  assert.ok(refs(first)?.length);
  assert.deepEqual(
    refs(first),
    refs(first)?.map(() => first.resultId),
  );
  assert.deepEqual(
    refs(moved),
    refs(first)?.map(() => moved.resultId),
  );
  // a real edit: the findings move with the text
  conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }],
  });
  const edited = await pull(moved.resultId);
  assert.equal(edited.kind, 'full');
  assert.deepEqual(
    edited.items?.map((d) => d.range.start.line),
    first.items?.map((d) => d.range.start.line + 1),
  );
  conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

test('a quick fix after several edits is computed on the server for the current version; an older diagnostic gets none', async () => {
  const uri = open('edited.py', SOURCE);
  let text = SOURCE;
  let version = 1;
  const first = await diagnostics(uri);
  const oldDj001 = first.find((d) => d.code === 'DJ001')!;
  assert.ok(oldDj001.data !== undefined, 'a fixable diagnostic names its finding');
  assert.ok(JSON.stringify(oldDj001.data).length < 16, `only a short reference: ${JSON.stringify(oldDj001.data)}`);
  for (const insert of ['# one\n', '', 'x = 1\n', '# two\n']) {
    version++;
    conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: insert }],
    });
    text = insert + text;
    await diagnostics(uri);
  }
  const current = await diagnostics(uri);
  const dj001 = current.find((d) => d.code === 'DJ001')!;
  assert.equal(dj001.range.start.line, 5);
  type Action = { title: string; edit?: { changes: Record<string, Array<{ newText: string }>> } };
  const quickFix = async (d: Diag) =>
    (
      (await conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: d.range,
        context: { diagnostics: [d] },
      })) as Action[]
    ).find((a) => a.title.startsWith('DataJoint (DJ001)'));
  const fix = await quickFix(dj001);
  assert.ok(fix?.edit, 'the quick fix of the current diagnostic');
  const fixed = TextDocument.applyEdits(
    TextDocument.create(uri, 'python', version, text),
    fix.edit.changes[uri] as never,
  );
  assert.match(fixed, /^# two\nx = 1\n# one\nimport datajoint as dj\n\nschema = dj\.Schema\("lab"\)/);
  assert.equal(await quickFix(oldDj001), undefined, 'the diagnostic of version 1 no longer applies');
  conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

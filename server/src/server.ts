// Language server wiring only: capabilities and handlers that delegate to the engine.
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionTriggerKind,
  createConnection,
  DocumentDiagnosticReportKind,
  NotebookDocuments,
  ProposedFeatures,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeEngine } from './engine';
import { fileKind } from './fileKind';
import { listFiles, readText } from './files';
import { fixPython } from './fix/fixLoop';
import { IncrementalAnalyzer } from './incremental/analyzer';
import { indexInstalled, type InstalledIndex } from './index/installedIndex';
import { environmentSitePackages, importedTopLevel, SITE_PACKAGES_NOTIFICATION } from './index/sitePackages';
import type { ModuleExports } from './index/workspace';
import { DocumentStore } from './lsp/documents';
import { warmUp } from './lsp/warmup';
import { minimalEdit, toDiagnostic, toLspEdits } from './lsp/convert';
import { quickFixActions } from './lsp/quickFixes';
import { DiagnosticReports, diagnosticRef, sameReport } from './lsp/reports';
import { workspaceChanges } from './lsp/workspaceEdit';
import { resolveSettings, sitePackagesOption, type EditorSettings, type ResolvedSettings } from './lsp/settings';
import { confineToCells, readNotebook } from './notebook';
import { buildReport, renderMarkdown } from './report/migrationReport';
import { renderRule } from './report/ruleDocs';
import { shownInPhase } from './rules/context';
import type { Finding, RuleMeta } from './rules/meta';
import { analyzeOtherFile } from './rules/otherFiles';
import { analyzePins, configFileExports, detectDataJointPin, isPackagingScript, type DataJointPin } from './rules/pins';
import { allRuleMetas } from './rules/registry';
import { assessDependencies, projectModuleNames, type DependencyAssessments } from './rules/dependencies/warnings';
import { IndexedFiles } from './lsp/indexedFiles';
import { migrateFromIndex } from './lsp/migrateFromIndex';
import type { DependencyWarning } from './rules/dependencies/importRule';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.datajoint`;
export const COMMANDS = {
  migrateWorkspace: 'datajoint.migrateWorkspace',
  finalizeSchemaNames: 'datajoint.finalizeSchemaNames',
  migrationReport: 'datajoint.migrationReport',
  fixAllInFile: 'datajoint.fixAllInFile',
};

const connection = createConnection(ProposedFeatures.all);
const notebooks = new NotebookDocuments({ create: TextDocument.create, update: TextDocument.update });
let engine: CodeEngine;
let store: DocumentStore;
let roots: string[] = [];
let pin: DataJointPin = { line: 'unknown' };
let hasConfiguration = false;
const settingsCache = new Map<string, Promise<ResolvedSettings>>();
let metas: Map<string, RuleMeta>;

const uriToPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);

connection.onInitialize(async (params: InitializeParams) => {
  engine = await CodeEngine.create();
  store = new DocumentStore(engine.python);
  try {
    warmUp(engine);
  } catch (e) {
    connection.console.warn(`DataJoint Migrate: warm-up failed: ${(e as Error).message}`);
  }
  metas = new Map(allRuleMetas().map((m) => [m.code, m]));
  connection.console.info(
    `DataJoint Migrate: tree-sitter-python ABI ${engine.python.abiVersion} (runtime accepts ${engine.python.runtimeAbi.min}-${engine.python.runtimeAbi.max}); ${metas.size} rules`,
  );
  roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
  if (!roots.length && params.rootUri) roots = [uriToPath(params.rootUri)];
  hasConfiguration = !!params.capabilities.workspace?.configuration;
  clientSitePackages = sitePackagesOption(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      notebookDocumentSync: {
        notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }],
      },
      diagnosticProvider: { identifier: 'datajoint', interFileDependencies: true, workspaceDiagnostics: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      hoverProvider: true,
      executeCommandProvider: { commands: Object.values(COMMANDS) },
    },
    serverInfo: { name: 'datajoint-migrate', version: '0.1.0' },
  };
});

connection.onInitialized(() => void indexWorkspace());

/** Site-packages of the interpreter selected in VS Code's Python extension, sent by the client (read-only). */
let clientSitePackages: string[] | undefined;
connection.onNotification(SITE_PACKAGES_NOTIFICATION, (params: unknown) => {
  clientSitePackages = sitePackagesOption(params);
  void indexWorkspace();
});

/** Index the installed DataJoint code of the project's environment; never analysed, never edited. */
function indexEnvironment(imported: Set<string>, files: string[]): number {
  let dirs: string[] = [];
  try {
    dirs = environmentSitePackages({ sitePackages: clientSitePackages, root: roots[0] ?? process.cwd() });
  } catch (e) {
    connection.console.warn(`DataJoint Migrate: ${(e as Error).message}`);
  }
  for (const e of installedExports) engine.workspace.remove(e.path);
  const installed = indexInstalled(dirs, imported, (t) => engine.python.parse(t));
  installedExports = installed.exports;
  for (const e of installedExports) engine.workspace.set(e);
  const own = projectModuleNames(files, roots);
  dependencies = assessDependencies(engine, installed, imported, own);
  installedIndex = installed;
  const { warnings } = dependencies;
  dependencyWarnings = Object.keys(warnings).length ? warnings : undefined;
  return installedExports.length;
}
let installedExports: ModuleExports[] = [];
let installedIndex: InstalledIndex = { packages: [], exports: [] };
let dependencies: DependencyAssessments = { warnings: {}, assessed: [] };
/** When each workspace file was indexed from disk, and what Migrate Workspace Code needs of it. */
const indexedFiles = new IndexedFiles();
/** DJ019: installed packages 2.x would mishandle, by top-level import name; given to every file's options. */
let dependencyWarnings: Record<string, DependencyWarning> | undefined;

async function indexWorkspace(): Promise<void> {
  const started = Date.now();
  const files = roots.length ? listFiles(roots) : [];
  const pins: { path: string; text: string }[] = [];
  const imported = new Set<string>();
  let n = 0;
  indexedFiles.clear();
  for (const f of files) {
    const kind = fileKind(f);
    if (kind === 'other') continue;
    const stat = fs.statSync(f, { throwIfNoEntry: false });
    const r = readText(f);
    if (!('text' in r)) continue;
    if (kind === 'pins' || (kind === 'python' && isPackagingScript(f, r.text))) pins.push({ path: f, text: r.text });
    if (kind === 'python' || kind === 'notebook') importedTopLevel(r.text, imported);
    indexedFiles.index(engine, f, r.text, stat);
    if (++n % 50 === 0) await new Promise((res) => setImmediate(res));
  }
  const installed = indexEnvironment(imported, files);
  pin = detectDataJointPin(pins);
  settingsCache.clear();
  workspaceGen++;
  connection.console.info(
    `DataJoint Migrate: indexed ${engine.workspace.size - installed} Python files (and ${installed} installed) in ${Date.now() - started} ms; DataJoint pin: ${pin.line}${pin.file ? ` (${pin.file})` : ''}`,
  );
  connection.languages.diagnostics.refresh();
}

/**
 * Records an open file's exports. When its release features change (the pin's floor), every open document is
 * analysed again, so a dependency file shows the new floor as soon as the code or config is typed.
 */
function setExports(exports: ModuleExports): void {
  const key = (e?: ModuleExports) => [...(e?.features ?? [])].sort().join();
  const before = key(engine.workspace.get(exports.path));
  engine.workspace.set(exports);
  if (key(exports) === before) return;
  workspaceGen++;
  connection.languages.diagnostics.refresh();
}

function settingsFor(uri: string): Promise<ResolvedSettings> {
  let p = settingsCache.get(uri);
  if (!p) {
    p = (async () => {
      const editor = hasConfiguration
        ? ((await connection.workspace.getConfiguration({ scopeUri: uri, section: 'datajoint' })) as EditorSettings)
        : null;
      const r = resolveSettings(uri.startsWith('file:') ? uriToPath(uri) : null, editor, pin.line);
      if (dependencyWarnings) r.options.dependencies = dependencyWarnings;
      for (const w of r.warnings) connection.console.warn(w);
      return r;
    })();
    settingsCache.set(uri, p);
  }
  return p;
}

connection.onDidChangeConfiguration(() => {
  settingsCache.clear();
  workspaceGen++;
  connection.languages.diagnostics.refresh();
});

connection.onDidChangeWatchedFiles((params) => {
  let pinsChanged = false;
  for (const change of params.changes) {
    const file = uriToPath(change.uri);
    const kind = fileKind(file);
    const base = path.basename(file);
    if (
      kind === 'pins' ||
      kind === 'config' ||
      base === 'pyproject.toml' ||
      base === '.dj-migrate.json' ||
      base === 'setup.py'
    )
      pinsChanged = true;
    if (kind === 'config' && change.type === 3) engine.workspace.remove(file);
    if (kind !== 'python' || store.get(change.uri)) continue;
    indexedFiles.forget(file);
    if (change.type === 3) engine.workspace.remove(file);
    else {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      const r = stat ? readText(file) : null;
      if (r && 'text' in r) indexedFiles.index(engine, file, r.text, stat);
    }
  }
  workspaceGen++;
  if (pinsChanged) void indexWorkspace();
  else connection.languages.diagnostics.refresh();
});

// Plain text documents (Python, config files, pins) are tracked here; notebook cells by `notebooks`.
// The workspace index learns an open file's exports when the file is analysed (see analyze()).
connection.onDidOpenTextDocument(({ textDocument: d }) => {
  store.open(
    d.uri,
    d.languageId,
    d.version,
    d.text,
    fileKind(uriToPath(d.uri)) === 'python' || d.languageId === 'python',
  );
});
connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  store.change(textDocument.uri, textDocument.version, contentChanges);
});
connection.onDidCloseTextDocument(({ textDocument }) => {
  store.close(textDocument.uri);
  analysisCache.delete(textDocument.uri);
  analyzers.delete(textDocument.uri);
  reports.delete(textDocument.uri);
});
notebooks.listen(connection);

interface Analysis {
  doc: TextDocument;
  findings: Finding[];
  settings: ResolvedSettings;
  /** Maps an offset of the analysed text to an offset of `doc` (notebook cells), or null if outside. */
  toDoc: (o: number) => number | null;
}

/** The last analysis of each open document, reused while its version and the settings are unchanged. */
const analysisCache = new Map<
  string,
  { version: number; settings: ResolvedSettings; workspaceGen: number; analysis: Analysis }
>();
let workspaceGen = 0;
/** Per open Python document: findings cached per top-level statement, so an edit re-checks what it can affect. */
const analyzers = new Map<string, IncrementalAnalyzer>();

async function analyze(uri: string): Promise<Analysis | null> {
  const settings = await settingsFor(uri);
  const options = settings.options;
  const entry = store.get(uri);
  if (entry) {
    const file = uriToPath(uri);
    const cached = analysisCache.get(uri);
    if (
      cached &&
      cached.version === entry.doc.version &&
      cached.settings === settings &&
      cached.workspaceGen === workspaceGen
    )
      return cached.analysis;
    let analysis: Analysis;
    if (entry.tree) {
      let incremental = analyzers.get(uri);
      if (!incremental) analyzers.set(uri, (incremental = new IncrementalAnalyzer(engine, file, setExports)));
      analysis = {
        doc: entry.doc,
        findings: [
          ...incremental.analyze(entry.doc.getText(), entry.tree, options),
          ...(isPackagingScript(file, entry.doc.getText())
            ? analyzePins(file, entry.doc.getText(), { enabled: options.mode === 'migrate' })
            : []),
        ],
        settings,
        toDoc: (o) => o,
      };
    } else {
      if (fileKind(file) === 'config') setExports(configFileExports(file, entry.doc.getText()));
      analysis = {
        doc: entry.doc,
        findings: analyzeOtherFile(file, entry.doc.getText(), { options, workspace: engine.workspace }),
        settings,
        toDoc: (o) => o,
      };
    }
    analysisCache.set(uri, { version: entry.doc.version, settings, workspaceGen, analysis });
    return analysis;
  }
  const cell = notebooks.getNotebookCell(uri);
  const nbDoc = cell ? notebooks.findNotebookDocumentForCell(cell) : undefined;
  const cellDoc = cell ? notebooks.getCellTextDocument(cell) : undefined;
  if (!nbDoc || !cellDoc) return null;
  // Join every Python cell so names bound in earlier cells resolve; keep this cell's findings.
  const cells = nbDoc.cells
    .map((c) => notebooks.getCellTextDocument(c))
    .filter((d): d is TextDocument => !!d && d.languageId === 'python');
  const json = JSON.stringify({ cells: cells.map((d) => ({ cell_type: 'code', source: d.getText() })), metadata: {} });
  const nb = readNotebook(json);
  const at = cells.findIndex((d) => d.uri === uri);
  const start = nb.cells[at].start;
  const len = nb.cells[at].source.length;
  const findings = confineToCells(nb, engine.analyzePython(uriToPath(nbDoc.uri), nb.text, options)).filter(
    (f) => f.start >= start && f.end <= start + len,
  );
  return { doc: cellDoc, findings, settings, toDoc: (o) => (o >= start && o <= start + len ? o - start : null) };
}

connection.languages.diagnostics.on(async (params) => {
  const a = await analyze(params.textDocument.uri).catch((e) => {
    connection.console.error(
      `DataJoint Migrate: analysis failed for ${params.textDocument.uri}: ${(e as Error).stack}`,
    );
    return null;
  });
  const uri = params.textDocument.uri;
  const shown = a ? a.findings.filter((f) => shownInPhase(f, a.settings.options.phase)) : [];
  // The client already shows these diagnostics: say so instead of sending them all again.
  if (!a) {
    reports.delete(uri);
    return { kind: DocumentDiagnosticReportKind.Full, resultId: `none-${++emptyReports}`, items: [] };
  }
  const last = reports.latest(uri);
  const same = last && sameReport(last, a.doc.version, shown);
  if (same && params.previousResultId === last.resultId)
    return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
  // the same findings again keep their report (and the quick-fix references in the client's diagnostics)
  const report = same ? last : reports.add(uri, a.doc.version, shown, a.toDoc);
  const toDoc = (o: number) => a.toDoc(o) ?? 0;
  const items: Diagnostic[] = shown.map((f, id) =>
    toDiagnostic(a.doc, f, toDoc, f.fix ? diagnosticRef(report.resultId, id) : undefined),
  );
  return { kind: DocumentDiagnosticReportKind.Full, resultId: report.resultId, items };
});

/** The last diagnostics sent for each document: what a `previousResultId` and a quick fix refer to. */
const reports = new DiagnosticReports();
let emptyReports = 0;

connection.onCodeAction(async (params) => {
  const uri = params.textDocument.uri;
  const cell = store.get(uri) ? undefined : notebooks.getNotebookCell(uri);
  const doc = store.get(uri)?.doc ?? (cell ? notebooks.getCellTextDocument(cell) : undefined);
  if (!doc) return [];
  const actions: CodeAction[] = [];
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  if (wants(CodeActionKind.QuickFix)) {
    actions.push(
      ...quickFixActions(uri, doc, params.context.diagnostics, (data) => reports.fix(uri, doc.version, data)),
    );
  }
  // fix-all works on whole Python files (notebook cells get their quick fixes one by one)
  if (
    wants(FIX_ALL_KIND) &&
    store.get(uri)?.tree &&
    (only || params.context.diagnostics.some((d) => d.source === 'DataJoint'))
  ) {
    const settings = await settingsFor(uri);
    const automatic = params.context.triggerKind === CodeActionTriggerKind.Automatic;
    if (!(automatic && !settings.fixOnSave)) {
      const a = CodeAction.create('DataJoint: fix all safe migrations in file', FIX_ALL_KIND);
      a.data = { kind: 'fixAll', uri, version: doc.version };
      actions.push(a);
    }
  }
  return actions;
});

connection.onCodeActionResolve(async (action) => {
  const data = action.data as { kind: 'fixAll' | 'fixCode'; uri: string; version: number; code?: string } | undefined;
  if (!data) return action;
  const entry = store.get(data.uri);
  if (!entry?.tree || entry.doc.version !== data.version) return action;
  const settings = await settingsFor(data.uri);
  const text = entry.doc.getText();
  const result = fixPython(engine, uriToPath(data.uri), text, settings.options, {
    unsafe: false,
    codes: data.code ? new Set([data.code]) : undefined,
  });
  const edit = minimalEdit(text, result.text);
  if (edit) action.edit = { changes: { [data.uri]: toLspEdits(entry.doc, [edit]) } };
  return action;
});

connection.onHover(async (params) => {
  const a = await analyze(params.textDocument.uri);
  if (!a) return null;
  const offset = a.doc.offsetAt(params.position);
  const hits = a.findings.filter((f) => {
    const s = a.toDoc(f.start);
    const e = a.toDoc(f.end);
    return s !== null && e !== null && s <= offset && offset <= e;
  });
  if (!hits.length) return null;
  const seen = new Set<string>();
  const parts = hits
    .filter((f) => !seen.has(f.code) && seen.add(f.code))
    .map((f) => {
      const meta = metas.get(f.code);
      return `${f.message}\n\n${meta ? renderRule(meta, 4) : ''}`;
    });
  return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') } };
});

connection.onExecuteCommand(async (params) => {
  switch (params.command) {
    case COMMANDS.migrateWorkspace:
      return applyWorkspaceMigration(false, params.arguments?.[0] as { apply?: boolean } | undefined);
    case COMMANDS.finalizeSchemaNames:
      return applyWorkspaceMigration(true, params.arguments?.[0] as { apply?: boolean } | undefined);
    case COMMANDS.migrationReport: {
      const { fixed, project } = await migrateAll(false);
      return renderMarkdown(
        buildReport(
          fixed,
          allRuleMetas(),
          [...project.skipped].map(([p, reason]) => ({ path: p, reason })),
          project.options.phase,
          project.dependencies,
        ),
        roots[0],
      );
    }
    case COMMANDS.fixAllInFile: {
      const uri = params.arguments?.[0] as string;
      const entry = store.get(uri);
      if (!entry?.tree) return null;
      const settings = await settingsFor(uri);
      const result = fixPython(engine, uriToPath(uri), entry.doc.getText(), settings.options, { unsafe: false });
      const edit = minimalEdit(entry.doc.getText(), result.text);
      if (edit)
        await connection.workspace.applyEdit({
          label: 'DataJoint: fix all',
          edit: { changes: { [uri]: toLspEdits(entry.doc, [edit]) } },
        });
      return result.applied.length;
    }
  }
  return null;
});

/**
 * Fix every workspace file in memory from the server's index (open documents use their editor text; only files
 * not yet indexed or changed on disk since are read).
 */
function migrateAll(finalize: boolean) {
  return migrateFromIndex(
    {
      engine,
      indexed: indexedFiles,
      roots,
      pin,
      installed: installedIndex,
      dependencies,
      openText: (file) => store.get(pathToFileURL(file).href)?.doc.getText(),
    },
    { finalize, codes: finalize ? new Set(schemaNameCodes()) : undefined },
  );
}

function schemaNameCodes(): string[] {
  return allRuleMetas()
    .filter((m) => /^DJ13\d$/.test(m.code))
    .map((m) => m.code);
}

/** One WorkspaceEdit with a change annotation per file that needs confirmation: VS Code shows its refactor preview. */
async function applyWorkspaceMigration(finalize: boolean, opts?: { apply?: boolean }) {
  const { fixed, read } = await migrateAll(finalize);
  const { documentChanges, changeAnnotations, files, fixes } = workspaceChanges(fixed, store);
  const edit: WorkspaceEdit = { documentChanges, changeAnnotations };
  if (opts?.apply !== false && documentChanges.length) {
    const label = finalize ? 'DataJoint: remove the parallel-schema suffix' : 'DataJoint: migrate workspace to 2.x';
    const r = await connection.workspace.applyEdit({ label, edit });
    return { files, fixes, applied: r.applied, failureReason: r.failureReason, read: read.length };
  }
  return { files, fixes, applied: false, edit, read: read.length };
}

connection.onShutdown(() => store?.dispose());
connection.listen();

// Reports open in a webview (one panel, reused), rendered by render.ts, or as saved Markdown documents
// (previewed); plans open as read-only SQL documents through a virtual document provider.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { OperationReport } from './report';
import { renderReportHtml, renderReportMarkdown } from './render';
import { saveReport } from './reportFiles';

export const PLAN_SCHEME = 'datajoint-plan';

/** Read-only documents for dry-run plans and DDL: `datajoint-plan:/<name>.sql`. */
export class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.path) ?? '';
  }

  async open(name: string, text: string, language = 'sql'): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({
      scheme: PLAN_SCHEME,
      path: `/${name.replace(/[^\w.-]+/g, '-')}.${language === 'sql' ? 'sql' : 'txt'}`,
    });
    this.docs.set(uri.path, text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, language);
    return vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
  }
}

export class ReportPanel {
  private panel: vscode.WebviewPanel | undefined;
  /** The report shown last (tests and the Migration view read it). */
  current: OperationReport | undefined;

  show(report: OperationReport): void {
    this.current = report;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('datajoint.report', report.title, vscode.ViewColumn.Active, {
        enableCommandUris: ['datajoint.explorer.revealTable'],
        enableScripts: false,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = `${report.title} — report`;
    this.panel.webview.html = renderReportHtml(report, {
      nonce: randomBytes(16).toString('base64'),
      cspSource: this.panel.webview.cspSource,
      tableLink: (table) => `command:datajoint.explorer.revealTable?${encodeURIComponent(JSON.stringify([table]))}`,
    });
    this.panel.reveal();
  }

  /** The same report as a Markdown document (copyable, attachable to a ticket), saved under `.dj-migrate/reports/`. */
  showMarkdown(report: OperationReport, root: string): Promise<vscode.Uri> {
    return openReportDocument(
      root,
      `${report.kind}-${report.targets.join('+')}`,
      renderReportMarkdown(report),
      report.finishedAt ? new Date(report.finishedAt) : new Date(),
    );
  }
}

/** Save a Markdown report under `<root>/.dj-migrate/reports/` and open it as a Markdown preview. */
export async function openReportDocument(
  root: string,
  name: string,
  markdown: string,
  now = new Date(),
): Promise<vscode.Uri> {
  const uri = vscode.Uri.file(saveReport(root, name, markdown, now));
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return uri;
}

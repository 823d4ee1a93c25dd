// One status-bar item: the DataJoint findings of the open files, and the operation running (if any).
import * as vscode from 'vscode';
import { onRunningChange, running } from './progress';
import { statusView } from './statusModel';

function isDataJoint(d: vscode.Diagnostic): boolean {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return d.source?.toLowerCase().includes('datajoint') === true || /^DJ\d+/.test(String(code ?? ''));
}

export function registerStatusBar(context: vscode.ExtensionContext): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('datajoint.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'DataJoint Migrate';
  const update = (): void => {
    let findings = 0;
    let files = 0;
    for (const [, diags] of vscode.languages.getDiagnostics()) {
      const n = diags.filter(isDataJoint).length;
      findings += n;
      if (n) files++;
    }
    const view = statusView(findings, files, [...running]);
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.command = view.command;
    item.show();
  };
  update();
  context.subscriptions.push(item, vscode.languages.onDidChangeDiagnostics(update));
  onRunningChange(update);
  return item;
}

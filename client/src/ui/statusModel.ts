// What the status-bar item says. VS Code only holds the diagnostics of files the language server analysed — the open
// ones (the server does not provide workspace diagnostics) — so the count is labelled "open files", and a click runs
// the workspace code migration report, which reads every file. No `vscode` here.

export const WORKSPACE_REPORT_COMMAND = 'datajoint.code.showReport';

export interface StatusView {
  text: string;
  tooltip: string;
  command: string | undefined;
}

export function statusView(findings: number, files: number, running: readonly string[]): StatusView {
  if (running.length)
    return {
      text: `$(sync~spin) DataJoint: ${running[0]}`,
      tooltip: `Running: ${running.join(', ')}`,
      command: undefined,
    };
  const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    text: `$(database) DJ ${findings} in open files`,
    tooltip:
      `${s(findings, 'DataJoint migration finding')} in ${s(files, 'open file')}; files that are not open are not ` +
      'counted. Click for the workspace code migration report (every file).',
    command: WORKSPACE_REPORT_COMMAND,
  };
}

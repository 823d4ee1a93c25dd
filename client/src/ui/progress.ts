// Long operations under a cancellable progress notification. Cancel aborts an AbortController whose
// signal the engines watch: they stop after the current chunk (killing the running query), roll back
// what is uncommitted and leave a checkpoint, so running the command again resumes.
import * as vscode from 'vscode';

export interface ProgressSink {
  signal: AbortSignal;
  progress(message: string, increment?: number): void;
}

/** Operations currently running, for the status bar. */
export const running = new Set<string>();
const listeners: Array<() => void> = [];
export function onRunningChange(fn: () => void): void {
  listeners.push(fn);
}
function changed(): void {
  for (const l of listeners) l();
}

export async function withCancellableProgress<T>(title: string, task: (sink: ProgressSink) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  running.add(title);
  changed();
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => controller.abort(new Error(`${title} cancelled by the user`)));
        try {
          return await task({
            signal: controller.signal,
            progress: (message, increment) =>
              progress.report({ message, ...(increment !== undefined ? { increment } : {}) }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } finally {
    running.delete(title);
    changed();
  }
}

// VS Code entry point: a thin shell that starts the language client and registers views and commands.
import * as vscode from 'vscode';

export async function activate(_context: vscode.ExtensionContext): Promise<void> {}

export function deactivate(): void {}

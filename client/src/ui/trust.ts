// Restricted Mode wired to VS Code (the rules are in trustPolicy.ts): commands that need a trusted folder ask for
// it, the language client keeps diagnostics and hovers but offers trust instead of fixes, and the views refresh
// when trust is granted.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { MANAGE_TRUST_COMMAND, NEEDS_TRUST, requireTrust, restrictedCodeActions, type TrustGate } from './trustPolicy';

export const vscodeTrustGate: TrustGate = {
  isTrusted: () => vscode.workspace.isTrusted,
  ask: async (message) => {
    const manage = 'Manage Workspace Trust';
    if ((await vscode.window.showWarningMessage(message, { modal: true }, manage)) === manage)
      await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
  },
};

/** A command registration that asks for trust first when the command needs it (NEEDS_TRUST). */
export function registerTrusted(id: string, fn: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, requireTrust(id, fn, vscodeTrustGate));
}

/** Language-client middleware: in Restricted Mode, fixes and the server's rewriting commands ask for trust. */
export const trustMiddleware: Middleware = {
  provideCodeActions: async (document, range, context, token, next) => {
    const actions = await next(document, range, context, token);
    if (vscode.workspace.isTrusted) return actions;
    return restrictedCodeActions(actions, context.only?.value).map((n) => {
      const action = new vscode.CodeAction(n.title, vscode.CodeActionKind.QuickFix);
      action.command = { title: n.title, command: n.command };
      return action;
    });
  },
  executeCommand: (command, args, next) =>
    NEEDS_TRUST[command] ? requireTrust(command, next, vscodeTrustGate)(command, args) : next(command, args),
};

/** Run `fn` when the user trusts the folder (the views then load what Restricted Mode kept hidden). */
export function onTrustGranted(fn: () => void): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(fn);
}

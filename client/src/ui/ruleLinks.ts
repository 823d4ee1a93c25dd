// Language-client middleware: every DataJoint diagnostic links to its rule's section of the bundled docs/rules.md
// (the server leaves the link out of its replies, see server/src/lsp/ruleLinks.ts).
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { linkRules, ruleDocHref } from '../../../server/src/lsp/ruleLinks';

export function ruleLinkMiddleware(rulesDoc: string): Pick<Middleware, 'provideDiagnostics'> {
  const targets = new Map<string, vscode.Uri>();
  const target = (code: string): vscode.Uri => {
    let uri = targets.get(code);
    // parsed as the client parses a diagnostic's codeDescription.href
    if (!uri) targets.set(code, (uri = vscode.Uri.parse(ruleDocHref(rulesDoc, code))));
    return uri;
  };
  return {
    provideDiagnostics: async (document, previousResultId, token, next) => {
      const report = await next(document, previousResultId, token);
      if (report && 'items' in report) linkRules(report.items, target);
      return report;
    },
  };
}

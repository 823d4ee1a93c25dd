// The VS Code client links each DataJoint diagnostic to its rule's section of docs/rules.md (the server does not send
// the link): the same link the server used to send, and only on the server's own diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { linkRules, ruleDocHref } from '../../server/src/lsp/ruleLinks';
import { repoRoot } from '../helpers/paths';

const rulesDoc = path.join(repoRoot, 'docs', 'rules.md');

test('DataJoint diagnostics get their rule link as VS Code holds it; others are left alone', () => {
  const items: Array<{ source?: string; code?: string | number | { value: string | number; target: string } }> = [
    { source: 'DataJoint', code: 'DJ001' },
    { source: 'DataJoint', code: 'DJ117' },
    { source: 'Pylance', code: 'reportMissingImports' },
    { source: 'DataJoint', code: { value: 'DJ002', target: 'kept' } },
  ];
  linkRules(items, (code) => ruleDocHref(rulesDoc, code));
  const base = pathToFileURL(rulesDoc).href;
  assert.deepEqual(items, [
    { source: 'DataJoint', code: { value: 'DJ001', target: `${base}#dj001` } },
    { source: 'DataJoint', code: { value: 'DJ117', target: `${base}#dj117` } },
    { source: 'Pylance', code: 'reportMissingImports' },
    { source: 'DataJoint', code: { value: 'DJ002', target: 'kept' } },
  ]);
});

test('the extension links diagnostics to the bundled docs/rules.md, which documents every linked code', () => {
  const extension = fs.readFileSync(path.join(repoRoot, 'client', 'src', 'extension.ts'), 'utf8');
  assert.match(extension, /ruleLinkMiddleware\(context\.asAbsolutePath\(path\.join\('docs', 'rules\.md'\)\)\)/);
  const doc = fs.readFileSync(rulesDoc, 'utf8');
  assert.match(doc, /^## DJ001 /m);
  assert.match(doc, /^## DJ117 /m);
});

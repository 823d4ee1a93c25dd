// docs/rules.md is generated from the rule metadata; the language server links every diagnostic to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { allRuleMetas } from '../../server/src/rules/registry';
import { renderRulesDocument } from '../../server/src/report/ruleDocs';
import { repoRoot } from '../helpers/paths';

test('docs/rules.md is up to date (regenerate with npm run docs)', () => {
  const file = fs.readFileSync(path.join(repoRoot, 'docs', 'rules.md'), 'utf8');
  assert.equal(file.trimEnd(), renderRulesDocument(allRuleMetas()).trimEnd());
});

test('the README lists every rule code', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const missing = allRuleMetas()
    .map((m) => m.code)
    .filter((c) => !readme.includes(c));
  assert.deepEqual(missing, []);
});

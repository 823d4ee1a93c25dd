// Issue 15 item 1, first piece: an installed package (a fake Element with a *.dist-info) is assessed for what
// DataJoint 2.x would mishandle or reject, without changing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { assessPackage, describeRisks, distInfoVersion } from '../../server/src/rules/dependencies/assess';
import { repoRoot } from '../helpers/paths';

const site = path.join(repoRoot, 'test', 'rules', 'dependencies', 'site-packages');

test('a package declaring bare longblob/blob, attach, boolean, uint16 and dj.schema( is counted, never changed', async () => {
  const dir = path.join(site, 'element_fake');
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  const before = files.map((f) => fs.readFileSync(f, 'utf8'));
  const version = distInfoVersion(path.join(site, 'element_fake-0.3.1.dist-info'));
  assert.equal(version, '0.3.1');
  const a = assessPackage(await CodeEngine.create(), { name: 'element-fake', version, files });
  assert.deepEqual(a.risks, { silentRawBytes: 3, inTableAttach: 1, rejected: 2, schemaAtImport: 1 });
  assert.match(
    describeRisks(a) ?? '',
    /^element-fake 0\.3\.1 is not 2\.x-ready: 3 bare longblob\/blob attribute\(s\) that 2\.x stores as str\(value\) without raising, 1 in-table attach/,
  );
  assert.deepEqual(
    files.map((f) => fs.readFileSync(f, 'utf8')),
    before,
    'the package files are untouched',
  );
});

test('a package without DataJoint risks gets no warning', async () => {
  const a = assessPackage(await CodeEngine.create(), {
    name: 'plain',
    files: [path.join(site, 'element_fake', '__init__.py')],
  });
  assert.equal(describeRisks(a), undefined);
  assert.equal(distInfoVersion(path.join(site, 'missing.dist-info')), undefined);
});

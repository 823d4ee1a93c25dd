// DJ005 on an imported `key_hash`: fixed when every use is a one-argument call, manual otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';

const options = { ...DEFAULT_OPTIONS, schemaSuffix: '' };

test('an imported key_hash used as a value keeps a manual finding and no fix', async () => {
  const engine = await CodeEngine.create();
  const text = 'from datajoint.hash import key_hash\n\nf = key_hash\nh = key_hash(k)\n';
  const findings = engine.analyzePython('/x/a.py', text, options);
  assert.deepEqual(
    findings.map((f) => [f.code, !!f.fix]),
    [['DJ009', false]],
  );
});

test('an imported key_hash called with one argument gets the DJ005 fix', async () => {
  const engine = await CodeEngine.create();
  const text = 'from datajoint.hash import key_hash\n\nh = key_hash(k)\n';
  const findings = engine.analyzePython('/x/a.py', text, options);
  assert.deepEqual(
    findings.map((f) => [f.code, f.safety, !!f.fix]),
    [['DJ005', 'safe', true]],
  );
});

test('key_hash imported from datajoint.jobs (a 0.14.6 re-export 2.x dropped): manual when used as a value', async () => {
  const engine = await CodeEngine.create();
  const text = 'from datajoint.jobs import key_hash\n\nf = key_hash\n';
  const findings = engine.analyzePython('/x/a.py', text, options);
  assert.deepEqual(
    findings.map((f) => [f.code, !!f.fix]),
    [['DJ010', false]],
  );
});

test('key_hash imported from datajoint.jobs and called with one argument gets the DJ005 fix', async () => {
  const engine = await CodeEngine.create();
  const text = 'from datajoint.jobs import key_hash\n\nname = "/tmp/" + key_hash(k) + ".npy"\n';
  const findings = engine.analyzePython('/x/a.py', text, options);
  assert.deepEqual(
    findings.map((f) => [f.code, f.safety, !!f.fix]),
    [['DJ005', 'safe', true]],
  );
});

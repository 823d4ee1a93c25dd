// `m.schema` on a module imported from outside the project's index (`from pipeline import experiment`, checked
// alone): DJ065/DJ067/DJ075 found by the attribute's name, as hints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';

const options = { ...DEFAULT_OPTIONS, schemaSuffix: '' };

test('an unresolved module schema: jobs, drop(force) and external are hints naming the guess', async () => {
  const engine = await CodeEngine.create();
  const text = `import datajoint as dj
from pipeline import experiment

(experiment.schema.jobs & 'status="error"').delete()
experiment.schema.drop(force=True)
experiment.schema.external["store"].delete(delete_external_files=True)
`;
  const findings = engine.analyzePython('/x/a.py', text, options);
  assert.deepEqual(
    findings.map((f) => [f.code, text.slice(f.start, f.end), f.severity, f.safety, !!f.fix, !!f.unverified]),
    [
      ['DJ075', 'experiment.schema.jobs', 'hint', 'manual', false, true],
      ['DJ065', 'force=True', 'hint', 'unsafe', true, true],
      ['DJ067', 'experiment.schema.external', 'hint', 'manual', false, true],
    ],
  );
  for (const f of findings) assert.match(f.message, /`experiment` is not in the project's index/);
  assert.match(findings[0].reason ?? '', /experiment\.schema/);
});

test('a dotted module chain (import pipeline.experiment) counts too; a local object does not', async () => {
  const engine = await CodeEngine.create();
  const text = `import datajoint as dj
import pipeline.experiment

pipeline.experiment.schema.drop(force=True)
local = object()
local.schema.drop(force=True)
`;
  const findings = engine.analyzePython('/x/a.py', text, options);
  assert.deepEqual(
    findings.map((f) => [f.code, text.slice(f.start, f.end), f.severity]),
    [['DJ065', 'force=True', 'hint']],
  );
});

// Schema names (DJ130-131): the suffix for the parallel-schema workflow and its removal at cut-over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { fixPython } from '../../server/src/fix/fixLoop';
import { Project } from '../../server/src/project';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import { SCHEMA_FINALIZE, SCHEMA_SUFFIX } from '../../server/src/rules/schemaNames';

const enginePromise = CodeEngine.create();
const SOURCE = `import datajoint as dj

PREFIX = "lab_"
a = dj.Schema("lab")
b = dj.Schema(f"{PREFIX}ephys", context=locals())
c = dj.Schema(PREFIX + "analysis")
d = dj.VirtualModule("d", PREFIX + name)
`;

async function fix(text: string, opts: Partial<EngineOptions>) {
  const engine = await enginePromise;
  return fixPython(engine, '/ws/names.py', text, { ...DEFAULT_OPTIONS, ...opts }, { unsafe: false });
}

test('the default project suffix _v2 is applied by fix-all (safe) and a second run adds nothing', async () => {
  const once = await fix(SOURCE, {});
  assert.match(once.text, /dj\.Schema\("lab_v2"\)/);
  assert.match(once.text, /dj\.Schema\(f"\{PREFIX\}ephys_v2", context=locals\(\)\)/);
  assert.match(once.text, /dj\.Schema\(PREFIX \+ "analysis_v2"\)/);
  assert.match(once.text, /dj\.VirtualModule\("d", PREFIX \+ name \+ "_v2"\)/);
  assert.ok(once.applied.every((f) => f.code === 'DJ130' && f.safety === 'safe' && f.severity === 'info'));
  const twice = await fix(once.text, {});
  assert.equal(twice.text, once.text);
  assert.doesNotMatch(twice.text, /_v2_v2/);
});

test('finalize removes exactly the suffix again, restoring the original text', async () => {
  const suffixed = (await fix(SOURCE, { schemaSuffix: '_new' })).text;
  assert.match(suffixed, /"lab_new"/);
  const final = await fix(suffixed, { schemaSuffix: '_new', finalize: true });
  assert.equal(final.text, SOURCE);
  assert.ok(final.applied.every((f) => f.code === 'DJ131'));
});

test('an empty suffix disables both rules', async () => {
  const engine = await enginePromise;
  const findings = engine
    .analyzePython('/ws/names.py', SOURCE, { ...DEFAULT_OPTIONS, schemaSuffix: '' })
    .filter((f) => /^DJ13/.test(f.code));
  assert.deepEqual(findings, []);
});

test('the messages show the resulting name; the docs tie finalize to the database swap', async () => {
  const engine = await enginePromise;
  const findings = engine.analyzePython('/ws/names.py', SOURCE, DEFAULT_OPTIONS).filter((f) => f.code === 'DJ130');
  assert.match(findings[0].message, /`"lab_v2"`/);
  assert.match(SCHEMA_FINALIZE.docs.summary, /swap/);
  assert.match(SCHEMA_SUFFIX.docs.summary, /safe because the project setting asked for it/);
});

test("an Element module's activate(...) gets dj.Schema's safe fix on every schema-name argument", async () => {
  const engine = await enginePromise;
  const text = `import datajoint as dj
from element_array_ephys import ephys
from lab_tools import tools

db_prefix = dj.config["database.prefix"]
ephys.activate(db_prefix + "ephys", probe_schema_name=db_prefix + "probe", linking_module=__name__)
tools.activate("lab_tools", create_schema=True)
other.activate("not a schema")
vm = dj.VirtualModule("ephys", db_prefix + "ephys")
`;
  const findings = engine.analyzePython('/ws/element.py', text, DEFAULT_OPTIONS).filter((f) => f.code === 'DJ130');
  assert.deepEqual(
    findings.map((f) => `${text.slice(f.start, f.end)}:${f.severity}:${f.safety}`),
    [
      'db_prefix + "ephys":info:safe',
      'db_prefix + "probe":info:safe',
      // Not an Element's module and not resolved: only the keyword says it may create a schema.
      '"lab_tools":hint:unsafe',
      'db_prefix + "ephys":info:safe',
    ],
  );
  // Fix-all suffixes the Element's schemas with the virtual module's: one schema is never split between x and x_v2.
  const fixed = fixPython(engine, '/ws/element.py', text, DEFAULT_OPTIONS, { unsafe: false }).text;
  assert.match(
    fixed,
    /ephys\.activate\(db_prefix \+ "ephys_v2", probe_schema_name=db_prefix \+ "probe_v2", linking_module=__name__\)/,
  );
  assert.match(fixed, /dj\.VirtualModule\("ephys", db_prefix \+ "ephys_v2"\)/);
  assert.match(fixed, /tools\.activate\("lab_tools", create_schema=True\)/);
  const final = fixPython(
    engine,
    '/ws/element.py',
    fixed,
    { ...DEFAULT_OPTIONS, finalize: true },
    { unsafe: true },
  ).text;
  assert.equal(final, text);
});

test("an Element's activate: every positional schema name, and an Element module's activate without keywords", async () => {
  const engine = await enginePromise;
  const text = `import datajoint as dj
from element_lab import lab
from element_calcium_imaging import imaging
from venv_tools import env

db_prefix = dj.config["database.prefix"]
lab.activate(db_prefix + "lab")
imaging.activate(db_prefix + "imaging", db_prefix + "scan", linking_module=__name__)
env.activate("base")
`;
  const findings = engine.analyzePython('/ws/pipeline.py', text, DEFAULT_OPTIONS).filter((f) => f.code === 'DJ130');
  assert.deepEqual(
    findings.map((f) => text.slice(f.start, f.end)),
    ['db_prefix + "lab"', 'db_prefix + "imaging"', 'db_prefix + "scan"'],
  );
  assert.ok(findings.every((f) => f.safety === 'safe'));
});

test("a workspace module's own activate(name) wrapper gets a hint with an unsafe fix, keywords or not", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-activate-'));
  try {
    fs.mkdirSync(path.join(dir, 'lab'));
    fs.writeFileSync(path.join(dir, 'lab', '__init__.py'), '');
    fs.writeFileSync(
      path.join(dir, 'lab', 'analysis.py'),
      'import datajoint as dj\n\nschema = dj.Schema()\n\n\ndef activate(schema_name, *, create_schema=True):\n    schema.activate(schema_name, create_schema=create_schema)\n',
    );
    const pipeline = 'from . import analysis\n\nanalysis.activate("lab_analysis")\nprint("lab_analysis")\n';
    fs.writeFileSync(path.join(dir, 'lab', 'pipeline.py'), pipeline);
    const project = await Project.open([dir], {});
    const file = path.join(dir, 'lab', 'pipeline.py');
    const found = (project.analyzeFile(file)?.findings ?? []).filter((f) => f.code === 'DJ130');
    project.dispose();
    assert.deepEqual(
      found.map((f) => `${pipeline.slice(f.start, f.end)}:${f.severity}:${f.safety}`),
      ['"lab_analysis":hint:unsafe'],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// AutoPopulate and jobs (DJ071-075): messages, safety classes, hints on unresolved receivers and the
// cases that must not get a fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CodeEngine } from '../../server/src/engine';
import { applyEdits } from '../../server/src/fix/apply';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';
import { populateRules, noRuleBecause } from '../../server/src/rules/populate';
import { specFile } from '../helpers/paths';

const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
const enginePromise = CodeEngine.create();

const HEADER = `import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    """


@schema
class Spikes(dj.Computed):
    definition = """
    -> Unit
    """

`;

async function analyze(body: string): Promise<{ text: string; findings: Finding[] }> {
  const engine = await enginePromise;
  const text = HEADER + body;
  return {
    text,
    findings: engine.analyzePython('/ws/populate_probe.py', text, options).filter((f) => /^DJ07[1-5]$/.test(f.code)),
  };
}

test('populate(keys=K) with restrictions is manual: 0.14.6 ignored the restrictions when keys were given', async () => {
  const { findings } = await analyze('def f(r, k):\n    Spikes.populate(r, keys=k)\n');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].code, 'DJ071');
  assert.equal(findings[0].safety, 'manual');
  assert.match(findings[0].message, /ignored the positional restrictions/);
});

test('populate(keys=K) moves the keys in front of the keyword arguments (unsafe)', async () => {
  const { text, findings } = await analyze('def f(k):\n    Spikes.populate(display_progress=True, keys=k)\n');
  const f = findings[0];
  assert.equal(f.safety, 'unsafe');
  assert.match(f.message, /restricts `key_source`/);
  assert.match(applyEdits(text, f.fix!.edits), /Spikes\.populate\(k, display_progress=True\)/);
});

test('populate(order=) is manual with the priority hint; limit= beside max_calls= is manual', async () => {
  const { findings } = await analyze('Spikes.populate(order="random", limit=3, max_calls=5)\n');
  const order = findings.find((f) => f.code === 'DJ072')!;
  assert.equal(order.safety, 'manual');
  assert.match(order.message, /priority=/);
  const limit = findings.find((f) => f.code === 'DJ073')!;
  assert.equal(limit.safety, 'manual');
  assert.equal(limit.fix, undefined);
  assert.match(limit.message, /smaller of the two/);
});

test('an unresolved receiver is a hint with another DataJoint populate keyword, else listed as unverified', async () => {
  const { findings } = await analyze(
    'def f(t, k):\n    t.populate(keys=k)\n    t.populate(keys=k, reserve_jobs=True)\n    t.populate(order="reverse")\n',
  );
  assert.deepEqual(
    findings.map((f) => `${f.code}:${f.severity}:${f.fix ? 'fix' : 'nofix'}:${f.unverified}`),
    ['DJ071:hint:nofix:true', 'DJ071:hint:fix:true', 'DJ072:hint:nofix:true'],
  );
});

test('self.target: only in auto-populated tables, never assigned, never where the class defines target', async () => {
  const { findings } = await analyze(`
@schema
class Note(dj.Manual):
    definition = """
    -> Unit
    """

    def show(self):
        return self.target


@schema
class Rates(dj.Imported):
    definition = """
    -> Unit
    """

    def make(self, key):
        return self.target.proj()
`);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].code, 'DJ074');
  assert.equal(findings[0].safety, 'safe');
});

test('schema.jobs: the message follows the idiom (restriction, delete, ignore, other); virtual modules too', async () => {
  const { findings } = await analyze(`vm = dj.VirtualModule("vm", "ephys")
(schema.jobs & 'status="error"').delete()
schema.jobs.delete()
schema.jobs.ignore("__spikes", {"unit": 1})
print(len(vm.schema.jobs))
for job_table in schema.jobs:
    print(job_table.progress())
`);
  assert.equal(findings.length, 5);
  assert.ok(findings.every((f) => f.code === 'DJ075' && f.safety === 'manual'));
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['error', 'error', 'error', 'warning', 'info'],
  );
  assert.match(findings[0].message, /T\.jobs\.errors/);
  assert.doesNotMatch(findings[0].message, /here:/); // a bare status restriction names no table
  assert.match(findings[1].message, /T\.jobs\.delete\(\)/);
  assert.match(findings[2].message, /T\.jobs\.ignore\(key\)/);
  assert.match(findings[3].message, /counts job tables, not jobs/);
});

test('every rule of the family documents a before/after, its catalogue ids exist, and codes stay in DJ060-079', () => {
  const catalogue = fs.readFileSync(specFile, 'utf8');
  const ids = new Set([...catalogue.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  if (ids.size === 0) return;
  for (const meta of populateRules.flatMap((r) => r.metas)) {
    assert.match(meta.code, /^DJ0[67]\d$/);
    assert.ok(meta.docs.before && meta.docs.summary, meta.code);
    for (const id of meta.catalogue) assert.ok(ids.has(id), `${meta.code}: unknown catalogue id ${id}`);
  }
  for (const id of Object.keys(noRuleBecause)) assert.ok(ids.has(id), id);
});

test('schema.jobs clean-up idiom: the message names the per-table equivalent', async () => {
  const { findings } = await analyze(`(schema.jobs & {"table_name": Spikes.table_name} & 'status="error"').delete()
errs = (schema.jobs & {"table_name": Spikes.table_name}).fetch()
`);
  assert.equal(findings.length, 2);
  assert.match(findings[0].message, /here: `Spikes\.jobs\.errors\.delete\(\)`/);
  assert.match(findings[1].message, /here: `Spikes\.jobs\.to_dicts\(\)`/);
});

test('populate(**arguments) whose dict holds order or limit is left for a person; other receivers are not', async () => {
  const engine = await CodeEngine.create();
  const text = `import datajoint as dj
import requests

schema = dj.Schema("lab")


@schema
class Stats(dj.Computed):
    definition = """
    -> Session
    """

    def make(self, key):
        pass


arguments = {"display_progress": False, "reserve_jobs": True, "order": "random"}
arguments["limit"] = 10
Stats().populate(**arguments)
Stats.populate(**dict(order="random"))
web = requests.Session()
web.populate(**{"order": "random"})
`;
  const found = engine
    .analyzePython('/ws/splat.py', text, { ...DEFAULT_OPTIONS, schemaSuffix: '' })
    .filter((f) => f.code === 'DJ072' || f.code === 'DJ073')
    .map((f) => `${f.code} ${f.safety} ${text.slice(f.start, f.end)} ${f.fix ? 'fix' : 'no fix'}`);
  assert.deepEqual(found, ['DJ072 manual "order" no fix', 'DJ073 manual "limit" no fix', 'DJ072 manual order no fix']);
});

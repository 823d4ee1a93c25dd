// dj.config in code (DJ080-088): messages per removed key, custom settings, mapping use, save, update,
// environment variables and s3 stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';
import { configApiRules, noRuleBecause } from '../../server/src/rules/configApi';
import { specFile } from '../helpers/paths';

const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
const enginePromise = CodeEngine.create();

async function analyze(body: string): Promise<{ text: string; findings: Finding[] }> {
  const engine = await enginePromise;
  const text = `import os\nimport datajoint as dj\n${body}`;
  return {
    text,
    findings: engine.analyzePython('/ws/config_probe.py', text, options).filter((f) => /^DJ08\d$/.test(f.code)),
  };
}

const codes = (fs: Finding[]) => fs.map((f) => f.code);

test('fetch_format: manual error; writing "frame" says every fetch() must become to_pandas()', async () => {
  const { findings } = await analyze('dj.config["fetch_format"] = "frame"\nfmt = dj.config.get("fetch_format")\n');
  assert.deepEqual(codes(findings), ['DJ080', 'DJ080']);
  assert.equal(findings[0].safety, 'manual');
  assert.match(findings[0].message, /every `fetch\(\)` of this process returned DataFrames/);
  assert.doesNotMatch(findings[1].message, /returned DataFrames/);
});

test('custom settings: writes, nested writes, get() and membership are manual', async () => {
  const { findings } = await analyze(`dj.config["custom"] = {"database.prefix": "x_"}
dj.config["custom"]["root"] = "/data"
root = dj.config.get("custom", {}).get("root")
if "custom" not in dj.config:
    pass
`);
  assert.deepEqual(codes(findings), ['DJ081', 'DJ081', 'DJ081', 'DJ081']);
  assert.ok(findings.every((f) => f.safety === 'manual' && !f.fix));
  assert.match(findings[3].message, /AttributeError on DataJoint 2\.2\+/);
});

test('removed keys: each message says what replaces it; with dj.config(...) keywords and update() dict keys too', async () => {
  const { findings } = await analyze(`dj.config["enable_python_native_blobs"] = True
dj.config["connection.init_function"] = "SET x=1"
dj.config["external-raw"] = {"protocol": "file"}
dj.config["add_hidden_timestamp"] = True
with dj.config(cache="/tmp"):
    pass
dj.config.update({"plugin": {}, "safemode": False})
`);
  const removed = findings.filter((f) => f.code === 'DJ085');
  assert.equal(removed.length, 6);
  assert.match(removed[0].message, /always on/);
  assert.match(removed[1].message, /dj\.conn\(\)\.query/);
  assert.match(removed[2].message, /pre-0\.12/);
  assert.match(removed[3].message, /add_job_metadata/);
  // The update() with a removed key gets no rewrite.
  const update = findings.find((f) => f.code === 'DJ084')!;
  assert.equal(update.safety, 'manual');
  assert.equal(update.fix, undefined);
  // The call itself is still rewritten to override().
  assert.ok(findings.find((f) => f.code === 'DJ082')?.fix);
});

test('mapping use: keys/items/dict()/iteration are manual; `in` is unsafe', async () => {
  const { findings } = await analyze(`for k in dj.config:
    pass
d = dict(dj.config)
ks = dj.config.keys()
flat = [v for k, v in dj.config.items()]
ok = "database.host" in dj.config
`);
  const mapping = findings.filter((f) => f.code === 'DJ086');
  assert.equal(mapping.length, 5);
  assert.deepEqual(
    mapping.map((f) => f.safety),
    ['manual', 'manual', 'manual', 'manual', 'unsafe'],
  );
  assert.match(mapping[1].message, /model_dump/);
});

test('save_local/save_global are manual and point at save_template and datajoint.json', async () => {
  const { findings } = await analyze('dj.config.save_local()\ndj.config.save_global(verbose=True)\n');
  assert.deepEqual(codes(findings), ['DJ083', 'DJ083']);
  assert.match(findings[0].message, /save_template/);
  assert.match(findings[0].message, /datajoint\.json/);
});

test('update() keywords with `__`: 0.14.6 stored them literally, so no rewrite is offered', async () => {
  const { findings } = await analyze('dj.config.update(database__host="h")\n');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].safety, 'manual');
  assert.match(findings[0].message, /literally/);
});

test('environment variables: AWS keys and feature switches are information; DJ_HOST is not reported', async () => {
  const { findings } = await analyze(`key = os.environ.get("DJ_AWS_ACCESS_KEY_ID")
secret = os.getenv("DJ_AWS_SECRET_ACCESS_KEY")
os.environ["DJ_SUPPORT_ADAPTED_TYPES"] = "TRUE"
host = os.environ["DJ_HOST"]
`);
  assert.deepEqual(codes(findings), ['DJ087', 'DJ087', 'DJ087']);
  assert.ok(findings.every((f) => f.severity === 'info' && f.safety === 'manual'));
  assert.match(findings[0].message, /\.secrets\/stores\.<name>\.access_key/);
});

test('s3 stores without `secure` get an information finding; file stores and explicit secure do not', async () => {
  const { text, findings } = await analyze(`dj.config["stores"] = {
    "raw": {"protocol": "s3", "endpoint": "minio:9000", "bucket": "b", "location": "x"},
    "safe": {"protocol": "s3", "endpoint": "e", "secure": True},
    "local": {"protocol": "file", "location": "/data"},
}
dj.config["stores"]["more"] = dict(protocol="S3", endpoint="e")
`);
  assert.deepEqual(codes(findings), ['DJ088', 'DJ088']);
  assert.equal(findings[0].severity, 'info');
  assert.match(text.slice(findings[0].start, findings[0].end), /minio/);
  assert.match(findings[0].message, /HTTPS/);
});

test('stores: `stage` is unused in 2.x, a store named `default` must be renamed', async () => {
  const { findings } = await analyze(`dj.config["stores"] = {
    "files": dict(protocol="file", location="/data", stage="/data"),
    "default": {"protocol": "file", "location": "/d"},
}
`);
  assert.deepEqual(
    findings.map((f) => `${f.code}:${f.severity}`),
    ['DJ088:info', 'DJ088:warning'],
  );
  assert.match(findings[0].message, /relative to the store `location`/);
  assert.match(findings[1].message, /must be renamed/);
});

test('every rule of the family documents a before/after, its catalogue ids exist, and codes stay in DJ080-099', () => {
  const catalogue = fs.readFileSync(specFile, 'utf8');
  const ids = new Set([...catalogue.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  if (ids.size === 0) return;
  for (const meta of configApiRules.flatMap((r) => r.metas)) {
    assert.match(meta.code, /^DJ0[89]\d$/);
    assert.ok(meta.docs.before && meta.docs.summary, meta.code);
    for (const id of meta.catalogue) assert.ok(ids.has(id), `${meta.code}: unknown catalogue id ${id}`);
  }
  for (const id of Object.keys(noRuleBecause)) assert.ok(ids.has(id), id);
});

test('config imported under another name is recognised', async () => {
  const { findings } = await analyze(
    'from datajoint import config as cfg\ncfg.save_local()\nwith cfg(safemode=False):\n    pass\n',
  );
  assert.deepEqual(codes(findings), ['DJ083', 'DJ082']);
});

test('free-form keys are rejected by 2.x; keys 2.0–2.1 still defined say so; 2.x keys are left alone', async () => {
  const { findings } = await analyze(`dj.config["database.prefix"] = "lab_"
dj.config["my_lab.root"] = "/data"
dj.config["cache"] = "/tmp"
dj.config["stores.raw.location"] = "/data"
dj.config["database.use_tls"] = True
dj.config["jobs.add_job_metadata"] = True
`);
  assert.deepEqual(codes(findings), ['DJ081', 'DJ081', 'DJ085']);
  assert.match(findings[0].message, /database\.database_prefix/);
  assert.match(findings[1].message, /0\.14\.6 stored any key/);
  assert.match(findings[2].message, /from DataJoint 2\.2\.0 .*2\.0–2\.1 still define it/);
});

test('get() of a key 2.x does not define is a silent default, and the message says so', async () => {
  const { findings } = await analyze(
    'root = dj.config.get("lab.root", "/data")\nc = dj.config.get("custom", {})\nff = dj.config.get("fetch_format")\n',
  );
  assert.deepEqual(codes(findings), ['DJ081', 'DJ081', 'DJ080']);
  for (const f of findings) assert.match(f.message, /silently returns the default/);
});

test('stores set through update() are checked like an assignment', async () => {
  const { findings } = await analyze(
    'dj.config.update({"stores": {"raw": {"protocol": "s3", "endpoint": "e"}}, "safemode": False})\n',
  );
  assert.deepEqual(
    findings.map((f) => `${f.code}:${f.safety}`),
    ['DJ084:safe', 'DJ088:manual'],
  );
});

test('update() with comments inside is explained, not rewritten (the comments would be lost)', async () => {
  const { findings } = await analyze('dj.config.update({\n    "safemode": False,  # CI only\n})\n');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].safety, 'manual');
});

test('override() keywords are checked like dj.config(...) ones, so fixing the call keeps the finding', async () => {
  const { findings } = await analyze(`with dj.config(enable_python_native_blobs=True):
    pass
with dj.config.override(enable_python_native_blobs=True, safemode=False, display__limit=3):
    pass
`);
  assert.deepEqual(codes(findings), ['DJ082', 'DJ085', 'DJ085']);
  assert.ok(findings.slice(1).every((f) => /always on/.test(f.message) && !f.fix));
});

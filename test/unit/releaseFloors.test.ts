// The pin's release floor: which code and config patterns raise it, how the highest floor is chosen, how the pin
// rules word it, and that the floor table is in docs/rules.md and the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { FileIndex } from '../../server/src/index/fileIndex';
import { configFileFeatures, hasUuidKey } from '../../server/src/index/releaseFeatures';
import { analyzePins } from '../../server/src/rules/pins';
import { classifySpec, replacementSpec } from '../../server/src/rules/pins/classify';
import { featureUses, projectFloor, RELEASE_FLOORS, renderFloorTable } from '../../server/src/rules/pins/floors';
import { repoRoot } from '../helpers/paths';

async function featuresOf(source: string): Promise<string[]> {
  const engine = await CodeEngine.create();
  const tree = engine.python.parse(source);
  try {
    return [...(new FileIndex('/p/x.py', tree).exports().features ?? [])].sort();
  } finally {
    tree.delete();
  }
}

test('Python patterns that raise the floor, and look-alikes that do not', async () => {
  const cases: [string, string[]][] = [
    ['T.populate(reserve_jobs=True)', ['reserve_jobs']],
    ['T.populate(reserve_jobs=args.reserve, display_progress=True)', ['reserve_jobs']],
    ['settings = {"reserve_jobs": True}\nT.populate(**settings)', ['reserve_jobs']],
    ['settings = dict(reserve_jobs=True)', ['reserve_jobs']],
    ['T.populate(reserve_jobs=False)', []],
    ['T.populate(reserve_jobs=None)\nopts = {"reserve_jobs": 0}', []],
    ['schema.rebuild_lineage()', ['lineage']],
    ['if schema.lineage_table_exists: pass', ['lineage']],
    ['q = A.join(B, semantic_check=True)', ['lineage']],
    ['q = A.join(B, semantic_check=False)\nr = A * B & C - D', []],
    ['dj.config["stores"] = {"raw": {"protocol": "file", "location": "/d", "hash_prefix": "h"}}', ['store_prefix']],
    ['dj.config["stores"]["raw"]["schema_prefix"] = "s"', ['store_prefix']],
    ['prefix = spec["hash_prefix"]', []],
    ['dj.config["stores"] = {"raw": {"protocol": "file", "filepath_prefix": None}}', []],
    ['print("reserve_jobs=True, hash_prefix, rebuild_lineage")', []],
  ];
  for (const [source, expected] of cases) assert.deepEqual(await featuresOf(source), expected, source);
});

test('config files: store prefix settings, nested or dotted; null and absent do not count', () => {
  const nested = { stores: { default: 'raw', raw: { protocol: 'file', location: '/d', schema_prefix: 'objs' } } };
  assert.deepEqual([...configFileFeatures(JSON.stringify(nested))], ['store_prefix']);
  assert.deepEqual([...configFileFeatures('{"stores.raw.filepath_prefix": "files"}')], ['store_prefix']);
  assert.deepEqual([...configFileFeatures('{"stores": {"raw": {"protocol": "file", "hash_prefix": null}}}')], []);
  assert.deepEqual([...configFileFeatures('{"database.host": "x"}')], []);
  assert.deepEqual([...configFileFeatures('not json')], []);
});

test('the highest floor wins; every reason is kept; no use means 2.0.2', () => {
  assert.deepEqual(projectFloor([]), { version: '2.0.2', reasons: [] });
  const f = projectFloor([
    { feature: 'reserve_jobs', file: '/p/a.py' },
    { feature: 'store_prefix', file: '/p/datajoint.json' },
    { feature: 'lineage', file: '/p/b.py' },
  ]);
  assert.equal(f.version, '2.3.1');
  assert.deepEqual(
    f.reasons.map((r) => [r.feature, r.floor.version]),
    [
      ['store_prefix', '2.3.1'],
      ['lineage', '2.3.0'],
      ['reserve_jobs', '2.2.0'],
    ],
  );
});

test('classification and replacement against a floor', () => {
  assert.equal(classifySpec('>=2.0.2', 'pep440').verdict, 'ok');
  assert.equal(classifySpec('>=2.0.2', 'pep440', '2.2.0').verdict, 'early2-mixed');
  assert.equal(classifySpec('==2.1.1', 'pep440', '2.2.0').verdict, 'early2-only');
  assert.equal(classifySpec('~=2.2', 'pep440', '2.2.0').verdict, 'ok');
  assert.equal(classifySpec('==2.3.1', 'pep440').verdict, 'ok', 'every real release tag is known');
  assert.equal(replacementSpec('>=2.0.2,<3', 'pep440', '2.2.0'), '>=2.2.0,<3');
  assert.equal(replacementSpec('==2.1.1', 'pep440', '2.2.0'), '==2.2.0');
  assert.equal(replacementSpec('>=2.0.2,<2.3', 'pep440', '2.3.1'), '>=2.3.1', 'a bound below the floor is dropped');
  assert.equal(replacementSpec('==0.14.6', 'pep440', '2.3.0'), '>=2.3.0');
});

test('pin findings say why the floor is raised, naming the file', () => {
  const floor = projectFloor([{ feature: 'reserve_jobs', file: '/p/pipeline/ephys.py' }]);
  const [ok] = analyzePins('/p/requirements.txt', 'datajoint>=2.0.2\n', { enabled: true, floor });
  assert.equal(ok.code, 'DJ162');
  assert.match(ok.message, /admits DataJoint releases before 2\.2\.0/);
  assert.match(ok.message, /`populate\(reserve_jobs=True\)` \(pipeline\/ephys\.py\) needs 2\.2\.0/);
  assert.equal(ok.fix?.edits[0].text, '>=2.2.0');
  const [pre] = analyzePins('/p/requirements.txt', 'datajoint==0.14.6\n', { enabled: true, floor });
  assert.equal(pre.code, 'DJ160');
  assert.match(pre.message, /`>=2\.2\.0`/);
  assert.match(pre.message, /pending/);
  assert.deepEqual(analyzePins('/p/requirements.txt', 'datajoint>=2.2.0\n', { enabled: true, floor }), []);
  const [url] = analyzePins('/p/requirements.txt', 'datajoint @ git+https://x/y@v2.1.0\n', { enabled: true, floor });
  assert.match(url.message, /DataJoint 2\.2\.0 or later/);
});

test('the floor table is in docs/rules.md and in the README, one row per floor', () => {
  const table = renderFloorTable();
  assert.equal(table.split('\n').length, RELEASE_FLOORS.length + 2);
  for (const f of RELEASE_FLOORS) assert.match(table, new RegExp(`\`>=${f.version.replace(/\./g, '\\.')}\``));
  for (const file of ['docs/rules.md', 'README.md'])
    assert.ok(fs.readFileSync(path.join(repoRoot, file), 'utf8').includes(table), `${file}: run npm run docs`);
});

test('reserve_jobs with a uuid primary key somewhere in the project needs 2.3.2; a uuid key alone does not', async () => {
  assert.equal(hasUuidKey('session_uuid : uuid  # id\n---\nnote : varchar(8)'), true);
  assert.equal(hasUuidKey('-> Session\n---\nfile_uuid : uuid'), false, 'a secondary uuid is not in the key');
  const engine = await CodeEngine.create();
  const tables = `import datajoint as dj
schema = dj.Schema("lab")

@schema
class Session(dj.Manual):
    definition = """
    session_uuid : uuid
    ---
    note : varchar(8)
    """
`;
  engine.indexPython('/p/lab.py', tables);
  assert.deepEqual(projectFloor(featureUses(engine.workspace)).version, '2.0.2');
  engine.indexPython('/p/run.py', 'def go(t):\n    t.populate(reserve_jobs=True)\n');
  const floor = projectFloor(featureUses(engine.workspace));
  assert.equal(floor.version, '2.3.2');
  assert.deepEqual(
    floor.reasons.map((r) => [r.feature, r.file]),
    [
      ['reserve_jobs_uuid_key', '/p/lab.py'],
      ['reserve_jobs', '/p/run.py'],
    ],
  );
});

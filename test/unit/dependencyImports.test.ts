// Issue 15 item 1: every import, in the user's code, of an installed DataJoint package that 2.x would mishandle
// gets DJ019 (package, installed version, counts, what to do); the package itself is read, never changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from '../../server/src/project';
import { LineMap } from '../../server/src/report/locations';
import { repoRoot } from '../helpers/paths';

const caseDir = path.join(repoRoot, 'test', 'rules', 'workspace', 'dependency_longblob');
const site = path.join(caseDir, 'site-packages');
const readySite = path.join(repoRoot, 'test', 'rules', 'workspace', 'installed', 'site-packages');

function tmpWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-dep-'));
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), text);
  return dir;
}

/** DJ019 findings of each file as `line:column` (joined code cells for notebooks). */
async function dj019(dir: string, sitePackages: string[]) {
  const project = await Project.open([dir], { schemaSuffix: '', sitePackages });
  const out = new Map<string, Array<{ at: string; message: string; severity: string; safety: string }>>();
  for (const r of project.analyzeAll()) {
    const lines = new LineMap(r.text ?? '');
    const hits = r.findings
      .filter((f) => f.code === 'DJ019')
      .map((f) => {
        const p = lines.at(f.start);
        return { at: `${p.line}:${p.column}`, message: f.message, severity: f.severity, safety: f.safety };
      });
    out.set(path.relative(dir, r.path), hits);
  }
  return { project, out };
}

test('DJ019 at every import of a package declaring bare longblob: import, from-import, alias, dotted, notebooks', async () => {
  const { project, out } = await dj019(path.join(caseDir, 'before'), [site]);
  assert.deepEqual(
    out.get('pipeline.py')?.map((h) => h.at),
    ['2:8', '3:6', '4:6'],
    'import element_rawdata as er; from element_rawdata import ephys; from element_rawdata.ephys import A, B as C',
  );
  assert.deepEqual(
    out.get('helpers.py')?.map((h) => h.at),
    ['1:8'],
    'a file that does not import datajoint itself',
  );
  assert.equal(out.get('analysis.ipynb')?.length, 2, 'both imports in the notebook cell');
  const [first] = out.get('pipeline.py')!;
  assert.equal(first.severity, 'warning');
  assert.equal(first.safety, 'manual');
  assert.equal(
    first.message,
    '`element_rawdata`: element-rawdata 0.3.1 is not 2.x-ready: 3 bare longblob/blob attribute(s) that 2.x stores as str(value) without raising. Upgrade it to a release made for DataJoint 2.x, or hold the migration until there is one.',
  );
  const [assessed] = project.dependencies.assessed;
  assert.deepEqual(
    { name: assessed.name, version: assessed.version, risks: assessed.risks },
    {
      name: 'element-rawdata',
      version: '0.3.1',
      risks: { silentRawBytes: 3, inTableAttach: 0, rejected: 0, schemaAtImport: 0 },
    },
  );
});

test('no DJ019: without the environment, for a 2.x-ready package, for relative imports, and when ignored', async () => {
  const dir = tmpWith({
    'a.py': 'import datajoint as dj\nfrom element_rawdata import ephys\n',
    'b.py': 'from .element_rawdata import ephys\nfrom element_demo.subject import Subject\n',
    'c.py': 'import element_rawdata  # dj-migrate: ignore[DJ019]\n',
  });
  try {
    const none = await dj019(dir, []);
    assert.deepEqual([...none.out.values()].flat(), [], 'no environment, no warning');
    const ready = await dj019(dir, [readySite]);
    assert.deepEqual([...ready.out.values()].flat(), [], 'element-demo declares nothing 2.x mishandles');
    assert.deepEqual(
      ready.project.dependencies.assessed.map((a) => [a.name, a.message]),
      [['element-demo', undefined]],
    );
    const both = await dj019(dir, [site, readySite]);
    assert.deepEqual(
      both.out.get('a.py')?.map((h) => h.at),
      ['2:6'],
    );
    assert.deepEqual(both.out.get('b.py'), [], 'a relative import is the project’s own module');
    assert.deepEqual(both.out.get('c.py'), [], 'suppressed by its ignore comment');
    fs.mkdirSync(path.join(dir, 'element_rawdata'));
    fs.writeFileSync(path.join(dir, 'element_rawdata', '__init__.py'), '');
    const own = await dj019(dir, [site]);
    assert.deepEqual(own.out.get('a.py'), [], 'the project is the package’s own source: migrated, not warned about');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

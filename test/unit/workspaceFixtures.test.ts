// Multi-file before/after fixtures: test/rules/workspace/<case>/before/ is fixed, file by file, into <case>/after/
// as `dj-migrate fix` does (one project, one workspace index); fixing the result again changes nothing. A case
// with a site-packages/ folder is opened with it as the project's environment: its code is indexed, never edited
// or reported. Finding-level checks follow (which calls are left, and why).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project, type ProjectOverrides } from '../../server/src/project';
import { repoRoot } from '../helpers/paths';

const casesDir = path.join(repoRoot, 'test', 'rules', 'workspace');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function snapshot(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function overridesOf(caseDir: string): ProjectOverrides {
  const site = path.join(caseDir, 'site-packages');
  return { schemaSuffix: '', ...(fs.existsSync(site) ? { sitePackages: [site] } : {}) };
}

/** Fix every file of a copy of `dir`; returns the project's results by relative path. */
async function fixTree(dir: string, overrides: ProjectOverrides) {
  const project = await Project.open([dir], overrides);
  const fixed = project.files.map((f) => project.fix(f, project.texts.get(f)!, { unsafe: false }));
  project.dispose();
  return { project, fixed: new Map(fixed.map((f) => [path.relative(dir, f.path), f])) };
}

function copyToTemp(src: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-ws-'));
  fs.cpSync(src, tmp, { recursive: true });
  return tmp;
}

const cases = fs.readdirSync(casesDir).filter((d) => fs.statSync(path.join(casesDir, d)).isDirectory());

for (const name of cases.sort()) {
  test(`workspace/${name}: every before file fixes into its after file; a second run changes nothing`, async () => {
    const caseDir = path.join(casesDir, name);
    const overrides = overridesOf(caseDir);
    const site = overrides.sitePackages?.[0];
    const siteBefore = site ? snapshot(site) : null;
    const expected = snapshot(path.join(caseDir, 'after'));
    const tmp = copyToTemp(path.join(caseDir, 'before'));
    try {
      const { fixed } = await fixTree(tmp, overrides);
      assert.deepEqual([...fixed.keys()].sort(), [...expected.keys()].sort(), 'the same files');
      let changed = 0;
      for (const [rel, f] of fixed) {
        assert.equal(f.after, expected.get(rel), rel);
        if (f.after !== f.before) changed++;
        fs.writeFileSync(f.path, f.after);
      }
      assert.ok(changed > 0, 'a case must change something');
      const again = await fixTree(tmp, overrides);
      for (const [rel, f] of again.fixed) assert.equal(f.after, f.before, `${rel}: a second run changed it`);
      if (site) {
        assert.deepEqual(snapshot(site), siteBefore, 'installed code is never edited');
        for (const f of again.project.files) assert.ok(!f.startsWith(site), `${f} is installed code`);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}

/** Findings left in one file of a case after fixing, as `code:line` plus the message. */
async function leftIn(name: string, rel: string): Promise<Array<{ code: string; line: number; message: string }>> {
  const caseDir = path.join(casesDir, name);
  const tmp = copyToTemp(path.join(caseDir, 'before'));
  try {
    const { fixed } = await fixTree(tmp, overridesOf(caseDir));
    const f = fixed.get(rel)!;
    return f.remaining.map((r) => ({
      code: r.code,
      line: f.after.slice(0, r.start).split('\n').length,
      message: r.message,
    }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('workspace/base_elsewhere: a delete through a mixin declared in another file is left, naming the mixin', async () => {
  const left = await leftIn('base_elsewhere', 'pipeline.py');
  const deletes = left.filter((l) => l.code === 'DJ061');
  assert.equal(deletes.length, 2, JSON.stringify(left));
  for (const d of deletes) assert.match(d.message, /`AuditedMixin` defines its own `delete\(\)`/);
});

test('workspace/installed: the installed mixin keeps Cage.fetch as a manual item; an unknown package stays unverified', async () => {
  const left = await leftIn('installed', 'pipeline.py');
  const cage = left.find((l) => l.code === 'DJ022');
  assert.ok(cage, JSON.stringify(left));
  assert.match(cage.message, /`CachedFetch` defines its own `fetch\(\)`/);
  // other_tool does not use DataJoint: its Session is not resolved, and nothing proves it is a query.
  assert.ok(!left.some((l) => /CachedFetch/.test(l.message) && l.code !== 'DJ022'));
});

test('workspace/installed: without the environment the installed names stay unresolved', async () => {
  const tmp = copyToTemp(path.join(casesDir, 'installed', 'before'));
  try {
    const { fixed } = await fixTree(tmp, { schemaSuffix: '' });
    const f = fixed.get('pipeline.py')!;
    assert.match(f.after, /Subject\.fetch\("KEY"\)/, 'Subject is not known to be a table');
    assert.match(f.after, /Cage\.to_dicts\(\)/, 'without the installed mixin, nothing overrides fetch');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("workspace/module_schema: a project module's schema is resolved (errors, no guess); a module whose `schema` is no dj.Schema is not flagged", async () => {
  const left = await leftIn('module_schema', 'run.py');
  assert.deepEqual(
    left.map((l) => `${l.code}:${l.line}`),
    ['DJ075:4', 'DJ067:6'],
  );
  for (const l of left) assert.doesNotMatch(l.message, /not in the project's index/);
});

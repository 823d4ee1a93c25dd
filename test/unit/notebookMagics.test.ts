// IPython magics in notebooks: the Python after %time/%timeit/%prun (and in %%time cells) is analysed and fixed in
// place; shell lines (!cmd, %pip) and non-Python cell magics (%%bash) are left alone. Fixture pair in
// test/rules/notebooks/<case>.before.ipynb → <case>.after.ipynb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { fixPython } from '../../server/src/fix/fixLoop';
import { cellAt, confineToCells, readNotebook, writeNotebook } from '../../server/src/notebook';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';
import { repoRoot } from '../helpers/paths';

const dir = path.join(repoRoot, 'test', 'rules', 'notebooks');
const options = { ...DEFAULT_OPTIONS, schemaSuffix: '' };

async function fixNotebook(engine: CodeEngine, json: string): Promise<string> {
  const nb = readNotebook(json);
  const r = fixPython(engine, path.join(dir, 'x.ipynb'), nb.text, options, { unsafe: false });
  assert.ok(r.converged);
  return r.applied.length ? writeNotebook(nb, r.text) : json;
}

test('notebooks/magics: before → after, idempotent', async () => {
  const engine = await CodeEngine.create();
  const before = fs.readFileSync(path.join(dir, 'magics.before.ipynb'), 'utf8');
  const expected = fs.readFileSync(path.join(dir, 'magics.after.ipynb'), 'utf8');
  const fixed = await fixNotebook(engine, before);
  assert.equal(fixed, expected);
  assert.equal(await fixNotebook(engine, fixed), fixed);
});

test('a finding after %time is placed on the magic line of its cell, at the column of the Python', async () => {
  const engine = await CodeEngine.create();
  const json = JSON.stringify({
    cells: [
      { cell_type: 'code', source: 'import datajoint as dj\n' },
      { cell_type: 'code', source: "x = 1\n%time y = (T & 'a=1').fetch('KEY')\n" },
    ],
  });
  const nb = readNotebook(json);
  const findings = confineToCells(nb, engine.analyzePython('/x/a.ipynb', nb.text, options));
  const f = findings.find((x) => x.code === 'DJ020');
  assert.ok(f, JSON.stringify(findings));
  const at = cellAt(nb, f.start)!;
  assert.equal(at.cell, 1);
  assert.equal(nb.cells[1].source.slice(at.offset, at.offset + 3), '(T ');
  let cellSource = nb.cells[1].source;
  for (const edit of [...f.fix!.edits].sort((a, b) => b.start - a.start)) {
    const from = cellAt(nb, edit.start)!.offset;
    const to = cellAt(nb, edit.end)!.offset;
    cellSource = cellSource.slice(0, from) + edit.text + cellSource.slice(to);
  }
  assert.equal(cellSource, "x = 1\n%time y = (T & 'a=1').keys()\n");
});

test('shell lines and %%bash cells give no finding', async () => {
  const engine = await CodeEngine.create();
  const json = JSON.stringify({
    cells: [
      { cell_type: 'code', source: 'import datajoint as dj\n!echo dj.schema("a")\n%pip install datajoint\n' },
      { cell_type: 'code', source: '%%bash\ndj.schema("x")\n  dj.ERD(s)\n' },
      { cell_type: 'code', source: '%%writefile a.py\nimport datajoint as dj\ndj.schema("x")\n' },
    ],
  });
  const nb = readNotebook(json);
  assert.deepEqual(engine.analyzePython('/x/a.ipynb', nb.text, options), []);
});

test('IPython help lines (`obj?`, `??obj`) are no syntax error; the cell around them is analysed and fixed', async () => {
  const engine = await CodeEngine.create();
  const cell = 'dj.Diagram?\n??schema.spawn_missing_classes\nd = dj.ERD(schema)\n  dj.ERD??\n';
  const json = JSON.stringify({
    cells: [
      { cell_type: 'code', source: `import datajoint as dj\n` },
      { cell_type: 'code', source: cell },
    ],
  });
  const nb = readNotebook(json);
  const codes = engine.analyzePython('/x/a.ipynb', nb.text, options).map((f) => f.code);
  assert.ok(!codes.includes('DJ000'), codes.join(' '));
  assert.ok(codes.includes('DJ003'), codes.join(' '));
  const fixed = JSON.parse(await fixNotebook(engine, json)) as { cells: Array<{ source: string | string[] }> };
  const source = fixed.cells[1].source;
  assert.equal(
    Array.isArray(source) ? source.join('') : source,
    'dj.Diagram?\n??schema.spawn_missing_classes\nd = dj.Diagram(schema)\n  dj.ERD??\n',
  );
});

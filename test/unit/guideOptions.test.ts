// The guide's cut-over options are named by what they do, with both of the guide's letterings, in the README,
// the walkthrough (its media and its step text) and the Cut Over… quick pick; no bare, ambiguous letter remains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { GUIDE_OPTIONS, guideLetters } from '../../common/src/guideOptions';
import { repoRoot } from '../helpers/paths';

const read = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
const letter = (l: string | null) => (l ? `option ${l}` : 'not offered');

for (const file of ['README.md', 'media/walkthrough/cutover.md'])
  test(`${file}: one table row per option, naming it and mapping both letterings`, () => {
    const rows = read(file)
      .split('\n')
      .filter((l) => l.startsWith('| **'));
    for (const o of Object.values(GUIDE_OPTIONS)) {
      const row = rows.find((r) => r.startsWith(`| **${o.name}**`));
      assert.ok(row, `${file}: no row for ${o.name}`);
      const cells = row.split(' | ');
      assert.ok(cells[cells.length - 2].startsWith(letter(o.current)), `${file} ${o.name}: current ${cells.join('|')}`);
      assert.ok(cells[cells.length - 1].startsWith(letter(o.earlier)), `${file} ${o.name}: earlier ${cells.join('|')}`);
    }
  });

test('the README has no bare option letter outside the mapping', () => {
  const lines = read('README.md')
    .split('\n')
    .filter((l) => /\boption [ABC]\b/i.test(l) && !l.startsWith('| ') && !/lettering|current guide/.test(l));
  assert.deepEqual(
    lines.filter((l) => !/Phase II|first draft|"Option B: Drop/.test(l)),
    [],
  );
});

test('the walkthrough step and the Cut Over… quick pick name the options and both letterings', () => {
  const pkg = JSON.parse(read('package.json')) as {
    contributes: { walkthroughs: { steps: { id: string; description: string }[] }[] };
  };
  const step = pkg.contributes.walkthroughs[0].steps.find((s) => s.id === 'cutover');
  for (const name of ['Parallel schemas, then swap', 'Keep the _v2 names', 'In place', 'Gradual'])
    assert.match(step?.description ?? '', new RegExp(name.replace(/[()]/g, '\\$&')));
  assert.match(step?.description ?? '', /current guide: option B; earlier: option C/);
  assert.equal(guideLetters(GUIDE_OPTIONS.inPlace), 'current guide: option B; earlier lettering: option C');
  const commands = read('client/src/ui/commands.ts');
  for (const key of ['swap', 'keepV2', 'inPlace'])
    assert.match(commands, new RegExp(`GUIDE_OPTIONS\\.${key}\\.name\\}.*guideLetters\\(GUIDE_OPTIONS\\.${key}\\)`));
  assert.doesNotMatch(commands, /'option [ABC]:/);
});

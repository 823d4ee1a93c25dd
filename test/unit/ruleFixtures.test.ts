// Before/after fixture pairs for every rule family: test/rules/<family>/<case>.before.py is fixed into
// <case>.after.py; the result parses, and fixing it again changes nothing. <case>.noop.py must yield no
// finding at all. A first-line comment sets options:  # dj-migrate: unsafe phase=2 unsigned=native suffix=_v2 finalize
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { fixPython } from '../../server/src/fix/fixLoop';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import { repoRoot } from '../helpers/paths';

const rulesDir = path.join(repoRoot, 'test', 'rules');

function optionsOf(text: string): { options: EngineOptions; unsafe: boolean; codes?: Set<string> } {
  const header = /^#\s*dj-migrate:(.*)$/m.exec(text.split('\n')[0] ?? '')?.[1] ?? '';
  const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
  let unsafe = false;
  let codes: Set<string> | undefined;
  for (const tok of header.trim().split(/\s+/).filter(Boolean)) {
    const [k, v = ''] = tok.split('=');
    if (k === 'unsafe') unsafe = true;
    else if (k === 'phase') options.phase = Number(v) as 1 | 2;
    else if (k === 'unsigned') options.unsigned = v as EngineOptions['unsigned'];
    else if (k === 'suffix') options.schemaSuffix = v;
    else if (k === 'finalize') options.finalize = true;
    else if (k === 'store') options.defaultStore = v;
    else if (k === 'codes') codes = new Set(v.split(','));
    else throw new Error(`unknown fixture option ${k}`);
  }
  return { options, unsafe, codes };
}

const families = fs.existsSync(rulesDir)
  ? fs.readdirSync(rulesDir).filter((d) => fs.statSync(path.join(rulesDir, d)).isDirectory())
  : [];

for (const family of families) {
  const dir = path.join(rulesDir, family);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort();
  for (const file of files) {
    const full = path.join(dir, file);
    if (file.endsWith('.before.py')) {
      const name = file.slice(0, -'.before.py'.length);
      test(`${family}/${name}: before → after, parses, idempotent`, async () => {
        const engine = await CodeEngine.create();
        const before = fs.readFileSync(full, 'utf8');
        const afterPath = path.join(dir, `${name}.after.py`);
        assert.ok(fs.existsSync(afterPath), `missing ${afterPath}`);
        const expected = fs.readFileSync(afterPath, 'utf8');
        const { options, unsafe, codes } = optionsOf(before);
        const fixed = fixPython(engine, full, before, options, { unsafe, codes });
        assert.equal(fixed.text, expected);
        assert.ok(fixed.converged, 'fix loop did not converge');
        assert.equal(engine.errorCount(fixed.text), engine.errorCount(before), 'the fix added a syntax error');
        const again = fixPython(engine, full, fixed.text, options, { unsafe, codes });
        assert.equal(again.text, fixed.text, 'a second run changed the text');
        assert.equal(again.applied.length, 0);
        assert.notEqual(before, expected, 'a before/after pair must change something');
      });
    } else if (file.endsWith('.noop.py')) {
      test(`${family}/${file}: no finding`, async () => {
        const engine = await CodeEngine.create();
        const text = fs.readFileSync(full, 'utf8');
        const { options } = optionsOf(text);
        const findings = engine.analyzePython(full, text, options);
        assert.deepEqual(
          findings.map((f) => `${f.code} ${JSON.stringify(text.slice(f.start, f.end))}`),
          [],
        );
      });
    }
  }
}

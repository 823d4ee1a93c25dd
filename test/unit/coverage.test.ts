// Every catalogue row of api-changes.md and every type spelling of its §2.1 maps to a rule (with docs that show
// before and after) or to an explicit "no rule, because …" — so nothing in the ground truth is silently skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { allRuleMetas } from '../../server/src/rules/registry';
import { noRuleReasons } from '../../server/src/rules/coverage';
import { analyzeDefinition } from '../../server/src/rules/definitions';
import { specFile } from '../helpers/paths';

/** The catalogue as it ships with the fixtures' spec (a copy kept in the repository). */
function catalogue(): { ids: string[]; spellings: string[] } {
  const text = fs.readFileSync(specFile, 'utf8');
  const ids: string[] = [];
  const spellings: string[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    const h = /^###\s+(\S+)/.exec(line);
    if (h) section = h[1];
    const row = /^\|\s*(`[^|]*?)\s*\|/.exec(line);
    if (!row) continue;
    if (section === '2.1') spellings.push(row[1]);
    else if (/^1[A-I]\.|^2\.2$/.test(section)) {
      const id = /^`([a-z0-9-]+)`$/.exec(row[1].trim());
      if (id) ids.push(id[1]);
    }
  }
  return { ids, spellings };
}

test('every catalogue id has a rule or a reason', () => {
  const { ids } = catalogue();
  assert.ok(ids.length > 90, `found ${ids.length} ids`);
  const covered = new Set(allRuleMetas().flatMap((m) => m.catalogue));
  const reasons = noRuleReasons();
  const missing = ids.filter((id) => !covered.has(id) && !reasons[id]);
  assert.deepEqual(missing, []);
  for (const [id, why] of Object.entries(reasons)) assert.ok(why.length > 20, `a real reason for ${id}`);
});

test('every rule documents its before and after (manual rules at least the before)', () => {
  for (const m of allRuleMetas()) {
    assert.match(m.code, /^DJ\d{3}$/);
    assert.ok(m.docs.summary.length > 20, `${m.code} summary`);
    assert.ok(m.docs.before.length > 0, `${m.code} before`);
    if (m.safety !== 'manual') assert.ok(m.docs.after.length > 0, `${m.code} after`);
  }
  const codes = allRuleMetas().map((m) => m.code);
  assert.equal(new Set(codes).size, codes.length, 'codes are unique');
});

/** Concrete spellings for a §2.1 row: `decimal(p,s)` → `decimal(6,2)`, `varchar(n)` → `varchar(32)`, ... */
function concrete(row: string): string[] {
  return [...row.matchAll(/`([^`]+)`/g)]
    .map((m) => m[1])
    .filter((t) => !t.includes('=') && !t.startsWith('x'))
    .map((t) =>
      t
        .replace(/\(p,s\)/g, '(6,2)')
        .replace(/\(p\)/g, '(6)')
        .replace(/\(n\)/g, '(32)')
        .replace(/\(…\)/g, '(6,2)')
        .replace('<name>', '<graph>')
        .replace(/@store/g, '@raw'),
    );
}

test('every 0.14.6 type spelling of §2.1 is judged by a rule, or is a 2.x core type left alone', () => {
  const { spellings } = catalogue();
  assert.ok(spellings.length > 30);
  const codes = new Set(allRuleMetas().map((m) => m.code));
  const unchanged: string[] = [];
  for (const row of spellings) {
    for (const type of concrete(row)) {
      const text = `id : int\n---\nx : ${type}\n`;
      const findings = analyzeDefinition(text, { unsigned: 'widen', phase: 2 }).filter(
        (f) => f.start >= text.indexOf('x :'),
      );
      if (!findings.length) {
        unchanged.push(type);
        continue;
      }
      for (const f of findings) assert.ok(codes.has(f.code), `${type}: ${f.code} is a registered rule`);
      // applying the fix leaves nothing fixable (the no-op side of the pair)
      const fix = findings.find((f) => f.replacement !== undefined && f.safety === 'safe');
      if (fix) {
        const after = text.slice(0, fix.start) + fix.replacement + text.slice(fix.end);
        const again = analyzeDefinition(after, { unsigned: 'widen', phase: 2 }).filter(
          (f) => f.replacement !== undefined && f.safety === 'safe' && f.start >= after.indexOf('x :'),
        );
        assert.deepEqual(
          again.map((f) => f.code),
          [],
          `${type} → ${fix.replacement} is final`,
        );
      }
    }
  }
  // What is left alone must be exactly the spellings 2.x accepts as core types (api-changes.md §2.1).
  assert.deepEqual(
    unchanged.sort(),
    [
      'bool',
      'char(32)',
      'date',
      'datetime',
      'datetime(32)',
      'decimal(6,2)',
      'decimal(6, 2)',
      "enum('a','b')",
      'float32',
      'float64',
      'int16',
      'int32',
      'int64',
      'json',
      'uuid',
      'varchar(32)',
      'bytes',
    ].sort(),
  );
});

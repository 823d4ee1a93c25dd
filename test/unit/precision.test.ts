// Precision of the query-level rules: a multi-file fixture where every DataJoint expression is resolved through
// another file (imported tables, a module import, an imported virtual module, a local virtual module, a query
// variable, a subclass of an imported table) is flagged exactly where its `# expect:` comments say, and nowhere
// else; the negative corpus (test/rules/precision/negative.noop.py) gives no finding at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';
import { repoRoot } from '../helpers/paths';

const dir = path.join(repoRoot, 'test', 'rules', 'precision');
const multi = path.join(dir, 'multifile');
const options: EngineOptions = { ...DEFAULT_OPTIONS, schemaSuffix: '' };
/** The families this fixture is about; other families (definitions, schema names) are not its subject. */
const QUERY_CODES = /^DJ0[2-5]\d$/;

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** `code:line` for every `# expect: DJ0xx[, DJ0yy]` comment. */
function expected(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /#\s*expect:\s*([A-Z0-9, ]+)$/.exec(line);
    if (m)
      for (const code of m[1]
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean))
        out.push(`${code}:${i + 1}`);
  });
  return out.sort();
}

function found(text: string, findings: Finding[]): string[] {
  return findings
    .filter((f) => QUERY_CODES.test(f.code))
    .map((f) => `${f.code}:${lineOf(text, f.start)}`)
    .sort();
}

test('multi-file fixture: every expected finding in analysis.py, at its line, and nothing else', async () => {
  const engine = await CodeEngine.create();
  for (const f of ['pipeline.py', 'analysis.py']) engine.indexPython(path.join(multi, f), read(path.join(multi, f)));
  const file = path.join(multi, 'analysis.py');
  const text = read(file);
  const want = expected(text);
  assert.ok(want.length >= 10, 'the fixture must annotate its expectations');
  const findings = engine.analyzePython(file, text, options);
  assert.deepEqual(found(text, findings), want);
  // Resolved receivers give real diagnostics, not the hints reserved for unresolved ones.
  for (const f of findings.filter((x) => QUERY_CODES.test(x.code)))
    assert.notEqual(f.severity, 'hint', `${f.code} at line ${lineOf(text, f.start)}`);
});

test('multi-file fixture: the imported tables are what makes those lines DataJoint', async () => {
  const engine = await CodeEngine.create();
  const file = path.join(multi, 'analysis.py');
  const text = read(file);
  // pipeline.py not indexed: `Session`, `Unit`, `pl.Unit` and `lab.Subject` stay unresolved, so their lines give
  // no diagnostic, only hints: unverified ones without a fix for calls anyone could have (`Session.fetch()`),
  // hints with an unsafe fix for calls only DataJoint has (`aggr`).
  const findings = engine.analyzePython(file, text, options);
  const alone = found(
    text,
    findings.filter((f) => f.severity !== 'hint'),
  );
  const hints = found(
    text,
    findings.filter((f) => f.severity === 'hint'),
  );
  const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  assert.ok(!alone.includes(`DJ021:${line('everything = Session.fetch()')}`));
  const everything = findings.find(
    (f) => f.code === 'DJ021' && lineOf(text, f.start) === line('everything = Session.fetch()'),
  );
  assert.ok(everything?.unverified && !everything.fix && everything.severity === 'hint');
  assert.equal(everything.reason, 'receiver not resolved: `Session`');
  assert.ok(!alone.includes(`DJ023:${line('pl.Unit.fetch("depth")')}`));
  assert.ok(!alone.includes(`DJ044:${line('Session.aggr(')}`));
  assert.ok(hints.includes(`DJ044:${line('Session.aggr(')}`));
  // The local virtual module resolves on its own.
  assert.ok(alone.includes(`DJ020:${line('vm.Session.fetch("KEY")')}`));
});

test('multi-file fixture: pipeline.py itself has no fetch or operator finding', async () => {
  const engine = await CodeEngine.create();
  const file = path.join(multi, 'pipeline.py');
  const text = read(file);
  assert.deepEqual(found(text, engine.analyzePython(file, text, options)), []);
});

test('negative corpus: look-alikes give no finding, even with every rule family on', async () => {
  const engine = await CodeEngine.create();
  const file = path.join(dir, 'negative.noop.py');
  const text = read(file);
  assert.match(text, /import datajoint as dj/, 'the corpus must use DataJoint, or the engine would skip it');
  for (const needle of [
    'requests.get(url).fetch()',
    'a @ b',
    'flags ^ mask',
    'df.head(5)',
    'class Session:',
    'Session().fetch()',
    'cursor.fetch()',
    '@functools.lru_cache',
    'class Glossary:',
  ]) {
    assert.ok(text.includes(needle), `the corpus lacks ${needle}`);
  }
  const findings = engine.analyzePython(file, text, { ...options, phase: 2 });
  assert.deepEqual(
    findings.map((f) => `${f.code}:${lineOf(text, f.start)}`),
    [],
  );
});

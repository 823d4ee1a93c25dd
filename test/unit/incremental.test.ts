// The incremental analysis of an open document always equals a full analysis: random edit sequences (seeded, so
// every run is the same) on every Python fixture — characters and lines typed and deleted, a class renamed, an
// import added, statements duplicated — applied through the language server's document store (incremental
// re-parse), each compared with a full analysis from scratch: the same findings, messages and fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CodeEngine } from '../../server/src/engine';
import { IncrementalAnalyzer } from '../../server/src/incremental/analyzer';
import { globalKey, linesWith, mentionsWord } from '../../server/src/incremental/facts';
import type { StatementInfo } from '../../server/src/incremental/statements';
import { FileIndex } from '../../server/src/index/fileIndex';
import type { ModuleExports } from '../../server/src/index/workspace';
import { DocumentStore } from '../../server/src/lsp/documents';
import { DEFAULT_OPTIONS, type EngineOptions } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/meta';
import { compareEdits } from '../helpers/compareEdits';
import { repoRoot } from '../helpers/paths';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function pythonFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.py') && !e.name.endsWith('.after.py'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const SNIPPETS = ['x', ' ', '\n', '(', ')', ':', '"', "'", '#', '    ', '.fetch()', ' & key', '"""', 'dj.', '\n    '];
const IMPORTS = [
  'import datajoint as dj\n',
  'from datajoint import Manual\n',
  'import numpy as np\n',
  'from .other import Session\n',
  'from datajoint.utils import key_hash\n',
];

/** One random edit of `text`. */
function randomEdit(text: string, r: () => number): Edit {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const at = Math.floor(r() * (text.length + 1));
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)].filter((o) => o <= text.length);
  const line = pick(lineStarts);
  const lineEnd = text.indexOf('\n', line) < 0 ? text.length : text.indexOf('\n', line) + 1;
  const kind = r();
  if (kind < 0.25) return { start: at, end: at, text: pick(SNIPPETS) };
  if (kind < 0.4) return { start: at, end: Math.min(text.length, at + 1 + Math.floor(r() * 6)), text: '' };
  if (kind < 0.52) return { start: line, end: lineEnd, text: '' };
  if (kind < 0.64) return copyLine(text, line, lineEnd, pick(lineStarts));
  if (kind < 0.76) {
    const classes = [...text.matchAll(/^\s*class\s+(\w+)/gm)];
    if (classes.length) {
      const m = pick(classes);
      const nameAt = m.index! + m[0].length - m[1].length;
      return { start: nameAt, end: nameAt + m[1].length, text: `${m[1]}${pick(['X', '2', ''])}Renamed` };
    }
  }
  if (kind < 0.88) {
    const topLevel = lineStarts.filter((o) => /[A-Za-z@]/.test(text[o] ?? ''));
    const where = topLevel.length ? pick(topLevel) : 0;
    return { start: where, end: where, text: pick(IMPORTS) };
  }
  // comment a line out (as the benchmark does)
  return { start: line, end: line, text: '# ' };
}

function copyLine(text: string, line: number, lineEnd: number, to: number): Edit {
  const copy = text.slice(line, lineEnd);
  return { start: to, end: to, text: copy.endsWith('\n') ? copy : `${copy}\n` };
}

function apply(text: string, e: Edit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

test('incremental analysis equals a full analysis after random edits of every Python fixture', async () => {
  const engine = await CodeEngine.create();
  const full = engine.isolated();
  const store = new DocumentStore(engine.python);
  const files = [
    ...pythonFiles(path.join(repoRoot, 'test', 'rules')),
    ...pythonFiles(path.join(repoRoot, 'test', 'fixtures')),
  ];
  assert.ok(files.length > 50, `only ${files.length} fixtures found`);
  let compared = 0;
  let partial = 0;
  let treesDiffered = 0;
  // INCREMENTAL_SEED=n runs other random edit sequences. CI runs seed 1 and seed 4242, whose sequence on
  // tables/unsafe.before.py once left errors in two statements and a reused finding beside them.
  const seeds = process.env.INCREMENTAL_SEED ? [Number(process.env.INCREMENTAL_SEED)] : [1, 4242];
  for (let seed = seeds[0], k = 0; k < seeds.length; seed = seeds[++k])
    for (const file of files) {
      const original = fs.readFileSync(file, 'utf8');
      const r = rng(seed++);
      const options: EngineOptions = r() < 0.5 ? DEFAULT_OPTIONS : { ...DEFAULT_OPTIONS, phase: 2, schemaSuffix: '' };
      const uri = `file://${file}`;
      const analyzer = new IncrementalAnalyzer(engine, file);
      let entry = store.open(uri, 'python', 1, original, true);
      let text = original;
      for (let step = 0; step < 30; step++) {
        if (step > 0) {
          // Mostly small edits, now and then back to the original (a clean file again).
          const e: Edit = r() < 0.1 ? { start: 0, end: text.length, text: original } : randomEdit(text, r);
          const doc = entry.doc;
          entry = store.change(uri, step + 1, [
            { range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, text: e.text },
          ])!;
          text = apply(text, e);
          assert.equal(entry.doc.getText(), text);
        }
        const got = analyzer.analyze(text, entry.tree!, options);
        // A fresh parse, analysed from scratch. Where tree-sitter's incremental re-parse recovered from a syntax error
        // differently than a fresh parse does, the full analysis reads the document's tree, as the server would.
        const fresh = engine.python.parse(text);
        const sameTree = fresh.rootNode.toString() === entry.tree!.rootNode.toString();
        if (!sameTree) treesDiffered++;
        const want = full.analyzePython(file, text, options, sameTree ? fresh : entry.tree!);
        fresh.delete();
        if (!isDeepStrictEqual(got, want)) {
          const lines = (fs: unknown[]) => new Set(fs.map((f) => JSON.stringify(f)));
          const [g, w] = [lines(got), lines(want)];
          assert.fail(
            `${path.relative(repoRoot, file)} after ${step} edits (seed ${seed - 1}) differs from a full analysis\n` +
              `only incremental:\n${[...g].filter((x) => !w.has(x)).join('\n')}\nonly full:\n${[...w].filter((x) => !g.has(x)).join('\n')}\n` +
              `text:\n${text}`,
          );
        }
        compared++;
        if (!analyzer.stats.full && analyzer.stats.checked < analyzer.stats.statements) partial++;
      }
      store.close(uri);
    }
  // The comparison means something only if many analyses were incremental.
  assert.ok(partial > compared / 8, `only ${partial} of ${compared} analyses were incremental`);
  assert.ok(treesDiffered < compared / 20, `the re-parsed tree differed from a fresh parse ${treesDiffered} times`);
});

const SUBJECT = `import datajoint as dj

schema = dj.Schema("lab")


@schema
class Subject(dj.Manual):
    definition = """
    subject_id : int
    ---
    species : varchar(32)
    sex : enum('M', 'F')
    """


def load():
    row = (8, "owl", "F")
    Subject.insert1(row)


def other():
    pass
`;

test('a positional insert of a variable is checked again when another statement starts or stops using the name', async () => {
  const used = SUBJECT.replace('    pass', '    print(row)');
  const [before, after, back] = (await compareEdits([SUBJECT, used, SUBJECT])).map((r) => r.findings);
  const dj069 = (fs: Finding[]) => fs.filter((f) => f.code === 'DJ069').length;
  // rewriting `row` is safe only while `load` is its one user
  assert.equal(dj069(before), 1);
  assert.equal(dj069(after), 0);
  assert.equal(dj069(back), 1);
});

test('a later copy of an import commented out is checked incrementally; the first one is not', async () => {
  const twice = `${SUBJECT}\nimport numpy as np\n\nONES = np.ones(3)\n\n\ndef stats():\n    return np.ones(3)\n\n\nimport numpy as np\n`;
  const at = twice.lastIndexOf('import numpy');
  const laterOut = `${twice.slice(0, at)}# ${twice.slice(at)}`;
  const first = twice.indexOf('import numpy');
  const firstOut = `${twice.slice(0, first)}# ${twice.slice(first)}`;
  const runs = await compareEdits([twice, laterOut, twice, firstOut]);
  assert.ok(!runs[1].stats.full && runs[1].stats.checked < runs[1].stats.statements, JSON.stringify(runs[1].stats));
  // the name is now bound only after its first module-level use: every statement is checked again
  assert.ok(runs[3].stats.full, JSON.stringify(runs[3].stats));
});

test('a function body edited: another definition of the same name is not checked again', async () => {
  const twice = `${SUBJECT}\n\ndef load():\n    return Subject.fetch()\n`;
  const edited = twice.replace('    return Subject.fetch()', '    return Subject.fetch("KEY")');
  const runs = await compareEdits([twice, edited]);
  // the first `def load` reads nothing that the second binds: only the edited statement is checked
  assert.equal(runs[1].stats.checked, 1, JSON.stringify(runs[1].stats));
  assert.notDeepEqual(runs[0].findings, runs[1].findings);
});

test('syntax errors in several statements: the findings of a full analysis, without checking everything', async () => {
  const broken = SUBJECT.replace('Subject.insert1(row)', 'Subject.insert1(row))').replace(
    'def other():',
    'def other(:',
  );
  const again = broken.replace('    pass', '    pass  # still broken');
  const last = (await compareEdits([SUBJECT, broken, again]))[2].stats;
  assert.ok(!last.full && last.checked < last.statements, JSON.stringify(last));
});

test('a statement with a MISSING node: its error region is the whole analysis’s', async () => {
  const text = 'import hashlib\nfrom datajoint.hash import key_hash\n\nh = key_hash(key)\n';
  await compareEdits([text, text.replace('import hashlib', "or't hashlib")]);
});

test('the lines holding `global` or a dj-migrate comment are those a multi-line regex finds', () => {
  const text =
    'x = 1\nglobal a, b  # global\nglobals()\n_global = 2\n# dj-migrate: ignore\nnot-dj-migrated\r\nglobal\n';
  const want = text.match(/^.*\b(?:global|dj-migrate)\b.*$/gm) ?? [];
  assert.deepEqual(linesWith(text, ['global', 'dj-migrate']), want);
  assert.equal(want.length, 3);
});

test('a statement mentions a name as a word: its word set read only when a few names are held in its text', () => {
  const text = 'class TableX(dj.Manual):\n    definition = "-> Table1"';
  let made = 0;
  const words = () => {
    made++;
    return new Set(text.match(/[A-Za-z_]\w*/g));
  };
  assert.equal(mentionsWord(text, words, new Set(['Session', 'Subject'])), false);
  assert.equal(made, 0, 'no word set for a text holding none of the names');
  assert.equal(mentionsWord(text, words, new Set(['Table'])), false, 'a name held only inside a word');
  assert.equal(mentionsWord(text, words, new Set(['Session', 'Table1'])), true);
  assert.equal(made, 2);
  const many = new Set(Array.from({ length: 20 }, (_, i) => `Name${i}`));
  assert.equal(mentionsWord(text, words, many), false);
  assert.equal(mentionsWord(text, words, new Set([...many, 'TableX'])), true);
  assert.equal(made, 4, 'many names: the word set read');
});

test('the global key reuses its statement parts only while the statements assign and hold the same', () => {
  const info = (assigned: Array<[string, string]>, global: string) =>
    ({ assigned, global }) as unknown as StatementInfo;
  const text = 'x = 1\n';
  const before = [info([['x', 'x = 1']], 'x = 1'), info([], ''), info([['y', 'y = f()']], '')];
  const first = globalKey(text, before, '{}');
  const cases = [
    before,
    [before[0], info([], ''), info([['y', 'y = f()']], '')], // other objects, the same facts
    [before[0], before[1], info([['y', 'y = g()']], '')], // an assignment changed
    [before[0], before[1], before[2], info([['x', 'x = 2']], '')], // x assigned twice now
    [info([], 'import numpy'), ...before], // module-level code added
    [before[2], before[0]], // reordered
  ];
  for (const infos of cases)
    assert.equal(globalKey(text, infos, '{}', first.parts).key, globalKey(text, infos, '{}').key);
  assert.notEqual(globalKey(text, cases[2], '{}', first.parts).key, first.key);
  assert.notEqual(globalKey(text, cases[3], '{}', first.parts).key, first.key);
  assert.equal(globalKey(text, cases[1], '{}', first.parts).key, first.key);
});

const CLASSES = `import datajoint as dj

schema = dj.Schema("lab")


@schema
class Base(dj.Manual):
    definition = """
    base_id : int
    """


@schema
class Child(Base):
    definition = """
    -> Base
    child_id : int unsigned
    """

    class Part(dj.Part):
        definition = """
        -> master
        part : longblob
        """


class Early(Later):
    definition = """
    x : int
    """


@schema
class Later(dj.Lookup):
    definition = """
    y : double
    """
    contents = [(1.0,)]


@schema
class Trace(dj.Computed):
    definition = """
    -> Child
    trace_id : int
    """

    def make(self, key):
        pass

    def keys(self):
        return []

    to_dicts = None


@schema
class Sub(Trace):
    definition = """
    sub_id : int
    """


class Plain:
    definition = "not a table"


def use():
    Child.insert1((1, 2))
    Early.fetch(as_dict=True)
    Plain.fetch(as_dict=True)
    Child.Part.fetch("KEY")
    Trace.populate(reserve_jobs=True)
    Later.insert1((2.0,))
    Base.insert1((3,))
    (Child.Part & {"child_id": 1}).delete(force=True)
`;

test('classes of unchanged statements keep what the file index found of them, and only while nothing they read changed', async () => {
  const texts = [
    CLASSES,
    `# a comment moving every class\n${CLASSES}`, // every class found again at a new place
    CLASSES.replace('class Base(dj.Manual)', 'class Base(dj.Imported)'), // Child's tier comes from Base
    CLASSES.replace('class Base(dj.Manual)', 'class Base(object)').replace('@schema\nclass Base', 'class Base'),
    CLASSES.replace('class Later(dj.Lookup)', 'class Later(object)'), // Early was a table of the second search
    CLASSES.replace('class Base(', 'class Base2('), // Child's base is no table any more
    CLASSES.replace('child_id : int unsigned', 'child_id : smallint'), // Part's body, in the same statement
    CLASSES.replace('"not a table"', '"""\n    z : int\n    """'), // Plain holds a definition now (a template)
    CLASSES.replace('    contents = [(1.0,)]\n', ''), // Later's contents gone
    CLASSES.replace('part : longblob', 'part : blob'),
    CLASSES,
    CLASSES.replace('Child.insert1((1, 2))', 'Child.insert1((1, 3))'), // a reader of every class checked alone
    CLASSES.replace('sub_id : int', 'sub_id : smallint'), // its tier is its clean base's
    `# a comment moving every class\n${CLASSES.replace('Child.insert1((1, 2))', 'Child.insert1((1, 4))')}`,
  ];
  const runs = await compareEdits(texts);
  assert.ok(
    runs.some((r) => !r.stats.full && (r.stats.knownClasses ?? 0) > 0),
    JSON.stringify(runs.map((r) => r.stats)),
  );
});

test('the exports an incremental analysis records are a full index’s of the same text', async () => {
  const engine = await CodeEngine.create();
  const store = new DocumentStore(engine.python);
  const file = '/work/exported.py';
  let recorded: ModuleExports | null = null;
  const analyzer = new IncrementalAnalyzer(engine, file, (e) => {
    recorded = e;
  });
  const texts = [
    CLASSES,
    CLASSES.replace('child_id : int unsigned', 'child_id : smallint'),
    `# moved\n${CLASSES.replace('part : longblob', 'part : blob')}`,
    CLASSES.replace('class Later(dj.Lookup)', 'class Later(Base)'),
    CLASSES.replace('class Plain:', 'class Plain(Child):'),
    `${CLASSES}\n\nclass Plain(Base):\n    pass\n`,
    CLASSES.replace('Child.insert1((1, 2))', 'Child.insert1((1, 3))'),
  ];
  let entry = store.open('file:///work/exported.py', 'python', 1, texts[0], true);
  for (let i = 0; i < texts.length; i++) {
    if (i > 0) {
      const doc = entry.doc;
      entry = store.change('file:///work/exported.py', i + 1, [
        { range: { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) }, text: texts[i] },
      ])!;
    }
    analyzer.analyze(texts[i], entry.tree!, DEFAULT_OPTIONS);
    const got = recorded as ModuleExports | null;
    assert.ok(got, `text ${i}: no exports recorded`);
    const want = new FileIndex(file, entry.tree!).exports({ configKeys: got.configKeys, features: got.features });
    assert.deepEqual(got, want, `text ${i}`);
  }
  store.close('file:///work/exported.py');
});

test('an imported key_hash is checked again when another statement starts using the name as a value', async () => {
  const base = 'from datajoint.hash import key_hash\n\n\ndef digest(key):\n    return key_hash(key)\n';
  const used = `${base}\n\nHASHER = key_hash\n`;
  const [before, after] = (await compareEdits([base, used])).map((r) => r.findings);
  // the inline fix is right only while every use is a one-argument call
  assert.deepEqual(
    before.map((f) => [f.code, !!f.fix]),
    [['DJ005', true]],
  );
  assert.deepEqual(
    after.map((f) => [f.code, !!f.fix]),
    [['DJ009', false]],
  );
});

test('one of two statements of the same text removed: the other is checked again', async () => {
  // `pair` used twice: no rewrite of its literal; once the first insert is gone, the second may take it (DJ069).
  const twice = `${SUBJECT}\n\npair = (9, "emu", "M")\nSubject.insert1(pair)\nSubject.insert1(pair)\n`;
  const once = twice.replace('Subject.insert1(pair)\n', '');
  const runs = await compareEdits([twice, once, twice]);
  const dj069 = (fs: Finding[], text: string) =>
    fs.filter((f) => f.code === 'DJ069' && text.slice(f.start, f.end).includes('pair')).length;
  assert.equal(dj069(runs[0].findings, twice), 0);
  assert.equal(dj069(runs[1].findings, once), 1);
  assert.equal(dj069(runs[2].findings, twice), 0);
  assert.ok(!runs[1].stats.full && !runs[2].stats.full, 'both edits analysed incrementally');
});

test('a key_hash import is checked again when a use of the name stops and starts being a plain call', async () => {
  const base = 'from datajoint.hash import key_hash\n\n\ndef digest(key):\n    return key_hash(key)\n';
  const broken = base.replace('key_hash(key)', 'key_hash)(key)');
  const runs = await compareEdits([base, broken, base]);
  const dj005 = (fs: Finding[]) => fs.filter((f) => f.code === 'DJ005').map((f) => !!f.fix);
  assert.deepEqual(dj005(runs[0].findings), [true]);
  assert.deepEqual(dj005(runs[1].findings), [false]);
  assert.deepEqual(dj005(runs[2].findings), [true], 'the inline fix is back once every use is a plain call');
});

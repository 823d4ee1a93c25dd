// A parent's secondary attributes are not part of its children's headings: an edit of them re-checks the parent,
// not the tables that name it in a `->` line nor the code using those tables; an edit of its primary key, or a
// secondary line no longer read as an attribute, re-checks them all (each analysis against a full one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/rules/meta';
import { keyedLines } from '../../server/src/rules/tables/heading';
import { compareEdits } from '../helpers/compareEdits';

const PIPELINE = `import datajoint as dj

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    # a recording session
    session_id : int
    ---
    notes : varchar(255)
    """


@schema
class Scan(dj.Manual):
    definition = """
    -> Session
    scan_id : int
    ---
    depth : float
    """


@schema
class Channel(dj.Lookup):
    definition = """
    -> Session
    channel : varchar(8)
    """
    contents = [(1, "green")]


def load():
    Scan.insert1((1, 2, 0.5))
`;

/** The message of the positional-rows finding at `where` (Scan's insert, or Channel's contents). */
function insertMessage(findings: Finding[], text: string, where = 'Scan.insert1'): string {
  const at = text.indexOf(where);
  const found = findings.filter((f) => f.start <= at && at < f.end && /^Positional/.test(f.message));
  assert.equal(found.length, 1, JSON.stringify(findings.map((f) => f.message)));
  return found[0].message;
}

test('a secondary attribute of a parent edited: its children and their users are not checked again', async () => {
  const added = PIPELINE.replace('    notes : varchar(255)\n', '    notes : varchar(255)\n    weight : float\n');
  const commented = PIPELINE.replace('    notes : varchar(255)', '#     notes : varchar(255)');
  const texts = [PIPELINE, added, commented, PIPELINE];
  const runs = await compareEdits(texts);
  for (let i = 1; i < runs.length; i++) {
    assert.ok(!runs[i].stats.full, JSON.stringify(runs[i].stats));
    // Session, and the schema object its decorator reads: not Scan, Channel or load
    assert.equal(runs[i].stats.checked, 2, `text ${i}: ${JSON.stringify(runs[i].stats)}`);
    assert.equal(insertMessage(runs[i].findings, texts[i]), insertMessage(runs[0].findings, texts[0]));
  }
  assert.match(insertMessage(runs[0].findings, PIPELINE), /session_id, scan_id, depth/);
});

test('a parent’s primary key edited, or a secondary line it cannot read: the child’s users see the new heading', async () => {
  const keyAdded = PIPELINE.replace('    session_id : int\n', '    session_id : int\n    session_date : date\n');
  const unreadable = PIPELINE.replace('    notes : varchar(255)', '    notes varchar(255)');
  const keyRemoved = PIPELINE.replace('    session_id : int\n', '');
  const texts = [PIPELINE, keyAdded, PIPELINE, unreadable, PIPELINE, keyRemoved];
  const runs = await compareEdits(texts);
  const messages = runs.map((r, i) => insertMessage(r.findings, texts[i]));
  // the contents of a child, in the child's own statement
  const contents = runs.map((r, i) => insertMessage(r.findings, texts[i], '(1, "green")'));
  assert.match(contents[0], /session_id, channel/);
  assert.match(contents[1], /session_id, session_date, channel/);
  assert.match(contents[3], /cannot be resolved/);
  assert.match(messages[1], /session_id, session_date, scan_id, depth/);
  assert.match(messages[3], /cannot be resolved/);
  assert.match(messages[5], /scan_id, depth/);
  assert.doesNotMatch(messages[5], /session_id/);
  for (const i of [1, 3, 5])
    assert.ok(!runs[i].stats.full && runs[i].stats.checked >= 5, JSON.stringify(runs[i].stats));
});

test('what a `->` line reads of a definition: its lines without comments, blanks and secondary attributes', () => {
  const definition = `
    # a session
    -> Subject
    session_id : int   # the key
    ---
    notes : varchar(255)
    -> [nullable] Rig
    index (notes)
    unreadable line
    `;
  assert.equal(
    keyedLines(definition),
    ['-> Subject', 'session_id : int   # the key', '---', '-> [nullable] Rig', 'index (notes)', 'unreadable line'].join(
      '\n',
    ),
  );
  // a second divider is a divider too: what follows it is secondary
  assert.equal(keyedLines('a : int\n---\nb : int\n___\nc : int'), 'a : int\n---\n___');
});

test('statements of the same text are cached apart: an edit elsewhere checks none of them, a copy removed checks the rest', async () => {
  const copies = `${PIPELINE}\n\nimport numpy as np\n\n\ndef first():\n    return np.ones(3)\n\n\nimport numpy as np\n\n\ndef second():\n    return np.zeros(3)\n`;
  const edited = copies.replace('np.zeros(3)', 'np.zeros(4)');
  const removed = edited.replace('\n\nimport numpy as np\n\n\ndef second', '\n\n\ndef second');
  const runs = await compareEdits([copies, edited, removed]);
  assert.equal(runs[1].stats.checked, 1, JSON.stringify(runs[1].stats));
  // the import left is the first copy again, and the only one: checked again
  assert.ok(!runs[2].stats.full && runs[2].stats.checked >= 1, JSON.stringify(runs[2].stats));
});

// Rules that find their candidates from the text's spellings (RuleContext.matchesInScope/spotsFor): DJ014 (`init_fun`
// of `dj.conn`/`dj.Connection`), DJ015 (heading attribute fields) and DJ087 (environment variables). The same findings
// in a whole analysis and after edits beside them and in them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';
import { compareEdits } from '../helpers/compareEdits';

const SOURCE = `import os

import datajoint as dj
from datajoint.connection import Connection

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session: int
    ---
    raw = null : blob@store
    """


@schema
class Note(dj.Manual):
    definition = """
    -> Session
    """


def open_connection():
    return dj.conn("host", "user", "pw", init_fun="SET time_zone = '+00:00'")


def open_other():
    return Connection("host", "user", "pw", None, True)


def plain():
    return dj.conn()


def unrelated():
    return connect("conn"), "Connection"


def storage():
    external = Session.heading.attributes["raw"].is_external
    adapter = Session.heading.attributes["raw"].adapter
    flag = settings.is_external
    return external, adapter, flag, "Session.heading.attributes.is_filepath"


def environment():
    return os.environ.get("DJ_SUPPORT_ADAPTED_TYPES"), "DJ_AWS_ACCESS_KEY_ID"
`;

function codesAt(findings: Array<{ code: string; start: number }>, text: string): string[] {
  return findings
    .filter((f) => f.code === 'DJ014' || f.code === 'DJ015' || f.code === 'DJ087')
    .map((f) => `${f.code} ${text.slice(f.start, text.indexOf('\n', f.start))}`);
}

test('DJ014, DJ015 and DJ087 in a whole analysis', async () => {
  const engine = await CodeEngine.create();
  const found = codesAt(engine.analyzePython('/work/conn.py', SOURCE, DEFAULT_OPTIONS), SOURCE);
  assert.deepEqual(found, [
    `DJ014 dj.conn("host", "user", "pw", init_fun="SET time_zone = '+00:00'")`,
    'DJ014 Connection("host", "user", "pw", None, True)',
    'DJ015 Session.heading.attributes["raw"].is_external',
    'DJ015 Session.heading.attributes["raw"].adapter',
    'DJ087 os.environ.get("DJ_SUPPORT_ADAPTED_TYPES"), "DJ_AWS_ACCESS_KEY_ID"',
  ]);
});

test('DJ014, DJ015 and DJ087 after edits beside them and in them equal a whole analysis', async () => {
  const edited = (from: string, to: string, text = SOURCE) => {
    assert.ok(text.includes(from), from);
    return text.replace(from, to);
  };
  const texts = [
    SOURCE,
    edited('session: int', 'session: int  # the key'),
    edited('return dj.conn()', 'return dj.conn(init_fun=None)'),
    edited('"pw", None, True)', '"pw", None)'),
    edited('.adapter', '.store'),
    edited('flag = settings.is_external', 'flag = Session.heading.attributes["raw"].is_attachment'),
    edited('return connect("conn")', 'return dj.Connection("h", "u", "p", init_fun=None)'),
    edited('"DJ_AWS_ACCESS_KEY_ID"', 'os.getenv("DJ_AWS_ACCESS_KEY_ID")'),
    SOURCE,
  ];
  const runs = await compareEdits(texts);
  const conn = (i: number) => codesAt(runs[i].findings, texts[i]).filter((c) => c.startsWith('DJ014'));
  const heading = (i: number) => codesAt(runs[i].findings, texts[i]).filter((c) => c.startsWith('DJ015'));
  assert.equal(conn(2).length, 3, 'init_fun added to dj.conn()');
  assert.equal(conn(3).length, 1, 'four positional arguments are not init_fun');
  assert.equal(heading(4).length, 1, '.store is a 2.x field');
  assert.equal(heading(5).length, 3, 'an is_attachment read of a heading attribute');
  assert.ok(
    runs.slice(1).some((r) => !r.stats.full),
    'some edits were analysed incrementally',
  );
});

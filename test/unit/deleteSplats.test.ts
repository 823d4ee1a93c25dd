// DJ061-063 on delete's removed keywords passed through a dict (`**kwargs`): the cases left for a person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';

const options = { ...DEFAULT_OPTIONS, schemaSuffix: '' };

const HEADER = `import datajoint as dj

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session_id : int32
    """

`;

/** [code, text at the finding, safety, has a fix, unverified] of the delete findings. */
async function findings(body: string): Promise<[string, string, string, boolean, boolean][]> {
  const engine = await CodeEngine.create();
  const text = HEADER + body;
  return engine
    .analyzePython('/x/a.py', text, options)
    .filter((f) => /^DJ06[123]$/.test(f.code))
    .map((f) => [f.code, text.slice(f.start, f.end), f.safety, !!f.fix, !!f.unverified]);
}

test('a table class with its own delete(): the dict key is left for a person', async () => {
  const got = await findings(
    '    def delete(self, *args, **kwargs):\n        super().delete(*args, **kwargs)\n\n\nopts = {"safemode": False}\n(Session & "session_id=1").delete(**opts)\n',
  );
  assert.deepEqual(got, [['DJ061', '"safemode"', 'manual', false, false]]);
});

test('a key also read in the scope (kwargs.pop) keeps no fix', async () => {
  const got = await findings(
    '    def delete(self, *args, **kwargs):\n        kwargs["safemode"] = False\n        ask = kwargs.pop("safemode")\n        super().delete(*args, **kwargs)\n',
  );
  assert.deepEqual(got, [['DJ061', '"safemode"', 'manual', false, false]]);
});

test('force_parts with force_masters, and force_masters=False, are manual', async () => {
  const got = await findings(
    'a = {"force_parts": True, "force_masters": True}\nSession.delete(**a)\nb = {"force_masters": False}\nSession.delete(**b)\n',
  );
  assert.deepEqual(got, [
    ['DJ062', '"force_parts"', 'manual', false, false],
    ['DJ063', '"force_masters"', 'manual', false, false],
    ['DJ062', '"force_masters"', 'manual', false, false],
  ]);
});

test('unresolved receivers (a parameter, super() in a mixin or after one) are unverified, without a fix', async () => {
  const got = await findings(
    [
      'def wipe(table, key):\n    opts = {"safemode": False}\n    (table & key).delete(**opts)\n\n\n',
      'class Mixin:\n    def delete(self, **kwargs):\n        kwargs["safemode"] = False\n        super().delete(**kwargs)\n\n\n',
      '@schema\nclass Mixed(Mixin, dj.Manual):\n    definition = "mixed_id : int32"\n\n',
      '    def delete(self, **kwargs):\n        kwargs["safemode"] = False\n        super().delete(**kwargs)\n',
    ].join(''),
  );
  assert.deepEqual(got, [
    ['DJ061', '"safemode"', 'manual', false, true],
    ['DJ061', '"safemode"', 'manual', false, true],
    ['DJ061', '"safemode"', 'manual', false, true],
  ]);
});

test('keys written after the call, in another scope, or rebound by an assignment are not read', async () => {
  const got = await findings(
    'opts = {"safemode": False}\nopts = {}\nSession.delete(**opts)\nopts["safemode"] = False\n\n\ndef f():\n    opts["force_parts"] = True\n',
  );
  assert.deepEqual(got, []);
});

test('code guarded for both versions is not flagged', async () => {
  const got = await findings(
    'try:\n    Session.delete(**{"safemode": False})\nexcept TypeError:\n    Session.delete(prompt=False)\n',
  );
  assert.deepEqual(got, []);
});

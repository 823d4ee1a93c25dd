// DJ005/DJ009/DJ010 on members reached through a 0.14.6 submodule attribute (`dj.hash.key_hash`, `dj.utils.get_master`),
// the forms already caught as `from datajoint.<sub> import <name>`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEngine } from '../../server/src/engine';
import { DEFAULT_OPTIONS } from '../../server/src/rules/context';

const options = { ...DEFAULT_OPTIONS, schemaSuffix: '' };

async function findings(body: string): Promise<[string, string, boolean, string][]> {
  const engine = await CodeEngine.create();
  const text = `import datajoint as dj\n\n${body}`;
  return engine
    .analyzePython('/x/a.py', text, options)
    .map((f) => [f.code, text.slice(f.start, f.end), !!f.fix, f.message]);
}

test('dj.hash.key_hash used as a value: DJ005 without a fix', async () => {
  const got = await findings('f = dj.hash.key_hash\n');
  assert.deepEqual(
    got.map(([code, at, fix]) => [code, at, fix]),
    [['DJ005', 'dj.hash.key_hash', false]],
  );
});

test('dj.utils.get_master(...) is a manual DJ010 naming the 2.x counterpart', async () => {
  const got = await findings('m = dj.utils.get_master(t.full_table_name)\n');
  assert.deepEqual(
    got.map(([code, at, fix]) => [code, at, fix]),
    [['DJ010', 'dj.utils.get_master', false]],
  );
  assert.match(got[0][3], /datajoint\.dependencies\.extract_master/);
});

test('other removed submodule members and the rest of datajoint.hash', async () => {
  const got = await findings(
    'dj.schemas.Schema("lab")\nx = dj.errors.PluginWarning\nu = dj.hash.uuid_from_buffer(b)\n',
  );
  assert.deepEqual(
    got.map(([code, at, fix]) => [code, at, fix]),
    [
      ['DJ010', 'dj.schemas.Schema', false],
      ['DJ010', 'dj.errors.PluginWarning', false],
      ['DJ009', 'dj.hash', false],
    ],
  );
});

test('members not on the removed list, and code guarded for both versions, are not flagged', async () => {
  const got = await findings(
    'j = dj.jobs.Job\nm = dj.utils.user_choice\ntry:\n    g = dj.utils.get_master\nexcept AttributeError:\n    g = None\n',
  );
  assert.deepEqual(got, []);
});

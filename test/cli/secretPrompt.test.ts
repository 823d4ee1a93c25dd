// The terminal password prompt: the question is shown, the typed password is returned and never echoed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { promptSecretOn } from '../../cli/src/secretPrompt';

test('the password prompt shows its question, returns what was typed and does not echo it', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => {
    shown += d.toString();
  });
  const answer = promptSecretOn(input, output)('Password for root@db:3306: ');
  input.write('s3cret-pw\r');
  assert.equal(await answer, 's3cret-pw');
  assert.match(shown, /Password for root@db:3306: /);
  assert.doesNotMatch(shown, /s3cret/);
});

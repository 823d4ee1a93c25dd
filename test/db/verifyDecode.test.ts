// Corruption that a byte-for-byte copy carries along: a blob whose bytes were overwritten and an
// attachment without its name. The copy reproduces them exactly and compare finds the two sides equal;
// verify decodes every value and fails, naming the rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from './harness';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import { compare } from '../../client/src/db/compare';
import { verifySchemas } from '../../client/src/db/verify';
import { qt } from '../../client/src/db/sql';
import { attachProblem, blobProblem } from '../../client/src/db/verifyValues';
import { runCli } from './cliRun';

test('verify decodes every <blob> and <attach> value: overwritten bytes fail it, naming the key', async () => {
  const fx = await loadFixture('dj014');
  try {
    const [, ephys] = fx.schemas;
    // Eight bytes of the blob header (the number of dimensions) overwritten; the data bytes are intact.
    await fx.db.execute(
      `UPDATE ${qt(ephys, '_neuron')} SET spike_times = INSERT(spike_times, 6, 8, UNHEX('FFFFFFFFFFFFFFFF')) WHERE subject_id = 100 AND session_idx = 0 AND neuron_id = 0`,
    );
    await fx.db.execute(
      `UPDATE ${qt(ephys, 'recording')} SET thumbnail = UNHEX('89504E470D0A1A0A') WHERE subject_id = 101 AND thumbnail IS NOT NULL`,
    );
    const v2 = fx.schemas.map((s) => s + '_v2');
    await createParallel(fx.db, { schemas: fx.schemas, suffix: '_v2', unsigned: 'widen' });
    const pairs = fx.schemas.map((s, i) => ({ source: s, target: v2[i] }));
    const copied = await copy(fx.db, { pairs, stores: fx.storesConfig });
    assert.equal(copied.failed, false);
    assert.equal((await compare(fx.db, { pairs, stores: fx.storesConfig })).equal, true, 'copied byte for byte');

    const report = await verifySchemas(fx.db, v2, { stores: fx.storesConfig });
    assert.equal(report.ok, false);
    const neuron = report.tables.find((t) => t.table === '_neuron')!;
    assert.equal(neuron.status, 'fail');
    assert.match(
      neuron.reasons.join('\n'),
      /spike_times: undecodable <blob> — 1 value, e\.g\. subject_id=100, session_date=2024-06-01, session_idx=0, recording_id=1, neuron_id=0 \(/,
    );
    assert.doesNotMatch(neuron.reasons.join('\n'), /waveform/, 'intact values pass');
    const recording = report.tables.find((t) => t.table === 'recording')!;
    assert.match(
      recording.reasons.join('\n'),
      /thumbnail: undecodable <attach> — 1 value, e\.g\. subject_id=101, .*no file name/,
    );
    // Everything else in the fixture decodes.
    assert.deepEqual(
      report.tables
        .filter((t) => t.status === 'fail')
        .map((t) => t.table)
        .sort(),
      ['_neuron', 'recording'],
    );
    const cli = await runCli(['db', 'verify', '--schemas', v2.join(','), '--stores', fx.storesFile]);
    assert.equal(cli.code, 1, cli.err);
    assert.match(cli.out, /undecodable <blob>/);
  } finally {
    await fx.cleanup();
  }
});

test('the value checks: blobs decode or say why; attachments need a name before the NUL', () => {
  const good = Buffer.from('6d596d0041010000000000000001000000000000000600000000000000000000000000f03f', 'hex');
  assert.equal(blobProblem(good), null);
  assert.match(blobProblem(good.subarray(0, good.length - 1)) ?? '', /./, 'truncated');
  assert.match(blobProblem(Buffer.concat([good, Buffer.from([0])])) ?? '', /length check/, 'trailing byte');
  assert.match(blobProblem(Buffer.from('not a blob')) ?? '', /no mYm\/dj0 header/);
  assert.equal(attachProblem(Buffer.from('a.png\0\x89PNG')), null);
  assert.equal(attachProblem(Buffer.from('a.png\0')), null, 'an empty file is an attachment');
  assert.match(attachProblem(Buffer.from('\0x')) ?? '', /empty file name/);
  assert.match(attachProblem(Buffer.from('no nul')) ?? '', /no file name/);
  assert.match(attachProblem(Buffer.from('../x\0y')) ?? '', /path separator/);
  assert.match(attachProblem(Buffer.concat([Buffer.alloc(300, 0x61), Buffer.from([0])])) ?? '', /no file name/);
});

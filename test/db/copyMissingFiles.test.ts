// A pointer-only copy does not read the files it points at, but it looks whether they are there: a stored
// file missing from its store is copied as production holds it, and the copy finishes with a warning that
// counts and names the missing files (CLI exit 1), instead of a silent success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { copy } from '../../client/src/db/copy';
import { copyScenario } from './copyScenario';
import { runCli } from './cliRun';

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

test('a pointer-only copy whose stored file is missing finishes with a warning and a count', async () => {
  const s = await copyScenario();
  try {
    const [, ephys] = s.source.schemas;
    const raw = filesUnder(path.join(s.source.storesConfig.raw.location, ephys));
    assert.ok(raw.length >= 2);
    fs.rmSync(raw[0]);
    const report = await copy(s.db, { pairs: s.pairs, stores: s.source.storesConfig });
    assert.equal(report.failed, false);
    const recording = report.tables.find((t) => t.source.endsWith('.recording'))!;
    assert.equal(recording.status, 'done');
    assert.equal(recording.missingFiles, 1, 'one missing file, counted once');
    assert.equal(recording.missingFileExamples?.length, 1);
    assert.ok(recording.missingFileExamples?.[0].includes(path.basename(raw[0])));
    assert.equal(report.tables.filter((t) => t.missingFiles).length, 1, 'no other table points at it');
    const warning = report.notes.find((n) => n.startsWith('WARNING: '));
    assert.match(warning ?? '', /recording: 1 stored file\(s\) that the copied rows point at are missing/);

    // Through the CLI (a re-run: the rows are there, the file is still missing): a warning and exit 1.
    const pairs = s.pairs.flatMap((p) => ['--pair', `${p.source}:${p.target}`]);
    const cli = await runCli([
      'db',
      'copy',
      '--schemas',
      s.source.schemas.join(','),
      ...pairs,
      '--stores',
      s.source.storesFile,
    ]);
    assert.equal(cli.code, 1, cli.out + cli.err);
    assert.match(cli.out, /^WARNING: .*recording: 1 stored file\(s\)/m);
  } finally {
    await s.cleanup();
  }
});

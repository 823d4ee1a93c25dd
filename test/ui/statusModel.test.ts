import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WORKSPACE_REPORT_COMMAND, statusView } from '../../client/src/ui/statusModel';
import { repoRoot } from '../helpers/paths';

describe('status bar', () => {
  it('labels the count as open files and offers the workspace report', () => {
    const v = statusView(7, 2, []);
    assert.equal(v.text, '$(database) DJ 7 in open files');
    assert.match(v.tooltip, /7 DataJoint migration findings in 2 open files; files that are not open are not counted/);
    assert.equal(v.command, WORKSPACE_REPORT_COMMAND);
    assert.match(statusView(1, 1, []).tooltip, /^1 DataJoint migration finding in 1 open file;/);
  });

  it('shows the running operation without a command', () => {
    const v = statusView(7, 2, ['Copy data', 'Compare']);
    assert.equal(v.text, '$(sync~spin) DataJoint: Copy data');
    assert.equal(v.tooltip, 'Running: Copy data, Compare');
    assert.equal(v.command, undefined);
  });

  it('the command it runs is the workspace report the extension contributes', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === WORKSPACE_REPORT_COMMAND);
    assert.ok(cmd, 'command not contributed');
    assert.match(cmd.title, /report/i);
  });
});

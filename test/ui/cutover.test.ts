// Cut-over UI logic without VS Code or a server: the typed confirmation, refusals as reports, the
// cut-over step's state (swapped / not) and which schemas are swaps' and backups' by-products.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { namesConfirmed, namesPrompt, refusedResult } from '../../client/src/ui/operations/cutoverReport';
import { unsignedPolicyNote } from '../../client/src/ui/operations/inplace';
import { cutOverRole, nextStep, stepStates, type HistoryEntry } from '../../client/src/ui/workflow';
import { renderReportHtml } from '../../client/src/ui/render';

const entry = (
  kind: HistoryEntry['kind'],
  outcome: HistoryEntry['outcome'],
  targets = ['lab'],
  n = 0,
): HistoryEntry => ({
  id: `${kind}-${outcome}-${n}`,
  kind,
  title: kind,
  where: 'u@h:3306',
  targets,
  finishedAt: `2026-01-01T00:00:0${n}Z`,
  outcome,
  summary: `${kind} ${outcome}`,
});
const beforeCutOver = [
  entry('code', 'ok', ['workspace']),
  ...(['preflight', 'create-parallel', 'copy', 'compare', 'verify'] as const).map((k) => entry(k, 'ok')),
];

describe('confirmation by name', () => {
  it('accepts exactly the schema names, in any order, separated by commas or spaces', () => {
    const names = ['lab', 'ephys', 'analysis'];
    assert.equal(namesConfirmed('lab, ephys, analysis', names), true);
    assert.equal(namesConfirmed('analysis lab,ephys', names), true);
    assert.equal(namesConfirmed('lab, ephys', names), false, 'a missing name');
    assert.equal(namesConfirmed('lab, ephys, analysis, extra', names), false, 'an extra name');
    assert.equal(namesConfirmed('lab, lab, ephys', names), false, 'a repeated name');
    assert.equal(namesConfirmed('Lab, ephys, analysis', names), false, 'names are exact');
    assert.equal(namesConfirmed('', names), false);
    assert.match(namesPrompt(names), /schema names to confirm: lab, ephys, analysis$/);
    assert.match(namesPrompt(['lab']), /schema name to confirm: lab$/);
  });
});

describe('refusals as reports', () => {
  it('a refusal fails with its reasons as differences; declining is a cancel with none', () => {
    const r = refusedResult(
      'swap',
      'Swap (Cut Over)',
      'u@h:3306',
      ['lab'],
      ['compare found differences', 'lab.subject vs lab_v2.subject: 1 differing'],
      ['n'],
    );
    assert.equal(r.outcome, 'failed');
    assert.match(r.summary, /^refused, nothing was changed: compare found differences/);
    assert.deepEqual(
      r.tables[0].differences.map((d) => d.what),
      ['compare found differences', 'lab.subject vs lab_v2.subject: 1 differing'],
    );
    assert.equal(r.tables[0].differenceCount, 2);
    const html = renderReportHtml(
      { ...r, id: 'x', startedAt: 's', finishedAt: 'f', statements: 0 },
      { nonce: 'n', cspSource: 'c' },
    );
    assert.match(html, /data-outcome="failed"/);
    assert.match(html, /lab\.subject vs lab_v2\.subject: 1 differing/);
    const declined = refusedResult(
      'retire',
      'Retire Old Schemas',
      'u@h:3306',
      ['lab'],
      ['not confirmed; nothing was dropped'],
      [],
    );
    assert.equal(declined.outcome, 'cancelled');
    assert.equal(declined.tables[0].differenceCount, 0);
  });
});

describe('the cut-over step', () => {
  it('is pending and not swapped until a swap; the backup step comes first', () => {
    const states = stepStates(beforeCutOver, 'u@h:3306', 'lab', { hasPointers: false });
    const cut = states.find((s) => s.step.id === 'cutover')!;
    assert.equal(cut.status, 'pending');
    assert.equal(cut.detail, 'not swapped');
    assert.equal(nextStep(states)?.step.id, 'backup');
    const backedUp = stepStates([...beforeCutOver, entry('backup', 'ok')], 'u@h:3306', 'lab', { hasPointers: false });
    assert.equal(nextStep(backedUp)?.step.id, 'cutover');
    assert.equal(nextStep(backedUp)?.step.command, 'datajoint.db.swap');
  });

  it('shows swapped after a swap, not swapped after its roll back, and the database wins over the history', () => {
    const swapped = stepStates([...beforeCutOver, entry('swap', 'ok', ['lab', 'ephys'], 1)], 'u@h:3306', 'lab', {
      hasPointers: false,
    });
    const cut = swapped.find((s) => s.step.id === 'cutover')!;
    assert.equal(cut.status, 'done');
    assert.equal(cut.last?.kind, 'swap');
    assert.equal(
      stepStates([entry('swap', 'ok', ['lab'], 1)], 'u@h:3306', 'ephys').find((s) => s.step.id === 'cutover')?.status,
      'pending',
      'another schema is not swapped',
    );

    const rolledBack = stepStates(
      [...beforeCutOver, entry('swap', 'ok', ['lab'], 1), entry('unswap', 'ok', ['lab'], 2)],
      'u@h:3306',
      'lab',
    ).find((s) => s.step.id === 'cutover')!;
    assert.equal(rolledBack.status, 'pending');
    assert.equal(rolledBack.detail, 'not swapped (rolled back)');
    assert.equal(rolledBack.last?.kind, 'unswap');

    const onServer = stepStates([], 'u@h:3306', 'lab', { swapped: true });
    assert.equal(
      onServer.find((s) => s.step.id === 'cutover')?.status,
      'done',
      'swapped on the server (e.g. from the CLI) without history',
    );
    assert.match(
      onServer.find((s) => s.step.id === 'cutover')?.detail ?? '',
      /2\.x tables in lab, 0\.14\.6 tables in lab_old/,
    );
    assert.ok(
      onServer.filter((s) => s.step.scope === 'schema' && s.step.id !== 'backup').every((s) => s.status === 'done'),
      'every data step before a swap is done once swapped',
    );
    assert.equal(onServer.find((s) => s.step.id === 'backup')?.status, 'pending', 'a backup is not implied by a swap');
    assert.equal(nextStep(onServer)?.step.id, 'code', "the code is the workspace's own step");

    const gone = stepStates([entry('swap', 'ok', ['lab'], 1)], 'u@h:3306', 'lab', { swapped: false }).find(
      (s) => s.step.id === 'cutover',
    )!;
    assert.equal(gone.status, 'pending');
    assert.match(gone.detail ?? '', /no longer shows the swap/);
  });

  it('a refused swap needs attention; an in-place migration completes the step', () => {
    const refused = stepStates([...beforeCutOver, entry('swap', 'failed', ['lab'], 1)], 'u@h:3306', 'lab', {
      swapped: false,
    }).find((s) => s.step.id === 'cutover')!;
    assert.equal(refused.status, 'failed');
    assert.equal(refused.detail, 'not swapped');
    const inPlace = stepStates([entry('in-place', 'ok', ['lab'], 1)], 'u@h:3306', 'lab').find(
      (s) => s.step.id === 'cutover',
    )!;
    assert.equal(inPlace.status, 'done');
    assert.equal(inPlace.detail, 'migrated in place');
  });
});

describe('schemas a cut-over or backup made', () => {
  const versions = new Map([
    ['lab', '2.x'],
    ['lab_old', '0.14.6'],
    ['lab_v2', 'empty'],
    ['lab_backup_20260101', '0.14.6'],
    ['ephys', '0.14.6'],
    ['ephys_restoring', '0.14.6'],
    ['ephys_before_restore', '0.14.6'],
    ['solo_old', '0.14.6'],
  ]);
  it('a 2.x schema whose _old holds 0.14.6 tables is swapped; _old, backups and restore staging are by-products', () => {
    assert.equal(cutOverRole('lab', versions), 'swapped');
    assert.equal(cutOverRole('lab_old', versions), 'derived');
    assert.equal(cutOverRole('lab_backup_20260101', versions), 'derived');
    assert.equal(cutOverRole('ephys_restoring', versions), 'derived');
    assert.equal(cutOverRole('ephys_before_restore', versions), 'derived');
    assert.equal(cutOverRole('ephys', versions), 'production');
    assert.equal(
      cutOverRole('solo_old', versions),
      'production',
      'an _old schema without its production schema is a schema of its own',
    );
    assert.equal(
      cutOverRole(
        'lab',
        new Map([
          ['lab', '2.x'],
          ['lab_old', 'empty'],
        ]),
      ),
      'production',
      'after a roll back _old is empty: not swapped',
    );
  });
});

describe('in-place and the unsigned policy', () => {
  it('asks to switch to native unless it is already', () => {
    assert.match(unsignedPolicyNote('widen') ?? '', /keeps integer column types.*"widen".*Switch it to "native"/);
    assert.equal(unsignedPolicyNote('native'), null);
  });
});

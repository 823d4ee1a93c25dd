import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlan, renderReportHtml, renderReportMarkdown } from '../../client/src/ui/render';
import { keyText, summarise, totalDifferences, valueText, type OperationReport } from '../../client/src/ui/report';

const report: OperationReport = {
  id: 'r1',
  kind: 'compare',
  title: 'Compare',
  where: 'u@h:3306',
  targets: ['lab'],
  startedAt: 'S',
  finishedAt: 'F',
  outcome: 'differences',
  summary: 'Compared 2 tables, 3 differences',
  statements: 12,
  notes: ['a <note>'],
  tables: [
    {
      table: 'lab.subject',
      target: 'lab_v2.subject',
      status: 'differs',
      counts: { 'production rows': 1234, matched: 1231 },
      differenceCount: 3,
      differences: [{ key: { subject_id: '7' }, what: 'weight: 1 ≠ 2 (<script>)' }],
    },
    {
      table: 'lab.#species',
      target: 'lab_v2.#species',
      status: 'equal',
      counts: { 'production rows': 2, matched: 2 },
      differenceCount: 0,
      differences: [],
    },
  ],
};

describe('plan document', () => {
  it('lists every statement ending in a semicolon, file operations and notes as comments', () => {
    const text = renderPlan({
      title: 'Copy Data',
      where: 'u@h:3306',
      targets: ['lab'],
      statements: ['INSERT INTO a SELECT 1', 'DELETE FROM b;'],
      fileOps: ['write /x'],
      notes: ['shared store files'],
    });
    assert.match(text, /^-- Copy Data — dry-run plan \(nothing has been executed\)/);
    assert.match(text, /-- 2 statements that change data or schema, 1 file operation\./);
    assert.match(text, /\nINSERT INTO a SELECT 1;\n/);
    assert.match(text, /\nDELETE FROM b;\n/);
    assert.doesNotMatch(text, /;;/);
    assert.match(text, /-- {3}write \/x/);
    assert.match(text, /-- {3}shared store files/);
    assert.match(
      renderPlan({
        title: 'Compare',
        where: 'w',
        targets: [],
        statements: [],
        fileOps: [],
        notes: [],
        readsOnly: true,
      }),
      /This operation only reads/,
    );
  });
});

describe('report rendering', () => {
  it('HTML escapes engine text, carries machine-readable totals and links tables', () => {
    const html = renderReportHtml(report, {
      nonce: 'N',
      cspSource: 'vscode-resource:',
      tableLink: (t) => `command:x?${encodeURIComponent(JSON.stringify([t]))}`,
    });
    assert.ok(!html.includes('<script>'), 'no raw engine text');
    assert.match(html, /&lt;script&gt;/);
    assert.match(html, /data-outcome="differences" data-differences="3"/);
    assert.match(html, /<td class="num">1,234<\/td>/);
    assert.match(html, /href="command:x\?%5B%22lab.subject%22%5D"/);
    assert.match(html, /default-src 'none'; style-src vscode-resource: 'nonce-N'/);
    assert.match(html, /… and 2 more/);
    assert.match(html, /<li>a &lt;note&gt;<\/li>/);
  });

  it('Markdown has the table, the differences with their keys and the notes', () => {
    const md = renderReportMarkdown(report);
    assert.match(md, /^# Compare: Needs attention/);
    assert.match(md, /\| lab\.subject \| differs \| 1234 \| 1231 \| 3 \|/);
    assert.match(md, /- subject_id=7: weight: 1 ≠ 2/);
    assert.match(md, /- … and 2 more/);
    assert.equal(totalDifferences(report), 3);
  });

  it('summarises outcomes: cancellation wins, then failures, then differences', () => {
    const t = (differenceCount: number, error?: string) => ({
      table: 't',
      status: '',
      counts: {},
      differences: [],
      differenceCount,
      ...(error ? { error } : {}),
    });
    assert.deepEqual(summarise('Copied', [t(0), t(0)]), { outcome: 'ok', summary: 'Copied 2 tables, 0 differences' });
    assert.equal(summarise('Copied', [t(1)]).outcome, 'differences');
    assert.equal(summarise('Copied', [t(0, 'boom')]).outcome, 'failed');
    assert.equal(summarise('Copied', [t(0, 'boom')], { cancelled: true }).outcome, 'cancelled');
    assert.match(summarise('Copied', [t(0)], { cancelled: true }).summary, /run again to resume/);
    const cancelled = summarise(
      'Copied',
      [
        { ...t(0), status: 'done' },
        { ...t(0), status: 'cancelled' },
        { ...t(0), status: 'skipped' },
      ],
      { cancelled: true },
    );
    assert.equal(cancelled.summary, 'Copied 1 of 3 tables, 0 differences, cancelled (run again to resume)');
  });

  it('prints key values of every type the engines return', () => {
    assert.deepEqual(
      keyText({ a: 1, b: 'x', c: Buffer.from([0xab, 0x01]), d: null, e: 12345678901234567890n.toString() }),
      { a: '1', b: 'x', c: '0xab01', d: 'NULL', e: '12345678901234567890' },
    );
    assert.equal(valueText({ k: 1 }), '{"k":1}');
  });
});

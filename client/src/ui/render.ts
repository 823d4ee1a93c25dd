// Text the user reads: the dry-run plan document and the report (Markdown, and HTML for the webview).
// No `vscode` here.
import type { OperationReport, ReportTable } from './report';
import { totalDifferences } from './report';

/** What an operation would do, before it does anything. */
export interface OperationPlan {
  title: string;
  /** `user@host:port`, or the workspace. */
  where: string;
  targets: string[];
  /** Every statement that would change something, in order, ending in `;`. */
  statements: string[];
  /** File operations (store files written, files edited). */
  fileOps: string[];
  /** Things to know before confirming. */
  notes: string[];
  /** Statements that only read (not listed one by one). */
  readsOnly?: boolean;
}

export function renderPlan(plan: OperationPlan): string {
  const lines: string[] = [
    `-- ${plan.title} — dry-run plan (nothing has been executed)`,
    `-- Server: ${plan.where}`,
    `-- Targets: ${plan.targets.join(', ') || '(none)'}`,
    `-- ${plan.statements.length} statement${plan.statements.length === 1 ? '' : 's'} that change data or schema, ${plan.fileOps.length} file operation${plan.fileOps.length === 1 ? '' : 's'}.`,
  ];
  if (plan.notes.length) lines.push('--', '-- Notes:', ...plan.notes.flatMap((n) => wrapComment(n, '--   ')));
  lines.push('');
  if (plan.statements.length === 0)
    lines.push(plan.readsOnly ? '-- This operation only reads.' : '-- Nothing to change.');
  for (const s of plan.statements) lines.push(s.trimEnd().endsWith(';') ? s.trimEnd() : `${s.trimEnd()};`, '');
  if (plan.fileOps.length) lines.push('-- File operations:', ...plan.fileOps.map((f) => `--   ${f}`));
  return lines.join('\n') + '\n';
}

function wrapComment(text: string, prefix: string, width = 110): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (prefix + line + ' ' + word).length > width) {
      out.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(prefix + line);
  return out;
}

const OUTCOME_TEXT = { ok: 'OK', differences: 'Needs attention', failed: 'Failed', cancelled: 'Cancelled' } as const;

function countColumns(tables: readonly ReportTable[]): string[] {
  const names: string[] = [];
  for (const t of tables) for (const k of Object.keys(t.counts)) if (!names.includes(k)) names.push(k);
  return names;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderReportMarkdown(r: OperationReport): string {
  const diffs = totalDifferences(r);
  const out: string[] = [
    `# ${r.title}: ${OUTCOME_TEXT[r.outcome]}`,
    '',
    r.summary,
    '',
    `- Server: ${r.where}`,
    `- Targets: ${r.targets.join(', ')}`,
    `- Started ${r.startedAt}, finished ${r.finishedAt}`,
    `- ${diffs} difference${diffs === 1 ? '' : 's'}; ${r.statements} SQL statement${r.statements === 1 ? '' : 's'} (see the DataJoint Migrate output channel)`,
    '',
  ];
  if (r.tables.length) {
    const cols = countColumns(r.tables);
    out.push(
      `| table | status | ${cols.join(' | ')} | differences |`,
      `|---|---|${cols.map(() => '---:|').join('')}---:|`,
    );
    for (const t of r.tables)
      out.push(
        `| ${mdCell(t.table)} | ${mdCell(t.status)} | ${cols.map((c) => (c in t.counts ? String(t.counts[c]) : '')).join(' | ')} | ${t.differenceCount} |`,
      );
    out.push('');
    for (const t of r.tables.filter((x) => x.differences.length || x.error)) {
      out.push(`## ${t.table}`, '');
      if (t.error) out.push(`Error: ${t.error}`, '');
      for (const d of t.differences)
        out.push(
          `- ${Object.entries(d.key)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}: ${d.what}`,
        );
      if (t.differenceCount > t.differences.length)
        out.push(`- … and ${t.differenceCount - t.differences.length} more`);
      out.push('');
    }
  }
  if (r.notes.length) out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface HtmlOptions {
  /** Content-Security-Policy nonce for the page's own style. */
  nonce: string;
  /** The webview's CSP source (`webview.cspSource`). */
  cspSource: string;
  /** A command URI that reveals a table (`schema.table`), or undefined for plain text. */
  tableLink?: (table: string) => string | undefined;
}

/** A self-contained page for the report webview. Every text from the engines is escaped. */
export function renderReportHtml(r: OperationReport, o: HtmlOptions): string {
  const diffs = totalDifferences(r);
  const cols = countColumns(r.tables);
  const link = (table: string): string => {
    const href = o.tableLink?.(table);
    return href ? `<a href="${escapeHtml(href)}">${escapeHtml(table)}</a>` : escapeHtml(table);
  };
  const rows = r.tables
    .map(
      (t) =>
        `<tr class="${t.error ? 'failed' : t.differenceCount ? 'differs' : ''}"><td>${link(t.table)}</td><td>${t.target ? link(t.target) : ''}</td><td>${escapeHtml(t.status)}</td>` +
        cols.map((c) => `<td class="num">${c in t.counts ? t.counts[c].toLocaleString('en-US') : ''}</td>`).join('') +
        `<td class="num" data-differences="${t.differenceCount}">${t.differenceCount}</td></tr>`,
    )
    .join('\n');
  const details = r.tables
    .filter((t) => t.differences.length || t.error)
    .map((t) => {
      const keyCols = [...new Set(t.differences.flatMap((d) => Object.keys(d.key)))];
      return (
        `<h2>${link(t.table)}</h2>` +
        (t.error ? `<p class="error">${escapeHtml(t.error)}</p>` : '') +
        (t.differences.length
          ? `<table><thead><tr>${keyCols.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}<th>difference</th></tr></thead><tbody>` +
            t.differences
              .map(
                (d) =>
                  `<tr>${keyCols.map((k) => `<td>${escapeHtml(d.key[k] ?? '')}</td>`).join('')}<td>${escapeHtml(d.what)}</td></tr>`,
              )
              .join('') +
            `</tbody></table>` +
            (t.differenceCount > t.differences.length
              ? `<p>… and ${t.differenceCount - t.differences.length} more</p>`
              : '')
          : '')
      );
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeHtml(o.cspSource)} 'nonce-${escapeHtml(o.nonce)}';">
<title>${escapeHtml(r.title)}</title>
<style nonce="${escapeHtml(o.nonce)}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.differs td { background: var(--vscode-diffEditor-removedLineBackground, #f003); }
tr.failed td, .error { color: var(--vscode-errorForeground); }
.outcome { font-weight: bold; }
.outcome.ok { color: var(--vscode-testing-iconPassed, green); }
.outcome.failed, .outcome.differences { color: var(--vscode-errorForeground); }
</style></head>
<body data-report-id="${escapeHtml(r.id)}" data-outcome="${r.outcome}" data-differences="${diffs}">
<h1>${escapeHtml(r.title)} — <span class="outcome ${r.outcome}">${OUTCOME_TEXT[r.outcome]}</span></h1>
<p class="summary">${escapeHtml(r.summary)}</p>
<p>Server ${escapeHtml(r.where)} · targets ${escapeHtml(r.targets.join(', '))} · ${escapeHtml(r.startedAt)} → ${escapeHtml(r.finishedAt)}</p>
<p class="differences-total"><strong>${diffs} difference${diffs === 1 ? '' : 's'}</strong> · ${r.statements} SQL statement${r.statements === 1 ? '' : 's'} logged in the DataJoint Migrate output channel</p>
${
  r.tables.length
    ? `<table class="tables"><thead><tr><th>table</th><th>target</th><th>status</th>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}<th>differences</th></tr></thead><tbody>
${rows}
</tbody></table>`
    : ''
}
${details}
${r.notes.length ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
</body></html>`;
}

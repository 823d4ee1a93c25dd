// The Differences view: the last compare's differing rows as schema → table → row (key, column,
// production value, 2.x value, reason), filtered, paged ("Show more…"), with the keys as SQL and a way
// into the migration map. Reads the stored compare report: no more rows than the engine kept.
import * as vscode from 'vscode';
import { type DiffRow, groupDifferences, keyLabel, keysSql, page } from '../map/differences';
import type { OperationReport } from './report';
import type { HistoryStore } from './workflow';

export type DiffNode =
  | { kind: 'schema'; schema: string; tables: number; rows: number }
  | { kind: 'table'; table: string; name: string; total: number; rows: DiffRow[] }
  | { kind: 'row'; table: string; row: DiffRow; index: number }
  | { kind: 'more'; table: string; left: number }
  | { kind: 'message'; label: string };

/**
 * Rows per table shown before "Show more…" (a compare report lists up to 20 differing rows per table,
 * plus missing and extra keys).
 */
export const PAGE = 10;

export class DifferencesView implements vscode.TreeDataProvider<DiffNode> {
  private readonly changed = new vscode.EventEmitter<DiffNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  filter = '';
  /** Rows shown per table (`schema.table` → count); grows with "Show more…". */
  private readonly shown = new Map<string, number>();

  constructor(private readonly history: HistoryStore) {
    history.onDidChange(() => {
      this.shown.clear();
      this.refresh();
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The newest compare report in the history. */
  report(): OperationReport | null {
    const last = [...this.history.list()].reverse().find((e) => e.kind === 'compare');
    return last ? this.history.report(last.id) : null;
  }

  setFilter(text: string): void {
    this.filter = text;
    this.shown.clear();
    this.refresh();
  }

  showMore(table: string): void {
    this.shown.set(table, (this.shown.get(table) ?? PAGE) + PAGE);
    this.refresh();
  }

  getTreeItem(n: DiffNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    switch (n.kind) {
      case 'schema': {
        const item = new vscode.TreeItem(n.schema, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `d:${n.schema}`;
        item.description = n.tables === 1 ? '1 table differs' : `${n.tables} tables differ`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = 'diffSchema';
        return item;
      }
      case 'table': {
        const item = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `d:${n.table}`;
        const count = `${n.total} difference${n.total === 1 ? '' : 's'}`;
        item.description = n.rows.length < n.total ? `${count} (${n.rows.length} listed)` : count;
        item.iconPath = new vscode.ThemeIcon('table', new vscode.ThemeColor('charts.red'));
        item.contextValue = n.rows.length ? 'diffTable.hasKeys' : 'diffTable';
        item.tooltip = `${n.table}: ${item.description}`;
        return item;
      }
      case 'row': {
        const r = n.row;
        const item = new vscode.TreeItem(keyLabel(r.key) || '(no key)', None);
        item.id = `d:${n.table}:${n.index}`;
        item.description = r.column ? `${r.column}: ${r.production} ≠ ${r.test} (${r.reason})` : r.reason;
        item.tooltip = new vscode.MarkdownString(
          [
            `**${n.table}**`,
            `key: \`${keyLabel(r.key)}\``,
            r.column ? `column: \`${r.column}\`` : '',
            r.column ? `production: \`${r.production}\`` : '',
            r.column ? `2.x: \`${r.test}\`` : '',
            `reason: ${r.reason}`,
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
        item.iconPath = new vscode.ThemeIcon(r.column ? 'diff-modified' : 'diff-removed');
        item.contextValue = 'diffRow';
        item.accessibilityInformation = { label: `${n.table} ${keyLabel(r.key)}: ${item.description}` };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Show more…', None);
        item.id = `d:${n.table}:more`;
        item.description = `${n.left} more`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'datajoint.differences.showMore', title: 'Show more', arguments: [n.table] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.label, None);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  getChildren(n?: DiffNode): DiffNode[] {
    // Restricted Mode: empty, and the welcome text says why (like the other views).
    if (!n && !vscode.workspace.isTrusted) return [];
    const report = this.report();
    if (!report) return n ? [] : [{ kind: 'message', label: 'No compare yet: run Compare on a schema.' }];
    const groups = groupDifferences(report, this.filter);
    if (!n) {
      if (!groups.length)
        return [
          {
            kind: 'message',
            label: this.filter
              ? `No difference matches "${this.filter}".`
              : `No differences: ${report.targets.join(', ')} compared equal (${report.finishedAt.slice(0, 16).replace('T', ' ')}).`,
          },
        ];
      return groups.map((g) => ({
        kind: 'schema',
        schema: g.schema,
        tables: g.tables.length,
        rows: g.tables.reduce((k, t) => k + t.rows.length, 0),
      }));
    }
    if (n.kind === 'schema')
      return (groups.find((g) => g.schema === n.schema)?.tables ?? []).map((t) => ({ kind: 'table', ...t }));
    if (n.kind === 'table') {
      const p = page(n.rows, this.shown.get(n.table) ?? PAGE);
      const rows: DiffNode[] = p.items.map((row, index) => ({ kind: 'row', table: n.table, row, index }));
      if (p.more) rows.push({ kind: 'more', table: n.table, left: p.more });
      return rows;
    }
    return [];
  }

  /** The SQL selecting the rows of a table node (every listed key) or of one row. */
  sqlFor(n: DiffNode): string | null {
    if (n.kind === 'table') return n.rows.length ? keysSql(n.table, n.rows) : null;
    if (n.kind === 'row') return keysSql(n.table, [n.row]);
    if (n.kind === 'schema') {
      const g = groupDifferences(this.report() ?? { tables: [] }, this.filter).find((x) => x.schema === n.schema);
      return g
        ? g.tables
            .filter((t) => t.rows.length)
            .map((t) => keysSql(t.table, t.rows))
            .join('')
        : null;
    }
    return null;
  }
}

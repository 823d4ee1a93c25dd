// The "DataJoint Migrate" Output channel: every SQL statement the extension runs, one line each, and
// operation boundaries. Passwords never reach it (SqlLogFormatter masks every secret it was given).
import * as vscode from 'vscode';
import { SqlLogFormatter } from './sqlLog';

export class OutputLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('DataJoint Migrate');
  readonly formatter = new SqlLogFormatter();
  private statementCount = 0;

  sql(connection: string, sql: string, params?: readonly unknown[]): void {
    this.statementCount++;
    this.channel.appendLine(`${this.formatter.line(sql, params)}  -- ${connection}`);
  }

  info(text: string): void {
    this.channel.appendLine(this.formatter.mask(`[${new Date().toISOString()}] ${text}`));
  }

  /** Statements logged so far (operations take the difference to report how many they ran). */
  get statements(): number {
    return this.statementCount;
  }

  addSecret(value: string | undefined): void {
    this.formatter.addSecret(value);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

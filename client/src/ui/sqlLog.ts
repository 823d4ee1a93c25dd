// One line per SQL statement for the Output channel. Secrets never reach it: a statement is logged with
// its parameters inlined, and every secret the extension holds is masked before the line leaves here
// (defence in depth: no statement we issue carries a password, but a user's restriction text could).
import { formatSql } from '../db/sql';

const MAX_STATEMENT = 4000;

export class SqlLogFormatter {
  private readonly secrets = new Set<string>();

  /** A value that must never be printed (a password). Empty strings are ignored. */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('••••••');
    return out;
  }

  line(sql: string, params?: readonly unknown[], now = new Date()): string {
    let text: string;
    try {
      text = formatSql(sql, params);
    } catch {
      text = `${sql} -- params: ${JSON.stringify(params)}`;
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (text.length > MAX_STATEMENT)
      text = `${text.slice(0, MAX_STATEMENT)} … (${text.length - MAX_STATEMENT} more characters)`;
    return this.mask(`[${now.toISOString()}] ${text}`);
  }
}

// The diagnostics reports sent for each open document, kept on the server so a diagnostic carries only a short
// reference to its finding: quick-fix edits are computed when a code action asks for them, not sent with every
// diagnostic (a large file's report was mostly fix edits).
import { isDeepStrictEqual } from 'node:util';
import type { Finding } from '../rules/meta';
import type { TextEdit } from '../rules/meta';

/**
 * What a fixable diagnostic carries: the report it was sent in and its finding's index there, as `report:index`
 * (one short string: most diagnostics of a large file carry one).
 */
export type DiagnosticRef = string;

export function diagnosticRef(report: string, id: number): DiagnosticRef {
  return `${report}:${id}`;
}

export interface Report {
  resultId: string;
  version: number;
  findings: Finding[];
  /** Analysed-text offset → document offset (notebook cells), null outside the document. */
  toDoc: (o: number) => number | null;
}

/** A quick fix of a finding still valid for the document's current version. */
export interface ReportedFix {
  title: string;
  safety: Finding['safety'];
  edits: TextEdit[];
}

/** Earlier reports of the current version a client may still show (a re-pull can race a code action). */
const KEPT = 4;

export class DiagnosticReports {
  private readonly byUri = new Map<string, Report[]>();
  private nextId = 0;

  latest(uri: string): Report | undefined {
    return this.byUri.get(uri)?.[0];
  }

  /** Records a new report (dropping those of other versions) and returns it. */
  add(uri: string, version: number, findings: Finding[], toDoc: Report['toDoc']): Report {
    const report: Report = { resultId: String(++this.nextId), version, findings, toDoc };
    const kept = (this.byUri.get(uri) ?? []).filter((r) => r.version === version).slice(0, KEPT - 1);
    this.byUri.set(uri, [report, ...kept]);
    return report;
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }

  /** The fix a diagnostic refers to, or undefined when its report is not of `version` (a stale diagnostic). */
  fix(uri: string, version: number, data: unknown): ReportedFix | undefined {
    const ref = parseRef(data);
    if (!ref) return undefined;
    const report = this.byUri.get(uri)?.find((r) => r.resultId === ref.report);
    if (!report || report.version !== version) return undefined;
    const f = report.findings[ref.id];
    if (!f?.fix) return undefined;
    const edits: TextEdit[] = [];
    for (const e of f.fix.edits) {
      const start = report.toDoc(e.start);
      const end = report.toDoc(e.end);
      if (start === null || end === null) return undefined;
      edits.push({ start, end, text: e.text });
    }
    return { title: f.fix.title, safety: f.safety, edits };
  }
}

function parseRef(data: unknown): { report: string; id: number } | null {
  const m = typeof data === 'string' ? /^(.+):(\d+)$/.exec(data) : null;
  return m ? { report: m[1], id: Number(m[2]) } : null;
}

/** The same findings of the same version as `last`: the client's diagnostics are still right. */
export function sameReport(last: Report, version: number, findings: Finding[]): boolean {
  return (
    last.version === version &&
    last.findings.length === findings.length &&
    last.findings.every((f, i) => f === findings[i] || isDeepStrictEqual(f, findings[i]))
  );
}

// What the map knows about a schema's migration besides the catalogue: copy checkpoints from every
// state file of the server (a pipeline copy keeps one file for all its schemas), and the last compare,
// verify and swap from the operation history. No `vscode` here.
import fs from 'node:fs';
import path from 'node:path';
import { loadCopyState } from '../db/state';
import type { OperationReport } from '../ui/report';
import type { HistoryEntry } from '../ui/workflow';

export interface Checkpoint {
  status: string;
  rowsCopied: number;
  error?: string;
}

/**
 * Checkpoints by `schema.table` for the production schemas, from every state file in `stateDir` written
 * for `host:port`; when several files know a table, the one updated last wins.
 */
export function checkpointsFor(
  stateDir: string,
  host: string,
  port: number,
  schemas: readonly string[],
): Map<string, Checkpoint> {
  const prefix = `${host.replace(/[^A-Za-z0-9._-]+/g, '-')}_${port}_`;
  let files: string[];
  try {
    files = fs.readdirSync(stateDir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  } catch {
    return new Map();
  }
  const found = new Map<string, { at: string; cp: Checkpoint }>();
  for (const f of files) {
    let state: ReturnType<typeof loadCopyState>;
    try {
      state = loadCopyState(path.join(stateDir, f));
    } catch {
      continue; // a damaged or foreign file: the copy command reports it
    }
    if (!state) continue;
    for (const [key, cp] of Object.entries(state.tables)) {
      if (!schemas.includes(key.slice(0, key.indexOf('.')))) continue;
      const at = cp.finishedAt ?? cp.startedAt ?? state.updatedAt;
      const prev = found.get(key);
      if (!prev || prev.at < at)
        found.set(key, {
          at,
          cp: { status: cp.status, rowsCopied: cp.rowsCopied, ...(cp.error ? { error: cp.error } : {}) },
        });
    }
  }
  return new Map([...found].map(([k, v]) => [k, v.cp]));
}

export interface HistoryFacts {
  /** `schema.table` → last compare result. */
  compared: Map<string, { equal: boolean; differences: number }>;
  /** `schema.table` of production tables whose parallel table the last verify found ready. */
  verified: Set<string>;
  /** The last compare report touching any of the schemas (the Differences view shows it). */
  lastCompare: OperationReport | null;
}

/**
 * The last compare and verify per production table of `schemas` on the server `where`
 * (`user@host:port`, a prefix of the entry's `where`), newest report first.
 */
export function historyFacts(
  entries: readonly HistoryEntry[],
  report: (id: string) => OperationReport | null,
  where: string,
  schemas: readonly string[],
  suffix: string,
): HistoryFacts {
  const out: HistoryFacts = { compared: new Map(), verified: new Set(), lastCompare: null };
  const seenCompare = new Set<string>();
  const seenVerify = new Set<string>();
  for (const e of [...entries].reverse()) {
    if (!e.where.startsWith(where) || !e.targets.some((t) => schemas.includes(t))) continue;
    if (e.kind !== 'compare' && e.kind !== 'verify') continue;
    const r = report(e.id);
    if (!r) continue;
    if (e.kind === 'compare' && !out.lastCompare) out.lastCompare = r;
    for (const t of r.tables) {
      if (e.kind === 'compare') {
        if (seenCompare.has(t.table)) continue;
        seenCompare.add(t.table);
        out.compared.set(t.table, { equal: t.differenceCount === 0 && !t.error, differences: t.differenceCount });
      } else {
        // Verify names the parallel table; the map shows the production table.
        const dot = t.table.indexOf('.');
        const s = t.table.slice(0, dot);
        const prod = `${suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s}${t.table.slice(dot)}`;
        if (seenVerify.has(prod)) continue;
        seenVerify.add(prod);
        if (t.status === 'ready') out.verified.add(prod);
      }
    }
  }
  return out;
}

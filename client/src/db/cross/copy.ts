// `db copy --target URL`: rows of the 0.14.6 tables into their 2.x parallels on another server, table by
// table in dependency order (cross/plan.ts), chunk by chunk (cross/copyTable.ts), with the guarantees of the
// same-server copy: resumable from the checkpoint file (state.ts; the same format), idempotent (a re-run
// inserts nothing; a differing row is reported, never overwritten), cancellable (AbortSignal: the running
// statement is killed and its chunk rolled back), bounded memory, progress, and a dry run that writes
// nothing. Files stay where they are (pointer-only) unless --relocate, as on one server.
import type { Db } from '../connection';
import { tableKey } from '../model';
import {
  type CopyState,
  type TableCheckpoint,
  loadCopyState,
  newCheckpoint,
  newCopyState,
  saveCopyState,
  tableStateKey,
} from '../state';
import type { CopyOptions, CopyReport, TableCopyResult } from '../copy';
import { CancelledError } from '../copyTable';
import { DbInputError } from '../sql';
import { ATTACH_POINTER_ONLY_IMPOSSIBLE } from '../pointers';
import { sharesSourceFile } from '../sharedFiles';
import { type CrossPlannedTable, planCross } from './plan';
import { CrossTableCopier } from './copyTable';
import type { TargetSide } from './side';

export async function crossCopy(source: Db, side: TargetSide, opts: CopyOptions): Promise<CopyReport> {
  const plan = await planCross(source, side, opts);
  if (opts.relocate && !opts.stores) throw new DbInputError('--relocate needs the store settings (--stores)');
  const notes: string[] = [];
  const shared = new Set<string>();
  const attach = new Set<string>();
  for (const t of plan)
    for (const c of t.columns) {
      if (c.kind !== 'pointer') continue;
      if (!opts.stores?.[c.store])
        throw new DbInputError(
          `${tableKey(t.source)}.${c.name} is in store ${c.store}, which is not configured; pass --stores`,
        );
      if (sharesSourceFile(c, !!opts.relocate)) shared.add(c.store);
      if (c.pointerKind === 'attach') attach.add(c.store);
    }
  if (shared.size)
    notes.push(
      `Pointer-only copy: the 2.x rows on ${side.describe()} point at the files 0.14.6 wrote in store(s) ${[...shared].sort().join(', ')}. ` +
        "Old and new schemas now share those files: cleaning either side's store would delete data the other still uses.",
    );
  if (attach.size)
    notes.push(
      `Attachments in store(s) ${[...attach].sort().join(', ')} are rewritten into the 2.x _hash/ layout: ${ATTACH_POINTER_ONLY_IMPOSSIBLE}`,
    );
  return runCross(source, side, plan, opts, notes);
}

async function runCross(
  source: Db,
  side: TargetSide,
  plan: CrossPlannedTable[],
  opts: CopyOptions,
  notes: string[],
): Promise<CopyReport> {
  const report: CopyReport = { tables: [], cancelled: false, failed: false, notes, fileOps: 0 };
  const pairs = Object.fromEntries(opts.pairs.map((p) => [p.source, p.target]));
  const statePath = opts.dryRun ? null : (opts.statePath ?? null);
  const state: CopyState = (statePath && loadCopyState(statePath)) || newCopyState(side.describe(), pairs);
  const save = () => statePath && saveCopyState(statePath, state);
  const selection = opts.selection ?? '';
  const targetName = (t: CrossPlannedTable) => `${side.describe()}/${t.target.schema}.${t.target.name}`;
  const checkpointOf = (t: CrossPlannedTable): TableCheckpoint | undefined => {
    const cp = state.tables[tableStateKey(t.source.schema, t.source.name)];
    return cp && cp.selection === selection && cp.target === targetName(t) ? cp : undefined;
  };
  const resuming = plan.some((t) => {
    const s = checkpointOf(t)?.status;
    return s !== undefined && s !== 'done';
  });
  if (!resuming)
    for (const t of plan)
      state.tables[tableStateKey(t.source.schema, t.source.name)] = newCheckpoint(
        tableKey(t.source),
        targetName(t),
        selection,
      );

  for (const t of plan) {
    const result: TableCopyResult = {
      source: tableKey(t.source),
      target: `${t.target.schema}.${t.target.name}`,
      mode: t.columns.some((c) => c.kind === 'pointer') ? 'converted' : 'server-side',
      total: 0,
      rowsInserted: 0,
      rowsAlreadyPresent: 0,
      conflictCount: 0,
      conflicts: [],
      chunks: 0,
      ms: 0,
      fileOps: 0,
      status: 'done',
    };
    report.tables.push(result);
    if (report.cancelled || report.failed) {
      result.status = 'skipped';
      continue;
    }
    const key = tableStateKey(t.source.schema, t.source.name);
    const cp = checkpointOf(t) ?? newCheckpoint(result.source, targetName(t), selection);
    if (resuming && cp.status === 'done') {
      result.finishedEarlier = true;
      continue;
    }
    cp.status = 'running';
    cp.startedAt = new Date().toISOString();
    cp.finishedAt = null;
    delete cp.error;
    state.tables[key] = cp;
    save();
    const started = Date.now();
    try {
      await new CrossTableCopier(source, side, t, cp, result, opts, save).run();
      cp.status = 'done';
    } catch (e) {
      if (e instanceof CancelledError || opts.signal?.aborted) {
        cp.status = 'cancelled';
        result.status = 'cancelled';
        result.interrupted = !(e instanceof CancelledError);
        report.cancelled = true;
      } else {
        cp.status = 'failed';
        cp.error = (e as Error).message;
        result.status = 'failed';
        result.error = (e as Error).message;
        report.failed = true;
      }
    }
    result.ms = Date.now() - started;
    if (result.missingFiles)
      report.notes.push(
        `WARNING: ${result.source}: ${result.missingFiles} stored file(s) that the copied rows point at are missing: ${result.missingFileExamples?.join('; ')}`,
      );
    cp.finishedAt = new Date().toISOString();
    save();
    report.fileOps += result.fileOps;
  }
  return report;
}

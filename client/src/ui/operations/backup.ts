// Backup (backup.ts, dumpFile.ts): a full copy of each schema on the same server as
// `<name><backup suffix>`, verified equal before it is called a backup; optionally also a SQL file the
// mysql client loads. Production is only read.
import { backupSchemas, defaultBackupSuffix } from '../../db/backup';
import { writeDumpFile } from '../../db/dumpFile';
import { summarise, type ReportTable } from '../report';
import type { Operation, OperationTarget } from './types';

export function backupSuffixOf(target: OperationTarget): string {
  return target.cutover?.backupSuffix ?? defaultBackupSuffix();
}

export const backupOp: Operation = {
  kind: 'backup',
  title: 'Backup',
  writes: true,
  async plan(ctx, target) {
    const suffix = backupSuffixOf(target);
    const r = await backupSchemas(ctx.db, { schemas: target.schemas, suffix, dryRun: true });
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      statements: r.statements,
      fileOps: target.cutover?.toFile
        ? [`write ${target.cutover.toFile} (CREATE DATABASE/TABLE and INSERTs of ${target.schemas.join(', ')})`]
        : [],
      notes: [
        `Backs up ${r.pairs.map((p) => `${p.source} → ${p.target}`).join(', ')}: every table (hidden ones included), parents first, then verifies the copy equals the original (compare, checksums, ~lineage).`,
        `Production is only read. Restore later with DataJoint: Restore from Backup (suffix ${suffix}).`,
      ],
    };
  },
  async run(ctx, target, hooks) {
    const suffix = backupSuffixOf(target);
    const r = await backupSchemas(ctx.db, {
      schemas: target.schemas,
      suffix,
      signal: hooks.signal,
      onProgress: (e) =>
        hooks.progress(
          `${e.step} ${e.table} (${e.done}/${e.total})`,
          e.step === 'verify' ? undefined : 50 / Math.max(1, e.total),
        ),
    });
    const tables: ReportTable[] = r.tables.map((t) => ({
      table: t.source,
      target: t.target,
      status: 'copied',
      counts: { rows: t.rows },
      differences: [],
      differenceCount: 0,
    }));
    if (!r.verified)
      tables.push({
        table: 'verification',
        status: 'not verified',
        counts: {},
        differences: r.problems.map((what) => ({ key: {}, what })),
        differenceCount: Math.max(1, r.problems.length),
      });
    const notes = [
      `${r.hidden.length} hidden table(s) checked: ${r.hidden.filter((h) => h.equal).length} equal`,
      ...r.hidden.filter((h) => !h.equal).map((h) => `${h.table}: ${h.why ?? 'differs'}`),
    ];
    if (r.verified)
      notes.push(
        `restore with DataJoint: Restore from Backup, suffix ${suffix} (dj-migrate db restore --schemas ${target.schemas.join(',')} --backup-suffix ${suffix})`,
      );
    if (r.verified && target.cutover?.toFile) {
      hooks.fileOp?.(`write ${target.cutover.toFile}`);
      const dump = await writeDumpFile(ctx.db, {
        schemas: target.schemas,
        file: target.cutover.toFile,
        signal: hooks.signal,
        onProgress: (e) => hooks.progress(`file: ${e.table} (${e.rows} rows)`),
      });
      notes.push(
        `wrote ${dump.file}: ${dump.tables.length} tables, ${dump.tables.reduce((a, t) => a + t.rows, 0)} rows, ${dump.bytes} bytes (load it with the mysql client)`,
      );
    }
    const s = summarise('Backed up', tables);
    const summary = r.verified
      ? `${s.summary}; backup ${r.pairs.map((p) => p.target).join(', ')} verified`
      : `${s.summary}; the backup is NOT verified`;
    return {
      kind: 'backup',
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      outcome: r.verified ? s.outcome : 'failed',
      summary,
      tables,
      notes,
    };
  },
};

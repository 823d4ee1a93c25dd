// `db retire`: drop the `<name>_old` schemas a swap left behind — only after a confirmation that names
// them, only when a backup of them exists and is verified equal to them right now, never when another
// schema still has keys into them, and never touching store files: after a pointer-only copy the 2.x rows
// read the very files 0.14.6 wrote, and the backups reference them too, so the files stay.
import type { Db } from './connection';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { verifyClone } from './backup';
import type { ConfirmRequest } from './swap';
import { checkIdentifier, DbInputError, likeEscape, q, qt } from './sql';

export interface RetireOptions {
  /** Production names; the schemas dropped are `<name><oldSuffix>`. */
  schemas: string[];
  oldSuffix: string;
  /** The backups to check are `<name><backupSuffix>` or `<name><oldSuffix><backupSuffix>`; default: any `<name>_backup_*` / `<name><oldSuffix>_backup_*`. */
  backupSuffix?: string;
  dryRun?: boolean;
  confirm: (req: ConfirmRequest) => Promise<boolean>;
  onProgress?: (e: { step: string; message: string }) => void;
}

export interface RetireReport {
  status: 'retired' | 'refused' | 'dry-run';
  refusals: string[];
  /** Old schema → the backup verified equal to it. */
  backups: { old: string; backup: string }[];
  /** DROP DATABASE statements, children first (run, or to run in a dry run). */
  statements: string[];
  dropped: string[];
  /** 2.x values in the production schemas that read files 0.14.6 wrote (kept: retire never deletes files). */
  sharedFiles: number;
  notes: string[];
}

export async function retireSchemas(db: Db, opts: RetireOptions): Promise<RetireReport> {
  if (!opts.oldSuffix) throw new DbInputError('the old-schema suffix is empty');
  const names = opts.schemas.map((s) => ({
    live: checkIdentifier(s, 'schema'),
    old: checkIdentifier(s + opts.oldSuffix, 'old schema'),
  }));
  const report: RetireReport = {
    status: opts.dryRun ? 'dry-run' : 'refused',
    refusals: [],
    backups: [],
    statements: [],
    dropped: [],
    sharedFiles: 0,
    notes: [],
  };
  const progress = (step: string, message: string) => opts.onProgress?.({ step, message });
  const refuse = (why: string[]): RetireReport => {
    report.status = 'refused';
    report.refusals.push(...why);
    return report;
  };
  const present = new Set(
    (
      await db.query<{ s: string }>(
        'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
        [names.map((n) => n.old)],
      )
    ).map((r) => r.s),
  );
  const missing = names.filter((n) => !present.has(n.old)).map((n) => n.old);
  if (missing.length)
    return refuse([`${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist; nothing to retire`]);

  const outside = await db.query<{ s: string; t: string; rs: string; rt: string }>(
    'SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, UNIQUE_CONSTRAINT_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA IN (?) AND CONSTRAINT_SCHEMA NOT IN (?)',
    [names.map((n) => n.old), names.map((n) => n.old)],
  );
  if (outside.length)
    return refuse(
      outside.map(
        (r) =>
          `${r.s}.${r.t} has a foreign key to ${r.rs}.${r.rt}; retire that schema together with it, or drop the key`,
      ),
    );

  progress('backup', 'looking for a verified backup of each old schema');
  for (const n of names) {
    const candidates = await backupCandidates(db, n.live, n.old, opts.backupSuffix);
    let found: string | null = null;
    const why: string[] = [];
    for (const c of candidates) {
      const v = await verifyClone(db, [{ source: n.old, target: c }]);
      if (v.verified) {
        found = c;
        break;
      }
      why.push(`${c} differs: ${v.problems.slice(0, 3).join('; ')}`);
    }
    if (!found)
      report.refusals.push(
        candidates.length
          ? `no backup equal to ${n.old}: ${why.join(' / ')}. Back it up as it is now: dj-migrate db backup --schemas ${n.old}`
          : `no backup of ${n.old} found; make one first: dj-migrate db backup --schemas ${n.old}`,
      );
    else report.backups.push({ old: n.old, backup: found });
  }
  if (report.refusals.length) return refuse([]);

  report.sharedFiles = await sharedFileCount(
    db,
    names.map((n) => n.live),
  );
  if (report.sharedFiles)
    report.notes.push(
      `${report.sharedFiles} value(s) in ${names.map((n) => n.live).join(', ')} read files that 0.14.6 wrote (pointer-only copy); they are kept — retire never deletes store files`,
    );

  const old = await introspect(
    db,
    names.map((n) => n.old),
  );
  const order: string[] = [];
  for (const t of dependencyOrder(old)) if (!order.includes(t.schema)) order.push(t.schema);
  for (const n of names) if (!order.includes(n.old)) order.push(n.old);
  report.statements = order.reverse().map((s) => `DROP DATABASE ${q(s)}`);
  if (opts.dryRun) return report;

  const ok = await opts.confirm({
    kind: 'drop',
    schemas: order,
    question: `Drop ${order.join(', ')}? Verified backups: ${report.backups.map((b) => `${b.old} = ${b.backup}`).join(', ')}. Store files are not touched.`,
  });
  if (!ok) return refuse(['not confirmed; nothing was dropped']);
  for (const [i, sql] of report.statements.entries()) {
    progress('drop', sql);
    await db.execute(sql);
    report.dropped.push(order[i]);
  }
  report.status = 'retired';
  report.notes.push(`the backups ${report.backups.map((b) => b.backup).join(', ')} are kept`);
  return report;
}

async function backupCandidates(db: Db, live: string, old: string, suffix?: string): Promise<string[]> {
  const names = suffix
    ? [live + suffix, old + suffix]
    : (
        await db.query<{ s: string }>(
          'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? OR SCHEMA_NAME LIKE ? ORDER BY SCHEMA_NAME DESC',
          [likeEscape(live + '_backup_') + '%', likeEscape(old + '_backup_') + '%'],
        )
      ).map((r) => r.s);
  const exist = new Set(
    names.length
      ? (
          await db.query<{ s: string }>(
            'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
            [names],
          )
        ).map((r) => r.s)
      : [],
  );
  return names.filter((n) => exist.has(n));
}

/** 2.x in-store values whose `path` is not in the 2.x `_hash/` layout: they read 0.14.6's files. */
async function sharedFileCount(db: Db, schemas: string[]): Promise<number> {
  const existing = (
    await db.query<{ s: string }>('SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [
      schemas,
    ])
  ).map((r) => r.s);
  if (!existing.length) return 0;
  let n = 0;
  for (const s of await introspect(db, existing))
    for (const t of s.tables)
      for (const c of t.columns) {
        if (c.storage.form !== 'json2x' || (c.storage.codec !== 'blob' && c.storage.codec !== 'filepath')) continue;
        const [row] = await db.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM ${qt(s.name, t.name)} WHERE ${q(c.name)} IS NOT NULL AND JSON_UNQUOTE(JSON_EXTRACT(${q(c.name)}, '$.path')) NOT LIKE '\\_hash/%'`,
        );
        n += Number(row.n);
      }
  return n;
}

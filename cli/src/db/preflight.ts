// dj-migrate db preflight --schemas a,b,c [--suffix _v2 | --pair a:x] [--stores F] [--json]
//   [--target URL [--target-tls] [--target-ca FILE]]
// Server, privileges per step (with the GRANTs a DBA would run), space, stores; with --target also the
// target server (version, privileges there, values it cannot hold). Exit 1 when a check fails.
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, UsageError } from '../args';
import { preflight, type PreflightReport } from '../../../client/src/db/preflight';
import { describeCharsets } from '../../../client/src/db/charsets';
import { pairsFrom, withDb } from './target';
import { storesFromFlags } from './storeSettings';
import { parallelSuffix, TARGET_OPTIONS, targetFrom, withTarget } from './targetFlags';

export const summary = 'check server, privileges (with GRANTs), space and stores before migrating';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, { ...DB_OPTIONS, ...TARGET_OPTIONS });
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('preflight needs --schemas a,b,c');
  const pairs = pairsFrom(flags);
  const target = await targetFrom(flags, io);
  const suffix = parallelSuffix(flags, io.cwd, schemas, !!target);
  const found = storesFromFlags(flags, io.cwd);
  const opts = { schemas, suffix, pairs, stores: found.file ? found.stores : undefined };
  const report = await withDb(flags, io, (db) =>
    target ? withTarget(target, (t) => preflight(db, { ...opts, target: t })) : preflight(db, opts),
  );
  io.out(flags.json ? JSON.stringify(report, null, 2) : render(report, found.file));
  return report.ok ? 0 : 1;
}

const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function render(r: PreflightReport, storesFile: string | null): string {
  const lines = [`server: ${r.server.versionString} as ${r.server.user}`];
  if (r.target)
    lines.push(
      `target: ${r.target.where} — ${r.target.dialect === 'postgresql' ? 'PostgreSQL ' : ''}${r.target.version} as ${r.target.user}`,
    );
  for (const s of r.schemas)
    lines.push(`schema ${s.name}: ${s.version}, ${s.tables} tables, ~${s.rows} rows, ${bytes(s.bytes)}`);
  lines.push('character sets:', ...r.charsets.map((c) => `  ${describeCharsets(c)}`));
  lines.push(`targets: ${r.pairs.map((p) => `${p.source} → ${p.target}`).join(', ')}`, '');
  for (const c of r.checks) lines.push(`${mark[c.level]} ${c.message}`);
  lines.push('', 'privileges by step:');
  for (const s of r.steps) {
    const missing = s.missing.map((m) => `${m.schema}: ${m.privileges.join(', ')}`).join('; ');
    lines.push(`  ${s.missing.length ? 'missing' : 'ok     '} ${s.step}${missing ? ` — ${missing}` : ''}`);
  }
  if (r.grants.length) lines.push('', 'a DBA can grant what is missing with:', ...r.grants.map((g) => `  ${g};`));
  if (r.targetGrants.length)
    lines.push(
      '',
      `on the target (${r.target?.where}), a DBA can grant what is missing with:`,
      ...r.targetGrants.map((g) => `  ${g};`),
    );
  lines.push(
    '',
    `space: parallel tables ~${bytes(r.space.parallelTablesBytes)}; attachments rewritten into stores ~${bytes(r.space.storeBytesAttachments)}; ` +
      `blobs with --relocate ~${bytes(r.space.storeBytesRelocate)} more`,
  );
  lines.push('', `stores${storesFile ? ` (from ${storesFile})` : ''}:`);
  if (!r.stores.length) lines.push('  none used');
  for (const s of r.stores)
    lines.push(`  ${mark[s.level]} ${s.message}${s.kinds.length ? ` [${s.kinds.join(', ')}]` : ''}`);
  lines.push('', r.ok ? 'preflight passed' : 'preflight found problems (FAIL above)');
  return lines.join('\n');
}

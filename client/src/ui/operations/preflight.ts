// Preflight (preflight.ts, reads only): privileges, space, stores and blockers before anything is written.
import { preflight as preflightEngine } from '../../db/preflight';
import { describeCharsets } from '../../db/charsets';
import { summarise, type ReportTable } from '../report';
import { withReferences, type Operation } from './types';

export const preflight: Operation = {
  kind: 'preflight',
  title: 'Preflight',
  writes: false,
  async plan(ctx, target) {
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      statements: [],
      fileOps: [],
      readsOnly: true,
      notes: ['Reads the catalogue, grants and store settings; nothing is written.'],
    };
  },
  async run(ctx, target) {
    const { all } = await withReferences(ctx.db, target.schemas);
    const r = await preflightEngine(ctx.db, {
      schemas: all,
      suffix: ctx.suffix,
      stores: Object.keys(ctx.stores).length ? ctx.stores : undefined,
      ...(ctx.target ? { target: ctx.target.connection } : {}),
    });
    const tables: ReportTable[] = r.schemas.map((s) => ({
      table: s.name,
      status: s.version,
      counts: { tables: s.tables, rows: s.rows, bytes: s.bytes },
      differences: [],
      differenceCount: 0,
    }));
    const failing = [
      ...r.checks.filter((c) => c.level === 'fail').map((c) => c.message),
      ...r.stores.filter((c) => c.level === 'fail').map((c) => `store ${c.store}: ${c.message}`),
      ...r.steps
        .filter((st) => !st.optional && st.missing.length)
        .map(
          (st) =>
            `${st.step}: missing ${st.missing.map((m) => `${m.privileges.join(', ')} on ${m.schema}`).join('; ')}`,
        ),
    ];
    if (failing.length)
      tables.push({
        table: 'checks',
        status: 'blocked',
        counts: {},
        differences: failing.map((what) => ({ key: {}, what })),
        differenceCount: failing.length,
      });
    const notes = [
      `Server ${r.server.versionString} (${r.server.flavor}), user ${r.server.user}`,
      ...(r.target ? [`Target ${r.target.where}: ${r.target.version}, user ${r.target.user}`] : []),
      ...r.charsets.map((c) => `Character sets ${describeCharsets(c)}`),
      `Parallel tables need about ${Math.ceil(r.space.parallelTablesBytes / 1e6)} MB; attachments rewrite ${Math.ceil(r.space.storeBytesAttachments / 1e6)} MB into the stores`,
      ...r.checks.filter((c) => c.level === 'warn').map((c) => `warning: ${c.message}`),
      ...r.stores.filter((c) => c.level === 'warn').map((c) => `store ${c.store}: ${c.message}`),
      ...(r.grants.length ? ['Grants that would give this user what every step needs:', ...r.grants] : []),
      ...(r.targetGrants.length ? [`Grants to run on the target (${r.target?.where}):`, ...r.targetGrants] : []),
    ];
    const s = summarise('Checked', tables);
    const outcome = r.ok ? s.outcome : s.outcome === 'ok' ? 'failed' : s.outcome;
    return {
      kind: 'preflight',
      title: this.title,
      where: ctx.target ? `${ctx.db.describe()} → ${ctx.target.where}` : ctx.db.describe(),
      targets: target.schemas,
      outcome,
      summary: r.ok ? `ready: ${s.summary}` : `blocked: ${failing.length} problem(s)`,
      tables,
      notes,
    };
  },
};

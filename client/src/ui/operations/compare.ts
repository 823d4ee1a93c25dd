// Compare (compare.ts, reads only): production against parallel, row by row; differences with their keys.
import { compare as compareEngine } from '../../db/compare';
import { compareAcrossServers } from './crossServer';
import { keyText, summarise, type ReportTable } from '../report';
import { pairsFor, type Operation } from './types';

export const compareData: Operation = {
  kind: 'compare',
  title: 'Compare',
  writes: false,
  async plan(ctx, target) {
    return {
      title: this.title,
      where: ctx.db.describe(),
      targets: target.schemas,
      statements: [],
      fileOps: [],
      readsOnly: true,
      notes: [
        `Compares ${target.schemas.map((s) => `${s} with ${s + ctx.suffix}`).join(', ')}${ctx.target ? ` on ${ctx.target.where}` : ''} row by row; nothing is written.`,
      ],
    };
  },
  async run(ctx, target, hooks) {
    const opts = {
      pairs: pairsFor(target.schemas, ctx.suffix),
      tables: target.tables,
      tiers: target.tiers,
      stores: ctx.stores,
      fileCheck: Object.keys(ctx.stores).length ? ('present' as const) : ('none' as const),
      signal: hooks.signal,
      onProgress: (e: { table: string; rows: number; total: number }) =>
        hooks.progress(`${e.table}: ${e.rows}/${e.total} rows`),
    };
    const report = ctx.target
      ? await compareAcrossServers(ctx.db, ctx.target.connection, opts)
      : await compareEngine(ctx.db, opts);
    const tables: ReportTable[] = report.tables.map((t) => {
      const differences = [
        ...t.missingKeys.map((k) => ({
          key: keyText(k),
          what: 'missing in the 2.x schema',
          reason: 'missing in the 2.x schema',
        })),
        ...t.extraKeys.map((k) => ({
          key: keyText(k),
          what: 'only in the 2.x schema',
          reason: 'only in the 2.x schema',
        })),
        ...t.differences.map((d) => ({
          key: keyText(d.key),
          what: `${d.column}: ${d.production} ≠ ${d.test} (${d.reason})`,
          column: d.column,
          production: d.production,
          test: d.test,
          reason: d.reason,
        })),
      ];
      const columnNotes = [
        ...t.columnsOnlyInProduction.map((c) => `column ${c} only in production`),
        ...t.columnsOnlyInTest.map((c) => `column ${c} only in 2.x`),
      ];
      return {
        table: t.production,
        target: t.test,
        status: t.differing || t.onlyInProduction || t.onlyInTest || columnNotes.length ? 'differs' : 'equal',
        counts: {
          'production rows': t.rowsProduction,
          matched: t.matched,
          'missing in 2.x': t.onlyInProduction,
          'only in 2.x': t.onlyInTest,
          differing: t.differing,
        },
        differences,
        differenceCount: t.differing + t.onlyInProduction + t.onlyInTest + t.columnsOnlyInProduction.length,
        ...(columnNotes.length ? { error: columnNotes.join('; ') } : {}),
      };
    });
    const s = summarise('Compared', tables);
    const outcome = s.outcome === 'ok' && !report.equal ? 'differences' : s.outcome;
    return {
      kind: 'compare',
      title: this.title,
      where: ctx.target ? `${ctx.db.describe()} → ${ctx.target.where}` : ctx.db.describe(),
      targets: target.schemas,
      outcome,
      summary: s.summary,
      tables,
      notes: report.notes,
    };
  },
};

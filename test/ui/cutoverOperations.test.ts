// The cut-over operations the UI runs, against the real server and the dj014 fixture: plans write
// nothing; backup verifies; swap takes the schemas with keys into the chosen one along, asks the
// "writes are frozen" question naming them, moves everything or nothing; unswap undoes it; retire
// refuses without a verified backup; restore puts a backup back; in-place migrates a copy that verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPERATIONS, type OperationContext, type RunHooks } from '../../client/src/ui/operations';
import { FINALIZE_NOTE } from '../../client/src/ui/operations/swap';
import type { ConfirmRequest } from '../../client/src/db/swap';
import { OLD_CLIENTS_WARNING } from '../../client/src/db/inplace';
import { loadFixture, type LoadedFixture } from '../db/harness';

function hooks(answer?: (req: ConfirmRequest) => boolean): RunHooks & { asked: ConfirmRequest[]; messages: string[] } {
  const asked: ConfirmRequest[] = [];
  const messages: string[] = [];
  return {
    signal: new AbortController().signal,
    asked,
    messages,
    progress: (m) => messages.push(m),
    ...(answer ? { confirm: async (req: ConfirmRequest) => (asked.push(req), answer(req)) } : {}),
  };
}

/** Schema → its table names (sorted), for the schemas starting with the fixture's prefix. */
async function layout(fx: LoadedFixture): Promise<Record<string, string[]>> {
  const rows = await fx.db.query<{ s: string; t: string }>(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE ? ORDER BY 1, 2',
    [`${fx.prefix.replace(/_/g, '\\_')}%`],
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.s] ??= []).push(r.t);
  return out;
}

/** Every column's definition in a schema (table.column → type + comment), to tell 0.14.6 tables from 2.x ones. */
async function columns(fx: LoadedFixture, schema: string): Promise<Record<string, string>> {
  const rows = await fx.db.query<{ t: string; c: string; ty: string; cm: string }>(
    'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty, COLUMN_COMMENT AS cm FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2',
    [schema],
  );
  return Object.fromEntries(rows.map((r) => [`${r.t}.${r.c}`, `${r.ty} ${r.cm}`]));
}

async function count(fx: LoadedFixture, schema: string, table: string): Promise<number> {
  const [r] = await fx.db.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM \`${schema}\`.\`${table.replace(/`/g, '``')}\``,
  );
  return Number(r.n);
}

describe('cut-over operations of the UI on the dj014 fixture', { timeout: 600_000 }, () => {
  let fx: LoadedFixture;
  let ctx: OperationContext;
  let stateDir: string;
  let lab: string, ephys: string, analysis: string;
  let production: Record<string, Record<string, string>>;
  let parallel: Record<string, Record<string, string>>;

  before(async () => {
    fx = await loadFixture('dj014');
    [lab, ephys, analysis] = fx.schemas;
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-cutover-'));
    ctx = {
      db: fx.db,
      suffix: '_v2',
      policy: 'widen',
      stores: fx.storesConfig,
      statePath: path.join(stateDir, 'copy.json'),
    };
    for (const op of ['create-parallel', 'copy'] as const) {
      const r = await OPERATIONS[op].run(ctx, { schemas: fx.schemas }, hooks());
      assert.equal(r.outcome, 'ok', `${op}: ${r.summary}`);
    }
    production = Object.fromEntries(await Promise.all(fx.schemas.map(async (s) => [s, await columns(fx, s)] as const)));
    parallel = Object.fromEntries(
      await Promise.all(fx.schemas.map(async (s) => [s, await columns(fx, s + '_v2')] as const)),
    );
    assert.notDeepEqual(
      production[lab],
      parallel[lab],
      'the 2.x tables are told apart from the 0.14.6 ones by their columns',
    );
  });
  after(async () => {
    await fx?.cleanup();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('backup: the plan writes nothing; the run copies every table and verifies the copy', async () => {
    const target = { schemas: [lab], cutover: { backupSuffix: '_backup_20260101' } };
    const before = await layout(fx);
    const plan = await OPERATIONS.backup.plan(ctx, target);
    assert.ok(
      plan.statements.some((s) => s.includes(`\`${lab}_backup_20260101\``)),
      plan.statements.slice(0, 3).join('\n'),
    );
    assert.deepEqual(await layout(fx), before, 'planning wrote nothing');
    const r = await OPERATIONS.backup.run(ctx, target, hooks());
    assert.equal(r.outcome, 'ok', r.summary);
    assert.match(r.summary, new RegExp(`backup ${lab}_backup_20260101 verified`));
    const after = await layout(fx);
    assert.deepEqual(after[`${lab}_backup_20260101`], before[lab], 'every table, hidden ones included');
    for (const t of r.tables)
      assert.equal(
        t.counts.rows,
        await count(fx, lab, t.table.slice(lab.length + 1)),
        `${t.table}: rows in the report = COUNT(*)`,
      );
  });

  it('swap: the plan takes the schemas with keys into the chosen one along, lists the one RENAME and moves nothing', async () => {
    const before = await layout(fx);
    const plan = await OPERATIONS.swap.plan(ctx, { schemas: [lab] });
    assert.deepEqual(plan.targets, [lab, ephys, analysis]);
    assert.match(plan.notes[0], new RegExp(`foreign keys into ${lab}.*: ${ephys}, ${analysis}`));
    assert.ok(plan.notes.includes(FINALIZE_NOTE), 'swap and finalize are documented together');
    const rename = plan.statements.filter((s) => /RENAME TABLE/.test(s) && s.includes(`\`${lab}_old\``));
    assert.equal(rename.length, 1, 'one RENAME TABLE moves every table');
    assert.ok(rename[0].includes(`\`${ephys}_v2\``) && rename[0].includes(`\`${analysis}_old\``));
    assert.deepEqual(await layout(fx), before);
  });

  it('swap: not confirmed (or nobody to ask) is a cancel and nothing moves', async () => {
    const before = await layout(fx);
    const declined = hooks(() => false);
    const r = await OPERATIONS.swap.run(ctx, { schemas: [lab] }, declined);
    assert.equal(r.outcome, 'cancelled', r.summary);
    assert.equal(declined.asked.length, 1);
    assert.equal(declined.asked[0].kind, 'freeze');
    assert.deepEqual(declined.asked[0].schemas, [lab, ephys, analysis], 'the question names every schema');
    assert.match(declined.asked[0].question, /stopped writing/);
    const unasked = await OPERATIONS.swap.run(ctx, { schemas: [lab] }, hooks());
    assert.equal(unasked.outcome, 'cancelled');
    assert.deepEqual(await layout(fx), before);
  });

  it('swap then unswap: the 2.x tables take the production names, the 0.14.6 ones go to _old, and back', async () => {
    const h = hooks(() => true);
    const r = await OPERATIONS.swap.run(ctx, { schemas: [lab] }, h);
    assert.equal(
      r.outcome,
      'ok',
      `${r.summary}\n${r.tables.flatMap((t) => t.differences.map((d) => d.what)).join('\n')}`,
    );
    assert.equal(r.kind, 'swap');
    assert.deepEqual(r.targets, [lab, ephys, analysis]);
    assert.match(r.summary, new RegExp(`^Swapped ${lab}, ${ephys}, ${analysis}: \\d+ tables moved in one RENAME`));
    assert.equal(r.notes[0], FINALIZE_NOTE);
    assert.ok(
      r.notes.some((n) => /compare before the freeze: .*0 differences/.test(n)) && r.notes.includes('verify: passed'),
      r.notes.join('\n'),
    );
    assert.match(h.asked[0].question, /Expected freeze: about \d+ s/);
    assert.ok(
      r.notes.some((n) => /^frozen for [\d.]+ s \(detect .*delta copy .*delta compare .*rename/.test(n)),
      r.notes.join('\n'),
    );
    for (const s of fx.schemas) {
      assert.deepEqual(await columns(fx, s), parallel[s], `${s} now holds the 2.x tables`);
      assert.deepEqual(await columns(fx, s + '_old'), production[s], `${s}_old holds the 0.14.6 tables`);
      assert.deepEqual(await columns(fx, s + '_v2'), {}, `${s}_v2 is left without tables`);
    }
    const moved = r.tables.find((t) => t.table === lab && t.target === `${lab}_old`);
    assert.equal(moved?.counts.tables, (await layout(fx))[`${lab}_old`].length);

    const u = await OPERATIONS.unswap.run(
      ctx,
      { schemas: [lab] },
      hooks(() => true),
    );
    assert.equal(u.outcome, 'ok', u.summary);
    assert.match(u.summary, /^Rolled back/);
    for (const s of fx.schemas) {
      assert.deepEqual(await columns(fx, s), production[s], `${s} holds the 0.14.6 tables again`);
      assert.deepEqual(await columns(fx, s + '_v2'), parallel[s], `${s}_v2 holds the 2.x tables again`);
    }
  });

  it('retire: refused without a verified backup of the _old schemas, then drops them once backed up', async () => {
    const s = await OPERATIONS.swap.run(
      ctx,
      { schemas: [lab] },
      hooks(() => true),
    );
    assert.equal(s.outcome, 'ok', s.summary);
    const refused = await OPERATIONS.retire.run(
      ctx,
      { schemas: fx.schemas },
      hooks(() => assert.fail('refused before asking')),
    );
    assert.equal(refused.outcome, 'failed');
    const reasons = refused.tables[0].differences.map((d) => d.what);
    assert.ok(
      reasons.some((w) => w.startsWith(`no backup of ${ephys}_old`)) &&
        reasons.some((w) => w.startsWith(`no backup of ${analysis}_old`)),
      reasons.join('\n'),
    );
    assert.ok(
      !reasons.some((w) => w.includes(`${lab}_old`)),
      `the first test's backup of ${lab} is verified equal to ${lab}_old and counts`,
    );
    const olds = fx.schemas.map((x) => x + '_old');
    const b = await OPERATIONS.backup.run(
      ctx,
      { schemas: olds, cutover: { backupSuffix: '_backup_20260102' } },
      hooks(),
    );
    assert.equal(b.outcome, 'ok', b.summary);
    // Choosing lab alone takes the old schemas with keys into lab_old along.
    const plan = await OPERATIONS.retire.plan(ctx, { schemas: [lab] });
    assert.deepEqual(plan.targets, olds);
    assert.match(plan.notes[0], new RegExp(`foreign keys into the old schemas: ${ephys}_old, ${analysis}_old`));
    assert.deepEqual(
      plan.statements,
      [analysis, ephys, lab].map((x) => `DROP DATABASE \`${x}_old\``),
      'children first',
    );
    const h = hooks(() => true);
    const r = await OPERATIONS.retire.run(ctx, { schemas: [lab] }, h);
    assert.equal(r.outcome, 'ok', r.summary);
    assert.equal(h.asked[0].kind, 'drop');
    assert.deepEqual([...h.asked[0].schemas].sort(), [...olds].sort(), 'the confirmation names what is dropped');
    const after = await layout(fx);
    for (const o of olds) {
      assert.equal(after[o], undefined, `${o} dropped`);
      assert.ok(after[o + '_backup_20260102']?.length, `${o}'s backup kept`);
    }
  });

  it('restore: a backup is put back by one RENAME after it is verified; the replaced tables are kept', async () => {
    const target = { schemas: [analysis], cutover: { backupSuffix: '_backup_20260103' } };
    assert.equal((await OPERATIONS.backup.run(ctx, target, hooks())).outcome, 'ok');
    const stats = (await layout(fx))[analysis].find((t) => /activity_stats__bin$/.test(t))!;
    const rows = await count(fx, analysis, stats);
    assert.ok(rows > 0);
    await fx.db.execute(`DELETE FROM \`${analysis}\`.\`${stats}\``);
    const plan = await OPERATIONS.restore.plan(ctx, target);
    assert.ok(plan.statements.some((s) => s.includes(`\`${analysis}_restoring\``)));
    assert.equal(await count(fx, analysis, stats), 0, 'planning wrote nothing');
    const h = hooks(() => true);
    const r = await OPERATIONS.restore.run(ctx, target, h);
    assert.equal(r.outcome, 'ok', r.summary);
    assert.equal(h.asked[0].kind, 'restore');
    assert.equal(await count(fx, analysis, stats), rows, 'the rows are back');
    assert.equal(await count(fx, `${analysis}_before_restore`, stats), 0, 'the replaced table is kept, not dropped');
    await assert.rejects(OPERATIONS.restore.plan(ctx, { schemas: [analysis] }), /backup suffix/);
  });
});

describe('Migrate In Place from the UI on a copy of the dj014 fixture', { timeout: 300_000 }, () => {
  let fx: LoadedFixture;
  let ctx: OperationContext;

  before(async () => {
    fx = await loadFixture('dj014');
    ctx = { db: fx.db, suffix: '_v2', policy: 'widen', stores: fx.storesConfig, statePath: null };
  });
  after(async () => fx?.cleanup());

  it('plans with the old-clients warning and the policy note, declines without change, then migrates with a verified backup', async () => {
    const ephys = fx.schemas[1];
    const target = { schemas: [ephys], cutover: { backup: true, backupSuffix: '_backup_20260104' } };
    const before = await columns(fx, ephys);
    const plan = await OPERATIONS['in-place'].plan(ctx, target);
    assert.equal(plan.notes[0], OLD_CLIENTS_WARNING);
    assert.match(plan.notes[1], /Switch it to "native"/);
    assert.ok(
      plan.statements.some((s) => /ALTER TABLE/.test(s)),
      plan.statements.join('\n'),
    );
    assert.ok(
      plan.statements.some((s) => s.includes(`${ephys}_backup_20260104`)),
      'the backup comes first',
    );
    const declined = await OPERATIONS['in-place'].run(
      ctx,
      target,
      hooks(() => false),
    );
    assert.equal(declined.outcome, 'cancelled');
    assert.deepEqual(await columns(fx, ephys), before, 'nothing changed');
    const h = hooks(() => true);
    const r = await OPERATIONS['in-place'].run({ ...ctx, policy: 'native' }, target, h);
    assert.equal(r.outcome, 'ok', `${r.summary}\n${r.notes.join('\n')}`);
    assert.match(r.summary, /verify passed/);
    assert.equal(h.asked[0].kind, 'in-place');
    assert.match(h.asked[0].question, /cannot read the relabelled columns/);
    assert.ok(
      r.tables.some((t) => t.counts['pointer columns'] > 0) && r.tables.some((t) => t.counts.relabelled > 0),
      JSON.stringify(r.tables),
    );
    assert.deepEqual(await columns(fx, `${ephys}_backup_20260104`), before, 'the backup holds the schema as it was');
    assert.notDeepEqual(await columns(fx, ephys), before);
  });
});

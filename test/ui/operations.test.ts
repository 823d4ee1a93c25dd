// The operations the UI runs, against the real server: plan (writes nothing), run, cancel and resume.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPERATIONS, type OperationContext, type RunHooks } from '../../client/src/ui/operations';
import { loadFixture, type LoadedFixture } from '../db/harness';

function hooks(signal = new AbortController().signal): RunHooks & { messages: string[] } {
  const messages: string[] = [];
  return { signal, messages, progress: (m) => messages.push(m) };
}

async function tableNames(fx: LoadedFixture, schema: string): Promise<string[]> {
  const rows = await fx.db.query<{ t: string }>(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
    [schema],
  );
  return rows.map((r) => r.t);
}

async function count(fx: LoadedFixture, schema: string, table: string): Promise<number> {
  const [r] = await fx.db.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM \`${schema}\`.\`${table.replace(/`/g, '``')}\``,
  );
  return Number(r.n);
}

describe('UI operations on the dj014 fixture', { timeout: 300_000 }, () => {
  let fx: LoadedFixture;
  let ctx: OperationContext;
  let stateDir: string;
  let lab: string;
  let ephys: string;

  before(async () => {
    fx = await loadFixture('dj014');
    [lab, ephys] = fx.schemas;
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-ops-'));
    ctx = {
      db: fx.db,
      suffix: '_v2',
      policy: 'widen',
      stores: fx.storesConfig,
      statePath: path.join(stateDir, 'copy.json'),
    };
  });
  after(async () => {
    await fx?.cleanup();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('preflight reports the fixture ready (0.14.6, stores configured) and blocks without store settings', async () => {
    const r = await OPERATIONS.preflight.run(ctx, { schemas: fx.schemas }, hooks());
    assert.equal(r.outcome, 'ok', JSON.stringify(r, null, 1));
    assert.deepEqual(
      r.tables.map((t) => [t.table, t.status]),
      fx.schemas.map((s) => [s, '0.14.6']),
    );
    assert.ok(
      r.notes.some((n) => /^warning: the target server is MariaDB/.test(n)),
      r.notes.join('\n'),
    );
    const noStores = await OPERATIONS.preflight.run({ ...ctx, stores: {} }, { schemas: [ephys] }, hooks());
    assert.notEqual(noStores.outcome, 'ok', JSON.stringify(noStores, null, 1));
    assert.match(JSON.stringify(noStores), /raw/);
  });

  it('plans a schema together with the schemas it references, says so, and writes nothing', async () => {
    const plan = await OPERATIONS['create-parallel'].plan(ctx, { schemas: [ephys] });
    assert.ok(
      plan.statements.some((s) => s.startsWith(`CREATE DATABASE IF NOT EXISTS \`${lab}_v2\``)),
      plan.statements.slice(0, 3).join('\n'),
    );
    assert.ok(plan.statements.some((s) => s.startsWith(`CREATE DATABASE IF NOT EXISTS \`${ephys}_v2\``)));
    assert.match(plan.notes[0], new RegExp(`Referenced schemas included.*${lab}`));
    const [{ n }] = await fx.db.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?)',
      [`${lab}_v2`, `${ephys}_v2`],
    );
    assert.equal(Number(n), 0, 'planning wrote nothing');
  });

  it('plans create-parallel without writing, then creates every table and the lineage', async () => {
    const plan = await OPERATIONS['create-parallel'].plan(ctx, { schemas: [lab] });
    assert.match(plan.statements[0], new RegExp(`^CREATE DATABASE IF NOT EXISTS \`${lab}_v2\``));
    assert.ok(plan.statements.some((s) => s.includes(`CREATE TABLE IF NOT EXISTS \`${lab}_v2\`.\`subject\``)));
    assert.deepEqual(await tableNames(fx, `${lab}_v2`), [], 'planning wrote nothing');
    const r = await OPERATIONS['create-parallel'].run(ctx, { schemas: [lab] }, hooks());
    assert.equal(r.outcome, 'ok');
    const created = await tableNames(fx, `${lab}_v2`);
    for (const t of (await tableNames(fx, lab)).filter((n) => !n.startsWith('~')))
      assert.ok(created.includes(t), `${t} created`);
    assert.ok(created.includes('~lineage'));
    assert.ok(r.tables.length > 0 && r.tables.every((t) => t.status === 'created'), JSON.stringify(r.tables));
    const sourceTables = (await tableNames(fx, lab)).filter((n) => !n.startsWith('~')).map((n) => `${lab}.${n}`);
    assert.deepEqual(r.tables.map((t) => t.table).sort(), sourceTables.sort(), 'one report row per production table');
    assert.ok(r.tables.every((t) => t.target === t.table.replace(lab, `${lab}_v2`)));
    assert.match(r.notes.join('\n'), /~lineage/);
    const again = await OPERATIONS['create-parallel'].run(ctx, { schemas: [lab] }, hooks());
    assert.equal(again.outcome, 'ok', 're-running is harmless');
    assert.ok(
      again.tables.every((t) => t.status === 'already as expected'),
      JSON.stringify(again.tables),
    );
  });

  it('copy: the plan lists statements and writes nothing; a cancelled run is reported and resumes', async () => {
    const plan = await OPERATIONS.copy.plan(ctx, { schemas: [lab] });
    assert.ok(
      plan.statements.some((s) => /^INSERT INTO/.test(s)),
      plan.statements.join('\n'),
    );
    assert.equal(await count(fx, `${lab}_v2`, 'subject'), 0, 'the dry run inserted nothing');
    const aborted = new AbortController();
    aborted.abort(new Error('cancelled by the test'));
    const cancelled = await OPERATIONS.copy.run(ctx, { schemas: [lab] }, hooks(aborted.signal));
    assert.equal(cancelled.outcome, 'cancelled');
    const h = hooks();
    const done = await OPERATIONS.copy.run(ctx, { schemas: [lab] }, h);
    assert.equal(done.outcome, 'ok', JSON.stringify(done.tables));
    for (const t of ['#species', 'subject', 'user'])
      assert.equal(await count(fx, `${lab}_v2`, t), await count(fx, lab, t), `${t} copied`);
    assert.ok(
      h.messages.some((m) => /rows$/.test(m)),
      'progress reported rows',
    );
  });

  it('compare finds 0 differences with the source row counts, then finds a changed row by its key', async () => {
    const r = await OPERATIONS.compare.run(ctx, { schemas: [lab] }, hooks());
    assert.equal(r.outcome, 'ok');
    for (const t of r.tables) {
      const name = t.table.slice(lab.length + 1);
      assert.equal(t.counts['production rows'], await count(fx, lab, name));
      assert.equal(t.differenceCount, 0);
    }
    const [{ id }] = await fx.db.query<{ id: string }>(
      `SELECT subject_id AS id FROM \`${lab}_v2\`.subject ORDER BY subject_id LIMIT 1`,
    );
    await fx.db.execute(`UPDATE \`${lab}_v2\`.subject SET litter = litter + 1 WHERE subject_id = ?`, [id]);
    const changed = await OPERATIONS.compare.run(ctx, { schemas: [lab], tables: [`${lab}.subject`] }, hooks());
    assert.equal(changed.outcome, 'differences');
    assert.equal(changed.tables.length, 1);
    assert.equal(changed.tables[0].differenceCount, 1);
    assert.deepEqual(changed.tables[0].differences[0].key, { subject_id: String(id) });
    assert.match(changed.tables[0].differences[0].what, /^litter: /);
    await fx.db.execute(`UPDATE \`${lab}_v2\`.subject SET litter = litter - 1 WHERE subject_id = ?`, [id]);
  });

  it('creates, copies and compares a schema whose foreign keys point into an already migrated one', async () => {
    const created = await OPERATIONS['create-parallel'].run(ctx, { schemas: [ephys] }, hooks());
    assert.equal(created.outcome, 'ok', JSON.stringify(created, null, 1));
    const [fk] = await fx.db.query<{ ref: string }>(
      'SELECT REFERENCED_TABLE_SCHEMA AS ref FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_SCHEMA = ?',
      [`${ephys}_v2`, 'session', `${lab}_v2`],
    );
    assert.equal(fk?.ref, `${lab}_v2`, 'ephys_v2.session references lab_v2.subject');
    const [parent, child] = await Promise.all(
      [
        [`${lab}_v2`, 'subject'],
        [`${ephys}_v2`, 'session'],
      ].map(([s, t]) =>
        fx.db.query<{ type: string }>(
          'SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
          [s, t, 'subject_id'],
        ),
      ),
    );
    assert.equal(child[0].type, parent[0].type, "the inherited key column has the parent's 2.x type");
    const fileOps: string[] = [];
    const copied = await OPERATIONS.copy.run(ctx, { schemas: [ephys] }, { ...hooks(), fileOp: (f) => fileOps.push(f) });
    assert.equal(copied.outcome, 'ok', JSON.stringify(copied.tables.filter((t) => t.error)));
    assert.ok(fileOps.length > 0, 'attachments rewritten into the 2.x layout are reported as file operations');
    const compared = await OPERATIONS.compare.run(ctx, { schemas: [ephys] }, hooks());
    assert.equal(compared.outcome, 'ok', JSON.stringify(compared, null, 1));
  });

  it('verify passes on the parallel schema and fails, with the column, on the 0.14.6 one', async () => {
    const ok = await OPERATIONS.verify.run(ctx, { schemas: [lab] }, hooks());
    assert.equal(ok.outcome, 'ok', JSON.stringify(ok, null, 1));
    assert.deepEqual(ok.targets, [lab]);
    assert.ok(
      ok.tables.length > 0 && ok.tables.every((t) => t.table.startsWith(`${lab}_v2.`)),
      'the parallel tables were verified',
    );
    const bad = await OPERATIONS.verify.run({ ...ctx, suffix: '' }, { schemas: [ephys] }, hooks());
    assert.notEqual(bad.outcome, 'ok');
    assert.ok(
      bad.tables.some((t) => t.differences.some((d) => /pointer|unlabelled blob/.test(d.what))),
      JSON.stringify(bad.tables.map((t) => t.differences)),
    );
  });
});

describe('cancelling a copy that waits on the server', { timeout: 120_000 }, () => {
  let fx: LoadedFixture;
  let stateDir: string;
  before(async () => {
    fx = await loadFixture('dj014');
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-cancel-'));
  });
  after(async () => {
    await fx?.cleanup();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('stops the blocked statement (the engine kills it), reports cancelled, and the next run completes', async () => {
    const [lab] = fx.schemas;
    const ctx: OperationContext = {
      db: fx.db,
      suffix: '_v2',
      policy: 'widen',
      stores: fx.storesConfig,
      statePath: path.join(stateDir, 'copy.json'),
    };
    assert.equal((await OPERATIONS['create-parallel'].run(ctx, { schemas: [lab] }, hooks())).outcome, 'ok');
    const controller = new AbortController();
    const started = Date.now();
    const cancelled = await fx.db.withConnection(async (locker) => {
      // Another session holds the target table, as a busy server would: the copy's INSERT waits for it.
      await locker.execute(`LOCK TABLES \`${lab}_v2\`.\`user\` WRITE`);
      try {
        setTimeout(() => controller.abort(new Error('cancelled by the test')), 1500);
        return await OPERATIONS.copy.run(ctx, { schemas: [lab] }, hooks(controller.signal));
      } finally {
        await locker.execute('UNLOCK TABLES');
      }
    });
    assert.ok(Date.now() - started < 30_000, 'the cancel did not wait for the lock');
    assert.equal(cancelled.outcome, 'cancelled', JSON.stringify(cancelled.tables));
    assert.equal(cancelled.tables.find((t) => t.table === `${lab}.user`)?.status, 'cancelled');
    assert.equal(await count(fx, `${lab}_v2`, 'user'), 0, 'the interrupted chunk was rolled back');
    const state = JSON.parse(fs.readFileSync(ctx.statePath!, 'utf8')) as { tables: Record<string, { status: string }> };
    assert.equal(state.tables[`${lab}.user`].status, 'cancelled', 'the checkpoint remembers where it stopped');
    const resumed = await OPERATIONS.copy.run(ctx, { schemas: [lab] }, hooks());
    assert.equal(resumed.outcome, 'ok', JSON.stringify(resumed.tables));
    assert.equal(await count(fx, `${lab}_v2`, 'user'), await count(fx, lab, 'user'));
    assert.equal((await OPERATIONS.compare.run(ctx, { schemas: [lab] }, hooks())).outcome, 'ok');
  });
});

// Migrating into another MySQL/MariaDB server (`--target mysql://…`): the dj014 pipeline (on the shared test
// server) → create-parallel, copy, compare and verify into a second MariaDB the test starts itself
// (secondServer.ts). Every value reads back as values.json records; a re-run inserts nothing; a planted
// difference is reported and left alone; a cancelled copy resumes where it stopped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFixture, type LoadedFixture } from './harness';
import { runCli } from './cliRun';
import { startSecondServer, type SecondServer } from './secondServer';
import { assertDj014Values } from './dj014Values';
import { crossCopy } from '../../client/src/db/cross/copy';
import { crossCompare } from '../../client/src/db/cross/compare';
import { openMysqlSide, type MysqlSide } from '../../client/src/db/cross/mysqlSide';
import type { TargetSide } from '../../client/src/db/cross/side';
import { loadCopyState } from '../../client/src/db/state';
import { qt } from '../../client/src/db/sql';

const tmpState = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djm-cross-state-')), 'state.json');
const ENV = { env: { DJ_TARGET_PASS: '' } };

async function counts(db: { query: MysqlSide['db']['query'] }, schemas: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of schemas) {
    const tables = await db.query<{ t: string }>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE '~%'",
      [s],
    );
    for (const { t } of tables) {
      const [{ n }] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(s, t)}`);
      out[`${s.replace(/^t[0-9a-f]{8}_/, '')}.${t}`] = Number(n);
    }
  }
  return out;
}

describe('db copy/compare/verify --target mysql:// (a second server)', () => {
  let fx: LoadedFixture;
  let second: SecondServer;
  let schemaList: string;

  before(async () => {
    [fx, second] = await Promise.all([loadFixture('dj014'), startSecondServer()]);
    schemaList = fx.schemas.join(',');
    const created = await runCli(['db', 'create-parallel', '--schemas', schemaList, '--target', second.url], ENV);
    assert.equal(created.code, 0, created.err + created.out);
  });
  after(async () => {
    await second?.stop();
    await fx?.cleanup();
  });

  it('copies the pipeline with production names; compare is equal; verify passes; values equal values.json; a re-run inserts nothing', async () => {
    const state = tmpState();
    const args = ['--schemas', schemaList, '--target', second.url, '--stores', fx.storesFile];
    const copied = await runCli(['db', 'copy', ...args, '--state', state], ENV);
    assert.equal(copied.code, 0, copied.err + copied.out);
    assert.deepEqual(await counts(second.db, fx.schemas), await counts(fx.db, fx.schemas));
    assert.ok(
      Object.values(await counts(second.db, fx.schemas)).some((n) => n > 10),
      'rows were copied',
    );

    const compared = await runCli(['db', 'compare', ...args], ENV);
    assert.equal(compared.code, 0, compared.err + compared.out);
    assert.match(compared.out, /^Equal/m);
    assert.doesNotMatch(compared.out, /DIFFERENT/);

    const verified = await runCli(
      ['db', 'verify', '--schemas', schemaList, '--target', second.url, '--stores', fx.storesFile],
      ENV,
    );
    assert.equal(verified.code, 0, verified.err + verified.out);
    assert.match(verified.out, /ready for DataJoint 2\.x/);

    const [lab, ephys, analysis] = fx.schemas;
    const checked = await assertDj014Values(second.db, fx.storesConfig, { lab, ephys, analysis });
    assert.ok(checked > 20, `${checked} values checked`);

    const again = await runCli(['db', 'copy', ...args, '--state', state, '--json'], ENV);
    assert.equal(again.code, 0, again.err + again.out);
    const report = JSON.parse(again.out) as { tables: { rowsInserted: number; rowsAlreadyPresent: number }[] };
    assert.equal(
      report.tables.reduce((s, t) => s + t.rowsInserted, 0),
      0,
    );
    assert.ok(report.tables.reduce((s, t) => s + t.rowsAlreadyPresent, 0) > 50);
  });

  it('a differing row in the target is reported by copy (and left alone) and by compare', async () => {
    const side = await openMysqlSide({
      dialect: 'mysql',
      host: '127.0.0.1',
      port: second.port,
      user: 'root',
      password: '',
      tls: false,
    });
    try {
      const lab = fx.schemas[0];
      const [row] = await second.db.query<{ subject_id: string; notes: string }>(
        `SELECT subject_id, notes FROM ${qt(lab, 'subject')} ORDER BY subject_id LIMIT 1`,
      );
      await second.db.execute(`UPDATE ${qt(lab, 'subject')} SET notes = 'planted' WHERE subject_id = ?`, [
        row.subject_id,
      ]);
      const pairs = fx.schemas.map((s) => ({ source: s, target: s }));
      const report = await crossCopy(fx.db, side, { pairs, stores: fx.storesConfig });
      const t = report.tables.find((x) => x.source === `${lab}.subject`);
      assert.equal(t?.conflictCount, 1);
      assert.deepEqual(t?.conflicts[0].columns, ['notes']);
      assert.equal(String(t?.conflicts[0].key.subject_id), String(row.subject_id));
      assert.equal(t?.rowsInserted, 0);
      const [still] = await second.db.query<{ notes: string }>(
        `SELECT notes FROM ${qt(lab, 'subject')} WHERE subject_id = ?`,
        [row.subject_id],
      );
      assert.equal(still.notes, 'planted', 'never overwritten');

      const cmp = await crossCompare(fx.db, side, { pairs, stores: fx.storesConfig });
      assert.equal(cmp.equal, false);
      const diffs = cmp.tables.flatMap((x) => x.differences);
      assert.equal(diffs.length, 1);
      assert.equal(diffs[0].column, 'notes');
      assert.equal(diffs[0].test, 'planted');
      await second.db.execute(`UPDATE ${qt(lab, 'subject')} SET notes = ? WHERE subject_id = ?`, [
        row.notes,
        row.subject_id,
      ]);
      const restored = await crossCompare(fx.db, side, { pairs, stores: fx.storesConfig });
      assert.equal(restored.equal, true);
      const byDigest = restored.tables.find((x) => x.production === `${lab}.subject`);
      assert.ok(byDigest && byDigest.chunksByChecksum > 0, 'equal chunks are settled by digests, no rows fetched');
    } finally {
      await side.close();
    }
  });

  it('a target of its own key order (no ranges, no digests): copy looks rows up by key; compare finds target-only rows', async () => {
    const side = await openMysqlSide({
      dialect: 'mysql',
      host: '127.0.0.1',
      port: second.port,
      user: 'root',
      password: '',
      tls: false,
    });
    // What an engine without the MySQL extras offers (the interface PostgreSQL implements).
    const plain: TargetSide = {
      dialect: 'mysql',
      describe: () => side.describe(),
      existingSchemas: (n) => side.existingSchemas(n),
      tableInfo: (s, n) => side.tableInfo(s, n),
      rowCount: (t) => side.rowCount(t),
      readKeys: (t, k) => side.readKeys(t, k),
      readChunk: (t, a, n) => side.readChunk(t, a, n),
      writeRows: (t, r, sig) => side.writeRows(t, r, sig),
      describeWrite: (t, n) => side.describeWrite(t, n),
      close: () => side.close(),
    };
    try {
      const lab = fx.schemas[0];
      const pairs = fx.schemas.map((s) => ({ source: s, target: s }));
      await second.db.execute(
        `INSERT INTO ${qt(lab, 'subject')} SELECT 4000000001, species, sex, dob, weight, cage_number, litter, external_id, notes, registered FROM ${qt(lab, 'subject')} ORDER BY subject_id LIMIT 1`,
      );
      const cmp = await crossCompare(fx.db, plain, {
        pairs,
        stores: fx.storesConfig,
        chunk: { initialRows: 3, maxRows: 3, minRows: 3 },
      });
      assert.equal(cmp.equal, false);
      const subject = cmp.tables.find((t) => t.production === `${lab}.subject`);
      assert.equal(subject?.onlyInTest, 1);
      assert.equal(String(subject?.extraKeys[0].subject_id), '4000000001');
      assert.equal(
        cmp.tables.reduce((n, t) => n + t.differing + t.onlyInProduction, 0),
        0,
      );
      assert.equal(
        cmp.tables.reduce((n, t) => n + t.onlyInTest, 0),
        1,
      );

      const report = await crossCopy(fx.db, plain, {
        pairs,
        stores: fx.storesConfig,
        chunk: { initialRows: 4, maxRows: 4, minRows: 4 },
      });
      assert.equal(report.failed, false, JSON.stringify(report.tables.map((t) => t.error)));
      assert.equal(
        report.tables.reduce((n, t) => n + t.rowsInserted + t.conflictCount, 0),
        0,
      );
      assert.ok(
        report.tables.every((t) => t.rowsAlreadyPresent === t.total),
        'every row found by its key',
      );
      await second.db.execute(`DELETE FROM ${qt(lab, 'subject')} WHERE subject_id = 4000000001`);
      assert.equal((await crossCompare(fx.db, plain, { pairs, stores: fx.storesConfig })).equal, true);
    } finally {
      await plain.close();
    }
  });

  it('a cancelled copy resumes from its checkpoint and finishes with the same rows', async () => {
    const side = await openMysqlSide({
      dialect: 'mysql',
      host: '127.0.0.1',
      port: second.port,
      user: 'root',
      password: '',
      tls: false,
    });
    try {
      const ephys = fx.schemas[1];
      // start over for ephys: empty its tables (children first)
      await second.db.withConnection(async (c) => {
        await c.execute('SET FOREIGN_KEY_CHECKS = 0');
        for (const t of ['_neuron', 'recording', 'session']) await c.execute(`DELETE FROM ${qt(ephys, t)}`);
        await c.execute('SET FOREIGN_KEY_CHECKS = 1');
      });
      const pairs = fx.schemas.map((s) => ({ source: s, target: s }));
      const tables = ['_neuron', 'recording', 'session'].map((t) => `${ephys}.${t}`);
      const planned: string[] = [];
      const fileOps: string[] = [];
      const dry = await crossCopy(fx.db, side, {
        pairs,
        tables,
        stores: fx.storesConfig,
        dryRun: true,
        onStatement: (sql) => planned.push(sql),
        onFileOp: (op) => fileOps.push(op),
      });
      assert.equal(dry.failed, false);
      // Each chunk's file operations are reported once, and counted (the attachments' rewrites).
      assert.ok(fileOps.length > 0);
      assert.equal(new Set(fileOps).size, fileOps.length, fileOps.join('\n'));
      assert.equal(
        dry.tables.reduce((n, t) => n + t.fileOps, 0),
        fileOps.length,
      );
      assert.ok(
        planned.some((x) => x.startsWith(`INSERT INTO ${qt(ephys, 'session')}`) && /row\(s\)/.test(x)),
        planned.join('\n'),
      );
      const left = await counts(second.db, [ephys]);
      assert.deepEqual(
        ['_neuron', 'recording', 'session'].map((t) => left[`ephys.${t}`]),
        [0, 0, 0],
        'a dry run writes nothing',
      );
      const statePath = tmpState();
      const controller = new AbortController();
      let progressed = 0;
      const first = await crossCopy(fx.db, side, {
        pairs,
        tables,
        stores: fx.storesConfig,
        statePath,
        chunk: { initialRows: 2, minRows: 2, maxRows: 2 },
        signal: controller.signal,
        onProgress: () => {
          if (++progressed === 2) controller.abort();
        },
      });
      assert.equal(first.cancelled, true);
      const state = loadCopyState(statePath);
      const cancelled = Object.values(state?.tables ?? {}).find((t) => t.status === 'cancelled');
      assert.ok(cancelled?.lastKey, 'the checkpoint holds the last committed key');
      const done = first.tables.filter((t) => t.status === 'done').map((t) => t.source);

      const second2 = await crossCopy(fx.db, side, { pairs, tables, stores: fx.storesConfig, statePath });
      assert.equal(second2.cancelled, false);
      assert.equal(second2.failed, false, JSON.stringify(second2.tables.map((t) => t.error)));
      for (const t of second2.tables)
        if (done.includes(t.source)) assert.equal(t.finishedEarlier, true, `${t.source} is not walked again`);
      const resumed = second2.tables.find((t) => t.source === cancelled?.source);
      assert.equal(resumed?.rowsAlreadyPresent, 0, 'the resumed table continues after its checkpoint');
      assert.deepEqual(await counts(second.db, [ephys]), await counts(fx.db, [ephys]));
      assert.equal((await crossCompare(fx.db, side, { pairs, stores: fx.storesConfig })).equal, true);
    } finally {
      await side.close();
    }
  });
});

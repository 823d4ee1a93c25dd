// db backup / restore / --to-file against the real server with the dj014 pipeline (and the dj2 one for
// ~lineage): backup → damage production → restore gives the backed-up data back; nothing is dropped first.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { spawnSync } from 'node:child_process';
import { loadFixture, testServer, type LoadedFixture } from './harness';
import {
  backupSchemas,
  cloneSchemas,
  defaultBackupSuffix,
  repointReferences,
  verifyClone,
} from '../../client/src/db/backup';
import { restoreSchemas, REPLACED_SUFFIX, RESTORING_SUFFIX } from '../../client/src/db/restore';
import { writeDumpFile } from '../../client/src/db/dumpFile';
import { tableChecksums } from '../../client/src/db/rotation';
import { q, qt } from '../../client/src/db/sql';
import { runCli } from './cliRun';

let fx: LoadedFixture;
const SUFFIX = '_bk';

async function tablesOf(schema: string): Promise<string[]> {
  const rows = await fx.db.query<{ t: string }>(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
    [schema],
  );
  return rows.map((r) => r.t);
}

describe('db backup and restore', () => {
  before(async () => {
    fx = await loadFixture('dj014');
  });
  after(async () => fx?.cleanup());

  it('names backups _backup_YYYYMMDD', () => {
    assert.equal(defaultBackupSuffix(new Date('2026-03-04T23:59:00Z')), '_backup_20260304');
  });

  it('a dry run prints the statements and creates nothing', async () => {
    const r = await backupSchemas(fx.db, { schemas: fx.schemas, suffix: SUFFIX, dryRun: true });
    assert.equal(r.verified, false);
    assert.ok(r.statements.some((s) => s.startsWith(`CREATE DATABASE IF NOT EXISTS ${q(fx.schemas[0] + SUFFIX)}`)));
    assert.ok(
      r.statements.some((s) => s.includes(`INSERT INTO ${qt(fx.schemas[1] + SUFFIX, '~external_raw')}`)),
      'hidden tables are copied',
    );
    const [{ n }] = await fx.db.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [fx.schemas[0] + SUFFIX],
    );
    assert.equal(Number(n), 0);
  });

  it('backup copies every table (hidden ones too) in dependency order and verifies it', async () => {
    const r = await backupSchemas(fx.db, { schemas: fx.schemas, suffix: SUFFIX });
    assert.equal(r.verified, true, r.problems.join('\n'));
    for (const s of fx.schemas) assert.deepEqual(await tablesOf(s + SUFFIX), await tablesOf(s));
    assert.ok(r.hidden.some((h) => h.table === `${fx.schemas[1]}${SUFFIX}.~external_raw` && h.rows > 0 && h.equal));
    assert.equal(r.compare?.equal, true);
    // every user table's rows landed: the same CHECKSUM TABLE as the source (identical DDL, same server)
    const src = await tableChecksums(fx.db, fx.schemas);
    const dst = await tableChecksums(
      fx.db,
      fx.schemas.map((s) => s + SUFFIX),
    );
    for (const [k, v] of src) {
      const [schema, ...rest] = k.split('.');
      assert.equal(dst.get(`${schema}${SUFFIX}.${rest.join('.')}`), v, k);
    }
    // cross-schema keys point at the backups, not at production
    const refs = await fx.db.query<{ rs: string }>(
      'SELECT DISTINCT REFERENCED_TABLE_SCHEMA AS rs FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA IN (?) AND REFERENCED_TABLE_NAME IS NOT NULL',
      [fx.schemas.map((s) => s + SUFFIX)],
    );
    assert.deepEqual(refs.map((r) => r.rs).sort(), fx.schemas.map((s) => s + SUFFIX).sort());
  });

  it('refuses to back up over an existing backup', async () => {
    await assert.rejects(backupSchemas(fx.db, { schemas: fx.schemas, suffix: SUFFIX }), /already exist/);
  });

  it('verification catches a backup that differs', async () => {
    const t = qt(fx.schemas[1] + SUFFIX, '~external_raw');
    const [row] = await fx.db.query<{ hash: Buffer; size: string }>(`SELECT hash, size FROM ${t} LIMIT 1`);
    await fx.db.execute(`UPDATE ${t} SET size = size + 1 WHERE hash = ?`, [row.hash]);
    try {
      const v = await verifyClone(
        fx.db,
        fx.schemas.map((s) => ({ source: s, target: s + SUFFIX })),
      );
      assert.equal(v.verified, false);
      assert.match(v.problems.join('\n'), /~external_raw: content differs/);
    } finally {
      await fx.db.execute(`UPDATE ${t} SET size = ? WHERE hash = ?`, [row.size, row.hash]);
    }
  });

  it('a restore stopped halfway through copying the backup leaves production untouched and removes its partial copy', async () => {
    const before = await tableChecksums(fx.db, fx.schemas);
    const stop = new AbortController();
    let copied = 0;
    await assert.rejects(
      restoreSchemas(fx.db, {
        schemas: fx.schemas,
        backupSuffix: SUFFIX,
        confirm: async () => true,
        signal: stop.signal,
        onProgress: (e) => void (e.step === 'clone' && e.message.startsWith('copy') && ++copied === 5 && stop.abort()),
      }),
      /cancelled/,
    );
    assert.equal(copied, 5);
    assert.deepEqual(await tableChecksums(fx.db, fx.schemas), before);
    for (const s of fx.schemas) {
      const [{ n }] = await fx.db.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [s + RESTORING_SUFFIX],
      );
      assert.equal(Number(n), 0, `${s}${RESTORING_SUFFIX} was removed`);
    }
  });

  it('restore after production was damaged gives the backed-up data back, keeping the damaged tables', async () => {
    const before = await tableChecksums(fx.db, fx.schemas);
    // damage: a changed value, a deleted part row, an extra row
    await fx.db.execute(`UPDATE ${qt(fx.schemas[0], 'user')} SET full_name = 'damaged'`);
    await fx.db.execute(`DELETE FROM ${qt(fx.schemas[2], '__activity_stats__bin')} LIMIT 1`);
    await fx.db.execute(`INSERT INTO ${qt(fx.schemas[0], 'user')} (username, full_name) VALUES ('intruder', 'x')`);
    const damaged = await tableChecksums(fx.db, fx.schemas);

    const dry = await restoreSchemas(fx.db, {
      schemas: fx.schemas,
      backupSuffix: SUFFIX,
      dryRun: true,
      confirm: async () => assert.fail('dry runs ask nothing'),
    });
    assert.equal(dry.status, 'dry-run');
    assert.deepEqual(await tableChecksums(fx.db, fx.schemas), damaged, 'a dry run changes nothing');

    let asked: string[] = [];
    const r = await restoreSchemas(fx.db, {
      schemas: fx.schemas,
      backupSuffix: SUFFIX,
      confirm: async (req) => ((asked = req.schemas), true),
    });
    assert.equal(r.status, 'restored', r.refusals.join('\n'));
    assert.deepEqual(asked, fx.schemas);
    assert.equal(r.clone?.verified, true);
    assert.equal(r.afterCheck?.verified, true, r.afterCheck?.problems.join('\n'));
    assert.deepEqual(await tableChecksums(fx.db, fx.schemas), before, 'production holds the backed-up rows again');
    // the damaged tables were moved aside, not dropped
    const aside = await tableChecksums(
      fx.db,
      fx.schemas.map((s) => s + REPLACED_SUFFIX),
    );
    assert.equal(aside.get(`${fx.schemas[0]}${REPLACED_SUFFIX}.user`), damaged.get(`${fx.schemas[0]}.user`));
    for (const s of fx.schemas)
      assert.deepEqual(await tablesOf(s + RESTORING_SUFFIX), [], 'the staging schema is gone');
  });

  it('restore refuses (changing nothing) when the tables of an earlier restore are still aside', async () => {
    const before = await tableChecksums(fx.db, fx.schemas);
    const r = await restoreSchemas(fx.db, { schemas: fx.schemas, backupSuffix: SUFFIX, confirm: async () => true });
    assert.equal(r.status, 'refused');
    assert.match(r.refusals.join('\n'), new RegExp(`${fx.schemas[0]}${REPLACED_SUFFIX} already has tables`));
    assert.deepEqual(await tableChecksums(fx.db, fx.schemas), before);
  });

  it('restore of a schema that was dropped recreates it from the backup', async () => {
    // a lone schema with no keys to others: clone lab → scratch, back the scratch up, drop it, restore it
    const scratch = fx.prefix + 'scratch';
    const c = await cloneSchemas(fx.db, [{ source: fx.schemas[0], target: scratch }]);
    assert.equal(c.verified, true, c.problems.join('\n'));
    const b = await backupSchemas(fx.db, { schemas: [scratch], suffix: SUFFIX });
    assert.equal(b.verified, true);
    const sums = await tableChecksums(fx.db, [scratch]);
    await fx.db.execute(`DROP DATABASE ${q(scratch)}`);
    const r = await restoreSchemas(fx.db, { schemas: [scratch], backupSuffix: SUFFIX, confirm: async () => true });
    assert.equal(r.status, 'restored', r.refusals.join('\n'));
    assert.deepEqual(await tableChecksums(fx.db, [scratch]), sums);
  });

  it('--to-file writes a SQL file the mysql client loads back into equal schemas', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-dump-'));
    const file = path.join(dir, 'backup.sql');
    // Dump the verified backups, drop them, load the file as it is, and check them against production.
    const backups = fx.schemas.map((x) => x + SUFFIX);
    const sums = await tableChecksums(fx.db, backups);
    try {
      const r = await writeDumpFile(fx.db, { schemas: backups, file });
      assert.ok(r.bytes > 0 && fs.statSync(file).size === r.bytes);
      assert.ok(!fs.existsSync(file + '.partial'));
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /DROP TABLE/);
      const conn = await mysql.createConnection({ ...testServer, multipleStatements: true });
      try {
        await conn.query('SET FOREIGN_KEY_CHECKS = 0');
        for (const s of backups) await conn.query(`DROP DATABASE ${q(s)}`);
        await conn.query('SET FOREIGN_KEY_CHECKS = 1');
      } finally {
        await conn.end();
      }
      // loaded by the real command-line client, as a user would (`mysql < backup.sql`)
      const client = spawnSync('mysql', ['-h', testServer.host, '-P', String(testServer.port), '-u', testServer.user], {
        input: fs.readFileSync(file),
        env: { ...process.env, MYSQL_PWD: testServer.password },
        encoding: 'utf8',
      });
      assert.equal(client.status, 0, `mysql client: ${client.stderr}${client.error ? String(client.error) : ''}`);
      assert.deepEqual(
        await tableChecksums(fx.db, backups),
        sums,
        'every table, hidden ones included, is back as it was',
      );
      const targets = backups;
      const v = await verifyClone(
        fx.db,
        fx.schemas.map((s, i) => ({ source: s, target: targets[i] })),
      );
      assert.equal(v.verified, true, v.problems.join('\n'));
      // FLOAT survived exactly (MariaDB prints FLOAT with 6 digits; the dump must not go through that text)
      const [a] = await fx.db.query<{ x: string }>(
        `SELECT GROUP_CONCAT(firing_rate + 0e0 ORDER BY neuron_id, recording_id) AS x FROM ${qt(fx.schemas[1], '_neuron')}`,
      );
      const [b] = await fx.db.query<{ x: string }>(
        `SELECT GROUP_CONCAT(firing_rate + 0e0 ORDER BY neuron_id, recording_id) AS x FROM ${qt(targets[1], '_neuron')}`,
      );
      assert.equal(b.x, a.x);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CLI: backup exits 0 when verified and 2 over an existing backup; restore needs --backup-suffix', async () => {
    const ok = await runCli(['db', 'backup', '--schemas', fx.schemas.join(','), '--backup-suffix', '_bk2']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /backup verified/);
    const again = await runCli(['db', 'backup', '--schemas', fx.schemas.join(','), '--backup-suffix', '_bk2']);
    assert.equal(again.code, 2);
    assert.match(again.err, /already exist/);
    const noSuffix = await runCli(['db', 'restore', '--schemas', fx.schemas.join(',')]);
    assert.equal(noSuffix.code, 2);
    const notConfirmed = await runCli(['db', 'restore', '--schemas', fx.schemas.join(','), '--backup-suffix', '_bk2']);
    assert.equal(notConfirmed.code, 1);
  });
});

// SHOW CREATE TABLE as MySQL 8.0 prints it (no display widths, utf8mb4_0900_ai_ci, cross-schema keys
// qualified, same-schema keys not); a column comment that looks like a reference must stay as it is.
test('MySQL 8 and MariaDB SHOW CREATE TABLE: only constraint references to cloned schemas are re-pointed', () => {
  const mysql8 = [
    'CREATE TABLE `recording` (',
    "  `subject_id` int unsigned NOT NULL COMMENT 'unique animal id',",
    '  `session_date` date NOT NULL,',
    "  `note` varchar(64) NOT NULL DEFAULT '' COMMENT 'see REFERENCES `lab`.`subject`',",
    "  `signal` binary(16) NOT NULL COMMENT ':blob@raw:raw trace',",
    '  PRIMARY KEY (`subject_id`,`session_date`),',
    '  KEY `signal` (`signal`),',
    '  CONSTRAINT `recording_ibfk_1` FOREIGN KEY (`subject_id`, `session_date`) REFERENCES `session` (`subject_id`, `session_date`) ON DELETE RESTRICT ON UPDATE CASCADE,',
    '  CONSTRAINT `recording_ibfk_2` FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE,',
    '  CONSTRAINT `recording_ibfk_3` FOREIGN KEY (`signal`) REFERENCES `~external_raw` (`hash`),',
    '  CONSTRAINT `recording_ibfk_4` FOREIGN KEY (`subject_id`) REFERENCES `elsewhere`.`animal` (`id`)',
    ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
  ].join('\n');
  const out = repointReferences(
    mysql8,
    new Map([
      ['lab', 'lab_bk'],
      ['ephys', 'ephys_bk'],
    ]),
  );
  const lines = out.split('\n');
  assert.equal(lines[3], mysql8.split('\n')[3], 'a comment is never rewritten');
  assert.match(lines[8], /REFERENCES `lab_bk`\.`subject` \(`subject_id`\)/);
  assert.match(lines[7], /REFERENCES `session` \(/, 'same-schema references stay unqualified');
  assert.match(lines[10], /REFERENCES `elsewhere`\.`animal`/, 'schemas not being cloned stay');
  assert.equal(out.split('\n').filter((l, i) => l !== mysql8.split('\n')[i]).length, 1);
  // a schema name with a backtick, as SHOW CREATE quotes it
  assert.match(
    repointReferences('  CONSTRAINT `x` FOREIGN KEY (`a`) REFERENCES `we``ird`.`t` (`a`)', new Map([['we`ird', 'n']])),
    /REFERENCES `n`\.`t`/,
  );
});

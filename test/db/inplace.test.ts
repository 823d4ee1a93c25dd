// db migrate-in-place against the real server on a copy of the dj014 pipeline: interrupted at every kind of
// step (inside a pointer column, between columns, between tables) each column is fully old or fully new;
// re-runs finish the job; the result verifies and every value reads as dj014/values.json records.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadFixture, type LoadedFixture } from './harness';
import {
  migrateInPlace,
  planInPlace,
  relabelSql,
  type InPlaceOptions,
  type InPlaceStep,
} from '../../client/src/db/inplace';
import { decodeCatalog } from '../../client/src/db/introspect';
import type { Catalog, ColumnRow } from '../../client/src/db/catalog';
import { introspect } from '../../client/src/db/introspect';
import { verifySchemas } from '../../client/src/db/verify';
import { tableChecksums } from '../../client/src/db/rotation';
import { canonicalize, unpackBlob, type Canonical } from '../../client/src/db/blob';
import { filePath } from '../../client/src/db/stores';
import { qt } from '../../client/src/db/sql';
import { fixturesDir } from '../helpers/paths';
import { runCli } from './cliRun';

const values = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'dj014', 'values.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[]
>;

class Stop extends Error {}

/** Catalogue rows of every column except the comment: what a relabelling must leave alone. */
async function columnDefinitions(fx: LoadedFixture, schema: string): Promise<Map<string, string>> {
  const rows = await fx.db.query<Record<string, unknown>>(
    'SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?',
    [schema],
  );
  return new Map(rows.map((r) => [`${r.TABLE_NAME}.${r.COLUMN_NAME}`, JSON.stringify(r)]));
}

/**
 * Every column of the schema is either exactly as 0.14.6 left it or exactly as 2.x wants it, never in
 * between; a table whose columns are all old is byte-for-byte unchanged.
 */
async function assertOldOrNew(
  fx: LoadedFixture,
  schema: string,
  original: { defs: Map<string, string>; sums: Map<string, string> },
): Promise<{ old: number; new: number }> {
  const [s] = await introspect(fx.db, [schema]);
  const counts = { old: 0, new: 0 };
  const sums = await tableChecksums(fx.db, [schema]);
  for (const t of s.tables) {
    let changed = false;
    const jobColumns = t.columns.filter((c) => c.name.startsWith('_job_')).map((c) => c.name);
    assert.ok(
      jobColumns.length === 0 || jobColumns.length === 3,
      `${t.name}: the job-metadata columns come all together (${jobColumns.join(', ')})`,
    );
    if (jobColumns.length) {
      counts.new++;
      changed = true;
    }
    for (const c of t.columns) {
      assert.ok(!c.name.startsWith('_dj2_'), `${t.name}.${c.name}: no hidden conversion column is left`);
      if (jobColumns.includes(c.name)) continue;
      const was = JSON.parse(original.defs.get(`${t.name}.${c.name}`) as string) as Record<string, unknown>;
      const wasComment = String(was.COLUMN_COMMENT);
      if (c.storage.form === 'pointer014') {
        assert.ok(
          t.foreignKeys.some((fk) => fk.columns.includes(c.name) && fk.refTable.startsWith('~external_')),
          `${t.name}.${c.name} is old: its key is there`,
        );
        assert.equal(
          JSON.stringify({ ...was, ORDINAL_POSITION: 0 }),
          JSON.stringify({
            ...JSON.parse((await columnDefinitions(fx, schema)).get(`${t.name}.${c.name}`) as string),
            ORDINAL_POSITION: 0,
          }),
          `${t.name}.${c.name}: definition unchanged`,
        );
        const pk = t.primaryKey.map((k) => `r.\`${k}\` = o.\`${k}\``).join(' AND ');
        const [{ same }] = await fx.db.query<{ same: string }>(
          `SELECT COUNT(*) AS same FROM ${qt(schema, t.name)} r JOIN ${qt(schema + '_orig', t.name)} o ON ${pk} WHERE r.\`${c.name}\` <=> o.\`${c.name}\``,
        );
        const [{ all }] = await fx.db.query<{ all: string }>(
          `SELECT COUNT(*) AS \`all\` FROM ${qt(schema + '_orig', t.name)}`,
        );
        assert.equal(same, all, `${t.name}.${c.name}: every pointer as it was`);
        counts.old++;
      } else if (c.storage.form === 'json2x') {
        assert.ok(!t.foreignKeys.some((fk) => fk.columns.includes(c.name)), `${t.name}.${c.name} is new: no key left`);
        assert.equal(
          `:${c.label2x}:${c.comment}`,
          wasComment.replace(/^:(blob|attach|filepath)@([^:]+):/, ':<$1@$2>:'),
          `${t.name}.${c.name} relabelled`,
        );
        const [{ n }] = await fx.db.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM ${qt(schema, t.name)} WHERE ${'`' + c.name + '`'} IS NULL`,
        );
        const [{ m }] = await fx.db.query<{ m: string }>(
          `SELECT COUNT(*) AS m FROM ${qt(schema + '_orig', t.name)} WHERE ${'`' + c.name + '`'} IS NULL`,
        );
        assert.equal(n, m, `${t.name}.${c.name}: every pointer converted`);
        counts.new++;
        changed = true;
      } else if (c.label2x === '<blob>' || c.label2x === '<attach>') {
        const now = JSON.parse((await columnDefinitions(fx, schema)).get(`${t.name}.${c.name}`) as string) as Record<
          string,
          unknown
        >;
        assert.deepEqual(
          { ...now, COLUMN_COMMENT: '' },
          { ...was, COLUMN_COMMENT: '' },
          `${t.name}.${c.name}: only the comment changed`,
        );
        assert.equal(now.COLUMN_COMMENT, `:${c.label2x}:${wasComment.replace(/^:attach:/, '')}`);
        counts.new++;
        changed = true;
      } else if (c.storage.form === 'blob' || c.storage.form === 'attach') {
        counts.old++;
      }
    }
    if (!changed)
      assert.equal(sums.get(`${schema}.${t.name}`), original.sums.get(`${schema}.${t.name}`), `${t.name} is untouched`);
  }
  return counts;
}

function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}

/** Read every migrated value the way 2.x would and compare it with values.json. */
async function assertValues(
  fx: LoadedFixture,
  schemas: { lab: string; ephys: string; analysis: string },
): Promise<number> {
  let checked = 0;
  const rowFor = (cls: string, row: Record<string, unknown>, pk: string[]) => {
    const found = values[cls].filter((v) => pk.every((c) => String(v[c]) === String(row[c])));
    assert.equal(found.length, 1, `${cls} ${pk.map((c) => row[c]).join(',')}`);
    return found[0];
  };
  const blobCases: [string, string, string, string[], string[]][] = [
    [
      'Neuron',
      schemas.ephys,
      '_neuron',
      ['subject_id', 'session_date', 'session_idx', 'recording_id', 'neuron_id'],
      ['spike_times', 'waveform'],
    ],
    ['ActivityParams', schemas.analysis, '#activity_params', ['params_id'], ['options']],
  ];
  for (const [cls, schema, table, pk, cols] of blobCases) {
    const rows = await fx.db.query<Record<string, unknown>>(`SELECT * FROM ${qt(schema, table)}`);
    assert.equal(rows.length, values[cls].length);
    for (const r of rows) {
      const want = rowFor(cls, r, pk);
      for (const c of cols) {
        assert.deepEqual(canonicalize(unpackBlob(r[c] as Buffer)), want[c] as Canonical, `${cls}.${c}`);
        checked++;
      }
    }
  }
  const recordings = await fx.db.query<Record<string, unknown>>(`SELECT * FROM ${qt(schemas.ephys, 'recording')}`);
  for (const r of recordings) {
    const want = rowFor('Recording', r, ['subject_id', 'session_date', 'session_idx', 'recording_id']);
    for (const col of ['signal', 'lfp']) {
      if (r[col] === null) {
        assert.equal(want[col], null);
        continue;
      }
      const json = JSON.parse(r[col] as string) as { path: string; store: string; hash: string };
      const bytes = fs.readFileSync(filePath(fx.storesConfig[json.store], json.path));
      assert.deepEqual(canonicalize(unpackBlob(bytes)), want[col] as Canonical, `Recording.${col}`);
      checked++;
    }
    if (r.settings_file !== null) {
      const json = JSON.parse(r.settings_file as string) as { path: string; store: string };
      const object = fs.readFileSync(filePath(fx.storesConfig[json.store], json.path));
      const nul = object.indexOf(0);
      assert.deepEqual(
        { file: object.subarray(0, nul).toString('utf8'), md5: md5(object.subarray(nul + 1)) },
        want.settings_file,
      );
      checked++;
    } else assert.equal(want.settings_file, null);
    if (r.raw_file !== null) {
      const json = JSON.parse(r.raw_file as string) as { path: string; store: string };
      assert.equal(
        md5(fs.readFileSync(filePath(fx.storesConfig[json.store], json.path))),
        (want.raw_file as { md5: string }).md5,
      );
      checked++;
    } else assert.equal(want.raw_file, null);
    const thumb = r.thumbnail as Buffer | null;
    if (thumb) {
      const nul = thumb.indexOf(0);
      assert.deepEqual(
        { file: thumb.subarray(0, nul).toString('utf8'), md5: md5(thumb.subarray(nul + 1)) },
        want.thumbnail,
      );
      checked++;
    }
  }
  return checked;
}

describe('db migrate-in-place', () => {
  let fx: LoadedFixture;
  let lab: string, ephys: string, analysis: string;
  let original: { defs: Map<string, string>; sums: Map<string, string> };

  before(async () => {
    fx = await loadFixture('dj014');
    [lab, ephys, analysis] = fx.schemas;
    // a scratch table whose blob sits beside columns a bare MODIFY would damage
    await fx.db.execute(
      `CREATE TABLE ${qt(lab, '#scratch')} (id int NOT NULL AUTO_INCREMENT, n int NOT NULL DEFAULT 7, ` +
        "t timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(), name varchar(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL DEFAULT 'x', " +
        "b longblob DEFAULT NULL COMMENT 'raw bytes', PRIMARY KEY (id)) ENGINE=InnoDB",
    );
    // an untouched reference copy of ephys for row counts
    await fx.db.execute(`CREATE DATABASE ${'`' + ephys + '_orig`'}`);
    for (const t of ['recording'])
      await fx.db.execute(`CREATE TABLE ${qt(ephys + '_orig', t)} AS SELECT * FROM ${qt(ephys, t)}`);
    original = { defs: await columnDefinitions(fx, ephys), sums: await tableChecksums(fx.db, [ephys]) };
  });
  after(async () => fx?.cleanup());

  const base = (extra: Partial<InPlaceOptions> = {}): InPlaceOptions => ({
    schema: ephys,
    stores: fx.storesConfig,
    backup: 'none',
    confirm: async () => true,
    ...extra,
  });

  it('plans relabels with full column definitions, pointer conversions and a complete ~lineage; a dry run changes nothing', async () => {
    const plan = await planInPlace(fx.db, lab);
    const scratch = plan.tables.find((t) => t.table === '#scratch')!;
    assert.deepEqual(scratch.relabel, [{ column: 'b', label: '<blob>' }]);
    assert.match(
      scratch.relabelSql!,
      /^ALTER TABLE `[^`]+`\.`#scratch` MODIFY COLUMN `b` longblob NULL DEFAULT NULL COMMENT ':<blob>:raw bytes'$/,
    );
    assert.ok(!plan.tables.some((t) => t.relabelSql?.includes('`id`')), 'numeric columns are never touched');
    const e = await planInPlace(fx.db, ephys);
    const rec = e.tables.find((t) => t.table === 'recording')!;
    assert.deepEqual(
      rec.pointers.map((p) => `${p.column}:${p.kind}@${p.store}`),
      ['signal:blob@raw', 'lfp:blob@external-raw', 'settings_file:attach@attachments', 'raw_file:filepath@files'],
    );
    assert.deepEqual(rec.relabel, [{ column: 'thumbnail', label: '<attach>' }]);
    assert.ok(
      e.lineage.rows.some(
        (r) =>
          r.table_name === 'recording' &&
          r.attribute_name === 'subject_id' &&
          r.lineage === `${lab}.subject.subject_id`,
      ),
    );
    assert.ok(!e.lineage.rows.some((r) => r.lineage.includes('~external')), 'no lineage through ~external keys');
    for (const t of e.tables) assert.ok(!/uint|int24/.test(t.relabelSql ?? ''));

    const dry = await migrateInPlace(
      fx.db,
      base({ dryRun: true, backup: { suffix: '_never' }, confirm: async () => assert.fail('dry runs ask nothing') }),
    );
    assert.equal(dry.status, 'dry-run');
    assert.ok(
      dry.statements.some((s) =>
        /DROP FOREIGN KEY .* DROP COLUMN `signal`, CHANGE COLUMN `_dj2_signal` `signal` JSON/.test(s),
      ),
    );
    assert.ok(dry.statements.some((s) => s.includes('RENAME TABLE') && s.includes('~lineage')));
    assert.deepEqual(await tableChecksums(fx.db, [ephys]), original.sums);
    assert.deepEqual(await columnDefinitions(fx, ephys), original.defs);
  });

  it('relabelling keeps auto_increment, defaults, ON UPDATE and character sets (full re-emission)', async () => {
    const before = await columnDefinitions(fx, lab);
    const r = await migrateInPlace(fx.db, base({ schema: lab }));
    assert.equal(r.status, 'migrated');
    assert.equal(r.verify?.ok, true, JSON.stringify(r.verify?.tables.filter((t) => t.status === 'fail')));
    const after = await columnDefinitions(fx, lab);
    for (const [k, v] of before) {
      const a = JSON.parse(after.get(k)!) as Record<string, unknown>;
      const b = JSON.parse(v) as Record<string, unknown>;
      if (k === '#scratch.b') assert.equal(a.COLUMN_COMMENT, ':<blob>:raw bytes');
      else assert.equal(a.COLUMN_COMMENT, b.COLUMN_COMMENT, k);
      assert.deepEqual({ ...a, COLUMN_COMMENT: '' }, { ...b, COLUMN_COMMENT: '' }, k);
    }
  });

  it('stopped inside a pointer column after its fill: every column fully old, the table unchanged', async () => {
    const stop = async (s: InPlaceStep) => {
      if (s.kind === 'pointer' && s.stage === 'filled') throw new Stop('stop after the fill');
    };
    await assert.rejects(migrateInPlace(fx.db, base({ onStep: stop })), Stop);
    const c = await assertOldOrNew(fx, ephys, original);
    assert.equal(c.new, 0);
  });

  it('stopped right after a column swap (its key dropped): that column new, the others old', async () => {
    const stop = async (s: InPlaceStep) => {
      if (s.kind === 'pointer' && s.stage === 'swapped') throw new Stop('stop after the first column');
    };
    await assert.rejects(migrateInPlace(fx.db, base({ onStep: stop })), Stop);
    const c = await assertOldOrNew(fx, ephys, original);
    assert.equal(c.new, 1);
    assert.ok(c.old >= 3);
  });

  it('stopped just before a later column swap (filled and verified): earlier columns new, that one old', async () => {
    let seen = 0;
    const stop = async (s: InPlaceStep) => {
      if (s.kind === 'pointer' && s.stage === 'verified' && ++seen === 2)
        throw new Stop('stop before the third column swaps');
    };
    await assert.rejects(migrateInPlace(fx.db, base({ onStep: stop })), Stop);
    const c = await assertOldOrNew(fx, ephys, original);
    assert.equal(c.new, 2);
  });

  it('stopped between tables (after a relabel), and after a crash that left a hidden column, a re-run finishes', async () => {
    const stop = async (s: InPlaceStep) => {
      if (s.kind === 'relabelled') throw new Stop('stop after the first relabelled table');
    };
    await assert.rejects(migrateInPlace(fx.db, base({ onStep: stop })), Stop);
    const c = await assertOldOrNew(fx, ephys, original);
    assert.ok(c.new >= 4);
    // what a crash after ADD COLUMN leaves: a hidden column 0.14.6 and 2.x both ignore
    const [s] = await introspect(fx.db, [ephys]);
    const oldOne = s.tables.flatMap((t) =>
      t.columns.filter((col) => col.storage.form === 'pointer014').map((col) => ({ t: t.name, col: col.name })),
    );
    if (oldOne.length)
      await fx.db.execute(`ALTER TABLE ${qt(ephys, oldOne[0].t)} ADD COLUMN \`_dj2_${oldOne[0].col}\` JSON NULL`);

    const steps: string[] = [];
    const r = await migrateInPlace(fx.db, base({ onStep: (st) => void steps.push(st.kind) }));
    assert.equal(r.status, 'migrated');
    assert.equal(r.verify?.ok, true, JSON.stringify(r.verify?.tables.filter((t) => t.status === 'fail')));
    assert.ok(steps.includes('lineage'));
    const done = await assertOldOrNew(fx, ephys, original);
    assert.equal(done.old, 0);
    // a third run has nothing to do
    const again = await migrateInPlace(fx.db, base());
    assert.match(again.notes.join('\n'), /needs no change/);
  });

  it('the analysis schema too, with a verified backup and job-metadata columns; every value equals values.json', async () => {
    const r = await migrateInPlace(fx.db, base({ schema: analysis, backup: { suffix: '_bk' }, jobColumns: true }));
    assert.equal(r.status, 'migrated');
    assert.equal(r.backup?.verified, true);
    assert.equal(r.verify?.ok, true, JSON.stringify(r.verify?.tables.filter((t) => t.status === 'fail')));
    const [s] = await introspect(fx.db, [analysis]);
    for (const t of s.tables) {
      const has = t.columns.some((c) => c.name === '_job_start_time');
      assert.equal(has, t.tier === 'computed', `${t.name}: job columns only on Computed/Imported tables`);
    }
    const [bk] = await introspect(fx.db, [analysis + '_bk']);
    assert.equal(bk.version, '0.14.6', 'the backup keeps the 0.14.6 form');
    const v = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    assert.equal(v.ok, true, JSON.stringify(v.tables.filter((t) => t.status === 'fail')));
    assert.ok((await assertValues(fx, { lab, ephys, analysis })) > 40);
  });

  it('CLI: a real run needs --backup or --no-backup; a dry run does not', async () => {
    const refused = await runCli(['db', 'migrate-in-place', '--schema', ephys, '--stores', fx.storesFile]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /--backup/);
    const dry = await runCli(['db', 'migrate-in-place', '--schema', ephys, '--stores', fx.storesFile, '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /needs no change/);
    assert.match(dry.err, /unsigned policy is "widen"/);
  });
});

// MySQL 8 spells the catalogue differently (no display widths, bare defaults, DEFAULT_GENERATED in EXTRA,
// native json); the relabelling must re-emit the same full definition from those rows. Rows recorded
// from MySQL 8.0 semantics for a table with a blob beside an auto_increment key and an ON UPDATE column.
test('MySQL 8 catalogue rows: the relabel ALTER re-emits each blob/attach column whole and touches nothing else', () => {
  const col = (position: number, column: string, columnType: string, extra: Partial<ColumnRow> = {}): ColumnRow => ({
    schema: 'e8',
    table: '#thing',
    column,
    position,
    default: null,
    nullable: 'NO',
    dataType: columnType.split(/[ (]/)[0],
    columnType,
    charset: null,
    collation: null,
    extra: '',
    comment: '',
    ...extra,
  });
  const catalog: Catalog = {
    flavor: 'mysql',
    schemata: [{ name: 'e8', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci' }],
    tables: [
      {
        schema: 'e8',
        table: '#thing',
        type: 'BASE TABLE',
        engine: 'InnoDB',
        collation: 'utf8mb4_0900_ai_ci',
        comment: '',
        rows: 0,
        dataLength: 0,
        indexLength: 0,
      },
    ],
    columns: [
      col(1, 'id', 'int unsigned', { extra: 'auto_increment' }),
      col(2, 'n', 'int', { default: '7' }),
      col(3, 'created', 'datetime(3)', {
        default: 'CURRENT_TIMESTAMP(3)',
        extra: 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)',
      }),
      col(4, 'data', 'longblob', { nullable: 'YES', comment: "raw data, 'quoted'" }),
      col(5, 'att', 'longblob', { comment: ':attach:the file' }),
      col(6, 'meta', 'json', { nullable: 'YES' }),
    ],
    keyColumns: [
      {
        schema: 'e8',
        table: '#thing',
        constraint: 'PRIMARY',
        column: 'id',
        position: 1,
        refSchema: null,
        refTable: null,
        refColumn: null,
      },
    ],
    referential: [],
    statistics: [],
    checks: [],
    collations: [{ collation: 'utf8mb4_0900_ai_ci', charset: 'utf8mb4' }],
    logVersions: [],
  };
  const [s] = decodeCatalog(catalog, ['e8']);
  const t = s.tables[0];
  const data = t.columns.find((c) => c.name === 'data')!;
  const att = t.columns.find((c) => c.name === 'att')!;
  assert.equal(data.storage.form, 'blob');
  assert.equal(att.storage.form, 'attach');
  assert.equal(
    relabelSql(t, [
      { column: data, label: '<blob>' },
      { column: att, label: '<attach>' },
    ]),
    "ALTER TABLE `e8`.`#thing` MODIFY COLUMN `data` longblob NULL DEFAULT NULL COMMENT ':<blob>:raw data, ''quoted''', MODIFY COLUMN `att` longblob NOT NULL COMMENT ':<attach>:the file'",
  );
});

describe('db migrate-in-place, stopped after every single step in turn', () => {
  let fx: LoadedFixture;
  after(async () => fx?.cleanup());

  it('each stop leaves every column fully old or fully new, and the runs finish the migration', async () => {
    fx = await loadFixture('dj014');
    const ephys = fx.schemas[1];
    await fx.db.execute(`CREATE DATABASE \`${ephys}_orig\``);
    await fx.db.execute(`CREATE TABLE ${qt(ephys + '_orig', 'recording')} AS SELECT * FROM ${qt(ephys, 'recording')}`);
    const original = { defs: await columnDefinitions(fx, ephys), sums: await tableChecksums(fx.db, [ephys]) };
    // Every step a run reports, in order, from the plan: per table its pointer columns' four stages, its relabel, then ~lineage.
    const plan = await planInPlace(fx.db, ephys, { jobColumns: true });
    const expected: string[] = [];
    for (const t of plan.tables) {
      for (const p of t.pointers)
        for (const stage of ['added', 'filled', 'verified', 'swapped'])
          expected.push(`pointer ${t.table}.${p.column} ${stage}`);
      if (t.relabelSql) expected.push(`relabelled ${t.table}`);
      if (t.jobColumnsSql) expected.push(`job-columns ${t.table}`);
    }
    expected.push('lineage');
    assert.ok(expected.length >= 18, expected.join('\n'));
    const name = (s: InPlaceStep) =>
      s.kind === 'pointer'
        ? `pointer ${s.table}.${s.column} ${s.stage}`
        : s.kind === 'lineage'
          ? 'lineage'
          : `${s.kind} ${s.table}`;

    for (const target of expected) {
      const seen: string[] = [];
      await assert.rejects(
        migrateInPlace(fx.db, {
          schema: ephys,
          stores: fx.storesConfig,
          backup: 'none',
          jobColumns: true,
          confirm: async () => true,
          onStep: (s) => {
            seen.push(name(s));
            if (name(s) === target) throw new Stop(target);
          },
        }),
        Stop,
        target,
      );
      // a re-run redoes only what is still old: the steps it reported are the expected ones from where it resumed
      const at = expected.indexOf(target);
      assert.deepEqual(seen, expected.slice(at - seen.length + 1, at + 1));
      await assertOldOrNew(fx, ephys, original);
    }
    // the stop after the last step (~lineage) came after all the work: nothing is left
    const r = await migrateInPlace(fx.db, {
      schema: ephys,
      stores: fx.storesConfig,
      backup: 'none',
      jobColumns: true,
      confirm: async () => true,
    });
    assert.equal(r.status, 'migrated');
    assert.match(r.notes.join('\n'), /needs no change/);
    const v = await verifySchemas(fx.db, [ephys], { stores: fx.storesConfig });
    assert.equal(v.ok, true, JSON.stringify(v.tables.filter((t) => t.status === 'fail')));
    const done = await assertOldOrNew(fx, ephys, original);
    assert.equal(done.old, 0);
  });
});

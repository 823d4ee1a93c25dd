// `db verify` on PostgreSQL (verifyPg.ts), against what real 2.x wrote there: dj2pg loaded under a test
// prefix verifies (labels true to the PostgreSQL types, every <blob>/<attach> bytea decodes, every in-store
// file present with its hash, ~lineage complete) and reads back equal to dj014/values.json. Damage is found
// and named by key: a blob overwritten in place, a missing store file, a ~lineage row gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createPgDatabase, pgServer } from './pgHarness';
import { loadDj2pg, pgValuesMismatches } from './pgValues';
import { openPg } from '../../client/src/db/connect/dialects/postgres';
import { verifySchemasPg } from '../../client/src/db/verifyPg';
import { uniquePrefix } from './harness';

test('dj2pg (written by 2.x on PostgreSQL) verifies and reads back equal to values.json; damage is named by key', async () => {
  const pgdb = await createPgDatabase();
  const prefix = uniquePrefix();
  const fx = await loadDj2pg(pgdb, prefix);
  const db = await openPg({ ...pgServer, database: pgdb.name, password: '', tls: false, dialect: 'postgresql' });
  try {
    const c = await pgdb.client();
    const read = await pgValuesMismatches(c, fx.schemas, fx.stores);
    assert.deepEqual(read.mismatches, []);
    assert.ok(read.compared > 1000, `${read.compared} values compared`);

    const ok = await verifySchemasPg(db, fx.schemas, { stores: fx.stores });
    const failing = ok.tables.filter((t) => t.status === 'fail');
    assert.deepEqual(failing, []);
    assert.equal(ok.ok, true);
    assert.equal(ok.tables.length, 11 + 3);
    const rec = ok.tables.find((t) => t.table === 'recording');
    assert.ok(rec && rec.checkedValues >= 6 + 4, `recording: ${rec?.checkedValues} in-store values checked`);
    assert.ok(ok.tables.find((t) => t.table === '~lineage' && t.schema === `${prefix}analysis`)?.checkedValues);

    // A blob overwritten in place (same length), an in-store file deleted, a ~lineage row deleted.
    await c.query(
      `UPDATE "${prefix}ephys"._neuron SET waveform = overlay(waveform placing '\\xffffffff'::bytea from 1) WHERE neuron_id = 1 AND recording_id = 1 AND session_idx = 0 AND session_date = '2024-06-01' AND subject_id = 100`,
    );
    const [{ signal }] = (
      await c.query(
        `SELECT signal FROM "${prefix}ephys".recording ORDER BY subject_id, session_date, session_idx, recording_id LIMIT 1`,
      )
    ).rows as { signal: { path: string } }[];
    fs.rmSync(path.join((fx.stores.raw as { location: string }).location, signal.path));
    await c.query(
      `DELETE FROM "${prefix}lab"."~lineage" WHERE table_name = 'subject' AND attribute_name = 'subject_id'`,
    );
    const bad = await verifySchemasPg(db, fx.schemas, { stores: fx.stores });
    assert.equal(bad.ok, false);
    const reasons = (table: string) =>
      bad.tables
        .filter((t) => t.table === table)
        .flatMap((t) => t.reasons)
        .join('\n');
    assert.match(
      reasons('_neuron'),
      /waveform: undecodable <blob> — 1 value, e.g\. subject_id=100, session_date=2024-06-01, session_idx=0, recording_id=1, neuron_id=1 \(/,
    );
    assert.match(
      reasons('recording'),
      /signal: file missing — [12] values?, e\.g\. subject_id=100, session_date=2024-06-01, session_idx=0, recording_id=/,
    );
    assert.match(reasons('~lineage'), /incomplete: 1 row missing \(subject\.subject_id\)/);
    assert.equal(reasons('session'), '');

    const absent = await verifySchemasPg(db, [`${prefix}nothing`], { stores: fx.stores });
    assert.match(absent.tables[0].reasons[0], /schema t\w+_nothing does not exist on postgresql:\/\//);
  } finally {
    await db.close();
    await fx.cleanup();
    await pgdb.drop();
  }
});

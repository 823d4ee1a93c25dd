// Every migrated dj014 value read back the way 2.x reads it (blob reader, in-store JSON → the file, attachments
// framed `name\0contents`), compared with dj014/values.json. For parallel schemas on any MySQL server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../client/src/db/connection';
import { canonicalize, unpackBlob, type Canonical } from '../../client/src/db/blob';
import { filePath, type StoreMap } from '../../client/src/db/stores';
import { qt } from '../../client/src/db/sql';
import { fixturesDir } from '../helpers/paths';

const values = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'dj014', 'values.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[]
>;

function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}

/** Returns the number of values checked. */
export async function assertDj014Values(
  db: Db,
  stores: StoreMap,
  schemas: { lab: string; ephys: string; analysis: string },
): Promise<number> {
  const fx = { db, storesConfig: stores };
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

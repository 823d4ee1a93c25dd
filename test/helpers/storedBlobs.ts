// 0.14.6 blobs in a file store, as the compare tests build them: the serialized bytes, the file where 0.14.6 keeps
// them, and the `_v2` copy of the table that points at them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { type Db, openDb } from '../../client/src/db/connection';
import { copy } from '../../client/src/db/copy';
import { externalTableDdl } from '../../client/src/db/bench';
import { createParallel } from '../../client/src/db/parallel';
import type { CompareOptions } from '../../client/src/db/compareTypes';
import { q, qt } from '../../client/src/db/sql';
import { fileStore, filePath, path014, type StoreSpec } from '../../client/src/db/stores';
import { dropPrefixed, testServer, uniquePrefix } from '../db/harness';

/** A serialized 0.14.6 blob (mYm, a uint8 vector) of `body` (under 256 bytes), as benchBlobs.ts spells it in SQL. */
export function uint8Blob(body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('6d596d00410100000000000000', 'hex'),
    Buffer.from([body.length]),
    Buffer.from('000000000000000900000000000000', 'hex'),
    body,
  ]);
}

/** Writes `blob` where 0.14.6 keeps it for schema `schema` in `store`; its 0.14.6 hash (the blob's MD5). */
export function storeBlob(store: StoreSpec, schema: string, blob: Buffer): Buffer {
  const digest = createHash('md5').update(blob).digest();
  const file = filePath(store, path014(store, schema, digest.toString('hex')));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, blob);
  return digest;
}

/** `<src>_v2` created and `table` copied into it (pointers converted for `store`), the copy asserted done. */
export async function copiedToV2(db: Db, src: string, table: string, store: StoreSpec): Promise<void> {
  await createParallel(db, { schemas: [src], suffix: '_v2', unsigned: 'widen' });
  const copied = await copy(db, {
    pairs: [{ source: src, target: `${src}_v2` }],
    tables: [table],
    stores: { [store.name]: store },
  });
  assert.equal(copied.tables[0].status, 'done');
}

/**
 * Schema `src` with `~external_raw` and a 0.14.6 table `recording`: `rec_id` (the key), `columns` (SQL column
 * definitions), and `signal`, a blob@raw pointer into `~external_raw`.
 */
export async function createRecording(db: Db, src: string, columns: string[] = []): Promise<void> {
  await db.execute(`CREATE DATABASE ${q(src)}`);
  await db.execute(externalTableDdl(src, 'raw'));
  await db.execute(`CREATE TABLE ${qt(src, 'recording')} (
      \`rec_id\` int unsigned NOT NULL,
      ${columns.map((c) => `${c},`).join('\n      ')}
      \`signal\` binary(16) NOT NULL COMMENT ":blob@raw:raw trace",
      PRIMARY KEY (\`rec_id\`),
      FOREIGN KEY (\`signal\`) REFERENCES ${qt(src, '~external_raw')} (\`hash\`)) ENGINE=InnoDB`);
}

/** What withRecording hands a test: its connection, the schema pair and the file store `raw` (in folder `root`). */
export interface RecordingLab {
  db: Db;
  src: string;
  dst: string;
  store: StoreSpec;
  root: string;
}

/** compare's options for a RecordingLab's `recording` table and its store, with `extra` (chunk sizes, checks). */
export function recordingCompare(
  lab: Pick<RecordingLab, 'src' | 'dst' | 'store'>,
  extra: Omit<CompareOptions, 'pairs' | 'tables' | 'stores'> = {},
): CompareOptions {
  return { pairs: [{ source: lab.src, target: lab.dst }], tables: ['recording'], stores: { raw: lab.store }, ...extra };
}

/**
 * Runs `body` on a fresh createRecording schema (with `columns`) and an empty file store `raw`, on a connection that
 * logs its statements to `log`; afterwards the connection is closed, the schemas dropped and the store removed,
 * whatever happened.
 */
export async function withRecording(
  o: { columns?: string[]; log?: (sql: string) => void },
  body: (lab: RecordingLab) => Promise<void>,
): Promise<void> {
  const prefix = uniquePrefix();
  const db = await openDb(testServer, o.log);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-recording-'));
  try {
    const src = `${prefix}lab`;
    await createRecording(db, src, o.columns);
    await body({ db, src, dst: `${src}_v2`, store: fileStore('raw', root), root });
  } finally {
    await db.close();
    await dropPrefixed(prefix);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

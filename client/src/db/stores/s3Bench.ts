// The S3 part of `npm run bench:db`: `db copy --relocate` of a table whose blob@ objects live on S3 (CopyObject
// into the 2.x `_hash/` layout, 8 in flight) against a plain GET+PUT loop over the same objects with the same
// client and the same number in flight. The S3 server is s3rver (a dev dependency) on 127.0.0.1, started here;
// objects from DJM_BENCH_S3_OBJECTS (default 300) × DJM_BENCH_S3_KB (default 256). Prints; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Db } from '../connection';
import { copy } from '../copy';
import { createParallel } from '../parallel';
import { q, qt } from '../sql';
import { objectStore, parseStores, path014 } from '../stores';
import type { S3ObjectStore } from './s3';

const IN_FLIGHT = 8;

interface S3rver {
  run(): Promise<unknown>;
  close(): Promise<void>;
}

export async function runS3Bench(
  db: Db,
  schema: string,
  /** A schema holding the bench's 0.14.6 `~external_raw` table (its DDL is reused). */
  externalFrom: string,
  line: (label: string, value: string) => void,
): Promise<void> {
  const count = Number(process.env.DJM_BENCH_S3_OBJECTS ?? 300);
  const size = Number(process.env.DJM_BENCH_S3_KB ?? 256) * 1024;
  let Ctor: new (o: Record<string, unknown>) => S3rver;
  try {
    Ctor = createRequire(path.join(process.cwd(), 'package.json'))('s3rver');
  } catch {
    line(`S3 relocate, ${count} objects`, 'skipped: s3rver (a dev dependency) is not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-bench-s3-'));
  const port = await freePort();
  const server = new Ctor({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'bench' }],
  });
  await server.run();
  const target = `${schema}_v2`;
  try {
    const stores = parseStores({
      s3raw: {
        protocol: 's3',
        endpoint: `127.0.0.1:${port}`,
        bucket: 'bench',
        location: 'lab/raw',
        access_key: 'S3RVER',
        secret_key: 'S3RVER',
        secure: false,
      },
    });
    const store = objectStore(stores.s3raw) as S3ObjectStore;
    const hashes = await setUpS3Table(db, schema, externalFrom, store, count, size);
    await createParallel(db, { schemas: [schema], suffix: '_v2', unsigned: 'widen' });
    const client = store.client;
    const keys = hashes.map((h) => store.key(path014(stores.s3raw, schema, h)));

    const t0 = process.hrtime.bigint();
    await inFlight(keys, async (Key, i) => {
      const got = await client.send(new GetObjectCommand({ Bucket: 'bench', Key }));
      const Body = Buffer.from(
        await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `plain/${i}`, Body, ContentLength: Body.length }));
    });
    const plainS = Number(process.hrtime.bigint() - t0) / 1e9;

    const t1 = process.hrtime.bigint();
    const report = await copy(db, { pairs: [{ source: schema, target }], tables: ['scan'], stores, relocate: true });
    const relocS = Number(process.hrtime.bigint() - t1) / 1e9;
    const t = report.tables[0];
    if (t?.status !== 'done' || t.rowsInserted !== count) throw new Error(`S3 bench copy failed: ${JSON.stringify(t)}`);

    const rate = (s: number) => `${fmt(count / s)} objects/s, ${((count * size) / s / 1e6).toFixed(1)} MB/s`;
    line(`S3 GET+PUT loop (baseline), ${count} × ${size / 1024} KB`, rate(plainS));
    line(
      `S3 relocate, db copy --relocate (CopyObject)`,
      `${rate(relocS)}  ratio ${(plainS / relocS).toFixed(2)} (aim ≥ 0.8)`,
    );
  } finally {
    await db.execute(`DROP DATABASE IF EXISTS ${q(target)}`).catch(() => undefined);
    await server.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A 0.14.6 table `scan` with a blob@s3raw column; its objects uploaded where 0.14.6 put them. */
async function setUpS3Table(
  db: Db,
  schema: string,
  like: string,
  store: S3ObjectStore,
  count: number,
  size: number,
): Promise<string[]> {
  // The 0.14.6 `~external_<store>` DDL, as the main bench declared it for `raw`.
  await db.execute(`CREATE TABLE ${qt(schema, '~external_s3raw')} LIKE ${qt(like, '~external_raw')}`);
  await db.execute(`CREATE TABLE ${qt(schema, 'scan')} (
    \`scan_id\` int unsigned NOT NULL,
    \`image\` binary(16) NOT NULL COMMENT ":blob@s3raw:image stack",
    PRIMARY KEY (\`scan_id\`),
    FOREIGN KEY (\`image\`) REFERENCES ${qt(schema, '~external_s3raw')} (\`hash\`) ON UPDATE RESTRICT ON DELETE RESTRICT
  ) ENGINE=InnoDB`);
  const hashes: string[] = [];
  const ids = Array.from({ length: count }, (_, i) => i);
  await inFlight(ids, async (i) => {
    const body = randomBytes(size);
    const hash = createHash('md5').update(body).digest();
    hashes[i] = hash.toString('hex');
    const Key = store.key(path014(store.spec, schema, hashes[i]));
    await store.client.send(new PutObjectCommand({ Bucket: 'bench', Key, Body: body, ContentLength: size }));
    await db.execute(`INSERT INTO ${qt(schema, '~external_s3raw')} (hash, size) VALUES (?, ?)`, [hash, size]);
    await db.execute(`INSERT INTO ${qt(schema, 'scan')} VALUES (?, ?)`, [i, hash]);
  });
  return hashes;
}

async function inFlight<T>(items: T[], fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** A free TCP port on 127.0.0.1 (for a local S3 server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

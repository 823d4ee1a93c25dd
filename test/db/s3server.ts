// A real S3-protocol server for the tests: s3rver (path-style; its default credentials S3RVER/S3RVER) on
// 127.0.0.1 at a free port, data in a temporary folder, stopped by `stop()`. `uploadStores` puts a loaded
// fixture's file stores into a bucket and writes the matching S3 store settings.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadStores, type StoreMap } from '../../client/src/db/stores';
import type { LoadedFixture } from './harness';
import { freePort } from '../../client/src/db/stores/s3Bench';

export { freePort };

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(__filename)('s3rver') as S3rverCtor;

export const S3_KEY = 'S3RVER';
export const BUCKET = 'djstores';

export interface LocalS3 {
  port: number;
  endpoint: string;
  /** A client with the server's credentials, for looking into the bucket. */
  client: S3Client;
  stop(): Promise<void>;
}

export async function startS3(buckets: string[] = [BUCKET]): Promise<LocalS3> {
  const directory = await fsp.mkdtemp(path.join(os.tmpdir(), 'djm-s3rver-'));
  const port = await freePort();
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await server.run();
  const endpoint = `127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint: `http://${endpoint}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    port,
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
      await fsp.rm(directory, { recursive: true, force: true });
    },
  };
}

/** Key prefix of each fixture store in the bucket (one with a leading/trailing slash, as 0.14.6 allowed). */
export const LOCATIONS: Record<string, string> = {
  raw: 'lab/raw',
  'external-raw': '/lab/external-raw/',
  attachments: 'lab/attachments',
  files: 'lab/files',
};

/**
 * Uploads every file of the fixture's (already renamed) stores to `<location>/<relative path>` and writes a
 * 0.14.6 `dj_local_conf.json` describing the stores as S3 (secure false, S3RVER credentials).
 */
export async function uploadStores(
  s3: LocalS3,
  fx: LoadedFixture,
  opts: { bucket?: string } = {},
): Promise<{ stores: StoreMap; file: string }> {
  const bucket = opts.bucket ?? BUCKET;
  const stores: Record<string, Record<string, unknown>> = {};
  for (const [name, location] of Object.entries(LOCATIONS)) {
    const root = path.join(fx.storesDir, name);
    for (const rel of walk(root)) {
      const Key = [location.replace(/^\/+|\/+$/g, ''), rel].join('/');
      await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: fs.readFileSync(path.join(root, rel)) }));
    }
    stores[name] = {
      protocol: 's3',
      endpoint: s3.endpoint,
      bucket,
      location,
      access_key: S3_KEY,
      secret_key: S3_KEY,
      secure: false,
    };
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'djm-s3conf-'));
  const file = path.join(dir, 'dj_local_conf.json');
  fs.writeFileSync(file, JSON.stringify({ 'database.host': '127.0.0.1', stores }, null, 2));
  return { stores: loadStores(file), file };
}

function* walk(root: string, rel = ''): Generator<string> {
  if (!fs.existsSync(path.join(root, rel))) return;
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(root, r);
    else yield r;
  }
}

export async function getObject(s3: LocalS3, key: string, bucket = BUCKET): Promise<Buffer> {
  // s3rver answers a PUT when its md5 transform has finished, before its file write has: a GET right after may
  // read a short file on a loaded machine. Real S3 reads its writes; wait until the body matches its ETag.
  for (let attempt = 0; ; attempt++) {
    const res = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(
      await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    const etag = (res.ETag ?? '').replace(/"/g, '');
    if (!/^[0-9a-f]{32}$/.test(etag) || createHash('md5').update(body).digest('hex') === etag || attempt >= 40)
      return body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function listKeys(s3: LocalS3, prefix: string, bucket = BUCKET): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await s3.client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = res.NextContinuationToken;
  } while (token);
  return keys.sort();
}

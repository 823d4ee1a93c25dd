// The S3 store (AWS S3, MinIO, any S3-protocol server) through @aws-sdk/client-s3. Objects live at
// `<location>/<rel>` in the bucket, as both DataJoint versions put them (storage-formats.md A3, B7).
// Retries with backoff on 5xx and throttling are the SDK's standard retry strategy. Credentials are held in
// StoreCredentials (never printed, logged or serialised); errors name store, endpoint, bucket and key.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { StoreSpec } from '../stores';
import {
  type ByteSource,
  ObjectDigestMismatch,
  type ObjectStat,
  type ObjectStore,
  StoreAccessError,
  type StoreAccessProblem,
  StoreObjectMissing,
} from './objectStore';

/** An access key pair. The secret is a private field: JSON, util.inspect and template strings never show it. */
export class StoreCredentials {
  readonly #secret: string;
  constructor(
    readonly accessKeyId: string,
    secretAccessKey: string,
    /** Where the pair came from, for messages: 'store settings', 'environment', 'secret storage'. */
    readonly source: string,
  ) {
    this.#secret = secretAccessKey;
  }
  get secretAccessKey(): string {
    return this.#secret;
  }
  toJSON(): string {
    return `«credentials from ${this.source}»`;
  }
  toString(): string {
    return this.toJSON();
  }
  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** Single PUTs up to this size; multipart above it (S3 parts must be at least 5 MiB, except the last). */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** CopyObject's limit; larger objects are copied as a stream. */
const MAX_SERVER_COPY = 5 * 1024 ** 3;

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'CredentialsProviderError',
  'AuthorizationHeaderMalformed',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** `host:port` (DataJoint's form) or a URL; the scheme comes from `secure` unless the URL names one. */
export function endpointUrl(spec: StoreSpec): string {
  const ep = (spec.endpoint ?? '').trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(ep)) return ep;
  return `${spec.secure ? 'https' : 'http'}://${ep}`;
}

/** Path-style unless the endpoint is AWS and the bucket name is DNS-safe (what minio-py, 0.14.6's client, does). */
export function usesPathStyle(spec: StoreSpec): boolean {
  if (spec.addressing) return spec.addressing === 'path';
  const host = new URL(endpointUrl(spec)).hostname;
  return !(host.endsWith('amazonaws.com') && /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(spec.bucket ?? ''));
}

/** The region: the store's, else AWS_REGION, else the one in an AWS host name, else us-east-1. */
export function regionOf(spec: StoreSpec): string {
  if (spec.region) return spec.region;
  if (process.env.AWS_REGION) return process.env.AWS_REGION;
  const m = /\bs3[.-]([a-z]{2}-[a-z]+-\d)\.amazonaws\.com$/.exec(new URL(endpointUrl(spec)).hostname);
  return m ? m[1] : 'us-east-1';
}

/**
 * The credentials for a store: its own (settings file, `.secrets/`, VS Code's secret storage), else
 * DJ_STORE_<NAME>_ACCESS_KEY / _SECRET_KEY, else DJ_AWS_ACCESS_KEY_ID / DJ_AWS_SECRET_ACCESS_KEY; undefined
 * leaves it to the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, instance roles).
 */
export function credentialsFor(spec: StoreSpec, env: NodeJS.ProcessEnv = process.env): StoreCredentials | undefined {
  if (spec.credentials) return spec.credentials;
  const upper = spec.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const pairs: [string, string][] = [
    [`DJ_STORE_${upper}_ACCESS_KEY`, `DJ_STORE_${upper}_SECRET_KEY`],
    ['DJ_AWS_ACCESS_KEY_ID', 'DJ_AWS_SECRET_ACCESS_KEY'],
  ];
  for (const [k, s] of pairs) if (env[k] && env[s]) return new StoreCredentials(env[k], env[s], `environment (${k})`);
  return undefined;
}

/** A missing object (a missing bucket was ruled out by ready()). */
function notFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

/** Two S3 stores on one server with the same access: CopyObject between them can work. */
export function sameS3Endpoint(a: StoreSpec, b: StoreSpec): boolean {
  return endpointUrl(a) === endpointUrl(b) && credentialsFor(a)?.accessKeyId === credentialsFor(b)?.accessKeyId;
}

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string }; errors?: { code?: string }[] };
  return err?.code ?? err?.cause?.code ?? err?.errors?.find((x) => x?.code)?.code;
}

export class S3ObjectStore implements ObjectStore {
  readonly client: S3Client;
  readonly url: string;
  private readonly bucket: string;
  private checked: Promise<void> | null = null;
  private readonly creds: StoreCredentials | undefined;

  constructor(
    readonly spec: StoreSpec,
    readonly opts: { partSize?: number; maxAttempts?: number } = {},
  ) {
    // The SDK warns on Node 20 about its releases after January 2027; VS Code's own Node is what users have.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.url = endpointUrl(spec);
    this.bucket = spec.bucket ?? '';
    this.creds = credentialsFor(spec);
    this.client = new S3Client({
      endpoint: this.url,
      region: regionOf(spec),
      forcePathStyle: usesPathStyle(spec),
      ...(this.creds
        ? { credentials: { accessKeyId: this.creds.accessKeyId, secretAccessKey: this.creds.secretAccessKey } }
        : {}),
      maxAttempts: opts.maxAttempts ?? 4,
      retryMode: 'standard',
      // Plain S3 semantics: S3-compatible servers (MinIO, older gateways) do not all know the newer checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000 },
    });
  }

  /** The bucket key of an object: `<location>/<rel>` (no location: `<rel>`). */
  key(rel: string): string {
    return [this.spec.location, rel].filter(Boolean).join('/');
  }

  describe(rel?: string): string {
    return `s3://${this.bucket}/${rel === undefined ? this.spec.location : this.key(rel)}`;
  }

  /** Same server and same access: a CopyObject from `other` into this store can work. */
  sameEndpoint(other: S3ObjectStore): boolean {
    return sameS3Endpoint(this.spec, other.spec);
  }

  /** A failed request, for a person: which store, endpoint, bucket and key, and what to check. */
  explain(e: unknown, key: string | null, op: string): Error {
    if (e instanceof StoreObjectMissing || e instanceof ObjectDigestMismatch || e instanceof StoreAccessError) return e;
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    const code = errorCode(e);
    const store = `store ${JSON.stringify(this.spec.name)} (s3 ${this.url}, bucket ${JSON.stringify(this.bucket)}`;
    const where = `${store}${key !== null ? `, key ${JSON.stringify(key)}` : ''})`;
    let problem: StoreAccessProblem = 'other';
    let hint: string;
    if (CREDENTIAL_ERRORS.has(err.name ?? '') || status === 403 || status === 401) {
      problem = 'credentials';
      hint =
        `the server refused the credentials (${err.name && err.name !== 'Unknown' ? err.name : `HTTP ${status}`}${this.creds ? `, ${this.creds}` : ', none configured'}); ` +
        'check access_key/secret_key in the store settings, DJ_STORE_<NAME>_ACCESS_KEY/_SECRET_KEY, or the secret storage';
    } else if (err.name === 'NoSuchBucket' || (op === 'HeadBucket' && status === 404)) {
      problem = 'bucket';
      hint = 'the bucket does not exist; check "bucket" in the store settings';
    } else if (NETWORK_CODES.has(code ?? '') || err.name === 'TimeoutError') {
      problem = 'endpoint';
      hint =
        `cannot reach the endpoint (${code ?? err.name}); check "endpoint" (host:port) and "secure" ` +
        `(${this.spec.secure ? 'https' : 'http'} was used)`;
    } else {
      hint = `${err.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(e)}`;
    }
    return new StoreAccessError(
      this.spec.name,
      problem,
      `${where}: ${op} failed: ${hint}`,
      `${store}): ${op} failed: ${hint}`,
    );
  }

  /**
   * Checks once that the endpoint answers, the credentials work and the bucket exists; a failure is explained
   * with the key that needed it (and tried again next time).
   */
  async ready(key: string | null): Promise<void> {
    if (!this.checked) {
      this.checked = this.client.send(new HeadBucketCommand({ Bucket: this.bucket })).then(() => undefined);
      this.checked.catch(() => (this.checked = null));
    }
    try {
      await this.checked;
    } catch (e) {
      throw this.explain(e, key, 'HeadBucket');
    }
  }

  private async send<T>(op: string, key: string, run: () => Promise<T>): Promise<T> {
    await this.ready(key);
    try {
      return await run();
    } catch (e) {
      throw this.explain(e, key, op);
    }
  }

  async stat(rel: string): Promise<ObjectStat | null> {
    const Key = this.key(rel);
    await this.ready(Key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { size: Number(head.ContentLength ?? 0), isDir: false, etag: head.ETag?.replace(/"/g, '') };
    } catch (e) {
      if (notFound(e)) return null;
      throw this.explain(e, Key, 'HeadObject');
    }
  }

  async open(rel: string): Promise<ByteSource> {
    const Key = this.key(rel);
    await this.ready(Key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return res.Body as unknown as AsyncIterable<Buffer>;
    } catch (e) {
      if (notFound(e)) throw new StoreObjectMissing(this.spec.name, rel, this.describe(rel));
      throw this.explain(e, Key, 'GetObject');
    }
  }

  async remove(rel: string): Promise<void> {
    const Key = this.key(rel);
    await this.send('DeleteObject', Key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  async read(rel: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of await this.open(rel)) parts.push(Buffer.from(chunk));
    return Buffer.concat(parts);
  }

  async putOnce(rel: string, source: ByteSource, opts: { md5: Buffer }): Promise<number> {
    const Key = this.key(rel);
    const partSize = this.opts.partSize ?? DEFAULT_PART_SIZE;
    const hash = createHash('md5');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let upload: { id: string; parts: { ETag: string; PartNumber: number }[] } | null = null;
    const flushPart = async () => {
      const body = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      if (!upload) {
        const created = await this.send('CreateMultipartUpload', Key, () =>
          this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key })),
        );
        upload = { id: created.UploadId ?? '', parts: [] };
      }
      const u = upload;
      const PartNumber = u.parts.length + 1;
      const res = await this.send('UploadPart', Key, () =>
        this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key,
            UploadId: u.id,
            PartNumber,
            Body: body,
            ContentLength: body.length,
            ContentMD5: createHash('md5').update(body).digest('base64'),
          }),
        ),
      );
      u.parts.push({ ETag: res.ETag ?? '', PartNumber });
    };
    try {
      for await (const raw of source) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
        hash.update(chunk);
        size += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= partSize) await flushPart();
      }
      const digest = hash.digest();
      const mismatch = !digest.equals(opts.md5)
        ? new ObjectDigestMismatch(
            `md5 of the copied object is ${digest.toString('hex')}, the database recorded ${opts.md5.toString('hex')}`,
          )
        : null;
      if (!upload) {
        if (mismatch) throw mismatch;
        const body = Buffer.concat(pending);
        await this.send('PutObject', Key, () =>
          this.client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key,
              Body: body,
              ContentLength: body.length,
              ContentMD5: digest.toString('base64'),
            }),
          ),
        );
        return size;
      }
      if (mismatch) throw mismatch;
      if (pendingBytes > 0) await flushPart();
      const u = upload as { id: string; parts: { ETag: string; PartNumber: number }[] };
      await this.send('CompleteMultipartUpload', Key, () =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key,
            UploadId: u.id,
            MultipartUpload: { Parts: u.parts },
          }),
        ),
      );
      upload = null;
      return size;
    } catch (e) {
      const u = upload as { id: string } | null;
      if (u)
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: u.id }))
          .catch(() => undefined);
      throw e;
    }
  }

  /**
   * Server-side copy from another store on the same endpoint (CopyObject: no bytes through this machine).
   * With the expected size known, one request does it: CopyObject on condition that the source's ETag is the
   * expected md5 (true of objects uploaded in one part). Otherwise (or when that condition fails) the source's
   * md5 is checked first, from its ETag or by streaming it. Returns null when a server-side copy is not
   * possible (too large), so the caller streams instead.
   */
  async copyFrom(
    from: S3ObjectStore,
    fromRel: string,
    toRel: string,
    md5: Buffer,
    size?: number,
  ): Promise<number | null> {
    const Key = this.key(toRel);
    const CopySource = `${from.bucket}/${from.key(fromRel).split('/').map(encodeURIComponent).join('/')}`;
    if (size !== undefined && size <= MAX_SERVER_COPY) {
      await this.ready(Key);
      try {
        const res = await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key,
            CopySource,
            CopySourceIfMatch: `"${md5.toString('hex')}"`,
          }),
        );
        // Some S3-compatible servers ignore the condition: the new object's ETag must be the md5 as well.
        if (res.CopyObjectResult?.ETag?.replace(/"/g, '').toLowerCase() === md5.toString('hex')) return size;
        await this.remove(toRel);
      } catch (e) {
        if (notFound(e)) throw new StoreObjectMissing(from.spec.name, fromRel, from.describe(fromRel));
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== 412) throw this.explain(e, Key, 'CopyObject');
        // Not a one-part upload with that md5: check the source below.
      }
    }
    const st = await from.stat(fromRel);
    if (!st) throw new StoreObjectMissing(from.spec.name, fromRel, from.describe(fromRel));
    if (st.size > MAX_SERVER_COPY) return null;
    const etag = st.etag ?? '';
    const actual = /^[0-9a-f]{32}$/i.test(etag) ? Buffer.from(etag, 'hex') : await md5Of(from, fromRel);
    if (!actual.equals(md5))
      throw new ObjectDigestMismatch(
        `md5 of the source object is ${actual.toString('hex')}, the database recorded ${md5.toString('hex')}`,
      );
    await this.send('CopyObject', Key, () =>
      this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key,
          CopySource,
          ...(st.etag ? { CopySourceIfMatch: `"${st.etag}"` } : {}),
        }),
      ),
    );
    return st.size;
  }
}

/** MD5 of an object, streamed. */
export async function md5Of(store: ObjectStore, rel: string): Promise<Buffer> {
  const hash = createHash('md5');
  for await (const chunk of await store.open(rel)) hash.update(chunk);
  return hash.digest();
}

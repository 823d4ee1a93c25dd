// One interface for the objects of a store, implemented by the file store (fileStore.ts) and the S3 store
// (s3.ts), and the errors both raise. stores.ts picks the implementation from the store's protocol.
import type { StoreSpec } from '../stores';

export interface ObjectStat {
  size: number;
  isDir: boolean;
  /** S3: the object's ETag without quotes (the md5 hex for objects uploaded in one part). */
  etag?: string;
}

/** Bytes as they stream: never a whole object in memory. */
export type ByteSource = AsyncIterable<Buffer>;

export interface ObjectStore {
  readonly spec: StoreSpec;
  /** null when there is no such object. */
  stat(rel: string): Promise<ObjectStat | null>;
  /** The object's bytes, streamed; StoreObjectMissing when absent. */
  open(rel: string): Promise<ByteSource>;
  read(rel: string): Promise<Buffer>;
  /**
   * Writes `source` to `rel` unless it exists, checking that the bytes written hash to `md5` before the object
   * becomes visible (file: temp + rename; S3: Content-MD5 on a single PUT, or a multipart upload that is
   * completed only after the digest matched and aborted otherwise). Never replaces an existing object.
   */
  putOnce(rel: string, source: ByteSource, opts: { md5: Buffer; size?: number }): Promise<number>;
  /** Deletes an object this tool wrote (cleanup of an abandoned operation); absent is fine. */
  remove(rel: string): Promise<void>;
}

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/** A store object that should exist and does not (a dangling pointer, a deleted file). */
export class StoreObjectMissing extends Error {
  override name = 'StoreObjectMissing';
  constructor(
    readonly store: string,
    readonly relPath: string,
    readonly where: string,
  ) {
    super(`store ${JSON.stringify(store)}: object ${relPath} is missing (looked at ${where})`);
  }
}

/** A copied object whose bytes do not hash to what the database recorded. */
export class ObjectDigestMismatch extends Error {
  override name = 'ObjectDigestMismatch';
}

/** What went wrong talking to an object store, for a person: wrong credentials, no bucket, no endpoint. */
export type StoreAccessProblem = 'credentials' | 'bucket' | 'endpoint' | 'other';

/** An S3 request that failed for a reason other than a missing object. Names store, bucket and key. */
export class StoreAccessError extends Error {
  override name = 'StoreAccessError';
  constructor(
    readonly store: string,
    readonly problem: StoreAccessProblem,
    message: string,
    /** The same without the key: for problems of the whole store (credentials, bucket, endpoint). */
    readonly storeWide = message,
  ) {
    super(message);
  }
}

/** `prefix` (when given), then the bytes of `source`. */
export async function* prefixed(prefix: Buffer | undefined, source: ByteSource): ByteSource {
  if (prefix?.length) yield prefix;
  yield* source;
}

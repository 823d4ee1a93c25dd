// External store settings and object access for both DataJoint versions (storage-formats.md A3, B7, B9, C.0).
// One StoreSpec describes a store as both versions see it: 0.14.6 wrote `<schema>/<fold>/<uuid hex>` with its
// own subfolding (default 2,2); 2.x writes `_hash/<schema>/[fold/]<base32>` with its subfolding (default none).
// Object I/O goes through one interface (stores/objectStore.ts), implemented by the file store
// (stores/fileStore.ts) and the S3 store (stores/s3.ts).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FileObjectStore, filePath } from './stores/fileStore';
import {
  type ObjectStat,
  type ObjectStore,
  ObjectDigestMismatch,
  StoreConfigError,
  StoreObjectMissing,
  prefixed,
} from './stores/objectStore';
import { DEFAULT_PART_SIZE, md5Of, S3ObjectStore, sameS3Endpoint, StoreCredentials } from './stores/s3';

export { filePath, ObjectDigestMismatch, StoreConfigError, StoreObjectMissing, StoreCredentials };
export type { ObjectStat, ObjectStore };

export interface StoreSpec {
  name: string;
  protocol: 'file' | 's3';
  /** file: absolute root directory; s3: key prefix inside the bucket, without leading or trailing `/`. */
  location: string;
  /** The subfolding 0.14.6 used for this store's uuid paths; 0.14.6's default is [2, 2]. */
  subfolding014: number[];
  /** The subfolding 2.x uses for new `_hash/` objects; 2.x's default is none (flat). */
  subfolding2x: number[] | null;
  /** 2.x `hash_prefix`, default `_hash`. */
  hashPrefix: string;
  endpoint?: string;
  bucket?: string;
  /** s3 only. 0.14.6 defaulted to false, 2.x to true: set it explicitly in a migrated config. */
  secure?: boolean;
  /** Local root for `filepath@` (0.14.6 requires it in practice). */
  stage?: string;
  /** s3 only: the region (default: AWS_REGION, the one in an AWS host name, or us-east-1). */
  region?: string;
  /** s3 only: path-style or virtual-hosted requests (default: path-style except on AWS). */
  addressing?: 'path' | 'virtual';
  /** s3 only: access key pair from the settings, `.secrets/` or VS Code's secret storage (never shown). */
  credentials?: StoreCredentials;
}

export type StoreMap = Record<string, StoreSpec>;

/** Which library wrote a config file: decides how `subfolding` and `secure` are read. */
export type StoreConfigFlavor = '0.14.6' | '2.x';

/** Object I/O that cannot be done for a store (kept for callers that report it; S3 and file stores both work). */
export class StoreIoUnavailable extends Error {
  override name = 'StoreIoUnavailable';
}

const STORE_NAME = /^[a-z][-\w]*$/;
const KEYS_ONLY_2X = ['hash_prefix', 'schema_prefix', 'filepath_prefix', 'partition_pattern', 'token_length'];

/** A file store rooted at `location`, with the defaults of both versions unless given. */
export function fileStore(
  name: string,
  location: string,
  opts: Partial<Omit<StoreSpec, 'name' | 'protocol' | 'location'>> = {},
): StoreSpec {
  return {
    name,
    protocol: 'file',
    location: path.resolve(location),
    subfolding014: opts.subfolding014 ?? [2, 2],
    subfolding2x: opts.subfolding2x ?? null,
    hashPrefix: opts.hashPrefix ?? '_hash',
    ...(opts.stage !== undefined ? { stage: path.resolve(opts.stage) } : {}),
  };
}

/**
 * Reads store settings from a 0.14.6 `dj_local_conf.json` / `.datajoint_config.json`, a 2.x `datajoint.json`,
 * or a `--stores` file. A `--stores` file is either of those shapes or a bare `{name: {...}}` map; its flavour
 * is 2.x when it uses a 2.x-only key (hash_prefix, schema_prefix, ...) or a string `default`, else 0.14.6.
 * Per store, `subfolding014` / `subfolding2x` may be given explicitly (e.g. a 2.x config for a store whose
 * 0.14.6 subfolding was not the default). Relative locations are resolved against the file's folder.
 */
export function loadStores(file: string): StoreMap {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new StoreConfigError(`cannot read store settings ${file}: ${(e as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new StoreConfigError(`store settings ${file} are not valid JSON: ${(e as Error).message}`);
  }
  const base = path.basename(file).toLowerCase();
  const flavor: StoreConfigFlavor | undefined =
    base === 'datajoint.json'
      ? '2.x'
      : base === 'dj_local_conf.json' || base === '.datajoint_config.json'
        ? '0.14.6'
        : undefined;
  return parseStores(config, { flavor, baseDir: path.dirname(path.resolve(file)), source: file });
}

export function parseStores(
  config: unknown,
  opts: { flavor?: StoreConfigFlavor; baseDir?: string; source?: string } = {},
): StoreMap {
  const source = opts.source ?? 'store settings';
  if (!isObject(config)) throw new StoreConfigError(`${source}: expected a JSON object`);
  const block = isObject(config.stores) ? config.stores : config;
  const entries = Object.entries(block).filter(([, v]) => isObject(v)) as [string, Record<string, unknown>][];
  const flavor = opts.flavor ?? detectFlavor(block, entries);
  const baseDir = opts.baseDir ?? process.cwd();
  const stores: StoreMap = {};
  for (const [name, raw] of entries) stores[name] = parseStore(name, raw, flavor, baseDir, source);
  return stores;
}

function detectFlavor(block: Record<string, unknown>, entries: [string, Record<string, unknown>][]): StoreConfigFlavor {
  if (typeof block.default === 'string' || typeof block.filepath_default === 'string') return '2.x';
  if (entries.some(([, v]) => KEYS_ONLY_2X.some((k) => k in v))) return '2.x';
  return '0.14.6';
}

function parseStore(
  name: string,
  raw: Record<string, unknown>,
  flavor: StoreConfigFlavor,
  baseDir: string,
  source: string,
): StoreSpec {
  const where = `${source}: store ${JSON.stringify(name)}`;
  if (!STORE_NAME.test(name))
    throw new StoreConfigError(`${where}: store names must match [a-z][-\\w]* (DataJoint's rule)`);
  const protocol = raw.protocol;
  if (protocol !== 'file' && protocol !== 's3') {
    throw new StoreConfigError(`${where}: protocol ${JSON.stringify(protocol)} is not supported (file or s3)`);
  }
  if (typeof raw.location !== 'string') throw new StoreConfigError(`${where}: "location" is required`);
  const folding = parseFolding(raw.subfolding, `${where}: subfolding`);
  const subfolding014 =
    raw.subfolding014 !== undefined
      ? (parseFolding(raw.subfolding014, `${where}: subfolding014`) ?? [])
      : flavor === '0.14.6'
        ? (folding ?? (raw.subfolding === undefined ? [2, 2] : []))
        : [2, 2];
  const subfolding2x =
    raw.subfolding2x !== undefined
      ? parseFolding(raw.subfolding2x, `${where}: subfolding2x`)
      : flavor === '2.x'
        ? folding
        : null;
  const hashPrefix = typeof raw.hash_prefix === 'string' ? raw.hash_prefix.replace(/^\/+|\/+$/g, '') : '_hash';
  const spec: StoreSpec = {
    name,
    protocol,
    location: protocol === 'file' ? path.resolve(baseDir, raw.location) : normalizeKeyPrefix(raw.location),
    subfolding014,
    subfolding2x: subfolding2x?.length ? subfolding2x : null,
    hashPrefix: hashPrefix || '_hash',
  };
  if (typeof raw.stage === 'string') spec.stage = path.resolve(baseDir, raw.stage);
  if (protocol === 's3') {
    if (typeof raw.endpoint !== 'string' || typeof raw.bucket !== 'string') {
      throw new StoreConfigError(`${where}: s3 stores need "endpoint" and "bucket"`);
    }
    spec.endpoint = raw.endpoint;
    spec.bucket = raw.bucket;
    spec.secure = typeof raw.secure === 'boolean' ? raw.secure : flavor === '2.x';
    if (typeof raw.region === 'string' && raw.region) spec.region = raw.region;
    if (raw.addressing !== undefined) {
      if (raw.addressing !== 'path' && raw.addressing !== 'virtual')
        throw new StoreConfigError(`${where}: "addressing" must be "path" or "virtual"`);
      spec.addressing = raw.addressing;
    }
    const secret = (k: string) =>
      typeof raw[k] === 'string' && raw[k] ? (raw[k] as string) : readSecretFile(baseDir, `stores.${name}.${k}`);
    const access = secret('access_key');
    const key = secret('secret_key');
    if (access && key) spec.credentials = new StoreCredentials(access, key, 'store settings');
    else if (access || key)
      throw new StoreConfigError(`${where}: give both access_key and secret_key, or neither (ambient credentials)`);
  }
  return spec;
}

/** A 2.x `.secrets/<name>` file beside the config file (what the config migration writes), trimmed. */
function readSecretFile(baseDir: string, name: string): string | undefined {
  try {
    return fs.readFileSync(path.join(baseDir, '.secrets', name), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function parseFolding(v: unknown, where: string): number[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((n) => Number.isInteger(n) && n > 0)) {
    throw new StoreConfigError(`${where} must be a list of positive integers, e.g. [2, 2]`);
  }
  return v as number[];
}

/** An s3 key prefix as 0.14.6 builds it: leading `/` and Windows drive dropped, no trailing `/`. */
function normalizeKeyPrefix(location: string): string {
  return location
    .replace(/^[A-Za-z]:/, '')
    .replace(/\\/g, '/')
    .replace(/^\/+|\/+$/g, '');
}

/** `subfold` of 0.14.6 external.py: successive slices of the given lengths, lower-cased. */
export function subfold(name: string, folds: readonly number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const f of folds) {
    out.push(name.slice(at, at + f).toLowerCase());
    at += f;
  }
  return out;
}

/**
 * Where 0.14.6 put an object, relative to the store root: `<schema>/<h[0:2]>/<h[2:4]>/<hex>` (with this store's
 * 0.14.6 subfolding), plus `.<name>` for an attachment.
 */
export function path014(store: StoreSpec, schema: string, uuidHexDigits: string, attachmentName?: string): string {
  const hex = uuidHexDigits.toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a 0.14.6 object hash: ${JSON.stringify(uuidHexDigits)}`);
  const file = attachmentName ? `${hex}.${attachmentName}` : hex;
  return [schema, ...subfold(hex, store.subfolding014), file].join('/');
}

/** Where 2.x puts a hash-addressed object: `<hash_prefix>/<schema>/[fold/]<hash>` (slices not lower-cased: the hash already is). */
export function hashPath2x(store: StoreSpec, schema: string, hash: string): string {
  const folds: string[] = [];
  let at = 0;
  for (const f of store.subfolding2x ?? []) {
    folds.push(hash.slice(at, at + f));
    at += f;
  }
  return [store.hashPrefix, schema, ...folds, hash].join('/');
}

/** Human-readable address of an object: a local path, or `s3://bucket/key`. */
export function describeObject(store: StoreSpec, rel: string): string {
  if (store.protocol === 'file') return filePath(store, rel);
  return `s3://${store.bucket}/${[store.location, rel].filter(Boolean).join('/')}`;
}

const opened = new WeakMap<StoreSpec, ObjectStore>();

/** The object store for a store's settings: one per settings object (for S3, one client with its connections). */
export function objectStore(store: StoreSpec): ObjectStore {
  let s = opened.get(store);
  if (!s) {
    s = store.protocol === 's3' ? new S3ObjectStore(store) : new FileObjectStore(store);
    opened.set(store, s);
  }
  return s;
}

export async function statObject(store: StoreSpec, rel: string, _what?: string): Promise<ObjectStat | null> {
  const st = await objectStore(store).stat(rel);
  return st && { size: st.size, isDir: st.isDir };
}

export async function readObject(store: StoreSpec, rel: string, _what?: string): Promise<Buffer> {
  return objectStore(store).read(rel);
}

/** MD5 of an object, streamed (objects may be large). */
export async function md5OfObject(store: StoreSpec, rel: string, _what?: string): Promise<Buffer> {
  return md5Of(objectStore(store), rel);
}

/** Deletes an object this tool wrote (cleanup of an abandoned operation); absent is fine. */
export async function removeObject(store: StoreSpec, rel: string): Promise<void> {
  await objectStore(store).remove(rel);
}

/**
 * Writes an object the way both libraries do (never visible half-written), never replacing an existing
 * object: content-addressed objects are immutable. If the path exists with the same bytes it is 'exists';
 * with different bytes it is an error (something else owns that path).
 */
export async function writeObjectOnce(
  store: StoreSpec,
  rel: string,
  data: Buffer,
  _what?: string,
): Promise<'written' | 'exists'> {
  const os = objectStore(store);
  if (await os.stat(rel)) {
    if ((await os.read(rel)).equals(data)) return 'exists';
    throw differentContent(store, rel);
  }
  await os.putOnce(rel, once(data), { md5: createHash('md5').update(data).digest() });
  return 'written';
}

async function* once(data: Buffer): AsyncIterable<Buffer> {
  yield data;
}

function differentContent(store: StoreSpec, rel: string): StoreConfigError {
  return new StoreConfigError(
    `store ${JSON.stringify(store.name)}: ${rel} already exists with different content; not overwriting it`,
  );
}

/**
 * Copies an object from one store to another (optionally behind a prefix, as attachments get `name\0`),
 * checking the MD5 of what is written against `md5` before it becomes visible. Between two S3 stores on the
 * same endpoint an unprefixed copy is server-side (CopyObject); otherwise the bytes stream through, memory
 * bounded whatever the object's size. An existing target is kept if it hashes right ('exists'), else refused.
 */
export async function copyObjectOnce(
  from: StoreSpec,
  fromRel: string,
  to: StoreSpec,
  toRel: string,
  opts: { md5: Buffer; prefix?: Buffer; what?: string /** the source's size, when known */; size?: number },
): Promise<{ result: 'written' | 'exists'; size: number }> {
  const src = objectStore(from);
  const dst = objectStore(to);
  const existing = await dst.stat(toRel);
  if (existing) {
    const quick = existing.etag && /^[0-9a-f]{32}$/i.test(existing.etag) ? Buffer.from(existing.etag, 'hex') : null;
    if (!quick?.equals(opts.md5) && !(await md5Of(dst, toRel)).equals(opts.md5)) throw differentContent(to, toRel);
    return { result: 'exists', size: existing.size };
  }
  try {
    if (!opts.prefix && src instanceof S3ObjectStore && dst instanceof S3ObjectStore && dst.sameEndpoint(src)) {
      const size = await dst.copyFrom(src, fromRel, toRel, opts.md5, opts.size);
      if (size !== null) return { result: 'written', size };
    }
    const size = await dst.putOnce(toRel, prefixed(opts.prefix, await src.open(fromRel)), { md5: opts.md5 });
    return { result: 'written', size };
  } catch (e) {
    if (e instanceof ObjectDigestMismatch)
      throw new ObjectDigestMismatch(`${describeObject(from, fromRel)}: ${e.message}`);
    throw e;
  }
}

/**
 * The object requests a transfer makes, for dry runs and logs: `[COPY a → b]` for a server-side copy,
 * `[GET a; PUT b]` for a streamed one (`PUT multipart` above the part size); empty between file stores.
 */
export function transferOps(
  from: StoreSpec,
  fromRel: string,
  to: StoreSpec,
  toRel: string,
  size: number,
  framed: boolean,
): string {
  if (from.protocol === 'file' && to.protocol === 'file') return '';
  const a = describeObject(from, fromRel);
  const b = describeObject(to, toRel);
  if (!framed && from.protocol === 's3' && to.protocol === 's3' && sameS3Endpoint(from, to))
    return ` [COPY ${a} → ${b}]`;
  const put = size > DEFAULT_PART_SIZE ? 'PUT multipart' : 'PUT';
  return ` [${from.protocol === 's3' ? 'GET' : 'read'} ${a}; ${to.protocol === 's3' ? put : 'write'} ${b}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

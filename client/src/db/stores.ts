// External store settings and object access for both DataJoint versions (storage-formats.md A3, B7, B9, C.0).
// One StoreSpec describes a store as both versions see it: 0.14.6 wrote `<schema>/<fold>/<uuid hex>` with its
// own subfolding (default 2,2); 2.x writes `_hash/<schema>/[fold/]<base32>` with its subfolding (default none).
// File stores are fully supported; S3 stores are described (paths, keys) but any object I/O raises
// StoreIoUnavailable with a message naming what needs it.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

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
}

export type StoreMap = Record<string, StoreSpec>;

/** Which library wrote a config file: decides how `subfolding` and `secure` are read. */
export type StoreConfigFlavor = '0.14.6' | '2.x';

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/** Object I/O that needs S3 access, which is not built yet. Says what needed it and how to proceed. */
export class StoreIoUnavailable extends Error {
  override name = 'StoreIoUnavailable';
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
  }
  return spec;
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

/** The local path of an object in a file store. Refuses paths that would leave the store root. */
export function filePath(store: StoreSpec, rel: string): string {
  const full = path.resolve(store.location, rel);
  const root = path.resolve(store.location);
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new StoreConfigError(
      `store ${JSON.stringify(store.name)}: path ${JSON.stringify(rel)} leaves the store root`,
    );
  }
  return full;
}

function requireFile(store: StoreSpec, what: string): void {
  if (store.protocol !== 'file') {
    throw new StoreIoUnavailable(
      `store ${JSON.stringify(store.name)} is on S3 (${store.endpoint}/${store.bucket}); ${what} needs object access, ` +
        'which is not built yet. Pointer-only conversion of blobs and file paths works without it; ' +
        'for this step, mount the bucket locally and describe the store as protocol "file" in --stores.',
    );
  }
}

export interface ObjectStat {
  size: number;
  isDir: boolean;
}

export async function statObject(store: StoreSpec, rel: string, what = 'checking a file'): Promise<ObjectStat | null> {
  requireFile(store, what);
  try {
    const st = await fsp.stat(filePath(store, rel));
    return { size: st.size, isDir: st.isDirectory() };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

export async function readObject(store: StoreSpec, rel: string, what = 'reading a file'): Promise<Buffer> {
  requireFile(store, what);
  try {
    return await fsp.readFile(filePath(store, rel));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new StoreObjectMissing(store.name, rel, filePath(store, rel));
    throw e;
  }
}

/** MD5 of an object, streamed (files may be large). */
export async function md5OfObject(store: StoreSpec, rel: string, what = 'verifying a file hash'): Promise<Buffer> {
  requireFile(store, what);
  const full = filePath(store, rel);
  const hash = createHash('md5');
  try {
    for await (const chunk of fs.createReadStream(full)) hash.update(chunk as Buffer);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreObjectMissing(store.name, rel, full);
    throw e;
  }
  return hash.digest();
}

/**
 * Writes an object the way both libraries do (to `<path>.saving`, then rename), never replacing an existing
 * object: content-addressed objects are immutable. If the path exists with the same bytes it is 'exists';
 * with different bytes it is an error (something else owns that path).
 */
export async function writeObjectOnce(
  store: StoreSpec,
  rel: string,
  data: Buffer,
  what = 'writing a file',
): Promise<'written' | 'exists'> {
  requireFile(store, what);
  const full = filePath(store, rel);
  const existing = await readIfExists(full);
  if (existing) {
    if (existing.equals(data)) return 'exists';
    throw new StoreConfigError(
      `store ${JSON.stringify(store.name)}: ${rel} already exists with different content; not overwriting it`,
    );
  }
  await fsp.mkdir(path.dirname(full), { recursive: true });
  const temp = `${full}.saving.${randomBytes(4).toString('hex')}`;
  await fsp.writeFile(temp, data, { flag: 'wx' });
  try {
    await fsp.rename(temp, full);
  } catch (e) {
    await fsp.rm(temp, { force: true });
    throw e;
  }
  return 'written';
}

/** A copied object whose bytes do not hash to what the database recorded. */
export class ObjectDigestMismatch extends Error {
  override name = 'ObjectDigestMismatch';
}

/**
 * Streams an object from one store to another (optionally behind a prefix, as attachments get `name\0`),
 * checking the MD5 of what is written against `md5` before it becomes visible. Memory stays bounded whatever
 * the object's size. An existing target is kept if it hashes right ('exists') and refused otherwise.
 */
export async function copyObjectOnce(
  from: StoreSpec,
  fromRel: string,
  to: StoreSpec,
  toRel: string,
  opts: { md5: Buffer; prefix?: Buffer; what?: string },
): Promise<{ result: 'written' | 'exists'; size: number }> {
  const what = opts.what ?? 'copying a file';
  requireFile(from, what);
  requireFile(to, what);
  const source = filePath(from, fromRel);
  const target = filePath(to, toRel);
  const existing = await statObject(to, toRel, what);
  if (existing) {
    const digest = await md5OfObject(to, toRel, what);
    if (!digest.equals(opts.md5))
      throw new StoreConfigError(
        `store ${JSON.stringify(to.name)}: ${toRel} already exists with different content; not overwriting it`,
      );
    return { result: 'exists', size: existing.size };
  }
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.copying.${randomBytes(4).toString('hex')}`;
  const hash = createHash('md5');
  let size = 0;
  const out = fs.createWriteStream(temp, { flags: 'wx' });
  try {
    const write = (chunk: Buffer) =>
      new Promise<void>((resolve, reject) => {
        hash.update(chunk);
        size += chunk.length;
        out.write(chunk, (e) => (e ? reject(e) : resolve()));
      });
    if (opts.prefix) await write(opts.prefix);
    try {
      for await (const chunk of fs.createReadStream(source)) await write(chunk as Buffer);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreObjectMissing(from.name, fromRel, source);
      throw e;
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const digest = hash.digest();
    if (!digest.equals(opts.md5)) {
      throw new ObjectDigestMismatch(
        `${describeObject(from, fromRel)}: md5 of the copied object is ${digest.toString('hex')}, the database recorded ${opts.md5.toString('hex')}`,
      );
    }
    await fsp.rename(temp, target);
    return { result: 'written', size };
  } finally {
    out.destroy();
    await fsp.rm(temp, { force: true });
  }
}

async function readIfExists(full: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// One 0.14.6 external pointer (a `~external_<store>` row referenced from a binary(16) column) → the JSON
// metadata 2.x reads, exactly per storage-formats.md §C.2. Used by `db copy` (per row) and by
// `db migrate-pointers` (in place). What each kind needs:
//   blob@S      pointer-only: path = the 0.14.6 file, hash = base32 of the 0.14.6 uuid (md5 of the file);
//               relocate: the bytes copied into the 2.x `_hash/` layout of the destination store, md5 checked.
//               0.11 carry-overs (`filepath` set): path = filepath, hash from contents_hash.
//   attach@S    always rewritten as `name\0contents` into `_hash/`: 2.x hashes and splits that framing, and
//               0.14.6 stored only the contents, so pointer-only is impossible.
//   filepath@S  path/store/size/is_dir/timestamp/hash; files untouched.
import type { Queryable } from './connection';
import { base32Hash, uuidHex } from './hash';
import { qt, placeholders } from './sql';
import {
  copyObjectOnce,
  describeObject,
  hashPath2x,
  md5OfObject,
  path014,
  statObject,
  ObjectDigestMismatch,
  StoreConfigError,
  StoreObjectMissing,
  transferOps,
  type StoreSpec,
} from './stores';

export type PointerKind = 'blob' | 'attach' | 'filepath';

/** A row of `~external_<store>` as mysql2 returns it (binary as Buffer, bigint as string, timestamp as UTC text). */
export interface ExternalRow {
  hash: Buffer;
  size: string | number;
  attachment_name: string | null;
  filepath: string | null;
  contents_hash: Buffer | null;
  timestamp: string;
}

/** The JSON a 2.x in-store column holds (hash-addressed: hash/path/schema/store/size; filepath: path/store/size/is_dir/timestamp/hash). */
export type PointerJson = Record<string, unknown>;

export interface ConvertContext {
  /** The schema the 0.14.6 pointer belongs to: it names the folder of the 0.14.6 files. */
  sourceSchema: string;
  /** The schema the JSON will live in: its `schema` field and its `_hash/<schema>/` folder. */
  targetSchema: string;
  /** The 0.14.6 store holding the objects. */
  store: StoreSpec;
  /** Where rewritten or relocated objects go (default: `store`). */
  destStore?: StoreSpec;
  /** Copy blobs into the 2.x `_hash/` layout instead of pointing at the 0.14.6 files. */
  relocate: boolean;
  /** Describe file writes instead of doing them (reads still happen where the JSON needs them). */
  dryRun: boolean;
  /** Also check that each referenced file exists with the right size and hash (needs file access). */
  verify?: boolean;
}

export interface ConvertedPointer {
  json: PointerJson;
  /** File operations done (or, in a dry run, to be done), one human-readable line each. */
  fileOps: string[];
  /** Objects this call created (for cleanup when a larger operation is abandoned). */
  written: { store: StoreSpec; path: string }[];
  /** True when the JSON points at a file the 0.14.6 schema also uses (pointer-only blobs, file paths). */
  sharesSourceFile: boolean;
}

/** A pointer that cannot be converted: bad ~external row, hash mismatch, wrong kind. */
export class PointerError extends Error {
  override name = 'PointerError';
}

export const ATTACH_POINTER_ONLY_IMPOSSIBLE =
  'attachments cannot be migrated pointer-only: 0.14.6 stored the file contents under <hash>.<name>, while 2.x ' +
  'reads the object at `path`, checks base32(md5(object)) against `hash` and splits the name off at the first NUL; ' +
  'the object must be rewritten as name + NUL + contents into the _hash/ layout (the hash stays the same).';

export async function convertPointer(
  kind: PointerKind,
  row: ExternalRow,
  ctx: ConvertContext,
): Promise<ConvertedPointer> {
  if (!Buffer.isBuffer(row.hash) || row.hash.length !== 16) throw new PointerError('~external row has no 16-byte hash');
  switch (kind) {
    case 'blob':
      return row.filepath !== null ? convertLegacyBlob(row, ctx) : convertBlob(row, ctx);
    case 'attach':
      return convertAttach(row, ctx);
    case 'filepath':
      return convertFilepath(row, ctx);
  }
}

async function convertBlob(row: ExternalRow, ctx: ConvertContext): Promise<ConvertedPointer> {
  if (row.attachment_name !== null)
    throw new PointerError(
      `${hexOf(row)}: the ~external row is an attachment but the column is blob@${ctx.store.name}`,
    );
  const hash = base32Hash(row.hash);
  const source = path014(ctx.store, ctx.sourceSchema, uuidHex(row.hash));
  const size = sizeOf(row);
  if (!ctx.relocate) {
    if (ctx.verify) await verifyObject(ctx.store, source, row.hash, size);
    return {
      json: hashJson(hash, source, ctx.targetSchema, ctx.store.name, size),
      fileOps: [],
      written: [],
      sharesSourceFile: true,
    };
  }
  const dest = ctx.destStore ?? ctx.store;
  const target = hashPath2x(dest, ctx.targetSchema, hash);
  const op = `copy ${ctx.store.name}:${source} → ${dest.name}:${target} (${size} bytes, md5 checked)${transferOps(ctx.store, source, dest, target, size, false)}`;
  if (ctx.dryRun) {
    if (ctx.verify) await verifyObject(ctx.store, source, row.hash, size);
    return {
      json: hashJson(hash, target, ctx.targetSchema, dest.name, size),
      fileOps: [await plannedCopy(dest, target, row.hash, op)],
      written: [],
      sharesSourceFile: false,
    };
  }
  const { result, size: copied } = await copyVerified(ctx.store, source, dest, target, row.hash, 'relocating a blob', {
    size,
  });
  return {
    json: hashJson(hash, target, ctx.targetSchema, dest.name, copied),
    fileOps: [result === 'written' ? op : `${op}: already present with the same bytes`],
    written: result === 'written' ? [{ store: dest, path: target }] : [],
    sharesSourceFile: false,
  };
}

/** A blob 0.14.6 carried over from 0.11: the file is `filepath`, its md5 is `contents_hash` (§A3, §C.2). */
async function convertLegacyBlob(row: ExternalRow, ctx: ConvertContext): Promise<ConvertedPointer> {
  const source = row.filepath as string;
  const size = sizeOf(row);
  const digest =
    row.contents_hash ??
    (await md5OfObject(ctx.store, source, 'hashing a blob carried over from 0.11 (its contents_hash is empty)'));
  const hash = base32Hash(digest);
  if (!ctx.relocate) {
    if (ctx.verify) await verifyObject(ctx.store, source, digest, size);
    return {
      json: hashJson(hash, source, ctx.targetSchema, ctx.store.name, size),
      fileOps: [],
      written: [],
      sharesSourceFile: true,
    };
  }
  const dest = ctx.destStore ?? ctx.store;
  const target = hashPath2x(dest, ctx.targetSchema, hash);
  const op = `copy ${ctx.store.name}:${source} → ${dest.name}:${target} (0.11 blob, ${size} bytes, md5 checked)${transferOps(ctx.store, source, dest, target, size, false)}`;
  if (ctx.dryRun)
    return {
      json: hashJson(hash, target, ctx.targetSchema, dest.name, size),
      fileOps: [await plannedCopy(dest, target, digest, op)],
      written: [],
      sharesSourceFile: false,
    };
  const { result, size: copied } = await copyVerified(ctx.store, source, dest, target, digest, 'relocating a blob', {
    size,
  });
  return {
    json: hashJson(hash, target, ctx.targetSchema, dest.name, copied),
    fileOps: [result === 'written' ? op : `${op}: already present with the same bytes`],
    written: result === 'written' ? [{ store: dest, path: target }] : [],
    sharesSourceFile: false,
  };
}

async function convertAttach(row: ExternalRow, ctx: ConvertContext): Promise<ConvertedPointer> {
  const name = row.attachment_name;
  if (name === null)
    throw new PointerError(
      `${hexOf(row)}: the ~external row has no attachment_name, but the column is attach@${ctx.store.name}`,
    );
  const dest = ctx.destStore ?? ctx.store;
  const hash = base32Hash(row.hash);
  const source = path014(ctx.store, ctx.sourceSchema, uuidHex(row.hash), name);
  const target = hashPath2x(dest, ctx.targetSchema, hash);
  const nameBytes = Buffer.from(name, 'utf8');
  const size = nameBytes.length + 1 + sizeOf(row);
  const op = `rewrite ${ctx.store.name}:${source} → ${dest.name}:${target} as name + NUL + contents (${size} bytes, md5 checked)${transferOps(ctx.store, source, dest, target, size, true)}`;
  if (ctx.dryRun) {
    if (ctx.verify) await verifyObject(ctx.store, source, null, sizeOf(row));
    return {
      json: hashJson(hash, target, ctx.targetSchema, dest.name, size),
      fileOps: [await plannedCopy(dest, target, row.hash, op)],
      written: [],
      sharesSourceFile: false,
    };
  }
  const { result, size: framed } = await copyVerified(
    ctx.store,
    source,
    dest,
    target,
    row.hash,
    'rewriting an attachment',
    { prefix: Buffer.concat([nameBytes, Buffer.from([0])]) },
  );
  return {
    json: hashJson(hash, target, ctx.targetSchema, dest.name, framed),
    fileOps: [result === 'written' ? op : `${op}: already present with the same bytes`],
    written: result === 'written' ? [{ store: dest, path: target }] : [],
    sharesSourceFile: false,
  };
}

async function convertFilepath(row: ExternalRow, ctx: ConvertContext): Promise<ConvertedPointer> {
  const rel = row.filepath;
  if (rel === null)
    throw new PointerError(
      `${hexOf(row)}: the ~external row has no filepath, but the column is filepath@${ctx.store.name}`,
    );
  const size = sizeOf(row);
  if (ctx.verify) {
    const st = await statObject(ctx.store, rel, 'verifying a file path');
    if (!st) throw new StoreObjectMissing(ctx.store.name, rel, describeObject(ctx.store, rel));
    if (st.size !== size)
      throw new PointerError(`file ${describeObject(ctx.store, rel)} has ${st.size} bytes; ~external records ${size}`);
    if (row.contents_hash) {
      const digest = await md5OfObject(ctx.store, rel);
      if (!digest.equals(row.contents_hash))
        throw new PointerError(
          `file ${describeObject(ctx.store, rel)} changed since 0.14.6 recorded it: md5 ${digest.toString('hex')}, recorded ${uuidHex(row.contents_hash)}`,
        );
    }
  }
  const json: PointerJson = {
    path: rel,
    store: ctx.store.name,
    size,
    is_dir: false,
    timestamp: isoTimestamp(row.timestamp),
  };
  if (row.contents_hash) json.hash = base32Hash(row.contents_hash);
  return { json, fileOps: [], written: [], sharesSourceFile: true };
}

function hashJson(hash: string, path: string, schema: string, store: string, size: number): PointerJson {
  return { hash, path, schema, store, size };
}

async function verifyObject(store: StoreSpec, rel: string, digest: Buffer | null, size: number): Promise<void> {
  const st = await statObject(store, rel, 'verifying a file');
  if (!st) throw new StoreObjectMissing(store.name, rel, describeObject(store, rel));
  if (st.size !== size)
    throw new PointerError(`${describeObject(store, rel)} has ${st.size} bytes; ~external records ${size}`);
  if (digest) {
    const actual = await md5OfObject(store, rel);
    if (!actual.equals(digest))
      throw new PointerError(
        `${describeObject(store, rel)}: md5 ${actual.toString('hex')} does not match ${uuidHex(digest)}`,
      );
  }
}

/**
 * The file operation a dry run lists for a copy into `to:toRel`, decided as copyObjectOnce decides it: an object
 * already there with the right md5 is left alone (the real run reports it "already present"), one with other
 * content makes the real run refuse, so the dry run does too; only an absent object is a write to come.
 */
async function plannedCopy(to: StoreSpec, toRel: string, digest: Buffer, op: string): Promise<string> {
  if (!(await statObject(to, toRel, 'planning a copy'))) return op;
  if (!(await md5OfObject(to, toRel, 'planning a copy')).equals(digest))
    throw new StoreConfigError(
      `store ${JSON.stringify(to.name)}: ${toRel} already exists with different content; not overwriting it`,
    );
  return `${op}: already present with the same bytes`;
}

/** Streams the object into place, md5 checked before it becomes visible; a mismatch is the pointer's problem. */
async function copyVerified(
  from: StoreSpec,
  fromRel: string,
  to: StoreSpec,
  toRel: string,
  digest: Buffer,
  what: string,
  { prefix, size }: { prefix?: Buffer; size?: number },
): Promise<{ result: 'written' | 'exists'; size: number }> {
  try {
    return await copyObjectOnce(from, fromRel, to, toRel, { md5: digest, prefix, what, size });
  } catch (e) {
    if (e instanceof ObjectDigestMismatch) {
      throw new PointerError(
        `${e.message}${prefix ? ' (as name + NUL + contents)' : ''}; the file was changed after 0.14.6 stored it`,
      );
    }
    throw e;
  }
}

function sizeOf(row: ExternalRow): number {
  const n = Number(row.size);
  if (!Number.isSafeInteger(n) || n < 0) throw new PointerError(`${hexOf(row)}: size ${row.size} is not a byte count`);
  return n;
}

function hexOf(row: ExternalRow): string {
  return `~external object ${uuidHex(row.hash)}`;
}

/** `2026-11-26 06:09:12[.ffffff]` (a UTC session's TIMESTAMP text) → `2026-11-26T06:09:12[.ffffff]+00:00`, as Python's isoformat. */
export function isoTimestamp(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(String(text));
  if (!m) throw new PointerError(`unexpected ~external timestamp ${JSON.stringify(text)}`);
  const frac = m[3] && Number(m[3].slice(1)) !== 0 ? m[3].slice(0, 7).padEnd(7, '0') : '';
  return `${m[1]}T${m[2]}${frac}+00:00`;
}

/** The `~external_<store>` rows for some pointers, keyed by hex. Missing keys are dangling pointers. */
export async function fetchExternalRows(
  db: Queryable,
  schema: string,
  store: string,
  hashes: readonly Buffer[],
): Promise<Map<string, ExternalRow>> {
  const out = new Map<string, ExternalRow>();
  const unique = [...new Map(hashes.map((h) => [h.toString('hex'), h])).values()];
  for (let i = 0; i < unique.length; i += 500) {
    const batch = unique.slice(i, i + 500);
    const rows = await db.query<ExternalRow>(
      `SELECT hash, size, attachment_name, filepath, contents_hash, timestamp FROM ${qt(schema, `~external_${store}`)} WHERE hash IN (${placeholders(batch.length)})`,
      batch,
    );
    for (const r of rows) out.set(r.hash.toString('hex'), r);
  }
  return out;
}

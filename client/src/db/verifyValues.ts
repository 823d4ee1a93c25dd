// `db verify` reads the values themselves, not only their labels and files: every `<blob>` value is
// decoded with the blob reader (blob.ts, the same checks as DataJoint's blob.py), every attachment must be
// `name\0contents`. A blob whose bytes were overwritten is copied byte for byte and compares equal to its
// source, so only decoding finds it. Rows stream one at a time (bounded memory); undecodable values are
// reported by primary key.
import type { Db, Row } from './connection';
import type { Column, Table } from './model';
import { BlobFormatError, unpackBlob } from './blob';
import { q, qt } from './sql';

export type DecodedKind = 'blob' | 'attach';

/** Why the bytes are not a readable DataJoint blob, or null when they decode. */
export function blobProblem(bytes: Buffer): string | null {
  try {
    unpackBlob(bytes);
    return null;
  } catch (e) {
    // BlobFormatError for what blob.py would reject; anything else thrown on these bytes is as undecodable.
    return e instanceof BlobFormatError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Longest attachment file name DataJoint writes before the NUL (a file name, so at most 255 bytes). */
const MAX_ATTACH_NAME = 255;

/** Why the bytes are not `name\0contents` (how 2.x stores attachments, in the row or in a store), or null. */
export function attachProblem(bytes: Buffer): string | null {
  const nul = bytes.subarray(0, MAX_ATTACH_NAME + 1).indexOf(0);
  if (nul < 0) return 'no file name: an attachment is name + NUL + contents';
  if (nul === 0) return 'empty file name';
  const name = bytes.subarray(0, nul).toString('utf8');
  if (name.includes('\uFFFD')) return 'the file name is not UTF-8';
  if (/[/\\]/.test(name)) return `the file name ${JSON.stringify(name)} contains a path separator`;
  return null;
}

export function decodeProblem(kind: DecodedKind, bytes: Buffer): string | null {
  return kind === 'blob' ? blobProblem(bytes) : attachProblem(bytes);
}

/** What verify decodes in a column stored in the row: labelled `<blob>` and `<attach>` columns. */
export function inRowDecodedKind(c: Column): DecodedKind | null {
  if (c.storage.form === 'blob' && c.label2x != null) return 'blob';
  if (c.storage.form === 'attach') return 'attach';
  return null;
}

export interface DecodeFailures {
  /** Values read. */
  values: number;
  /** Undecodable values. */
  failed: number;
  /** The first few, as `key (why)`. */
  examples: string[];
}

/** Decode every (or the first `limit`) non-null value of an in-row `<blob>` / `<attach>` column, streaming. */
export async function decodeColumn(
  db: Db,
  t: Table,
  c: Column,
  kind: DecodedKind,
  opts: { limit?: number; maxExamples: number; signal?: AbortSignal },
): Promise<DecodeFailures> {
  const keyCols = t.primaryKey.length ? t.primaryKey : [];
  const out: DecodeFailures = { values: 0, failed: 0, examples: [] };
  const limit = opts.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(opts.limit))}` : '';
  const select = [...keyCols.map(q), `${q(c.name)} AS ${q('__value')}`].join(', ');
  for await (const r of db.stream(
    `SELECT ${select} FROM ${qt(t.schema, t.name)} WHERE ${q(c.name)} IS NOT NULL${limit}`,
  )) {
    if (opts.signal?.aborted) throw new Error('verification cancelled');
    out.values++;
    const raw = r.__value;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8');
    const why = decodeProblem(kind, bytes);
    if (!why) continue;
    out.failed++;
    if (out.examples.length < opts.maxExamples) out.examples.push(`${keyText(r, keyCols)} (${why})`);
  }
  return out;
}

export function keyText(r: Row, keyCols: readonly string[]): string {
  return keyCols.map((k) => `${k}=${Buffer.isBuffer(r[k]) ? `0x${r[k].toString('hex')}` : String(r[k])}`).join(', ');
}

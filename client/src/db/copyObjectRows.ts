// The rows of `db copy`'s object tables: `~external_<store>` fields as the copy reads them (`__e0_<field>`),
// and the batches the client sends.
import type { Row } from './connection';
import { valueBytes } from './chunks';
import type { ExternalRow } from './pointers';

export const EXTERNAL_FIELDS = ['hash', 'size', 'attachment_name', 'filepath', 'contents_hash', 'timestamp'] as const;

/** The `~external` row selected as `<prefix><i>_<field>` (null when the pointer dangles). */
export function externalRow(r: Row, i: number, prefix = '__e'): ExternalRow | null {
  const f = (name: string) => r[`${prefix}${i}_${name}`];
  if (f('hash') === null || f('hash') === undefined) return null;
  return {
    hash: f('hash') as Buffer,
    size: f('size') as string | number,
    attachment_name: asText(f('attachment_name')),
    filepath: asText(f('filepath')),
    contents_hash: (f('contents_hash') as Buffer | null) ?? null,
    timestamp: String(f('timestamp')),
  };
}

export function externalFields(r: ExternalRow | null): Row {
  return Object.fromEntries(EXTERNAL_FIELDS.map((f) => [`__e0_${f}`, r ? r[f] : null]));
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export function* batches(rows: unknown[][], maxBytes: number): Generator<unknown[][]> {
  let batch: unknown[][] = [];
  let bytes = 0;
  for (const r of rows) {
    const b = r.reduce<number>((s, v) => s + valueBytes(v), 0);
    if (batch.length && (bytes + b > maxBytes || batch.length >= 1000)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(r);
    bytes += b;
  }
  if (batch.length) yield batch;
}

// The in-store values verify checks (verify.ts for MySQL, verifyPg.ts for PostgreSQL), whatever server they
// come from: each JSON value well-formed as 2.x reads it, its store configured, its file present with the
// recorded size and hash, and a stored blob or attachment decodable. Each distinct file is looked at once.
import { isBase32Hash, base32Hash } from './hash';
import { describeObject, md5OfObject, readObject, statObject, StoreIoUnavailable, type StoreMap } from './stores';
import { StoreAccessError } from './stores/objectStore';
import { LruMap } from './lruMap';
import { decodeProblem } from './verifyValues';
import type { TableVerdict, VerifyOptions } from './verify';

const HASH_CODECS = new Set(['blob', 'attach', 'hash']);
/** Objects whose verdict is remembered per column (a few hundred bytes each). */
const CHECKED_OBJECTS = 50_000;
/** At most this many examples per column in a reason; the count says how many there were. */
const EXAMPLES = 3;

interface PointerProblem {
  count: number;
  examples: string[];
}

export interface PointerColumn {
  /** `schema.table`, for progress. */
  table: string;
  column: string;
  /** `blob`, `attach`, `filepath`, `hash`, … or `custom` for a custom codec over a store. */
  codec: string;
  /** The store the label names ('' for the default store). */
  labelStore: string;
  /** Non-null values in the column (for progress). */
  total: number;
}

/** Check every value of `rows` (the key as `k=v, …` text and the JSON as text, bytes or parsed). */
export async function checkPointerValues(
  source: AsyncIterable<{ key: string; value: unknown }>,
  col: PointerColumn,
  v: TableVerdict,
  opts: VerifyOptions,
): Promise<void> {
  const { codec, labelStore } = col;
  const problems = new Map<string, PointerProblem>();
  const problem = (kind: string, example: string) => {
    const p = problems.get(kind) ?? { count: 0, examples: [] };
    p.count++;
    if (p.examples.length < EXAMPLES) p.examples.push(example);
    problems.set(kind, p);
  };
  // store:path:hash → problem kind (null = fine); bounded, least recently seen forgotten first (a shared object
  // stays; forgetting one only means checking its file again).
  const checked = new LruMap<string, string | null>(CHECKED_OBJECTS);
  const total = col.total;
  let rows = 0;
  const started = Date.now();
  for await (const r of source) {
    if (opts.signal?.aborted) throw new Error('verification cancelled');
    rows++;
    const key = r.key;
    let meta: Record<string, unknown>;
    try {
      const raw = r.value;
      meta = (
        typeof raw === 'string' ? JSON.parse(raw) : Buffer.isBuffer(raw) ? JSON.parse(raw.toString('utf8')) : raw
      ) as Record<string, unknown>;
    } catch {
      problem('value is not JSON', key);
      continue;
    }
    const malformed = shapeProblem(codec, meta);
    if (malformed) {
      problem(malformed, key);
      continue;
    }
    const storeName = (meta.store as string | null) ?? (labelStore || null);
    if (!storeName) {
      problem('no store (JSON store is null and the label names none)', key);
      continue;
    }
    const store = opts.stores[storeName];
    if (!store) {
      problem(
        `store ${storeName} is not in the store settings${Object.keys(opts.stores).length ? '' : ' (pass --stores FILE)'}`,
        key,
      );
      continue;
    }
    const hash = typeof meta.hash === 'string' ? meta.hash : null;
    const id = `${storeName}\u0000${meta.path}\u0000${hash}\u0000${meta.size}`;
    let found = checked.get(id);
    if (found === undefined) {
      const rel = meta.path as string;
      found = await fileProblem(store, rel, hash, codec === 'filepath' ? (meta.size as number | null) : null);
      // The file is there and intact: its contents must also decode (a blob) or name the file (an attachment).
      if (!found && (codec === 'blob' || codec === 'attach')) {
        const why = decodeProblem(codec, await readObject(store, rel, 'verifying a stored value'));
        if (why) found = `stored <${codec}> does not decode: ${why}`;
      }
      checked.set(id, found);
    }
    if (found) problem(found, `${key} (${describeObject(store, meta.path as string)})`);
    if (rows % 100 === 0)
      opts.onProgress?.({
        table: col.table,
        rows,
        total: Number(total),
        etaMs: Math.round(((Date.now() - started) / rows) * Math.max(0, Number(total) - rows)),
      });
  }
  v.checkedValues += rows;
  for (const [kind, p] of problems) {
    v.reasons.push(`${col.column}: ${kind} — ${p.count} value${p.count > 1 ? 's' : ''}, e.g. ${p.examples.join('; ')}`);
  }
  if (opts.sample !== undefined && rows < Number(total))
    v.notes.push(`${col.column}: checked a sample of ${rows} of ${total} values`);
}

/** Well-formedness of the JSON 2.x reads (hash_registry.py, objectref.py): what is missing or of the wrong kind. */
function shapeProblem(codec: string, meta: unknown): string | null {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return 'value is not a JSON object';
  const m = meta as Record<string, unknown>;
  if (typeof m.path !== 'string' || m.path === '') return 'JSON has no path';
  if (m.store !== undefined && m.store !== null && typeof m.store !== 'string') return 'JSON store is not a string';
  if (HASH_CODECS.has(codec)) {
    if (!isBase32Hash(m.hash))
      return `JSON hash ${JSON.stringify(m.hash)} is not a 26-character base32 MD5 (a 0.14.6-style hex hash fails 2.x's check)`;
  } else if (codec === 'custom') {
    if (m.hash !== undefined && !isBase32Hash(m.hash)) return `JSON hash ${JSON.stringify(m.hash)} is not a base32 MD5`;
  } else if (codec === 'filepath') {
    if (!('size' in m) || (m.size !== null && typeof m.size !== 'number'))
      return 'filepath JSON has no size (2.x ObjectRef requires it)';
    if (m.hash !== undefined && !isBase32Hash(m.hash)) return `JSON hash ${JSON.stringify(m.hash)} is not a base32 MD5`;
  }
  return null;
}

async function fileProblem(
  store: StoreMap[string],
  rel: string,
  hash: string | null,
  size: number | null,
): Promise<string | null> {
  try {
    const st = await statObject(store, rel, 'verifying in-store files');
    if (!st) return 'file missing';
    if (st.isDir) return hash ? 'path is a directory' : null;
    if (size !== null && size !== undefined && st.size !== size) return 'file size differs from the JSON size';
    if (hash && base32Hash(await md5OfObject(store, rel)) !== hash) return 'file content does not match the JSON hash';
    return null;
  } catch (e) {
    if (e instanceof StoreAccessError) return `cannot check files: ${e.problem === 'other' ? e.message : e.storeWide}`;
    if (e instanceof StoreIoUnavailable) return `cannot check files: ${e.message}`;
    throw e;
  }
}

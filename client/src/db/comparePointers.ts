// A 0.14.6 in-store pointer (with its `~external_*` row, read in the same query) against the 2.x JSON the test
// side holds: hash, path and store by what the rows record, then the stored file itself when stores are configured.
import fs from 'node:fs';
import type { Row } from './connection';
import type { Column } from './model';
import { asText } from './compareValues';
import { base32Hash } from './hash';
import { statObject, md5OfObject, type StoreMap } from './stores';
import { filePath } from './stores/fileStore';

/**
 * How compare looks at the file a test-side JSON points at: `present` (there), `exists` (there, and of the size
 * the JSON records: one stat per object), `hash` (also of the right md5: every byte read), `none` (not at all).
 */
export type FileCheckMode = 'present' | 'exists' | 'hash' | 'none';
export const FILE_CHECK_MODES: readonly FileCheckMode[] = ['present', 'exists', 'hash', 'none'];

/** Which files compare looks at, and where. */
export interface FileCheck {
  mode: FileCheckMode;
  stores?: StoreMap;
}

/**
 * The file the test-side JSON points at, checked as `fileCheck` says; with stores and no mode, `present`.
 * Without store settings (none, or an empty map as `unswap` without --stores passes) files are not looked
 * at: the rows' own record (hash, path, store) is still compared, and a missing setting is no difference.
 */
export function fileCheckOf(opts: { stores?: StoreMap; fileCheck?: FileCheckMode }): FileCheck {
  const stores = opts.stores && Object.keys(opts.stores).length ? opts.stores : undefined;
  return { mode: opts.fileCheck ?? (stores ? 'present' : 'none'), stores };
}

/** Column `i` of a production row read with its `__e<i>_*` fields, against the test side's cell. */
export function comparePointerCell(
  prodStorage: Column['storage'],
  pr: Row,
  i: number,
  testCell: unknown,
  files: FileCheck,
): string | null | Promise<string | null> {
  const pointer = pr['__c' + i] as Buffer | null;
  const text = testCell === null ? null : asText(testCell);
  if (pointer === null || text === null) return pointer === null && text === null ? null : 'NULL on one side';
  const st = prodStorage.form === 'pointer014' ? prodStorage : null;
  if (!st) return 'test holds a 0.14.6 pointer where production holds 2.x JSON';
  if (!pr[`__e${i}_hash`]) return `dangling pointer in production: no ~external_${st.store} row`;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'test value is not JSON';
  }
  const filepath = asText(pr[`__e${i}_filepath`]);
  const contentsHash = (pr[`__e${i}_contents_hash`] as Buffer | null) ?? null;
  if (st.kind === 'filepath') {
    if (json.path !== filepath) return `path differs: ${filepath} vs ${String(json.path)}`;
    if (contentsHash && json.hash !== undefined && json.hash !== base32Hash(contentsHash))
      return 'contents hash differs';
  } else {
    const expected = filepath !== null && contentsHash ? base32Hash(contentsHash) : base32Hash(pointer);
    if (json.hash !== expected) return `content hash differs: expected ${expected}, test has ${String(json.hash)}`;
  }
  if (json.store !== st.store) return `store differs: ${st.store} vs ${String(json.store)}`;
  // A blob's 2.x size is its `~external` row's (the same bytes, pointed at or relocated); an attachment's is not
  // (2.x stores the attachment's name with its bytes).
  const recorded = pr[`__e${i}_size`];
  if (st.kind === 'blob' && recorded !== null && recorded !== undefined && json.size !== Number(recorded))
    return `size differs: ~external_${st.store} records ${String(recorded)} bytes, test has ${String(json.size)}`;
  if (files.mode === 'none') return null;
  const sync = st.kind === 'filepath' ? undefined : checkFileNow(files, json);
  if (sync !== undefined) return sync;
  return checkFile(
    files,
    json,
    st.kind === 'filepath' ? Number(pr[`__e${i}_size`]) : null,
    st.kind === 'filepath' ? contentsHash : null,
  );
}

/**
 * checkFile without a promise where it needs only a stat of a local file (fileCheck=present or exists on a file
 * store, the usual compare): one synchronous stat, no event-loop round trip. undefined when checkFile must run.
 */
function checkFileNow(files: FileCheck, json: Record<string, unknown>): string | null | undefined {
  const store = files.stores?.[String(json.store)];
  if ((files.mode !== 'exists' && files.mode !== 'present') || !store || store.protocol !== 'file') return undefined;
  const rel = String(json.path);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(filePath(store, rel), { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
  }
  if (!st) return `file missing: ${store.name}:${rel}`;
  if (files.mode === 'present') return null;
  const size = typeof json.size === 'number' ? json.size : null;
  if (size !== null && !st.isDirectory() && st.size !== size)
    return `file ${store.name}:${rel} has ${st.size} bytes, expected ${size}`;
  return null;
}

export async function checkFile(
  files: FileCheck,
  json: Record<string, unknown>,
  expectedSize: number | null,
  expectedMd5: Buffer | null,
): Promise<string | null> {
  const mode = files.mode;
  const store = files.stores?.[String(json.store)];
  if (!store) return `store ${String(json.store)} is not configured; cannot check the file`;
  const rel = String(json.path);
  const st = await statObject(store, rel, 'comparing files');
  if (!st) return `file missing: ${store.name}:${rel}`;
  if (mode === 'present') return null;
  const size = expectedSize ?? (typeof json.size === 'number' ? json.size : null);
  if (size !== null && !st.isDir && st.size !== size)
    return `file ${store.name}:${rel} has ${st.size} bytes, expected ${size}`;
  if (mode === 'hash' && !st.isDir) {
    const digest = await md5OfObject(store, rel);
    if (expectedMd5 && !digest.equals(expectedMd5)) return `file ${store.name}:${rel} content changed`;
    if (!expectedMd5 && typeof json.hash === 'string' && base32Hash(digest) !== json.hash)
      return `file ${store.name}:${rel} does not match its hash`;
  }
  return null;
}

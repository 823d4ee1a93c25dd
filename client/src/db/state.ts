// Checkpoints for long database jobs (copy), kept in a JSON file outside the target schemas so that a
// crash or a cancel can resume, and so that the CLI and the extension read the same progress.
// Default location: <project>/.dj-migrate/state/<host>_<port>_<targets>.json (or an explicit --state file).
// Files are owner-only and the .dj-migrate folder ignores itself for git (privateFiles.ts). A checkpoint
// holds only what resuming needs: schema and table names, the last committed key, counts, the selection,
// and the server as host:port (no user, never a password).
import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from './privateFiles';

/** One primary-key value as it travels between the server and the state file. */
export type KeyValue = string | number | Buffer;
/** A primary key, in primary-key column order. */
export type Key = KeyValue[];

/** How a key value is written to JSON: Buffers (binary/uuid keys) as hex, everything else as is. */
type StoredKeyValue = string | number | { hex: string };

export type TableCopyStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface TableCheckpoint {
  /** `source_schema`.`table` → `target_schema`.`table`, for people reading the file. */
  source: string;
  target: string;
  status: TableCopyStatus;
  /** The last primary key whose chunk was committed; null before the first chunk. */
  lastKey: Key | null;
  /** Rows inserted into the target by this job, across the runs that resumed it. */
  rowsCopied: number;
  /** Source rows whose key was already in the target with the same content. */
  rowsAlreadyPresent: number;
  /** Source rows whose key was in the target with different content (reported, never overwritten). */
  rowsConflicting: number;
  startedAt: string | null;
  finishedAt: string | null;
  error?: string;
  /**
   * What selected the rows (restriction, limit). A checkpoint taken under another selection is not
   * resumed from: its last key would skip rows the new selection wants.
   */
  selection: string;
}

export interface CopyState {
  version: 1;
  kind: 'copy';
  /** host:port, for people reading the file (resuming finds the file by its name). */
  server: string;
  /** source schema → target schema */
  pairs: Record<string, string>;
  updatedAt: string;
  tables: Record<string, TableCheckpoint>;
}

/** Where the state file of a job over these target schemas lives by default. */
export function defaultStatePath(projectDir: string, host: string, port: number, targets: readonly string[]): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  const name = `${safe(host)}_${port}_${[...targets].sort().map(safe).join('+')}.json`;
  return path.join(projectDir, '.dj-migrate', 'state', name);
}

/** The key used for a table in `CopyState.tables`. */
export function tableStateKey(sourceSchema: string, table: string): string {
  return `${sourceSchema}.${table}`;
}

/** `server` may be `user@host:port` (Db.describe()): only host:port is kept. */
function hostPort(server: string): string {
  return server.slice(server.lastIndexOf('@') + 1);
}

export function newCopyState(server: string, pairs: Record<string, string>): CopyState {
  return {
    version: 1,
    kind: 'copy',
    server: hostPort(server),
    pairs: { ...pairs },
    updatedAt: new Date().toISOString(),
    tables: {},
  };
}

export function newCheckpoint(source: string, target: string, selection: string): TableCheckpoint {
  return {
    source,
    target,
    status: 'pending',
    lastKey: null,
    rowsCopied: 0,
    rowsAlreadyPresent: 0,
    rowsConflicting: 0,
    startedAt: null,
    finishedAt: null,
    selection,
  };
}

/** Read a state file; null when there is none. A file that is not ours is an error, never overwritten silently. */
export function loadCopyState(file: string): CopyState | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`state file ${file} is not valid JSON (${(e as Error).message}); move it away to start over`);
  }
  const s = raw as CopyState;
  if (s?.version !== 1 || s.kind !== 'copy' || typeof s.tables !== 'object') {
    throw new Error(`state file ${file} is not a dj-migrate copy checkpoint; move it away to start over`);
  }
  for (const t of Object.values(s.tables)) {
    t.lastKey = t.lastKey === null ? null : (t.lastKey as unknown as StoredKeyValue[]).map(decodeKeyValue);
  }
  return s;
}

/** Write atomically (temporary file + rename), so a crash mid-write never leaves a torn checkpoint. */
export function saveCopyState(file: string, state: CopyState): void {
  state.updatedAt = new Date().toISOString();
  const out = {
    ...state,
    server: hostPort(state.server), // a checkpoint written before this rule may still name the user
    tables: Object.fromEntries(
      Object.entries(state.tables).map(([k, t]) => [
        k,
        { ...t, lastKey: t.lastKey === null ? null : t.lastKey.map(encodeKeyValue) },
      ]),
    ),
  };
  writePrivateFile(file, JSON.stringify(out, null, 2) + '\n');
}

function encodeKeyValue(v: KeyValue): StoredKeyValue {
  return Buffer.isBuffer(v) ? { hex: v.toString('hex') } : v;
}

function decodeKeyValue(v: StoredKeyValue): KeyValue {
  if (typeof v === 'object' && v !== null && typeof v.hex === 'string') return Buffer.from(v.hex, 'hex');
  if (typeof v === 'string' || typeof v === 'number') return v;
  throw new Error(`unreadable key value in state file: ${JSON.stringify(v)}`);
}

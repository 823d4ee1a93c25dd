// The file store: objects are files under the store's `location`, written as both libraries do
// (to a temporary name, then renamed), so a half-written object is never visible.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { StoreSpec } from '../stores';
import {
  type ByteSource,
  ObjectDigestMismatch,
  type ObjectStat,
  type ObjectStore,
  StoreConfigError,
  StoreObjectMissing,
} from './objectStore';

/** The local path of an object in a file store. Refuses paths that would leave the store root. */
/** Resolved store roots of absolute locations (a relative one follows the working directory: resolved each time). */
const roots = new Map<string, string>();

export function filePath(store: StoreSpec, rel: string): string {
  const full = path.resolve(store.location, rel);
  let root = roots.get(store.location);
  if (root === undefined) {
    root = path.resolve(store.location);
    if (path.isAbsolute(store.location) && roots.size < 1000) roots.set(store.location, root);
  }
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new StoreConfigError(
      `store ${JSON.stringify(store.name)}: path ${JSON.stringify(rel)} leaves the store root`,
    );
  }
  return full;
}

const missing = (e: unknown) =>
  (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR';

export class FileObjectStore implements ObjectStore {
  constructor(readonly spec: StoreSpec) {}

  // A synchronous stat: copy and compare look at every distinct object of a table, and the thread-pool round
  // trip of fs.stat (about 20 µs) cost ten times the system call itself (a cached directory entry: ~2 µs).
  stat(rel: string): Promise<ObjectStat | null> {
    const full = filePath(this.spec, rel);
    try {
      const st = fs.statSync(full, { throwIfNoEntry: false });
      return Promise.resolve(st ? { size: st.size, isDir: st.isDirectory() } : null);
    } catch (e) {
      return missing(e) ? Promise.resolve(null) : Promise.reject(e);
    }
  }

  async open(rel: string): Promise<ByteSource> {
    const full = filePath(this.spec, rel);
    const handle = await fsp.open(full, 'r').catch((e) => {
      throw missing(e) ? new StoreObjectMissing(this.spec.name, rel, full) : e;
    });
    return handle.createReadStream() as AsyncIterable<Buffer>;
  }

  async read(rel: string): Promise<Buffer> {
    const full = filePath(this.spec, rel);
    try {
      return await fsp.readFile(full);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreObjectMissing(this.spec.name, rel, full);
      throw e;
    }
  }

  async remove(rel: string): Promise<void> {
    await fsp.rm(filePath(this.spec, rel), { force: true });
  }

  async putOnce(rel: string, source: ByteSource, opts: { md5: Buffer }): Promise<number> {
    const target = filePath(this.spec, rel);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.copying.${randomBytes(4).toString('hex')}`;
    const hash = createHash('md5');
    let size = 0;
    const out = fs.createWriteStream(temp, { flags: 'wx' });
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        await new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      const digest = hash.digest();
      if (!digest.equals(opts.md5)) {
        throw new ObjectDigestMismatch(
          `md5 of the copied object is ${digest.toString('hex')}, the database recorded ${opts.md5.toString('hex')}`,
        );
      }
      await fsp.rename(temp, target);
      return size;
    } finally {
      out.destroy();
      await fsp.rm(temp, { force: true });
    }
  }
}

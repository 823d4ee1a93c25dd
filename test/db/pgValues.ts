// Reading a 2.x pipeline on PostgreSQL the way 2.x would, for comparison with dj014/values.json: `<blob>`
// bytea through the blob reader, `<attach>` as name\0contents, in-store JSON through the file it points at,
// booleans as 0.14.6's 0/1, timestamps as Python's isoformat. Plus loading dj2pg (what real 2.x wrote) into a
// scratch database under another prefix, with its stores.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { canonicalize, unpackBlob, type Canonical } from '../../client/src/db/blob';
import { round10 } from '../../client/src/db/blob/canonical';
import { loadStores, type StoreMap } from '../../client/src/db/stores';
import { copyStores } from './harness';
import { runDumpFile, type PgTestDatabase } from './pgHarness';
import { fixturesDir } from '../helpers/paths';

export const values = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'dj014', 'values.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[]
>;

/** `__activity_stats__bin` → `Bin`, `#species` → `Species`: the class names values.json uses. */
export function className(table: string): string {
  const last = table
    .replace(/^[#_]+/, '')
    .split('__')
    .pop() as string;
  return last
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

function attachment(bytes: Buffer): { file: string; md5: string } {
  const nul = bytes.indexOf(0);
  return { file: bytes.subarray(0, nul).toString('utf8'), md5: md5(bytes.subarray(nul + 1)) };
}

function storeFile(stores: StoreMap, json: { store: string; path: string }): Buffer {
  const spec = stores[json.store] as { location: string };
  return fs.readFileSync(path.join(spec.location, json.path));
}

/** One PostgreSQL value (node-pg's default parsing) in values.json's form, by the column's 2.x label. */
function readValue(label: string | null, v: unknown, stores: StoreMap): unknown {
  if (v === null) return null;
  if (label && /^<(blob|graph)>$/.test(label)) return canonicalize(unpackBlob(v as Buffer));
  if (label === '<attach>') return attachment(v as Buffer);
  const stored = label ? /^<(\w+)@[\w-]*>$/.exec(label) : null;
  if (stored) {
    const json = v as { store: string; path: string };
    const bytes = storeFile(stores, json);
    if (stored[1] === 'blob') return canonicalize(unpackBlob(bytes));
    if (stored[1] === 'attach') return attachment(bytes);
    return { file: path.basename(json.path), md5: md5(bytes) };
  }
  if (label === 'json') return typeof v === 'string' ? JSON.parse(v) : v; // dj2pg holds a JSON string here
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) throw new Error('dates must be read as text');
  if (typeof v === 'number') return Number.isInteger(v) ? v : round10(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:/.test(v)) {
    const [d, t] = String(v).split(' ');
    const [hms, frac] = t.split('.');
    return `${d}T${hms}${frac ? `.${frac.padEnd(6, '0')}` : ''}`;
  }
  if (label && /^int/.test(label)) return Number(v);
  return v;
}

/**
 * Every row of every table of the three schemas, read as above and compared with values.json (matched by
 * primary key); returns the number of values compared. Columns values.json does not record (insert times)
 * are skipped; every column it records must be there.
 */
export async function pgValuesMismatches(
  c: pg.Client,
  schemas: string[],
  stores: StoreMap,
): Promise<{ compared: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  let compared = 0;
  const cols = await c.query(
    `SELECT n.nspname AS s, cl.relname AS t, a.attname AS name, col_description(cl.oid, a.attnum) AS comment, format_type(a.atttypid, a.atttypmod) AS type,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = cl.oid AND i.indisprimary AND a.attnum = ANY(i.indkey)) AS pk
       FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE n.nspname = ANY($1) AND cl.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND cl.relname NOT LIKE '~%'
      ORDER BY a.attnum`,
    [schemas],
  );
  const tables = new Map<
    string,
    { s: string; t: string; labels: Map<string, string | null>; pk: string[]; text: Set<string>; big: Set<string> }
  >();
  for (const r of cols.rows) {
    const k = `${r.s}.${r.t}`;
    if (!tables.has(k)) tables.set(k, { s: r.s, t: r.t, labels: new Map(), pk: [], text: new Set(), big: new Set() });
    if (r.type === 'bigint') tables.get(k)?.big.add(r.name);
    if (/^(date|timestamp)/.test(r.type)) tables.get(k)?.text.add(r.name);
    if (r.pk) tables.get(k)?.pk.push(r.name);
    tables.get(k)?.labels.set(r.name, /^:([^:]+):/.exec(r.comment ?? '')?.[1] ?? null);
  }
  const seen = new Set<string>();
  for (const { s, t, labels, pk: keyCols, text, big } of tables.values()) {
    const cls = className(t);
    seen.add(cls);
    const want = values[cls];
    if (!want) {
      mismatches.push(`${cls}: not in values.json`);
      continue;
    }
    // Dates and timestamps as text (node-pg would make them local-time Dates).
    const select = [...labels.keys()].map((n) => `"${n}"${text.has(n) ? '::text' : ''} AS "${n}"`);
    const rows = (await c.query(`SELECT ${select.join(', ')} FROM "${s}"."${t}"`)).rows as Record<string, unknown>[];
    if (rows.length !== want.length) mismatches.push(`${cls}: ${rows.length} rows, values.json has ${want.length}`);
    for (const row of rows) {
      const got: Record<string, unknown> = {};
      for (const [n, label] of labels)
        got[n] = big.has(n) && row[n] !== null ? Number(row[n]) : readValue(label, row[n], stores);
      const match = want.filter((w) => keyCols.every((k) => String(w[k]) === String(got[k])));
      if (match.length !== 1) {
        mismatches.push(
          `${cls}: ${match.length} rows of values.json match ${JSON.stringify(keyCols.map((k) => got[k]))}`,
        );
        continue;
      }
      for (const [k, v] of Object.entries(match[0])) {
        compared++;
        if (!(k in got)) mismatches.push(`${cls}.${k}: not read`);
        else if (JSON.stringify(sorted(got[k] as Canonical)) !== JSON.stringify(sorted(v as Canonical)))
          mismatches.push(
            `${cls}.${k} ${JSON.stringify(keyCols.map((x) => got[x]))}: ${JSON.stringify(got[k]).slice(0, 120)} vs ${JSON.stringify(v).slice(0, 120)}`,
          );
      }
    }
  }
  for (const cls of Object.keys(values)) if (!seen.has(cls)) mismatches.push(`${cls}: no table`);
  return { compared, mismatches };
}

function sorted(v: Canonical): Canonical {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted((v as Record<string, Canonical>)[k])]),
    );
  return v;
}

/** dj2pg (schema, data, stores) loaded into `pgdb` under `prefix` instead of `djfix2pg_`. */
export async function loadDj2pg(
  pgdb: PgTestDatabase,
  prefix: string,
): Promise<{ schemas: string[]; stores: StoreMap; storesFile: string; cleanup(): Promise<void> }> {
  const rename = (text: string) => text.split('djfix2pg_').join(prefix);
  const c = await pgdb.client();
  await runDumpFile(c, path.join(fixturesDir, 'dj2pg', 'schema.sql'), rename);
  const lines = rename(fs.readFileSync(path.join(fixturesDir, 'dj2pg', 'data.sql'), 'utf8')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^COPY .* FROM stdin;$/.test(lines[i])) continue;
    const end = lines.indexOf('\\.', i);
    const body = lines.slice(i + 1, end).map((l) => `${l}\n`);
    await pipeline(Readable.from(body), c.query(copyFrom(lines[i].replace(/;$/, ''))));
    i = end;
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'djm-dj2pg-'));
  await copyStores(path.join(fixturesDir, 'dj2pg', 'stores'), dir, 'djfix2pg_', prefix);
  const stores: Record<string, Record<string, unknown>> = {};
  for (const name of ['raw', 'external-raw', 'attachments', 'files']) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    stores[name] = { protocol: 'file', location: path.join(dir, name) };
  }
  const storesFile = path.join(dir, 'datajoint.json');
  fs.writeFileSync(storesFile, JSON.stringify({ stores: { default: 'raw', ...stores } }, null, 2));
  return {
    schemas: ['lab', 'ephys', 'analysis'].map((s) => prefix + s),
    stores: loadStores(storesFile),
    storesFile,
    cleanup: () => fsp.rm(dir, { recursive: true, force: true }),
  };
}

// `db backup --to-file F`: the schemas as a SQL file the `mysql` / `mariadb` client loads (the same shape
// as `mysqldump --databases --hex-blob --no-create-info=false --skip-add-drop-table`), so a backup can leave the server.
// - CREATE DATABASE IF NOT EXISTS + USE per schema, CREATE TABLE from the server's SHOW CREATE TABLE;
//   no DROP TABLE: loading the file where the tables exist fails instead of overwriting them;
// - hidden tables first, then user tables parents first; foreign-key checks off while loading anyway
//   (as mysqldump does), on again at the end;
// - rows streamed (bounded memory) into multi-row INSERTs of at most ~1 MB; binary values as hex
//   literals; FLOAT read as `col + 0e0` (MariaDB prints FLOAT with 6 significant digits: the text
//   would lose precision, the double value does not); session time zone UTC, as every dj-migrate session.
import fs from 'node:fs';
import { once } from 'node:events';
import type { Db } from './connection';
import { introspect } from './introspect';
import { dependencyOrder } from './plan';
import { tableKey } from './model';
import { checkIdentifier, formatSql, q, qList, qt } from './sql';

export interface DumpOptions {
  schemas: string[];
  file: string;
  signal?: AbortSignal;
  onProgress?: (e: { table: string; rows: number }) => void;
}

export interface DumpReport {
  file: string;
  bytes: number;
  tables: { table: string; rows: number }[];
}

const MAX_STATEMENT_BYTES = 1 << 20;

export async function writeDumpFile(db: Db, opts: DumpOptions): Promise<DumpReport> {
  for (const s of opts.schemas) checkIdentifier(s, 'schema');
  const schemas = await introspect(db, opts.schemas);
  const partial = opts.file + '.partial';
  const out = fs.createWriteStream(partial, { encoding: 'utf8' });
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  const report: DumpReport = { file: opts.file, bytes: 0, tables: [] };
  try {
    await write(
      `-- dj-migrate dump of ${opts.schemas.join(', ')} from ${db.describe()} (${db.versionString}) at ${new Date().toISOString()}\n` +
        '/*!40101 SET NAMES utf8mb4 */;\n' +
        "/*!40103 SET TIME_ZONE='+00:00' */;\n" +
        '/*!40014 SET FOREIGN_KEY_CHECKS=0 */;\n' +
        "/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\n",
    );
    const order = [...schemas.flatMap((s) => s.hidden), ...dependencyOrder(schemas)];
    for (const s of schemas)
      await write(
        `CREATE DATABASE /*!32312 IF NOT EXISTS*/ ${q(s.name)} /*!40100 DEFAULT CHARACTER SET ${s.charset} COLLATE ${s.collation} */;\n`,
      );
    let current = '';
    for (const t of order) {
      if (opts.signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      if (t.schema !== current) {
        await write(`\nUSE ${q(t.schema)};\n`);
        current = t.schema;
      }
      const [row] = await db.query<Record<string, string>>(`SHOW CREATE TABLE ${qt(t.schema, t.name)}`);
      await write(`\n--\n-- Table ${q(t.name)}\n--\n${row['Create Table']};\n`);
      const select = t.columns
        .map((c) => (c.dataType === 'float' ? `${q(c.name)} + 0e0 AS ${q(c.name)}` : q(c.name)))
        .join(', ');
      const head = `INSERT INTO ${q(t.name)} (${qList(t.columns.map((c) => c.name))}) VALUES `;
      let batch: string[] = [];
      let batchBytes = 0;
      let rows = 0;
      const flush = async () => {
        if (batch.length) await write(head + batch.join(',') + ';\n');
        batch = [];
        batchBytes = 0;
      };
      const orderBy = t.primaryKey.length ? ` ORDER BY ${qList(t.primaryKey)}` : '';
      for await (const r of db.stream(`SELECT ${select} FROM ${qt(t.schema, t.name)}${orderBy}`)) {
        const tuple = '(' + t.columns.map((c) => value(r[c.name])).join(',') + ')';
        if (batchBytes + tuple.length > MAX_STATEMENT_BYTES) await flush();
        batch.push(tuple);
        batchBytes += tuple.length;
        rows++;
      }
      await flush();
      report.tables.push({ table: tableKey(t), rows });
      opts.onProgress?.({ table: tableKey(t), rows });
    }
    await write('\n/*!40014 SET FOREIGN_KEY_CHECKS=1 */;\n-- dump complete\n');
    out.end();
    await once(out, 'finish');
    // Only a complete file gets the requested name.
    fs.renameSync(partial, opts.file);
  } catch (e) {
    out.destroy();
    fs.rmSync(partial, { force: true });
    throw e;
  }
  report.bytes = bytes;
  return report;
}

/** One value as a SQL literal: NULL, numbers as written, Buffers as hex (mysqldump --hex-blob), text escaped. */
function value(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return v.length ? '0x' + v.toString('hex') : "''";
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write the non-finite number ${v}`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  return formatSql('?', [String(v)]);
}

// `npm run bench:db`: copy and compare throughput on a generated 0.14.6 table, as ratios against what the
// server does with no tool in the way (plain INSERT … SELECT; a plain streaming read of both tables).
// Prints numbers; asserts nothing. Server from DJ_HOST/DJ_USER/DJ_PASS (default 127.0.0.1, root, no
// password); rows from DJM_BENCH_ROWS (default 1,000,000). Everything it creates is dropped at the end.
// Last, S3 relocation against a plain GET+PUT loop (stores/s3Bench.ts).
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb, splitHostPort, type Db } from './connection';
import { q, qt } from './sql';
import { copy } from './copy';
import { compare } from './compare';
import { createParallel } from './parallel';
import { fileStore } from './stores';
import { runS3Bench } from './stores/s3Bench';

const DISTINCT_BLOBS = 1000;

export async function runDbBench(): Promise<number> {
  const rows = Number(process.env.DJM_BENCH_ROWS ?? 1_000_000);
  const side = Math.ceil(Math.cbrt(rows));
  const total = side * side * side;
  const { host, port } = splitHostPort(process.env.DJ_HOST ?? '127.0.0.1');
  const db = await openDb({
    host,
    port: Number(port ?? 3306),
    user: process.env.DJ_USER ?? 'root',
    password: process.env.DJ_PASS ?? '',
  });
  const tag = randomBytes(3).toString('hex');
  const src = `djm_bench_${tag}`;
  const dst = `${src}_v2`;
  const base = `${src}_base`;
  const gen = `${src}_gen`;
  const s3 = `${src}_s3`;
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-bench-store-'));
  const line = (label: string, value: string) =>
    console.log(`${label.padEnd(52)} ${value.padEnd(46)} rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  try {
    console.log(`db benchmark on ${db.versionString} (${db.describe()}), ${total.toLocaleString('en')} rows per table`);
    await setUp(db, { src, base, gen, side });
    await createParallel(db, { schemas: [src], suffix: '_v2', unsigned: 'widen' });

    // 1. Plain table: the tool's copy vs INSERT … SELECT of the same rows.
    const plainBase = await timed(() =>
      db.execute(`INSERT INTO ${qt(base, 'trial')} SELECT * FROM ${qt(src, 'trial')}`),
    );
    const plainCopy = await timed(() => copy(db, { pairs: [{ source: src, target: dst }], tables: ['trial'] }));
    assertCopied(plainCopy.value.tables, total);
    const rPlainBase = total / plainBase.s;
    const rPlainCopy = total / plainCopy.s;
    line('plain INSERT … SELECT (baseline)', `${fmt(rPlainBase)} rows/s`);
    line(
      'db copy, 0.14.6 table without pointers',
      `${fmt(rPlainCopy)} rows/s  ratio ${(rPlainCopy / rPlainBase).toFixed(2)} (aim ≥ 0.5)`,
    );

    // 2. A table with an in-store pointer column (blob@raw → 2.x JSON, pointer-only).
    const stores = { raw: fileStore('raw', storeDir) };
    const ptrBase = await timed(() =>
      db.execute(`INSERT INTO ${qt(base, 'recording')} SELECT * FROM ${qt(src, 'recording')}`),
    );
    const ptrCopy = await timed(() =>
      copy(db, { pairs: [{ source: src, target: dst }], tables: ['recording'], stores }),
    );
    assertCopied(ptrCopy.value.tables, total);
    const rPtrBase = total / ptrBase.s;
    const rPtrCopy = total / ptrCopy.s;
    line('plain INSERT … SELECT with a pointer column', `${fmt(rPtrBase)} rows/s`);
    line(
      'db copy, blob@raw pointers converted to JSON',
      `${fmt(rPtrCopy)} rows/s  ratio ${(rPtrCopy / rPtrBase).toFixed(2)} (aim ≥ 0.3)`,
    );

    // 3. Compare vs a plain streaming read of both tables.
    const pairs = [{ source: src, target: dst }];
    for (const table of ['trial', 'recording']) {
      const read = await timed(async () => {
        let n = 0;
        for (const t of [qt(src, table), qt(dst, table)]) for await (const _ of db.stream(`SELECT * FROM ${t}`)) n++;
        return n;
      });
      const cmp = await timed(() => compare(db, { pairs, tables: [table] }));
      if (!cmp.value.equal) throw new Error(`benchmark copy of ${table} is not equal to its source`);
      const rRead = total / read.s;
      const rCmp = total / cmp.s;
      line(`streaming read of both ${table} tables (baseline)`, `${fmt(rRead)} rows/s`);
      const how = table === 'trial' ? 'chunk checksums' : 'pointers compared row by row';
      line(`db compare, ${table} (${how})`, `${fmt(rCmp)} rows/s  ratio ${(rCmp / rRead).toFixed(2)} (aim ≥ 0.5)`);
    }
    const rssMb = process.resourceUsage().maxRSS / 1024;
    line('peak RSS', `${rssMb.toFixed(0)} MB (aim < 300 MB)`);

    // 4. S3: blobs relocated into the 2.x layout (server-side copies) vs a plain GET+PUT loop.
    await db.execute(`CREATE DATABASE ${q(s3)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await runS3Bench(db, s3, src, line);
    return 0;
  } finally {
    for (const s of [dst, base, gen, src, s3])
      await db.execute(`DROP DATABASE IF EXISTS ${q(s)}`).catch(() => undefined);
    fs.rmSync(storeDir, { recursive: true, force: true });
    await db.close();
  }
}

/** The generated 0.14.6 tables (`trial`, `recording` with `~external_raw`) and empty baseline copies. */
export async function setUp(db: Db, n: { src: string; base: string; gen: string; side: number }): Promise<void> {
  for (const s of [n.src, n.base, n.gen])
    await db.execute(`CREATE DATABASE ${q(s)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  // Numbers 0..side-1, by doubling (portable: no recursion limits).
  await db.execute(`CREATE TABLE ${qt(n.gen, 'n')} (i int unsigned NOT NULL PRIMARY KEY) ENGINE=InnoDB`);
  await db.execute(`INSERT INTO ${qt(n.gen, 'n')} VALUES (0)`);
  for (let have = 1; have < Math.max(n.side, DISTINCT_BLOBS); have *= 2) {
    await db.execute(`INSERT INTO ${qt(n.gen, 'n')} SELECT i + ? FROM ${qt(n.gen, 'n')}`, [have]);
  }
  // The 0.14.6 declarations (storage-formats.md A1–A3), as 0.14.6 itself writes them.
  await db.execute(`CREATE TABLE ${qt(n.src, 'trial')} (
    \`subject_id\` int unsigned NOT NULL COMMENT "animal",
    \`session_idx\` smallint unsigned NOT NULL,
    \`trial_idx\` int unsigned NOT NULL,
    \`start_time\` double NOT NULL COMMENT "seconds",
    \`duration\` float NOT NULL,
    \`outcome\` enum('hit','miss','abort') NOT NULL,
    \`note\` varchar(64) NOT NULL DEFAULT "",
    \`recorded\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    \`trace\` longblob NOT NULL,
    PRIMARY KEY (\`subject_id\`, \`session_idx\`, \`trial_idx\`)
  ) ENGINE=InnoDB, COMMENT "one trial"`);
  await db.execute(`CREATE TABLE ${qt(n.src, '~external_raw')} (
    \`hash\` binary(16) NOT NULL COMMENT ":uuid:hash of contents (blob), of filename + contents (attach), or relative filepath (filepath)",
    \`size\` bigint unsigned NOT NULL COMMENT "size of object in bytes",
    \`attachment_name\` varchar(255) DEFAULT NULL COMMENT "the filename of an attachment",
    \`filepath\` varchar(1000) DEFAULT NULL COMMENT "relative filepath or attachment filename",
    \`contents_hash\` binary(16) DEFAULT NULL COMMENT ":uuid:used for the filepath datatype",
    \`timestamp\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "automatic timestamp",
    PRIMARY KEY (\`hash\`)
  ) ENGINE=InnoDB, COMMENT "external storage tracking"`);
  await db.execute(`CREATE TABLE ${qt(n.src, 'recording')} (
    \`rec_id\` int unsigned NOT NULL,
    \`sampling_rate\` double NOT NULL,
    \`signal\` binary(16) NOT NULL COMMENT ":blob@raw:raw trace",
    PRIMARY KEY (\`rec_id\`),
    FOREIGN KEY (\`signal\`) REFERENCES ${qt(n.src, '~external_raw')} (\`hash\`) ON UPDATE RESTRICT ON DELETE RESTRICT
  ) ENGINE=InnoDB`);
  const nums = qt(n.gen, 'n');
  await db.execute(
    `INSERT INTO ${qt(n.src, 'trial')} (subject_id, session_idx, trial_idx, start_time, duration, outcome, note, trace)
     SELECT a.i, b.i, c.i, a.i * 3600 + c.i * 2.5, 1.25 + c.i / 7, ELT(1 + (c.i % 3), 'hit', 'miss', 'abort'), CONCAT('trial ', c.i),
            CONCAT(X'6d596d0041', UNHEX(MD5(CONCAT(a.i, '/', b.i, '/', c.i))), UNHEX(MD5(c.i)))
       FROM ${nums} a JOIN ${nums} b JOIN ${nums} c WHERE a.i < ? AND b.i < ? AND c.i < ?`,
    [n.side, n.side, n.side],
  );
  await db.execute(
    `INSERT INTO ${qt(n.src, '~external_raw')} (hash, size) SELECT UNHEX(MD5(CONCAT('blob', i))), 4000 + i FROM ${nums} WHERE i < ?`,
    [DISTINCT_BLOBS],
  );
  await db.execute(
    `INSERT INTO ${qt(n.src, 'recording')} SELECT (a.i * ? + b.i) * ? + c.i, 30000, UNHEX(MD5(CONCAT('blob', (a.i * 7 + b.i * 13 + c.i) % ?)))
       FROM ${nums} a JOIN ${nums} b JOIN ${nums} c WHERE a.i < ? AND b.i < ? AND c.i < ?`,
    [n.side, n.side, DISTINCT_BLOBS, n.side, n.side, n.side],
  );
  for (const t of ['trial', 'recording']) await db.execute(`CREATE TABLE ${qt(n.base, t)} LIKE ${qt(n.src, t)}`);
  await db.execute(`ANALYZE TABLE ${qt(n.src, 'trial')}, ${qt(n.src, 'recording')}`).catch(() => undefined);
}

function assertCopied(tables: { status: string; rowsInserted: number; error?: string }[], total: number): void {
  const t = tables[0];
  if (t?.status !== 'done' || t.rowsInserted !== total)
    throw new Error(`benchmark copy did not complete: ${JSON.stringify(t)}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; s: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

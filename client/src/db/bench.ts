// `npm run bench:db`: copy and compare throughput on a generated 0.14.6 table, as ratios against what the
// server does with no tool in the way (plain INSERT … SELECT; a plain streaming read of both tables), and the
// cut-over freeze at two sizes with the same 100-row delta (benchFreeze.ts). Baseline and tool alternate which
// runs first (caches warm for whichever runs second). Prints numbers against the aims; asserts nothing. Server from DJ_HOST/DJ_USER/DJ_PASS (default 127.0.0.1, root, no
// password); rows from `--rows N` (`npm run bench:db -- --rows 100000`), else DJM_BENCH_ROWS, else 1,000,000;
// `--freeze-only` runs only the cut-over freeze lines (`--binlog-only`: only the ROW binary-log one; `--repeat N`:
// each freeze pair measured N times, alternating which size goes first); `--compare-only` only the compare lines
// (after untimed copies); `--copy-only` only the two copy sections (1 and 2).
// Everything it creates is dropped at the end.
// Then db copy into another MariaDB (benchCross.ts) and into PostgreSQL against a plain streaming SELECT →
// COPY (benchPg.ts); last, S3 relocation against a plain GET+PUT loop (stores/s3Bench.ts).
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb, splitHostPort, type Db } from './connection';
import { q, qt } from './sql';
import { copy } from './copy';
import { compareLines } from './benchCompare';
import { createParallel } from './parallel';
import { fileStore, filePath, path014, type StoreSpec } from './stores';
import { runS3Bench } from './stores/s3Bench';
import { uuidHex } from './hash';
import { copiedPipeline, dropSchemas, type FreezeMeasure, measureFreeze } from './benchFreeze';
import { startSecondServer } from './cross/throwawayServer';
import { uint8BlobSql } from './benchBlobs';
import { runCrossBench } from './benchCross';
import { runPgBench } from './benchPg';
import { benchPhase, memoryDetail, memoryLevel, phaseSummary } from './benchMemory';
import { boundHeapGrowth } from './heapGrowth';

/** Objects rows share (one row in three points at one of these); every other row has its own stored object. */
const SHARED_BLOBS = 1000;

export async function runDbBench(args: string[] = []): Promise<number> {
  const flag = args.indexOf('--rows');
  const rows = Number(flag >= 0 ? args[flag + 1] : (process.env.DJM_BENCH_ROWS ?? 1_000_000));
  if (!Number.isInteger(rows) || rows < 1000) {
    console.error('bench db: --rows expects a whole number of at least 1000');
    return 2;
  }
  // As `dj-migrate db …` runs (heapGrowth.ts).
  boundHeapGrowth();
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
  const line = (label: string, value: string) => {
    console.log(`${label.padEnd(52)} ${value.padEnd(46)} rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
    if (memoryLevel >= 1) console.log(`  ${memoryDetail()}`);
  };
  const peakLine = () => line('peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (aim < 300 MB)`);
  try {
    console.log(
      `db benchmark on ${db.versionString} (${db.describe()}), ${total.toLocaleString('en')} rows per table (schemas ${src}*)`,
    );
    console.log(
      `load average at start: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${os.cpus().length} cores)`,
    );
    benchPhase('setUp');
    await setUp(db, { src, base, gen, side });
    const stores = { raw: fileStore('raw', storeDir) };
    benchPhase('writeObjects');
    const objects = await writeObjects(db, src, gen, stores.raw);
    if (memoryLevel >= 1) console.log(`after setting up: ${memoryDetail()}`);
    if (args.includes('--freeze-only')) {
      // Only the cut-over freeze (section 5), for iterating on it without the whole benchmark.
      const repeat = Number(args.includes('--repeat') ? args[args.indexOf('--repeat') + 1] : 1);
      const binlogOnly = args.includes('--binlog-only');
      benchPhase('freeze: copiedPipeline');
      if (!binlogOnly) await copiedPipeline(db, src, stores);
      await freezeLines(db, { src, side, stores, line, repeat, binlogOnly });
      return 0;
    }
    await createParallel(db, { schemas: [src], suffix: '_v2', unsigned: 'widen' });
    if (args.includes('--compare-only')) {
      // Only the compare lines (section 3), for iterating on compare without the whole benchmark.
      benchPhase('compare-only: untimed copies');
      for (const table of ['trial', 'recording'])
        assertCopied(
          (await copy(db, { pairs: [{ source: src, target: dst }], tables: [table], stores })).tables,
          total,
        );
      await compareLines(db, { src, dst, total, stores, line });
      peakLine();
      return 0;
    }

    // 1. Plain table: the tool's copy vs INSERT … SELECT of the same rows (baseline first).
    benchPhase('plain INSERT … SELECT');
    const plainBase = await timed(() =>
      db.execute(`INSERT INTO ${qt(base, 'trial')} SELECT * FROM ${qt(src, 'trial')}`),
    );
    benchPhase('plain copy');
    const plainCopy = await timed(() => copy(db, { pairs: [{ source: src, target: dst }], tables: ['trial'] }));
    assertCopied(plainCopy.value.tables, total);
    const rPlainBase = total / plainBase.s;
    const rPlainCopy = total / plainCopy.s;
    line('plain INSERT … SELECT (baseline)', `${fmt(rPlainBase)} rows/s`);
    line(
      'db copy, 0.14.6 table without pointers',
      `${fmt(rPlainCopy)} rows/s  ratio ${(rPlainCopy / rPlainBase).toFixed(2)} (aim ≥ 0.8)`,
    );

    // 2. A table with an in-store pointer column (blob@raw → 2.x JSON, pointer-only), most rows with their own
    // stored object (tool first).
    benchPhase('pointer copy');
    const ptrCopy = await timed(() =>
      copy(db, { pairs: [{ source: src, target: dst }], tables: ['recording'], stores }),
    );
    benchPhase('pointer INSERT … SELECT');
    const ptrBase = await timed(() =>
      db.execute(`INSERT INTO ${qt(base, 'recording')} SELECT * FROM ${qt(src, 'recording')}`),
    );
    assertCopied(ptrCopy.value.tables, total);
    const rPtrBase = total / ptrBase.s;
    const rPtrCopy = total / ptrCopy.s;
    line('plain INSERT … SELECT with a pointer column', `${fmt(rPtrBase)} rows/s`);
    line(
      'db copy, blob@raw pointers converted to JSON',
      `${fmt(rPtrCopy)} rows/s  ratio ${(rPtrCopy / rPtrBase).toFixed(2)} (aim ≥ 0.5; ${objects.toLocaleString('en')} objects)`,
    );
    if (args.includes('--copy-only')) {
      peakLine();
      return 0;
    }

    // 3. Compare (benchCompare.ts).
    await compareLines(db, { src, dst, total, stores, line });
    // 3b. Into another server: db copy --target vs mariadb-dump | mariadb (benchCross.ts).
    benchPhase('cross-server copy');
    await runCrossBench(
      db,
      { host, port: Number(port ?? 3306), user: process.env.DJ_USER ?? 'root', password: process.env.DJ_PASS ?? '' },
      src,
      total,
      line,
      fmt,
    );
    // PostgreSQL: db copy --target postgresql://… of trial vs a plain streaming SELECT → COPY FROM STDIN.
    benchPhase('PostgreSQL copy');
    await runPgBench(db, src, total, line);
    // 4. S3 (before the freeze: the swap moves the 0.14.6 tables away): blobs relocated into the 2.x layout (server-side copies) vs a plain GET+PUT loop.
    benchPhase('S3 relocate');
    await db.execute(`CREATE DATABASE ${q(s3)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await runS3Bench(db, s3, src, line);

    await freezeLines(db, { src, side, stores, line });
    peakLine();

    return 0;
  } finally {
    phaseSummary();
    await dropSchemas(db, [dst, `${src}_old`, base, gen, src, s3]);
    fs.rmSync(storeDir, { recursive: true, force: true });
    await db.close();
  }
}

/**
 * 5. The cut-over freeze: the same 100-row delta at the full size and at a tenth of it, on a server that writes
 * a ROW binary log (as MySQL 8 does by default: a throw-away MariaDB started with --log-bin) and on the main
 * server, which writes none (UPDATE_TIME decides, and a moved table is re-summed chunk by chunk). The
 * throw-away server gets the same schema names, so the stored objects written for the main server serve it too.
 */
async function freezeLines(
  db: Db,
  o: {
    src: string;
    side: number;
    stores: { raw: StoreSpec };
    line: (label: string, value: string) => void;
    repeat?: number;
    binlogOnly?: boolean;
  },
): Promise<void> {
  benchPhase('freeze: main server');
  const plain = o.binlogOnly ? null : await freezeOn(db, o, true);
  benchPhase('freeze: binlog server set up + copy');
  const server = await startSecondServer(
    [
      '--log-bin',
      '--binlog-format=ROW',
      '--innodb-buffer-pool-size=256M',
      '--sync-binlog=0',
      '--innodb-flush-log-at-trx-commit=2',
    ],
    'djm-bench-binlog-',
  );
  let logged: FreezeMeasure;
  try {
    await setUp(server.db, { src: o.src, base: `${o.src}_base`, gen: `${o.src}_gen`, side: o.side });
    benchPhase('freeze: binlog server copiedPipeline');
    await copiedPipeline(server.db, o.src, o.stores);
    benchPhase('freeze: binlog server');
    logged = await freezeOn(server.db, o, o.binlogOnly === true);
  } finally {
    await server.stop();
  }
  const value = (f: FreezeMeasure, note: string) =>
    `${f.bigMs.toFixed(0)} ms at ${f.bigRows.toLocaleString('en')} rows, ${f.smallMs.toFixed(0)} ms at ${f.smallRows.toLocaleString('en')}  ratio ${(f.bigMs / f.smallMs).toFixed(2)} (${note})`;
  o.line('swap freeze, 100-row delta', value(logged, 'aim ≤ 1.5; ROW binary log'));
  for (const d of logged.details) console.log(`  ${d}`);
  if (!plain) return;
  // Without a change log nothing tells which rows of a written table changed, so the fallback the issue asks for
  // re-reads such a table whole (its chunk checksums, two sessions): its freeze grows with the table, by design.
  o.line(
    'swap freeze without a binary log, 100-row delta',
    value(plain, 'no aim: a moved table is re-read whole; UPDATE_TIME, chunk checksums'),
  );
  for (const d of plain.details) console.log(`  ${d}`);
}

async function freezeOn(
  db: Db,
  o: { src: string; side: number; stores: { raw: StoreSpec }; repeat?: number },
  writeFiles: boolean,
): Promise<FreezeMeasure> {
  return measureFreeze(
    db,
    { schema: o.src, side: o.side, stores: o.stores, drop: async () => undefined },
    async (smallSide) => {
      const small = `${o.src}_s`;
      const names = [small, `${small}_v2`, `${small}_old`, `${small}_base`, `${small}_gen`];
      benchPhase('freeze: small pipeline set up');
      await setUp(db, { src: small, base: `${small}_base`, gen: `${small}_gen`, side: smallSide });
      if (writeFiles) await writeObjects(db, small, `${small}_gen`, o.stores.raw);
      await copiedPipeline(db, small, o.stores);
      return { schema: small, side: smallSide, stores: o.stores, drop: () => dropSchemas(db, names) };
    },
    o.repeat,
  );
}

/** `~external_<store>` as 0.14.6 declares it (storage-formats.md). */
export function externalTableDdl(schema: string, store: string): string {
  return `CREATE TABLE ${qt(schema, `~external_${store}`)} (
    \`hash\` binary(16) NOT NULL COMMENT ":uuid:hash of contents (blob), of filename + contents (attach), or relative filepath (filepath)",
    \`size\` bigint unsigned NOT NULL COMMENT "size of object in bytes",
    \`attachment_name\` varchar(255) DEFAULT NULL COMMENT "the filename of an attachment",
    \`filepath\` varchar(1000) DEFAULT NULL COMMENT "relative filepath or attachment filename",
    \`contents_hash\` binary(16) DEFAULT NULL COMMENT ":uuid:used for the filepath datatype",
    \`timestamp\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "automatic timestamp",
    PRIMARY KEY (\`hash\`)
  ) ENGINE=InnoDB, COMMENT "external storage tracking"`;
}

/** The generated 0.14.6 tables (`trial`, `recording` with `~external_raw`) and empty baseline copies. */
export async function setUp(db: Db, n: { src: string; base: string; gen: string; side: number }): Promise<void> {
  for (const s of [n.src, n.base, n.gen])
    await db.execute(`CREATE DATABASE ${q(s)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  // Numbers 0..side-1, by doubling (portable: no recursion limits).
  await db.execute(`CREATE TABLE ${qt(n.gen, 'n')} (i int unsigned NOT NULL PRIMARY KEY) ENGINE=InnoDB`);
  await db.execute(`INSERT INTO ${qt(n.gen, 'n')} VALUES (0)`);
  for (let have = 1; have < Math.max(n.side, SHARED_BLOBS); have *= 2) {
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
  await db.execute(externalTableDdl(n.src, 'raw'));
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
            ${uint8BlobSql("CONCAT(UNHEX(MD5(CONCAT(a.i, '/', b.i, '/', c.i))), UNHEX(MD5(c.i)))")}
       FROM ${nums} a JOIN ${nums} b JOIN ${nums} c WHERE a.i < ? AND b.i < ? AND c.i < ?`,
    [n.side, n.side, n.side],
  );
  // Rows whose id is a multiple of 3 share one of SHARED_BLOBS objects; every other row has its own.
  // The stored objects (each a serialized blob of its name, and the 0.14.6 hash is the MD5 of those bytes), in
  // n.gen.objects.
  const objectOf = `IF(r % 3 = 0, CONCAT('shared', r % ${SHARED_BLOBS}), CONCAT('own', r))`;
  const ids = `(SELECT (a.i * ? + b.i) * ? + c.i AS r FROM ${nums} a JOIN ${nums} b JOIN ${nums} c WHERE a.i < ? AND b.i < ? AND c.i < ?) AS x`;
  const sides = [n.side, n.side, n.side, n.side, n.side];
  await db.execute(`CREATE TABLE ${qt(n.gen, 'objects')} (name varchar(32) NOT NULL PRIMARY KEY) ENGINE=InnoDB`);
  await db.execute(`INSERT INTO ${qt(n.gen, 'objects')} SELECT DISTINCT ${objectOf} FROM ${ids}`, sides);
  await db.execute(
    `INSERT INTO ${qt(n.src, '~external_raw')} (hash, size) SELECT UNHEX(MD5(${uint8BlobSql('name')})), LENGTH(${uint8BlobSql('name')}) FROM ${qt(n.gen, 'objects')}`,
  );
  await db.execute(
    `INSERT INTO ${qt(n.src, 'recording')} SELECT r, 30000, UNHEX(MD5(${uint8BlobSql(objectOf)})) FROM ${ids}`,
    sides,
  );
  for (const t of ['trial', 'recording']) await db.execute(`CREATE TABLE ${qt(n.base, t)} LIKE ${qt(n.src, t)}`);
  await db.execute(`ANALYZE TABLE ${qt(n.src, 'trial')}, ${qt(n.src, 'recording')}`).catch(() => undefined);
}

/** The stored objects of `~external_raw`, as 0.14.6 laid them out (`<schema>/<h[0:2]>/<h[2:4]>/<hex>`). */
export async function writeObjects(db: Db, schema: string, gen: string, store: StoreSpec): Promise<number> {
  let n = 0;
  const dirs = new Set<string>();
  for await (const r of db.stream(
    `SELECT ${uint8BlobSql('name')} AS contents, UNHEX(MD5(${uint8BlobSql('name')})) AS hash FROM ${qt(gen, 'objects')}`,
  )) {
    const file = filePath(store, path014(store, schema, uuidHex(r.hash as Buffer)));
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    fs.writeFileSync(file, r.contents as Buffer);
    n++;
  }
  return n;
}

export function assertCopied(tables: { status: string; rowsInserted: number; error?: string }[], total: number): void {
  const t = tables[0];
  if (t?.status !== 'done' || t.rowsInserted !== total)
    throw new Error(`benchmark copy did not complete: ${JSON.stringify(t)}`);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; s: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

// `npm run bench:db`, the cross-server line: the generated 0.14.6 `trial` table copied into a second MariaDB
// (a throw-away server started here, throwawayServer.ts) by `db copy --target`, against
// `mariadb-dump --hex-blob <db> trial | mariadb -h127.0.0.1 -P<port> <db>` of the same table into the same
// second server. Prints rows/s and the ratio; asserts nothing.
import { spawn } from 'node:child_process';
import type { Db } from './connection';
import { q, qt } from './sql';
import { createParallel } from './parallel';
import { crossCopy } from './cross/copy';
import { MysqlSide } from './cross/mysqlSide';
import { startSecondServer } from './cross/throwawayServer';
import { benchPhase } from './benchMemory';

export interface SourceServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export async function runCrossBench(
  db: Db,
  server: SourceServer,
  src: string,
  total: number,
  line: (label: string, value: string) => void,
  fmt: (n: number) => string,
): Promise<void> {
  const second = await startSecondServer([], 'djm-bench-second-');
  try {
    const base = `${src}_dump`;
    await second.db.execute(`CREATE DATABASE ${q(base)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await createParallel(db, { schemas: [src], suffix: '', unsigned: 'widen', allowSameNames: true }, second.db);
    const side = new MysqlSide(second.db, second.url);
    // Tool first, then the baseline (the source's pages are warm for both after the earlier lines).
    benchPhase('cross-server copy (tool)');
    const t0 = Date.now();
    const report = await crossCopy(db, side, { pairs: [{ source: src, target: src }], tables: ['trial'] });
    const toolS = (Date.now() - t0) / 1000;
    const copied = report.tables.reduce((s, t) => s + t.rowsInserted, 0);
    if (report.failed || copied !== total)
      throw new Error(
        `cross-server copy copied ${copied} of ${total} rows: ${report.tables.map((t) => t.error).join('; ')}`,
      );
    benchPhase('cross-server dump baseline');
    const t1 = Date.now();
    await dumpInto(server, src, 'trial', second.port, base);
    const baseS = (Date.now() - t1) / 1000;
    const [{ n }] = await second.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(base, 'trial')}`);
    if (Number(n) !== total) throw new Error(`the dump baseline loaded ${n} of ${total} rows`);
    const rBase = total / baseS;
    const rTool = total / toolS;
    line('mariadb-dump --hex-blob | mariadb, trial (baseline)', `${fmt(rBase)} rows/s`);
    line(
      'cross-server copy, trial into a second MariaDB',
      `${fmt(rTool)} rows/s  ratio ${(rTool / rBase).toFixed(2)} (aim ≥ 0.5)`,
    );
  } finally {
    await second.stop();
  }
}

/** `mariadb-dump --hex-blob db table | mariadb -h127.0.0.1 -P port target`. */
function dumpInto(s: SourceServer, db: string, table: string, port: number, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const dump = spawn('mariadb-dump', ['--hex-blob', '-h', s.host, '-P', String(s.port), '-u', s.user, db, table], {
      env: { ...process.env, MYSQL_PWD: s.password },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const load = spawn('mariadb', ['-h127.0.0.1', `-P${port}`, '-uroot', target], {
      env: { ...process.env, MYSQL_PWD: '' },
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    dump.stdout.pipe(load.stdin);
    let exited = 0;
    const codes: number[] = [];
    const done = (code: number | null) => {
      codes.push(code ?? -1);
      if (++exited < 2) return;
      if (codes.every((c) => c === 0)) resolve();
      else reject(new Error(`mariadb-dump | mariadb exited with ${codes.join(', ')}`));
    };
    dump.on('exit', done);
    load.on('exit', done);
    dump.on('error', reject);
    load.on('error', reject);
  });
}

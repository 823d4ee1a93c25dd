// A throw-away MariaDB of the tests' own, beside the shared test server: `mariadb-install-db` into a fresh
// data directory under /tmp (every folder above it enterable by the mysql user), `mariadbd` on a free port,
// stopped and removed afterwards. Nothing is installed: it uses the server binaries already on the machine.
// Used as the "other server" of cross-server migrations, and with --log-bin by binlogServer.ts.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDb, type Db } from '../../client/src/db/connection';
import { freePort } from '../../client/src/db/stores/s3Bench';

export interface SecondServer {
  port: number;
  /** root, no password. */
  db: Db;
  /** `mysql://root@127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

export async function startSecondServer(extraArgs: string[] = [], prefix = 'djm-second-'): Promise<SecondServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  // inside the data directory: install-db gives it to the mysql user, which must create the socket
  const socket = path.join(data, 'mariadb.sock');
  let child: ChildProcess | undefined;
  let db: Db | undefined;
  const stop = async () => {
    await db?.close().catch(() => undefined);
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await promisify(execFile)('mariadb-install-db', [
      '--user=mysql',
      '--auth-root-authentication-method=normal',
      `--datadir=${data}`,
      '--skip-test-db',
    ]);
    const port = await freePort();
    child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        '--user=mysql',
        `--datadir=${data}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        '--innodb-buffer-pool-size=64M',
        '--max-allowed-packet=64M',
        ...extraArgs,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        db = await openDb({ host: '127.0.0.1', port, user: 'root', password: '' });
        break;
      } catch (e) {
        if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}`);
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return { port, db, url: `mysql://root@127.0.0.1:${port}`, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// A throw-away MariaDB with a binary log, for the cut-over's binlog path (the shared test server runs
// without one): secondServer.ts started with `--log-bin`.
import type { Db } from '../../client/src/db/connection';
import { startSecondServer } from './secondServer';

export interface BinlogServer {
  port: number;
  db: Db;
  stop(): Promise<void>;
}

export async function startBinlogServer(format: 'ROW' | 'MIXED' = 'ROW'): Promise<BinlogServer> {
  const s = await startSecondServer(['--log-bin', `--binlog-format=${format}`], 'djm-binlog-');
  return { port: s.port, db: s.db, stop: s.stop };
}

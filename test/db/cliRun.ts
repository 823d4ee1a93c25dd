// Runs `dj-migrate` in-process against the test server and captures what it prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/src/main';
import type { CliIO } from '../../cli/src/io';
import { testServer } from './harness';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** A working directory without project settings, so the documented defaults apply. */
const scratchCwd = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-cli-'));
process.on('exit', () => fs.rmSync(scratchCwd, { recursive: true, force: true }));

export async function runCli(
  args: string[],
  opts: { user?: string; password?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => (out += t.endsWith('\n') ? t : t + '\n'),
    err: (t) => (err += t.endsWith('\n') ? t : t + '\n'),
    env: { DJ_PASS: opts.password ?? testServer.password, ...opts.env },
    cwd: scratchCwd,
  };
  const conn = ['--host', testServer.host, '--port', String(testServer.port), '--user', opts.user ?? testServer.user];
  const code = args[0] === 'db' ? await main([...args, ...conn], io) : await main(args, io);
  return { code, out, err };
}

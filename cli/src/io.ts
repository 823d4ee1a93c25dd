import { promptSecretOn } from './secretPrompt';

// What a CLI command may touch of the outside world; tests pass their own to capture output.
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ask for a secret on a TTY; undefined when there is no terminal. */
  promptSecret?: (question: string) => Promise<string>;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  env: process.env,
  cwd: process.cwd(),
  // Only with a terminal on both ends: a script or CI without DJ_PASS uses an empty password instead of hanging.
  promptSecret: process.stdin.isTTY && process.stderr.isTTY ? promptSecretOn(process.stdin, process.stderr) : undefined,
};

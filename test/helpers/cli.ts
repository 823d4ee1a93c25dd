// Run the CLI in-process with captured output (the same `main` the bundle runs).
import { main } from '../../cli/src/main';

export async function runCli(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => {
      out += t.endsWith('\n') ? t : t + '\n';
    },
    err: (t) => {
      err += t.endsWith('\n') ? t : t + '\n';
    },
    env,
    cwd,
  });
  return { code, out, err };
}

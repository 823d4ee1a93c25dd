// The database password, asked on the terminal when DJ_PASS is not set: the question goes to stderr (stdout may be
// piped), the typed characters are not echoed, and nothing of it is kept or logged.
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export function promptSecretOn(input: Readable, output: Writable): (question: string) => Promise<string> {
  return (question) =>
    new Promise((resolve, reject) => {
      let muted = false;
      // readline echoes through `terminal.write`; a muted writer lets the question through and nothing after it.
      const terminal = Object.create(output) as Writable;
      terminal.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
        muted ? true : (output.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as Writable['write'];
      const rl = readline.createInterface({ input, output: terminal, terminal: true });
      rl.on('SIGINT', () => {
        rl.close();
        output.write('\n');
        reject(new Error('cancelled at the password prompt'));
      });
      rl.question(question, (answer) => {
        rl.close();
        output.write('\n');
        resolve(answer);
      });
      muted = true;
    });
}

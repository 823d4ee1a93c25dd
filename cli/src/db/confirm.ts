// The explicit confirmation that writing db commands (swap, unswap, restore, retire, migrate-in-place)
// ask before they change anything: `--yes` answers it in scripts; on a terminal the user types the word
// shown; without a terminal and without --yes the answer is no.
import readline from 'node:readline';
import type { CliIO } from '../io';
import type { ConfirmRequest } from '../../../client/src/db/swap';

export function confirmFrom(flags: Record<string, unknown>, io: CliIO): (req: ConfirmRequest) => Promise<boolean> {
  return async (req) => {
    io.err(req.question);
    if (flags.yes === true) {
      io.err('(confirmed by --yes)');
      return true;
    }
    if (!process.stdin.isTTY || io.env !== process.env) {
      io.err('not confirmed: pass --yes to confirm without a terminal');
      return false;
    }
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await new Promise<string>((resolve) =>
        rl.question(`Type "${req.kind === 'drop' ? 'drop' : 'yes'}" to continue: `, resolve),
      );
      return answer.trim() === (req.kind === 'drop' ? 'drop' : 'yes');
    } finally {
      rl.close();
    }
  };
}

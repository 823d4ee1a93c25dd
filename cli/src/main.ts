// dj-migrate: the command-line shell over the two engines (code migration and database migration).
import { processIO, type CliIO } from './io';
import { UsageError } from './args';
import { dbCommands } from './db/index';
import { codeCommands } from './code/index';

const USAGE = `dj-migrate — migrate a DataJoint 0.14.6 pipeline to DataJoint 2.x

Code (Python files, notebooks, config files, dependency pins):
  dj-migrate check  <paths...> [--format text|json] [--phase 1|2] [--fail-on error|warning|info]
  dj-migrate fix    <paths...> [--unsafe] [--diff] [--phase 1|2] [--unsigned widen|native|uint] [--suffix _v2] [--finalize]
  dj-migrate report <paths...> [--format markdown|json]
  dj-migrate rules  [--format markdown|json]

The example pipeline, end to end (code and database; needs a MySQL/MariaDB server, DJ_HOST/DJ_USER/DJ_PASS):
  dj-migrate demo

Database (MySQL 8 / MariaDB; password from DJ_PASS or a prompt):
  dj-migrate db <command> --schemas a,b,c [--host H] [--port P] [--user U] [--tls] [--dry-run] ...
`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.out(USAGE + dbUsage());
      return cmd ? 0 : 2;
    }
    if (cmd === 'db') {
      const [sub, ...dbArgs] = rest;
      const handler = sub ? dbCommands[sub] : undefined;
      if (!handler) {
        io.err(`unknown db command ${sub ?? '(none)'}\n` + dbUsage());
        return 2;
      }
      return await handler.run(dbArgs, io);
    }
    const handler = codeCommands[cmd];
    if (!handler) {
      io.err(`unknown command ${cmd}\n` + USAGE);
      return 2;
    }
    return await handler.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`dj-migrate: ${e.message}`);
      return 2;
    }
    io.err(`dj-migrate: ${(e as Error).message ?? String(e)}`);
    return 2;
  }
}

function dbUsage(): string {
  const names = Object.keys(dbCommands).sort();
  return names.length
    ? '\nDatabase commands:\n' + names.map((n) => `  db ${n.padEnd(18)} ${dbCommands[n].summary}`).join('\n') + '\n'
    : '';
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

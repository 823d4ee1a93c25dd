// dj-migrate: the command-line shell over the two engines (code migration and database migration).
import { processIO, type CliIO } from './io';
import { UsageError } from './args';
import { dbCommands } from './db/index';
import { codeCommands } from './code/index';
import { codeUsage, dbUsage, wantsHelp } from './usage';
import { packageVersion } from './version';
import { boundHeapGrowth } from '../../client/src/db/heapGrowth';

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

dj-migrate <command> --help shows a command's options; dj-migrate --version its version.
`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [cmd, ...rest] = argv;
  const name = cmd === 'db' && rest[0] && !rest[0].startsWith('-') ? `db ${rest[0]}` : (cmd ?? '');
  try {
    if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
      io.out(packageVersion());
      return 0;
    }
    if (!cmd) {
      io.err(USAGE + dbList());
      return 2;
    }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') return help(rest, io);
    if (cmd === 'db') {
      const [sub, ...dbArgs] = rest;
      if (sub === '--help' || sub === '-h') return help(['db'], io);
      const handler = sub ? dbCommands[sub] : undefined;
      if (!handler) {
        io.err(`dj-migrate db: ${sub ? `unknown command ${sub}` : 'which command?'}\n` + dbList());
        return 2;
      }
      if (wantsHelp(dbArgs)) return help(['db', sub], io);
      boundHeapGrowth();
      return await handler.run(dbArgs, io);
    }
    const handler = codeCommands[cmd];
    if (!handler) {
      io.err(`dj-migrate: unknown command ${cmd}\n` + USAGE);
      return 2;
    }
    if (wantsHelp(rest)) return help([cmd], io);
    return await handler.run(rest, io);
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    if (e instanceof UsageError) {
      io.err(`dj-migrate ${name}: ${message}\nRun \`dj-migrate ${name} --help\` for usage.`);
      return 2;
    }
    io.err(`dj-migrate ${name}: ${message}`);
    return 2;
  }
}

/** `help`, `help <command>`, `help db <command>`: the usage on stdout, exit 0 (2 for an unknown command). */
function help(topic: string[], io: CliIO): number {
  const [cmd, sub] = topic.filter((t) => !t.startsWith('-'));
  if (!cmd) {
    io.out(USAGE + dbList());
    return 0;
  }
  if (cmd === 'db' && !sub) {
    io.out(
      `usage: dj-migrate db <command> --schemas a,b,c [options]\n${dbList()}\nRun \`dj-migrate db <command> --help\` for its options.`,
    );
    return 0;
  }
  const text = cmd === 'db' ? dbUsage[sub] : codeUsage[cmd];
  if (!text) {
    io.err(`dj-migrate: no command ${topic.join(' ')}\n` + USAGE);
    return 2;
  }
  io.out(text);
  return 0;
}

function dbList(): string {
  const names = Object.keys(dbCommands).sort();
  return names.length
    ? '\nDatabase commands:\n' + names.map((n) => `  db ${n.padEnd(18)} ${dbCommands[n].summary}`).join('\n') + '\n'
    : '';
}

if (require.main === module) {
  // The exit status is set, not forced: process.exit() would cut off output still queued for a pipe.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // The reader went away (`dj-migrate rules | head`): nothing more can be delivered.
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    else throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

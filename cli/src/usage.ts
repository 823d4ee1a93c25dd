// What `dj-migrate <command> --help` prints: one usage text per command and per `db` subcommand (a test checks
// that every registered command has one). Kept in one file so the texts read alike.

const CODE_FLAGS = `  --phase 1|2                 which migration phase's findings and fixes (default: project setting, else 1)
  --unsigned widen|native|uint  how unsigned integer columns are declared in 2.x (default widen)
  --suffix _v2                parallel-schema suffix used by the schema-name rule ('' switches it off)
  --finalize                  after a swap: rewrite <name>_v2 schema names back to <name>
  --migration-enabled         full severity even while DataJoint is still pinned to 0.x
  --store NAME                store to write where 0.14.6 relied on the default store
  --python PATH               index the DataJoint packages installed for this interpreter (read-only)
  --site-packages DIR         index the DataJoint packages installed in DIR (repeatable; read-only)`;

const CONNECTION = `Connection (every db command):
  --host H[:P]   server (default DJ_HOST, else localhost)      --port P   (default 3306)
  --user U       (default DJ_USER)                             --tls      connect with TLS
  The password comes from DJ_PASS, never from a flag.`;

const PAIRS = `  --suffix _v2           parallel schema of each one: <name><suffix> (default: project setting, else _v2)
  --pair a:x             explicit source:target pair (repeatable), instead of the suffix`;

const EXIT = (ok: string, one: string) => `Exit status: 0 ${ok}, 1 ${one}, 2 usage or connection errors.`;

export const codeUsage: Record<string, string> = {
  check: `usage: dj-migrate check <paths...> [options]

Report DataJoint 0.14.6 patterns in Python files, notebooks, config files and dependency pins
(default path: the current folder). Nothing is written.

Options:
  --format text|json          output format (default text)
  --fail-on error|warning|info  lowest severity that makes the exit status 1 (default warning)
  --jobs N                    analysis threads (default: one per core, for large trees)
${CODE_FLAGS}

${EXIT('nothing at or above --fail-on', 'findings at or above --fail-on')}`,

  fix: `usage: dj-migrate fix <paths...> [options]

Rewrite what DataJoint 2.x needs, file by file, until stable. The paths are required (use . for the current
folder): fix never rewrites a folder you did not name.

Options:
  --diff                      print a unified diff instead of writing
  --unsafe                    also apply fixes marked unsafe (review them)
  --quiet                     no summary on stderr
${CODE_FLAGS}

Exit status: 0 done, 1 a file was skipped (named on stderr; the rest is fixed), 2 usage errors or fixes that
did not converge.`,

  report: `usage: dj-migrate report <paths...> [options]

What \`fix\` would change and what is left for a person (default path: the current folder). Nothing is written.

Options:
  --format markdown|json      output format (default markdown)
  --unsafe                    count unsafe fixes as applied
${CODE_FLAGS}`,

  rules: `usage: dj-migrate rules [--format markdown|json]

Every rule with its documentation (as in docs/rules.md, or JSON).`,

  demo: `usage: dj-migrate demo [--prefix demo_] [--fixture DIR] [--host H[:P]] [--port P] [--user U]

The whole migration on the bundled 0.14.6 fixture pipeline against a MySQL/MariaDB server it may write to:
load it under <prefix>lab/ephys/analysis, migrate a copy of its code, create the _v2 schemas, copy, compare,
verify, print the numbers and the next commands to try. Safe to run again (it replaces only an earlier demo's
schemas). Connection from the flags, else DJ_HOST / DJ_USER / DJ_PASS, else 127.0.0.1:3306 as root.

${EXIT('compare equal and verify passed', 'differences or failed checks')}`,
};

export const dbUsage: Record<string, string> = {
  preflight: `usage: dj-migrate db preflight --schemas a,b,c [--suffix _v2 | --pair a:x ...] [--stores F] [--json]
                              [--target URL [--target-tls] [--target-ca FILE]]

Server, privileges per step (with the GRANTs a DBA would run), space and stores, before migrating.

${PAIRS}
  --stores F             store settings file (dj_local_conf.json / datajoint.json)
  --target URL           also check the server the 2.x schemas go to: mysql://user@host:port or
                         postgresql://user@host:port/db (version, privileges there with its GRANTs; on
                         PostgreSQL also values and types it cannot hold). Password from DJ_TARGET_PASS;
                         names kept unless --suffix is given
  --target-tls           connect to the target with TLS      --target-ca FILE  check its certificate against FILE
  --json                 machine-readable output

${CONNECTION}

${EXIT('every check passed', 'a check failed')}`,

  inspect: `usage: dj-migrate db inspect --schemas a,b [--exact] [--json] [--target URL [--target-tls] [--target-ca FILE]]

What introspection sees: tables, tiers, columns with their DataJoint kind, keys, stores, and each schema's
version verdict with reasons.

  --exact                exact row counts (COUNT(*)) instead of estimates
  --target URL           read these schemas on another server instead (mysql://user@host:port, or
                         postgresql://user@host:port/db: 2.x schemas there, types from the column comments);
                         password from DJ_TARGET_PASS
  --target-tls           connect to the target with TLS      --target-ca FILE  check its certificate against FILE
  --json                 machine-readable output

${CONNECTION}`,

  'create-parallel': `usage: dj-migrate db create-parallel --schemas a,b,c [--suffix _v2 | --pair a:x ...] [options]

Create the 2.x parallel schemas with the tables 2.x declares for the migrated definitions. Existing tables that
differ are reported, never altered.

${PAIRS}
  --unsigned widen|native  unsigned integer policy (default: project setting, else widen)
  --charset CS           declare the parallel schema's text columns in this character set (e.g. utf8mb4)
  --collation NAME       with --charset: the collation (default: the server's default for CS)
  --target URL           create on another server: mysql://user@host:port or postgresql://user@host:port/db
                         (password from DJ_TARGET_PASS; names kept unless --suffix is given)
  --target-tls           connect to the target with TLS      --target-ca FILE  check its certificate against FILE
  --dry-run              print the SQL only
  --json                 machine-readable output

${CONNECTION}

${EXIT('everything is as it should be', 'an existing table differs')}`,

  copy: `usage: dj-migrate db copy --schemas a,b,c [--suffix _v2 | --pair a:x ...] [options]

Copy rows into the parallel 2.x schemas in dependency order: resumable, idempotent, in-store pointers converted.

${PAIRS}
  --tables T,..          only these tables
  --tiers manual,lookup,..  only these tiers (manual, lookup, imported, computed, part)
  --restrict T --where SQL [--limit N]  a subset: rows of T matching SQL and everything they depend on
  --stores F             store settings file (dj_local_conf.json / datajoint.json)
  --relocate             copy store files into the 2.x layout instead of pointing at the 0.14.6 files
  --state FILE           checkpoint file (default under .dj-migrate/)
  --target URL           copy into another server: mysql://user@host:port or postgresql://user@host:port/db
                         (rows read here, written there in multi-row INSERTs or COPY FROM STDIN; names kept
                         unless --suffix is given; password from DJ_TARGET_PASS)
  --target-tls           connect to the target with TLS      --target-ca FILE  check its certificate against FILE
  --jobs N               tables copied at once, each on its own session (default 2, at most 6); a table
                         starts once the tables it references are copied (dry runs: one at a time; not with --target)
  --dry-run              print the SQL and file operations only
  --json                 machine-readable output

${CONNECTION}

${EXIT('everything copied', 'conflicting rows or cancelled')}`,

  compare: `usage: dj-migrate db compare --schemas a,b,c [--suffix _v2 | --pair a:x ...] [options]

Compare production (the named schemas) with their parallels, value by value, by meaning.

${PAIRS}
  --tables T,..          only these tables            --tiers ..   only these tiers
  --tolerance 1e-6       relative tolerance for floats
  --stores F             store settings file
  --file-check present|exists|hash|none  how store files are checked: there; there with the recorded size
                         (a stat per object); also the right md5 (every byte read); not at all
                         (default present with --stores, else none)
  --max-differences N    differences listed per table (default 20)
  --target URL           the parallels are on another server: mysql://user@host:port or
                         postgresql://user@host:port/db (names kept unless --suffix is given)
                         --target-tls, --target-ca FILE  as for copy
  --jobs N               tables compared at once (default 2, at most 6; not with --target)
  --json                 machine-readable output

${CONNECTION}

${EXIT('equal', 'any difference')}`,

  verify: `usage: dj-migrate db verify --schemas a_v2,b_v2 [--stores F] [--sample N] [--target URL] [--json]

Is each schema ready for DataJoint 2.x? Pass/fail per table with reasons.

  --stores F             store settings file
  --sample N             check N rows per table instead of all
  --target URL           the schemas are on another server (mysql://user@host:port or
                         postgresql://user@host:port/db): --schemas names them as they are there
                         --target-tls, --target-ca FILE  as for copy
  --json                 machine-readable output

${CONNECTION}

${EXIT('everything passes', 'anything fails')}`,

  'migrate-pointers': `usage: dj-migrate db migrate-pointers --schemas a --table T --attribute A --source-store X [--dest-store Y] [options]

Convert one 0.14.6 external column to 2.x JSON in place.

  --relocate             copy the files into the 2.x layout
  --kind blob|attach|filepath  for adapter columns over a store
  --stores F             store settings file
  --dry-run              print the SQL and file operations only
  --json                 machine-readable output

${CONNECTION}`,

  backup: `usage: dj-migrate db backup --schemas a,b,c [--backup-suffix _backup_YYYYMMDD] [--to-file dump.sql [--no-server-copy]] [--dry-run] [--json]

A full copy of the schemas on the same server, verified equal before it is reported done; --to-file also writes
a SQL file the mysql client loads (--no-server-copy: only the file).

${CONNECTION}

${EXIT('verified', 'not verified')}`,

  restore: `usage: dj-migrate db restore --schemas a,b,c --backup-suffix _backup_YYYYMMDD [--dry-run] [--yes] [--json]

Restore from backups without dropping anything first: clone the backup, verify it, then one atomic RENAME puts
it in place; the replaced tables stay in <name>_before_restore.

  --yes                  confirm without a terminal

${CONNECTION}

${EXIT('restored (or dry run)', 'refused')}`,

  swap: `usage: dj-migrate db swap --schemas a,b,c [--suffix _v2] [--old-suffix _old] [--stores F] [options]

Cut over: production tables move to <name>_old and the parallel tables take the production names, in one atomic
RENAME TABLE, after a freeze confirmation, blocker checks, a catch-up copy, a fresh compare and verify. Then run
\`dj-migrate fix <paths> --finalize\`.

  --tolerance 1e-6       float tolerance of the compare     --sample N   rows verify checks per table
  --lock-wait S          seconds to wait for table locks
  --dry-run              print the plan only                --yes        confirm without a terminal
  --json                 machine-readable output

${CONNECTION}

${EXIT('swapped (or dry run)', 'refused')}`,

  unswap: `usage: dj-migrate db unswap --schemas a,b,c [--suffix _v2] [--old-suffix _old] [--stores F] [--accept-differences] [--dry-run] [--yes]

Roll a swap back: the 2.x tables return to <name>_v2 and <name>_old's tables take the production names again,
in one atomic RENAME. Refused when the 2.x tables hold rows the old ones lack, unless --accept-differences.

  --json                 machine-readable output

${CONNECTION}

${EXIT('rolled back (or dry run)', 'refused')}`,

  retire: `usage: dj-migrate db retire --schemas a,b,c [--old-suffix _old] [--backup-suffix S] [--dry-run] [--yes]

Drop the <name>_old schemas a swap left, only with a backup verified equal to them, after a confirmation naming
them. Store files are never deleted.

${CONNECTION}

${EXIT('retired (or dry run)', 'refused')}`,

  'migrate-in-place': `usage: dj-migrate db migrate-in-place --schema S (--backup [--backup-suffix _backup_YYYYMMDD] | --no-backup) [options]

Make a 0.14.6 schema readable by 2.x where it is. 0.14.6 clients cannot read it afterwards, so a verified
backup is required unless --no-backup is given explicitly.

  --job-columns          add 2.x's _job_start_time/_job_duration/_job_version to Computed/Imported tables
  --relocate             copy store files into the 2.x layout
  --adapter-kind table.column=blob  kind of an adapter column (repeatable)
  --stores F             store settings file
  --dry-run              print the SQL and file operations only
  --yes                  confirm without a terminal
  --json                 machine-readable output

${CONNECTION}

${EXIT('migrated and verified (or dry run)', 'refused or verify failed')}`,
};

/** `--help` or `-h` among the arguments (before a `--` that ends the options). */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

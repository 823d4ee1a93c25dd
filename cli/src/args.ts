// Flag parsing shared by every dj-migrate command, so a flag means the same everywhere.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

/** Options understood by every `db` command (connection and selection). */
export const DB_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  tls: { type: 'boolean' },
  schemas: { type: 'string' },
  suffix: { type: 'string' },
  pair: { type: 'string', multiple: true },
  tables: { type: 'string' },
  tiers: { type: 'string' },
  stores: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  project: { type: 'string' },
} as const;

export function parse(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>,
): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: options as never,
      allowPositionals: true,
      strict: true,
    });
    return { positionals, flags: values as ParsedArgs['flags'] };
  } catch (e) {
    throw new UsageError(parseErrorText(e as Error & { code?: string }));
  }
}

/** node:util's parse errors, said plainly (its unknown-option text suggests a quoting it never closes). */
function parseErrorText(e: Error & { code?: string }): string {
  const option = /option '([^']+)'/i.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const flag = option.split(' ')[0];
    return /argument missing/.test(e.message) ? `${flag} needs a value` : `${flag} takes no value`;
  }
  return e.message;
}

export function str(flags: ParsedArgs['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(flags: ParsedArgs['flags'], name: string): string[] {
  const v = str(flags, name);
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

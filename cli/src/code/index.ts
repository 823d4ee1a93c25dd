// Registry of the code-migration commands (check, fix, report, demo); each exports run(argv, io).
import type { CliIO } from '../io';
import { runCheck } from './check';
import { runFix } from './fix';
import { runReport } from './report';
import { runRules } from './rules';
import { runDemo } from '../demo';

export type CodeCommand = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

export const codeCommands: Record<string, CodeCommand> = {
  check: { summary: 'report DataJoint 0.14.6 patterns', run: runCheck },
  fix: { summary: 'rewrite them to what DataJoint 2.x accepts', run: runFix },
  report: { summary: 'migration report (markdown or json)', run: runReport },
  rules: { summary: 'every rule with its documentation', run: runRules },
  demo: { summary: 'the whole migration on the bundled fixture pipeline against a local server', run: runDemo },
};

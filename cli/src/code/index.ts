// Registry of the code-migration commands (check, fix, report, demo); each exports run(argv, io).
import type { CliIO } from '../io';

export type CodeCommand = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

export const codeCommands: Record<string, CodeCommand> = {};

// dj-migrate rules: every rule with its documentation (markdown, as in docs/rules.md, or JSON).
import { parse, str, UsageError } from '../args';
import type { CliIO } from '../io';
import { allRuleMetas } from '../../../server/src/rules/registry';
import { renderRulesDocument } from '../../../server/src/report/ruleDocs';

export async function runRules(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, { format: { type: 'string' } });
  const format = str(flags, 'format') ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new UsageError('--format must be markdown or json');
  const metas = allRuleMetas();
  io.out(format === 'json' ? JSON.stringify(metas, null, 2) : renderRulesDocument(metas));
  return 0;
}

// Rule documentation as markdown: for hovers, and for docs/rules.md (generated, checked by a test).
import type { RuleMeta } from '../rules/meta';
import { renderFloorTable } from '../rules/pins/floors';
import { ruleAnchor } from '../lsp/ruleLinks';

const SAFETY: Record<RuleMeta['safety'], string> = {
  safe: 'safe fix (applied by fix-all and on save)',
  unsafe: 'unsafe fix (offered individually: behaviour may change)',
  manual: 'manual (explanation only)',
};

export function renderRule(meta: RuleMeta, headingLevel = 3): string {
  const h = '#'.repeat(headingLevel);
  const lines = [`${h} ${meta.code} ${meta.name}`, '', `**${meta.title}**`, '', meta.docs.summary, ''];
  lines.push(
    `- Safety: ${SAFETY[meta.safety]}`,
    `- Phase: ${meta.phase === 1 ? '1 (API, types and config)' : '2 (in-store types)'}`,
    `- Severity: ${meta.severity}`,
  );
  if (meta.catalogue.length)
    lines.push(`- Evidence: \`spec/api-changes.md\` ${meta.catalogue.map((c) => `\`${c}\``).join(', ')}`);
  lines.push('');
  if (meta.docs.guideCorrection)
    lines.push(`> **The published migration guide is wrong here; the library wins.** ${meta.docs.guideCorrection}`, '');
  lines.push('DataJoint 0.14.6:', '', '```python', meta.docs.before, '```', '');
  if (meta.docs.after) lines.push('DataJoint 2.x:', '', '```python', meta.docs.after, '```', '');
  return lines.join('\n');
}

export const FLOORS_HEADING = '## DataJoint release floors';

export function renderRulesDocument(metas: RuleMeta[]): string {
  const lines = [
    '# DataJoint Migrate rules',
    '',
    'Generated from the rule metadata (`npm run docs`); do not edit by hand.',
    '',
  ];
  lines.push('| code | name | safety | phase | title |', '|---|---|---|---|---|');
  for (const m of metas)
    lines.push(
      `| [${m.code}](#${ruleAnchor(m.code)}-${m.name}) | ${m.name} | ${m.safety} | ${m.phase} | ${m.title.replace(/\|/g, '\\|')} |`,
    );
  lines.push('');
  for (const m of metas) lines.push(renderRule(m, 2));
  lines.push(
    FLOORS_HEADING,
    '',
    'The pin DJ160–DJ164 write is the highest floor the project needs, computed over all its Python files, notebooks and DataJoint config files (the command line and the editor compute the same one); each finding names the uses that raise it.',
    '',
    renderFloorTable(),
    '',
  );
  return lines.join('\n');
}

// Regenerates docs/rules.md and the rule table in README.md from the rule metadata (run: npm run docs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
fs.writeFileSync('docs/rules.md', execFileSync('node', [cli, 'rules'], { encoding: 'utf8' }));
const metas = JSON.parse(execFileSync('node', [cli, 'rules', '--format', 'json'], { encoding: 'utf8' }));
const table = [
  '| code | safety | phase | what |',
  '|---|---|---|---|',
  ...metas.map(
    (m) =>
      `| [${m.code}](docs/rules.md#${m.code.toLowerCase()}-${m.name}) | ${m.safety} | ${m.phase} | ${m.title.replace(/\|/g, '\\|')} |`,
  ),
].join('\n');
// The release-floor table, as rendered at the end of docs/rules.md.
const rulesDoc = fs.readFileSync('docs/rules.md', 'utf8');
const floors = rulesDoc
  .slice(rulesDoc.indexOf('## DataJoint release floors'))
  .split('\n')
  .filter((l) => l.startsWith('|'))
  .join('\n');
let readme = fs.readFileSync('README.md', 'utf8');
for (const [name, body] of [
  ['rules', table],
  ['floors', floors],
]) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`README.md lacks the ${name} markers`);
  readme = readme.slice(0, i + start.length) + '\n' + body + '\n' + readme.slice(j);
}
fs.writeFileSync('README.md', readme);
console.log(`docs: ${metas.length} rules`);

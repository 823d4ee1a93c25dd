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
const readme = fs.readFileSync('README.md', 'utf8');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';
const i = readme.indexOf(start);
const j = readme.indexOf(end);
if (i < 0 || j < 0) throw new Error('README.md lacks the rules markers');
fs.writeFileSync('README.md', readme.slice(0, i + start.length) + '\n' + table + '\n' + readme.slice(j));
console.log(`docs: ${metas.length} rules`);

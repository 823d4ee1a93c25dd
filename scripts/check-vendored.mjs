// npm run check:vendored [-- --from DIR]: the read-only copies in test/fixtures and test/spec still equal the
// ground truth they were copied from (default: the `shared` folder beside the clone). Not a test: tests read
// only what the repository holds, so a clone anywhere runs them. Exit 0 equal (or nothing to compare against
// without --from), 1 on any difference, 2 when --from names a folder that is not there.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--from');
const from = i > 0 ? path.resolve(process.argv[i + 1] ?? '') : path.resolve(root, '..', 'shared');
if (!fs.existsSync(from)) {
  console.log(`check-vendored: ${from} is not here: nothing to compare against`);
  process.exit(i > 0 ? 2 : 0);
}

function digests(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const problems = [];
const mine = digests(path.join(root, 'test', 'fixtures'));
const theirs = digests(path.join(from, 'fixtures'));
for (const [f, h] of theirs)
  if (!mine.has(f)) problems.push(`test/fixtures/${f}: missing`);
  else if (mine.get(f) !== h) problems.push(`test/fixtures/${f}: differs`);
for (const f of mine.keys()) if (!theirs.has(f)) problems.push(`test/fixtures/${f}: not in ${from}/fixtures`);
const spec = 'api-changes.md';
if (!fs.readFileSync(path.join(root, 'test', 'spec', spec)).equals(fs.readFileSync(path.join(from, 'spec', spec))))
  problems.push(`test/spec/${spec}: differs`);

for (const p of problems) console.log(`check-vendored: ${p}`);
console.log(`check-vendored: ${problems.length ? `${problems.length} difference(s)` : `equal to ${from}`}`);
process.exit(problems.length ? 1 : 0);

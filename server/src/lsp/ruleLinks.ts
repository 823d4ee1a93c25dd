// The link each diagnostic carries to its rule's section of docs/rules.md, next to the bundled server.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleAnchor } from '../report/ruleDocs';

export const rulesDocFile = path.join(__dirname, '..', 'docs', 'rules.md');

// Every diagnostic of every reply carries its rule's link: built once per rule (pathToFileURL is not cheap).
const hrefs = new Map<string, string>();

export function ruleDocHref(code: string): string {
  let href = hrefs.get(code);
  if (href === undefined) hrefs.set(code, (href = `${pathToFileURL(rulesDocFile).href}#${ruleAnchor(code)}`));
  return href;
}

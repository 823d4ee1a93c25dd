// Strings that still name a schema the parallel-schema workflow renamed (DJ132): `self.database == "lab"` or
// "`lab`.`session`" name the 0.14.6 schema after `fix` wrote `dj.Schema("lab_v2")`. Looked for over the whole project
// after fixing, since a schema is often declared in one module and named in another.
import type { Node } from 'web-tree-sitter';
import { fileKind } from '../fileKind';
import { readNotebook } from '../notebook';
import type { FixedFile } from '../project';
import { loadPython } from '../python/parser';
import { stringValue } from '../python/syntax';
import type { Finding } from '../rules/meta';
import { SCHEMA_CALLS, SCHEMA_NAME_STRING } from '../rules/schemaNames';

/** The Python text the engine analysed for a fixed file (a notebook's code cells), or null for other kinds. */
function pythonOf(f: FixedFile): string | null {
  const kind = fileKind(f.path);
  if (kind === 'python') return f.after;
  if (kind !== 'notebook') return null;
  try {
    return readNotebook(f.after).text;
  } catch {
    return null;
  }
}

/** The string arguments of schema-naming calls (`dj.Schema("lab_v2")`, `scan.activate("lab_scan_v2", ...)`). */
function schemaArguments(root: Node): Node[] {
  const out: Node[] = [];
  for (const call of root.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (!call || !name || !SCHEMA_CALLS.includes(name)) continue;
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
      const v = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
      if (v?.type === 'string') out.push(v);
    }
  }
  return out;
}

/**
 * Adds a DJ132 item to `remaining` of each fixed file for every string naming a schema whose declaration the fix
 * suffixed with `suffix`: the whole string, or a backquoted part of a full table name.
 */
export async function addSchemaNameStrings(fixed: FixedFile[], suffix: string): Promise<void> {
  if (!suffix) return;
  const py = await loadPython();
  const texts = fixed
    .map((f) => ({ f, text: pythonOf(f) }))
    .filter((x): x is { f: FixedFile; text: string } => !!x.text);
  // A name counts once the fix has added the suffix: present with it after, never written with it before.
  const renamed = new Set<string>();
  for (const { f, text } of texts) {
    const tree = py.parse(text);
    try {
      for (const arg of schemaArguments(tree.rootNode)) {
        const name = stringValue(arg);
        if (name && name.length > suffix.length && name.endsWith(suffix) && !f.before.includes(name))
          renamed.add(name.slice(0, -suffix.length));
      }
    } finally {
      tree.delete();
    }
  }
  if (!renamed.size) return;
  for (const { f, text } of texts) {
    if (![...renamed].some((n) => text.includes(n))) continue;
    const tree = py.parse(text);
    try {
      const declared = new Set(schemaArguments(tree.rootNode).map((n) => n.id));
      for (const s of tree.rootNode.descendantsOfType('string')) {
        if (!s || declared.has(s.id)) continue;
        const value = stringValue(s);
        if (value === null) continue;
        const quoted = /`([^`]+)`\./.exec(value)?.[1];
        const name = renamed.has(value) ? value : quoted && renamed.has(quoted) ? quoted : null;
        if (!name) continue;
        f.remaining.push(finding(s, name, suffix, name === value));
      }
    } finally {
      tree.delete();
    }
  }
}

function finding(s: Node, name: string, suffix: string, whole: boolean): Finding {
  const m = SCHEMA_NAME_STRING;
  return {
    code: m.code,
    start: s.startIndex,
    end: s.endIndex,
    severity: m.severity,
    safety: m.safety,
    phase: m.phase,
    message: `${whole ? 'This string is' : 'This full table name quotes'} the schema \`${name}\`, which the migrated code declares as \`${name}${suffix}\`: until the cut-over it names the 0.14.6 schema. Use \`${name}${suffix}\` (and remove the suffix again at the cut-over) or derive it from the table (\`Table.database\`).`,
  };
}

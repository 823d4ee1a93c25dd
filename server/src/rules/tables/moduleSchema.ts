// `experiment.schema` where `experiment` is imported from a module the project's index does not hold (map-ephys,
// cajal, IBL: `from pipeline import experiment` checked alone or against an installed pipeline). A module of the
// project is resolved by the index instead (`isSchemaValue`: its `schema` is a dj.Schema there, or it is not one);
// this guess goes by the attribute name alone, so what is found on it is a hint (`uncertain`).
import type { Node } from 'web-tree-sitter';
import { unparen } from '../../python/syntax';
import type { RuleContext } from '../context';
import { provenNonDataJoint } from '../receivers';
import { isSchemaValue } from './nodes';

/** How sure a receiver is a schema: 'schema' (the index says so), 'guess' (see above), or null. */
export function schemaReceiver(ctx: RuleContext, node: Node): 'schema' | 'guess' | null {
  if (isSchemaValue(ctx, node)) return 'schema';
  return importedModuleSchema(ctx, node) ? 'guess' : null;
}

function importedModuleSchema(ctx: RuleContext, node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'attribute' || n.childForFieldName('attribute')?.text !== 'schema') return false;
  const obj = unparen(n.childForFieldName('object')!);
  let root = obj;
  while (root.type === 'attribute') root = unparen(root.childForFieldName('object')!);
  if (root.type !== 'identifier' || !ctx.index.usesDataJoint) return false;
  // Resolved in the project (a workspace module, a table, a virtual module...): the index's answer stands.
  if (ctx.index.kindOf(root) !== 'unknown' || ctx.index.kindOf(obj) !== 'unknown') return false;
  if (!ctx.index.imports.other.some((i) => i.local === root.text)) return false;
  return !provenNonDataJoint(ctx, obj);
}

/** Said of a finding on a guessed schema: why it is only a hint. */
export function guessedSchemaNote(node: Node): string {
  const obj = unparen(node).childForFieldName('object')!.text;
  return ` (\`${obj}\` is not in the project's index: its \`schema\` is taken to be a dj.Schema by its name; check it)`;
}

// DJ060-070: table and schema methods (api-changes.md §1D, §1E): `_update`, delete/drop keywords,
// `spawn_missing_classes`, removed attributes, positional inserts and Lookup `contents`.
import type { Node } from 'web-tree-sitter';
import type { Rule } from './context';
import { checkDeleteSplats } from './tables/deleteSplats';
import {
  DELETE_FORCE_MASTERS,
  DELETE_FORCE_PARTS,
  DELETE_SAFEMODE,
  LOOKUP_CONTENTS,
  PART_FORCE,
  POSITIONAL_INSERT,
  SCHEMA_DROP_FORCE,
  SCHEMA_REMOVED,
  SPAWN_MISSING,
  TABLE_REMOVED,
  UPDATE_UNDERSCORE,
} from './tables/meta';
import { callOf, isPart, isTableOrQuery, membersNamed, methodCall } from './tables/nodes';
import { checkLookupContents, checkPositionalInserts } from './tables/inserts';
import {
  checkDelete,
  checkPartForce,
  checkRemovedAttributes,
  checkSchemaDrop,
  checkSpawn,
  checkUpdate,
} from './tables/methods';

export {
  UPDATE_UNDERSCORE,
  DELETE_SAFEMODE,
  DELETE_FORCE_PARTS,
  DELETE_FORCE_MASTERS,
  PART_FORCE,
  SCHEMA_DROP_FORCE,
  SPAWN_MISSING,
  SCHEMA_REMOVED,
  TABLE_REMOVED,
  POSITIONAL_INSERT,
  LOOKUP_CONTENTS,
  noRuleBecause,
} from './tables/meta';
export {
  membersNamed,
  identifiersNamed,
  callOf,
  methodCall,
  boolLiteral,
  isTableOrQuery,
  isSchemaValue,
  resolveTable,
} from './tables/nodes';
export { type DefinitionItem, type ParsedDefinition, parseDefinition, type Heading, headingOf } from './tables/heading';
export { removeArguments, ownMember } from './tables/methods';

export const tableRules: Rule[] = [
  {
    metas: [
      UPDATE_UNDERSCORE,
      DELETE_SAFEMODE,
      DELETE_FORCE_PARTS,
      DELETE_FORCE_MASTERS,
      PART_FORCE,
      SCHEMA_DROP_FORCE,
      SPAWN_MISSING,
      SCHEMA_REMOVED,
      TABLE_REMOVED,
      POSITIONAL_INSERT,
      LOOKUP_CONTENTS,
    ],
    check(ctx) {
      const deletes: { call: Node; receiver: Node }[] = [];
      for (const attr of membersNamed(ctx, [
        '_update',
        'delete',
        'drop',
        'spawn_missing_classes',
        'insert',
        'insert1',
      ])) {
        const call = callOf(attr);
        const mc = call && methodCall(call);
        if (!call || !mc) continue;
        switch (mc.method) {
          case '_update':
            checkUpdate(ctx, call, mc);
            break;
          case 'delete':
            checkDelete(ctx, call, mc);
            deletes.push({ call, receiver: mc.receiver });
            break;
          case 'drop':
            if (isTableOrQuery(ctx, mc.receiver) && isPart(ctx, mc.receiver)) checkPartForce(ctx, call, mc);
            else checkSchemaDrop(ctx, call, mc);
            break;
          case 'spawn_missing_classes':
            checkSpawn(ctx, call, mc);
            break;
          case 'insert':
          case 'insert1':
            checkPositionalInserts(ctx, call, mc);
            break;
        }
      }
      checkDeleteSplats(ctx, deletes);
      checkRemovedAttributes(ctx);
      checkLookupContents(ctx);
    },
  },
];

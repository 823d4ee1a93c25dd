// How a file binds DataJoint: `import datajoint as dj`, `import datajoint`, `from datajoint import Schema as S`,
// `from datajoint.fetch import key`, and workspace imports (`from pipeline import Session`, `import pipeline as p`).
import type { Node } from 'web-tree-sitter';

export interface ImportedName {
  local: string;
  module: string; // dotted module as written ('' for relative-only), leading dots kept: '.pipeline'
  name: string | null; // imported member, null for `import module`
  node: Node; // the dotted_name / aliased_import node in the import statement
  statement: Node;
}

export interface Imports {
  /** Local names bound to the datajoint package itself. */
  djModules: Set<string>;
  /** Local name -> qualified DataJoint name, e.g. 'Manual' -> 'datajoint.Manual', 'sch' -> 'datajoint.schema'. */
  djNames: Map<string, string>;
  /** Every name imported from a non-datajoint module (candidates for workspace tables and modules). */
  other: ImportedName[];
  /** Every import of datajoint or a datajoint submodule, for the import rules. */
  dj: ImportedName[];
  /** Modules other than datajoint imported with `from module import *`, as written. */
  stars: string[];
}

function dotted(node: Node): string {
  return node.text.replace(/\s+/g, '');
}

export function readImports(importNodes: Node[]): Imports {
  const res: Imports = { djModules: new Set(), djNames: new Map(), other: [], dj: [], stars: [] };
  for (const stmt of importNodes) {
    if (stmt.type === 'import_statement') {
      for (const child of stmt.namedChildren) {
        if (!child) continue;
        const nameNode = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
        const alias = child.type === 'aliased_import' ? child.childForFieldName('alias')?.text : undefined;
        if (!nameNode) continue;
        const mod = dotted(nameNode);
        const local = alias ?? mod.split('.')[0];
        const entry: ImportedName = { local, module: mod, name: null, node: child, statement: stmt };
        if (mod === 'datajoint' || mod.startsWith('datajoint.')) {
          res.dj.push(entry);
          if (mod === 'datajoint' || !alias) res.djModules.add(local);
          else res.djNames.set(local, mod);
        } else res.other.push(entry);
      }
    } else {
      const modNode = stmt.childForFieldName('module_name');
      if (!modNode) continue;
      const mod = dotted(modNode);
      const isDj = mod === 'datajoint' || mod.startsWith('datajoint.');
      for (const child of stmt.childrenForFieldName('name')) {
        if (!child) continue;
        const nameNode = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
        const alias = child.type === 'aliased_import' ? child.childForFieldName('alias')?.text : undefined;
        if (!nameNode) continue;
        const name = dotted(nameNode);
        const entry: ImportedName = { local: alias ?? name, module: mod, name, node: child, statement: stmt };
        if (isDj) {
          res.dj.push(entry);
          res.djNames.set(entry.local, `${mod}.${name}`);
        } else res.other.push(entry);
      }
      if (stmt.namedChildren.some((c) => c?.type === 'wildcard_import')) {
        if (!isDj) res.stars.push(mod);
        else for (const n of STAR_EXPORTS) if (!res.djNames.has(n)) res.djNames.set(n, `datajoint.${n}`);
      }
    }
  }
  return res;
}

/** What `from datajoint import *` binds that matters to the rules (0.14.6 __all__). */
const STAR_EXPORTS = [
  'config',
  'conn',
  'Connection',
  'Schema',
  'schema',
  'VirtualModule',
  'create_virtual_module',
  'list_schemas',
  'Table',
  'FreeTable',
  'Manual',
  'Lookup',
  'Imported',
  'Computed',
  'Part',
  'Not',
  'AndList',
  'Top',
  'U',
  'Diagram',
  'Di',
  'ERD',
  'set_password',
  'kill',
  'MatCell',
  'MatStruct',
  'AttributeAdapter',
  'errors',
  'DataJointError',
  'key',
  'key_hash',
  'logger',
];

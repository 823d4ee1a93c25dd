// A DataJoint table class as the index knows it: declared in this file (with its definition and contents),
// or imported from another workspace or installed file (its parts reach it through `master`).
import type { Node } from 'web-tree-sitter';
import type { ClassBody } from './classBody';
import type { ExportedClass, ExportedTable, ModuleExports, Tier } from './workspace';

/** Where an imported table is declared: the exporting file and the table's name there. */
export interface TableOrigin {
  module: ModuleExports;
  name: string;
}

export interface TableClass {
  name: string;
  node: Node | null; // class_definition (null for imported tables)
  tier: Tier | null;
  master: TableClass | null;
  parts: Map<string, TableClass>;
  /** The value of `definition = ...` in the class body. */
  definition: Node | null;
  /** The value of `contents = ...` in the class body (Lookup). */
  contents: Node | null;
  imported: boolean;
  /**
   * A mixin of a file that does not import datajoint, found by its definition's shape alone: no DataJoint table of
   * the workspace is known to inherit from it (see index/mixins.ts).
   */
  shapeOnly?: boolean;
  /** For a table imported from another workspace file (its parts reach it through `master`). */
  origin?: TableOrigin;
}

export function importedTable(name: string, tier: Tier | null, parts: string[], origin: TableOrigin): TableClass {
  const t: TableClass = {
    name,
    node: null,
    tier,
    master: null,
    parts: new Map(),
    definition: null,
    contents: null,
    imported: true,
    origin,
  };
  for (const p of parts)
    t.parts.set(p, {
      name: p,
      node: null,
      tier: 'part',
      master: t,
      parts: new Map(),
      definition: null,
      contents: null,
      imported: true,
    });
  return t;
}

/**
 * What the incremental analysis knows of a class from the last analysis of an unchanged statement whose context did
 * not change (see incremental/classFacts.ts): what the first table search found, and its body's nodes, found again.
 */
export interface KnownClass {
  /** The pass of the constructor's table search that found it a table (-1: none did). */
  pass: number;
  tier: Tier | null;
  name: string;
  /** Its body's nodes in this tree, or null if one is not where it was. */
  body: () => ClassBody | null;
  /** The class's name (every class), and what the file exports of it (a table declared here; a module-level class). */
  className: string;
  exported?: ExportedTable;
  exportedClass?: ExportedClass;
}

// What the file index found a statement's classes to be (a table of which tier found in which pass, or none; the
// nodes of its body), kept with the statement's cached results: the next analysis's index takes them for the classes
// of statements left clean instead of searching those again (each base, decorator and body statement read crosses
// into WASM). Clean means the statement's text and everything its classes may read are unchanged (analyzer.ts).
import type { Node } from 'web-tree-sitter';
import type { ClassBody } from '../index/classBody';
import type { FileIndex, KnownClass } from '../index/fileIndex';
import { exportedClass } from '../index/classRefs';
import { exportedTable } from '../index/fileExports';
import type { ExportedClass, ExportedTable, Tier } from '../index/workspace';

/** A node by its type and range relative to its class's start. */
interface Span {
  type: string;
  start: number;
  end: number;
}

export interface ClassFact {
  /** The class_definition's range, relative to its statement's start. */
  start: number;
  end: number;
  pass: number;
  tier: Tier | null;
  name: string;
  definition: Span | null;
  contents: Span | null;
  overrides: string[];
  members: Span[];
  className: string;
  exported?: ExportedTable;
  exportedClass?: ExportedClass;
}

/** The facts of a checked statement's classes (`classes`, in the index's tree), relative to `base`. */
export function classFacts(index: FileIndex, classes: Node[], base: number): ClassFact[] {
  if (!classes.length) return [];
  const local = index.classesByName();
  return classes.map((c) => {
    const table = index.tableOfClass(c);
    const body = index.classBody(c);
    const at = c.startIndex;
    const name = c.childForFieldName('name')?.text ?? '';
    const span = (n: Node | null): Span | null =>
      n ? { type: n.type, start: n.startIndex - at, end: n.endIndex - at } : null;
    return {
      start: at - base,
      end: c.endIndex - base,
      pass: index.foundIn.get(c.id) ?? -1,
      tier: table?.tier ?? null,
      name: table?.name ?? '',
      definition: span(body.definition),
      contents: span(body.contents),
      overrides: body.overrides,
      members: body.members.map((m) => span(m)!),
      className: name,
      exported: table && !table.imported ? exportedTable(table) : undefined,
      exportedClass:
        local.get(c.childForFieldName('name')?.text ?? '') === c ? exportedClass(index, c, local) : undefined,
    };
  });
}

/** The classes of the clean statements, by where they start now. */
export class KnownClasses {
  private readonly byStart = new Map<number, { fact: ClassFact; base: number }>();

  constructor(private readonly root: Node) {}

  add(facts: ClassFact[] | undefined, base: number): void {
    for (const fact of facts ?? []) this.byStart.set(base + fact.start, { fact, base });
  }

  get size(): number {
    return this.byStart.size;
  }

  readonly lookup = (cls: Node): KnownClass | undefined => {
    const known = this.byStart.get(cls.startIndex);
    if (!known || known.base + known.fact.end !== cls.endIndex) return undefined;
    const { fact } = known;
    return {
      pass: fact.pass,
      tier: fact.tier,
      name: fact.name,
      className: fact.className,
      exported: fact.exported,
      exportedClass: fact.exportedClass,
      body: () => {
        const definition = this.find(cls.startIndex, fact.definition);
        const contents = this.find(cls.startIndex, fact.contents);
        if (definition === undefined || contents === undefined) return null;
        const members: Node[] = [];
        for (const m of fact.members) {
          const n = this.find(cls.startIndex, m);
          if (!n) return null;
          members.push(n);
        }
        const body: ClassBody = { definition, contents, overrides: [...fact.overrides], members };
        return body;
      },
    };
  };

  /** The node of `span` in this tree (null for none; undefined when it is not there). */
  private find(at: number, span: Span | null): Node | null | undefined {
    if (!span) return null;
    const start = at + span.start;
    const end = at + span.end;
    let n: Node | null = this.root.descendantForIndex(start, end);
    while (n && n.startIndex === start && n.endIndex === end && n.type !== span.type) n = n.parent;
    return n && n.type === span.type && n.startIndex === start && n.endIndex === end ? n : undefined;
  }
}

// The DataJoint semantic index of one file: how datajoint is bound, schema objects, table classes
// (local, imported from the workspace, virtual modules' attributes) and which expressions are queries.
import type { Node, Tree } from 'web-tree-sitter';
import { collectSyntax, innermost, parameterNames, unparen, unparenTyped, type SyntaxNodes } from '../python/syntax';
import { findSchemasAndModules, readAssignmentParts, type AssignmentParts } from './assignmentParts';
import { looksLikeDefinition, readClassBody, type ClassBody } from './classBody';
import { fileExports } from './fileExports';
import { judgeMixins, type MixinEvidence, type MixinVerdict } from './mixins';
import { isVersionShim } from './versionShims';
import { declaredIn, moduleClasses, tierThroughBases } from './classRefs';
import { declaresTables, linkImports } from './link';
import type { KnownClass, TableClass } from './tableClass';
import { tableTier } from './tableTier';
import { constantValue, functionString, stringConstants } from './constants';
import { readImports, type Imports } from './imports';
import { mayTakeModules, moduleParameters } from './moduleParams';
import type { ModuleExports, WorkspaceIndex } from './workspace';
import { mapPacked } from '../mapPacked';

/** What an expression is, as far as the rules are concerned. */
export type ValueKind =
  | 'table' // a table class (Session, Session.Note, vm.Session)
  | 'query' // a table instance or query expression (Session(), T & key, T * U, q.proj())
  | 'U' // dj.U(...)
  | 'schema' // a dj.Schema object
  | 'vmodule' // a virtual module
  | 'wsmodule' // a workspace Python module holding tables
  | 'config' // dj.config
  | 'djmodule' // the datajoint package
  | 'unknown';

export type { KnownClass, TableClass, TableOrigin } from './tableClass';

/** Methods of a query expression that return another query expression. */
export const QUERY_METHODS = new Set(['proj', 'aggr', 'join', 'restrict', 'extend', 'restrict_in_place']);

export class FileIndex {
  readonly imports: Imports;
  readonly tables = new Map<string, TableClass>(); // module-level names
  readonly allTables: TableClass[] = []; // local classes, parts included
  /** Classes that are not tables themselves but hold a `definition` (template bases, mixins). */
  readonly templates: TableClass[] = [];
  readonly schemaVars = new Set<string>();
  readonly vmodules = new Set<string>();
  readonly wsModules = new Map<string, ModuleExports[]>();
  /** Workspace modules this file star-imports (`from pipeline.shared import *`), directly or through others. */
  readonly starModules: ModuleExports[] = [];
  /** The workspace this file was linked against (null until `link`). */
  workspace: WorkspaceIndex | null = null;
  private readonly classInfo = new Map<number, TableClass>(); // class_definition id -> table
  private readonly bodies = new Map<number, ClassBody>(); // class_definition id -> what its body declares
  private readonly varCache = new Map<string, ValueKind | null>();
  private readonly inProgress = new Set<string>();
  private readonly provisional = new Map<string, ValueKind | null>();
  private readonly kindCache = new Map<number, ValueKind>();
  private readonly qualifiedCache = new Map<number, string | null>();
  private assignmentsByKey: Map<string, Node[]> | null = null;
  private parts: AssignmentParts[] | null = null;
  private functionStarts: number[] | null = null;
  private functionEnds: number[] | null = null;
  private classStarts: number[] | null = null;
  private classEnds: number[] | null = null;
  private guardedTries: Node[] | null = null;
  private localClasses: Map<string, Node> | null = null;
  private constantsCache: Map<string, Node> | null = null;
  private tableModuleCache: boolean | null = null;
  private moduleParams: Array<{ name: string; start: number; end: number }> | null = null;
  /** class_definition id -> the pass of the constructor's table search that found it a table. */
  readonly foundIn = new Map<number, number>();

  constructor(
    readonly path: string,
    readonly tree: Tree,
    readonly syntax: SyntaxNodes = collectSyntax(tree),
    private readonly known?: (cls: Node) => KnownClass | undefined,
  ) {
    this.imports = readImports(this.syntax.imports);
    findSchemasAndModules(this);
    this.findTables(true);
  }

  /** True when anything in the file is DataJoint: a datajoint import or a workspace table import. */
  get usesDataJoint(): boolean {
    return (
      this.imports.djModules.size > 0 ||
      this.imports.djNames.size > 0 ||
      this.tables.size > 0 ||
      this.vmodules.size > 0 ||
      this.importsTableModule()
    );
  }

  /** A workspace module imported here (`from .. import reports`) declares or re-exports tables. */
  private importsTableModule(): boolean {
    if (!this.workspace || !this.wsModules.size) return false;
    this.tableModuleCache ??= declaresTables(this.workspace, this.wsModules);
    return this.tableModuleCache;
  }

  /** What this file exports for other files (`known`: config keys and features the incremental analysis gathered). */
  exports(known?: Pick<ModuleExports, 'configKeys' | 'features'>): ModuleExports {
    return fileExports(this, known, this.known);
  }

  /** Module-level string constants by name. */
  constants(): Map<string, Node> {
    this.constantsCache ??= stringConstants(this);
    return this.constantsCache;
  }

  /** The value of a module-level string constant named by `expr`: its node in this file, or its text from another. */
  constantValue(expr: Node): Node | string | null {
    return constantValue(this.constants(), this.imports, this.workspace, this.path, expr, (n) =>
      functionString(this, n),
    );
  }

  /** What a class body declares (`readClassBody`), read once per class: tables, exports and override checks all ask. */
  classBody(cls: Node): ClassBody {
    let body = this.bodies.get(cls.id);
    if (!body) this.bodies.set(cls.id, (body = this.known?.(cls)?.body() ?? readClassBody(cls)));
    return body;
  }

  /**
   * What makes the mixins of a file that does not import datajoint DataJoint's (index/mixins.ts), decided anew for
   * each analysis (the workspace changes) without changing the templates, which are kept between edits.
   */
  mixinEvidence(dataJoint: boolean): MixinEvidence {
    this.mixins = judgeMixins(this.templates, dataJoint, this.workspace ?? null, this.path);
    return this.mixins.evidence;
  }

  private mixins: MixinVerdict | null = null;

  /** The templates the rules check in this analysis (a shape-only mixin only if its definition passes the strict test). */
  get checkedTemplates(): TableClass[] {
    return this.mixins?.checked ?? this.templates;
  }

  /** A mixin known by its definition's shape alone in this analysis (no DataJoint table is known to inherit from it). */
  isShapeOnly(t: TableClass): boolean {
    return !!t.shapeOnly && this.mixins?.evidence !== 'inherited';
  }

  /** Module-level classes by name. */
  classesByName(): Map<string, Node> {
    this.localClasses ??= moduleClasses(
      this.syntax.classes,
      (c) => {
        const parent = c.parent?.type === 'decorated_definition' ? c.parent.parent : c.parent;
        return parent?.type === 'module';
      },
      (c) => this.known?.(c)?.className,
    );
    return this.localClasses;
  }

  /** Resolve names imported from other workspace files. Call once the workspace index holds the other files. */
  link(ws: WorkspaceIndex): void {
    this.workspace = ws;
    if (linkImports(this, ws)) {
      this.tableModuleCache = null;
      this.qualifiedCache.clear();
      this.varCache.clear();
      this.kindCache.clear();
      this.findTables(); // subclasses of imported tables
    }
  }

  /** The qualified DataJoint name of an identifier or attribute chain ('datajoint.schema'), or null. */
  qualified(node: Node): string | null {
    const cached = this.qualifiedCache.get(node.id);
    if (cached !== undefined) return cached;
    const q = this.qualifiedUncached(node);
    this.qualifiedCache.set(node.id, q);
    return q;
  }

  private qualifiedUncached(node: Node): string | null {
    if (!this.imports.djModules.size && !this.imports.djNames.size) return null;
    const { node: n, type } = unparenTyped(node);
    if (type === 'identifier') {
      const name = n.text;
      return this.imports.djModules.has(name) ? 'datajoint' : (this.imports.djNames.get(name) ?? null);
    }
    if (type === 'attribute') {
      const obj = n.childForFieldName('object');
      const attr = n.childForFieldName('attribute');
      if (!obj || !attr) return null;
      const base = this.qualified(obj);
      return base ? `${base}.${attr.text}` : null;
    }
    return null;
  }

  kindOf(node: Node): ValueKind {
    const cached = this.kindCache.get(node.id);
    if (cached !== undefined) return cached;
    const { node: n, type } = unparenTyped(node);
    let k: ValueKind;
    switch (type) {
      case 'identifier':
        k = this.kindOfName(n);
        break;
      case 'attribute':
        k = this.kindOfAttribute(n);
        break;
      case 'call':
        k = this.kindOfCall(n);
        break;
      case 'binary_operator':
        k = this.kindOfBinary(n);
        break;
      default:
        k = 'unknown';
    }
    if (!this.inProgress.size) this.kindCache.set(node.id, k);
    return k;
  }

  /** The innermost function or lambda holding a node (null at module level). */
  scopeOf(node: Node): Node | null {
    this.functionStarts ??= mapPacked(this.syntax.functions, (f) => f.startIndex);
    this.functionEnds ??= mapPacked(this.syntax.functions, (f) => f.endIndex);
    return innermost(this.syntax.functions, node.startIndex, node, this.functionStarts, this.functionEnds);
  }

  /** The innermost class holding a node. */
  classOf(node: Node, type: string = node.type): Node | null {
    this.classStarts ??= mapPacked(this.syntax.classes, (c) => c.startIndex);
    this.classEnds ??= mapPacked(this.syntax.classes, (c) => c.endIndex);
    const start = type === 'class_definition' ? node.startIndex - 1 : node.startIndex;
    if (start < 0) return null; // nothing encloses the file's first class
    return innermost(this.syntax.classes, start, node, this.classStarts, this.classEnds);
  }

  /**
   * Inside `try: … except (ImportError, AttributeError, …): <the other version's code>` — code that already supports
   * both versions. A handler that only passes, reports or re-raises swallows errors instead (`except AttributeError:
   * print(...)` around a whole function body): the code in its `try` is checked like any other.
   */
  isGuarded(node: Node): boolean {
    this.guardedTries ??= this.syntax.tries.filter(isVersionShim);
    return this.guardedTries.some((t) => t.startIndex <= node.startIndex && node.endIndex <= t.endIndex);
  }

  isDataJointValue(node: Node): boolean {
    const k = this.kindOf(node);
    return k === 'table' || k === 'query' || k === 'U';
  }

  tableOf(node: Node): TableClass | null {
    const { node: n, type } = unparenTyped(node);
    if (type === 'identifier') return this.tables.get(n.text) ?? null;
    if (type === 'attribute') {
      const owner = this.tableOf(n.childForFieldName('object')!);
      return owner?.parts.get(n.childForFieldName('attribute')!.text) ?? null;
    }
    if (type === 'call') return this.tableOf(n.childForFieldName('function')!);
    return null;
  }

  /** The table a class_definition declares, if it is one. */
  tableOfClass(cls: Node): TableClass | null {
    return this.classInfo.get(cls.id) ?? null;
  }

  /** The table class whose body holds this node, if any. */
  enclosingTable(node: Node): TableClass | null {
    // innermost first, then outward (a helper class nested in a table class is not the table)
    const cls = this.classOf(node);
    return cls ? (this.classInfo.get(cls.id) ?? null) : null;
  }

  /** The function a function is nested in, if any. */
  private enclosingFunction(fn: Node): Node | null {
    if (fn.startIndex === 0) return null;
    this.scopeOf(fn); // the sorted starts and ends
    return innermost(this.syntax.functions, fn.startIndex - 1, fn.endIndex, this.functionStarts!, this.functionEnds!);
  }

  private kindOfName(n: Node): ValueKind {
    const q = this.qualified(n);
    if (q === 'datajoint') return 'djmodule';
    if (q === 'datajoint.config' || q === 'datajoint.settings.config') return 'config';
    const name = n.text;
    const scope = this.scopeOf(n);
    if ((name === 'self' || name === 'cls') && scope?.type === 'function_definition' && this.enclosingTable(n)) {
      // A function nested in a method reads the method's `self` / `cls` (unless it takes a parameter of that name).
      for (let fn: Node | null = scope; fn; fn = this.enclosingFunction(fn)) {
        const params = parameterNames(fn);
        if (params[0] === name && this.classOf(fn)?.id === this.classOf(n)?.id && !this.enclosingFunction(fn))
          return name === 'self' ? 'query' : 'table';
        if (params.includes(name)) break;
      }
    }
    if (this.isModuleParameter(n)) return 'vmodule';
    const local = this.variableKind(scope, name);
    if (local !== null) return local;
    if (scope) {
      const moduleLevel = this.variableKind(null, name);
      if (moduleLevel !== null) return moduleLevel;
    }
    if (this.tables.has(name)) return 'table';
    if (this.schemaVars.has(name)) return 'schema';
    if (this.vmodules.has(name)) return 'vmodule';
    if (this.wsModules.has(name)) return 'wsmodule';
    return 'unknown';
  }

  /** A module handed in the way DataJoint Elements do (`linking_module`, `ephys: types.ModuleType`). */
  private isModuleParameter(n: Node): boolean {
    this.moduleParams ??= mayTakeModules(this.tree.rootNode.text)
      ? moduleParameters(this.syntax.functions, this.tree.rootNode.endIndex)
      : [];
    return this.moduleParams.some((p) => p.name === n.text && p.start <= n.startIndex && n.endIndex <= p.end);
  }

  private kindOfAttribute(n: Node): ValueKind {
    const q = this.qualified(n);
    if (q === 'datajoint.config') return 'config';
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text ?? '';
    if (!obj) return 'unknown';
    const ok = this.kindOf(obj);
    const capital = /^[A-Z]/.test(attr);
    if (ok === 'vmodule' && capital) return 'table';
    if (ok === 'wsmodule' && this.workspace) {
      const ws = this.workspace;
      const hits = (this.wsModules.get(unparen(obj).text) ?? []).flatMap((m) => declaredIn(ws, m, attr));
      if (hits.some((h) => h.module.tables.has(h.name) || tierThroughBases(ws, h.module, h.name) !== undefined))
        return 'table';
      if (hits.some((h) => h.module.vmodules.has(h.name))) return 'vmodule';
      if (hits.some((h) => h.module.schemaVars.has(h.name))) return 'schema';
      return 'unknown';
    }
    if (ok === 'table' && capital) return 'table'; // a Part table, possibly of an imported master
    return 'unknown';
  }

  private kindOfCall(n: Node): ValueKind {
    const fn = n.childForFieldName('function');
    if (!fn) return 'unknown';
    const q = this.qualified(fn);
    if (q) {
      const member = q.slice(q.lastIndexOf('.') + 1);
      if (member === 'U') return 'U';
      if (member === 'FreeTable') return 'query';
      if (member === 'Schema' || member === 'schema') return 'schema';
      if (member === 'VirtualModule' || member === 'create_virtual_module' || member === 'virtual_schema')
        return 'vmodule';
      return 'unknown';
    }
    const fk = this.kindOf(fn);
    if (fk === 'table') return 'query';
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const recv = this.kindOf(fn.childForFieldName('object')!);
      if ((recv === 'table' || recv === 'query' || recv === 'U') && QUERY_METHODS.has(method)) return 'query';
    }
    return 'unknown';
  }

  private kindOfBinary(n: Node): ValueKind {
    const op = n.childForFieldName('operator')?.type ?? '';
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return 'unknown';
    const dj = (k: ValueKind) => k === 'table' || k === 'query' || k === 'U';
    const lk = this.kindOf(left);
    if (op === '&' || op === '-' || op === '^') return dj(lk) ? 'query' : 'unknown';
    if (op === '*' || op === '@' || op === '+') return dj(lk) || dj(this.kindOf(right)) ? 'query' : 'unknown';
    return 'unknown';
  }

  /** Kind of a variable assigned in a scope (null scope = module): known only when every assignment agrees. */
  private variableKind(scope: Node | null, name: string): ValueKind | null {
    const key = `${scope?.id ?? 0}:${name}`;
    if (this.varCache.has(key)) return this.varCache.get(key)!;
    // A self-referencing assignment (`q = q & x`) sees the kind the earlier assignments agree on.
    if (this.inProgress.has(key)) return this.provisional.get(key) ?? null;
    this.inProgress.add(key);
    let result: ValueKind | null = null;
    for (const right of this.assignments().get(key) ?? []) {
      this.provisional.set(key, result);
      const k: ValueKind = right ? this.kindOf(right) : 'unknown';
      result = result === null ? k : result === k ? k : 'unknown';
    }
    this.provisional.delete(key);
    this.inProgress.delete(key);
    this.varCache.set(key, result);
    return result;
  }

  /** The values assigned to this identifier's name in its own scope (function or module), in file order. */
  assignedValues(name: Node): Node[] {
    return this.assignments().get(`${this.scopeOf(name)?.id ?? 0}:${name.text}`) ?? [];
  }

  assignmentParts(): AssignmentParts[] {
    if (!this.parts) {
      const root = this.tree.rootNode;
      // The root starts at the first token (after leading blank lines and comments), and so does its text.
      this.parts = readAssignmentParts(
        this.syntax.assignments,
        root.hasError ? undefined : { text: root.text, base: root.startIndex },
      );
    }
    return this.parts;
  }

  /** Right-hand sides of `name = …` by scope and name; class-body assignments are attributes, not variables. */
  private assignments(): Map<string, Node[]> {
    if (this.assignmentsByKey) return this.assignmentsByKey;
    const map = new Map<string, Node[]>();
    for (const { node: a, name, right } of this.assignmentParts()) {
      if (name === null) continue;
      const scope = this.scopeOf(a);
      const cls = this.classOf(a, 'assignment');
      if (cls && (!scope || cls.startIndex > scope.startIndex)) continue;
      const key = `${scope?.id ?? 0}:${name}`;
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      if (right) list.push(right);
    }
    return (this.assignmentsByKey = map);
  }

  private findTables(first = false): void {
    // Repeat until stable: a class may subclass a table declared later in the file or imported.
    for (let changed = true, pass = 0; changed; pass++) {
      changed = false;
      for (const cls of this.syntax.classes) {
        if (this.classInfo.has(cls.id)) continue;
        // What the last analysis found in the first pass (or never) holds again; a later pass is searched again.
        const hint = first ? this.known?.(cls) : undefined;
        const reused = hint && hint.pass <= 0 ? hint : undefined;
        if (reused && (reused.pass < 0 || pass > 0)) continue;
        const tier = reused ? reused.tier : tableTier(this, cls);
        if (tier === undefined) continue;
        const name = reused ? reused.name : (cls.childForFieldName('name')?.text ?? '');
        const masterNode = this.classOf(cls, 'class_definition');
        const master = masterNode ? (this.classInfo.get(masterNode.id) ?? null) : null;
        if (masterNode && !master) continue;
        const body = this.classBody(cls);
        const t: TableClass = {
          name,
          node: cls,
          tier,
          master,
          parts: new Map(),
          definition: body.definition,
          contents: body.contents,
          imported: false,
        };
        this.classInfo.set(cls.id, t);
        if (first) this.foundIn.set(cls.id, pass);
        this.allTables.push(t);
        if (master) master.parts.set(name, t);
        else if (!this.scopeOf(cls)) this.tables.set(name, t);
        changed = true;
      }
    }
    this.findTemplates();
  }

  /**
   * Classes that hold a `definition` without being tables here: template bases and mixins. In a file that is not
   * DataJoint code, only module-level classes, `shapeOnly` until `mixinEvidence` says otherwise.
   */
  private findTemplates(): void {
    const dataJoint = this.usesDataJoint;
    const kept = this.templates.filter((t) => !this.classInfo.has(t.node!.id) && (dataJoint || t.shapeOnly));
    for (const t of kept) if (dataJoint) delete t.shapeOnly;
    this.templates.splice(0, this.templates.length, ...kept);
    const known = new Set(kept.map((t) => t.node!.id));
    const moduleLevel = dataJoint ? null : new Set(this.classesByName().values());
    for (const cls of this.syntax.classes) {
      if (this.classInfo.has(cls.id) || known.has(cls.id) || (moduleLevel && !moduleLevel.has(cls))) continue;
      const body = this.classBody(cls);
      if (!body.definition || !looksLikeDefinition(body.definition.text)) continue;
      this.templates.push({
        ...(dataJoint ? {} : { shapeOnly: true }),
        name: cls.childForFieldName('name')?.text ?? '',
        node: cls,
        tier: null,
        master: null,
        parts: new Map(),
        definition: body.definition,
        contents: null,
        imported: false,
      });
    }
  }
}

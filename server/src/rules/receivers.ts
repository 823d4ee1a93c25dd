// The line between "proven not DataJoint" and "unverified" for the receiver of a changed API.
//
// A call such as `x.fetch()` whose receiver the index resolves to a table or query is a finding; one whose
// receiver it cannot resolve is listed as *unverified* (a hint naming the receiver, no fix) unless the
// receiver is PROVEN not to be DataJoint. Proven means the value can only come from:
//   - a literal or display (string, number, list, dict, set, tuple, comprehension, lambda, f-string);
//   - a module of the standard library or of a well-known non-DataJoint package (numpy, pandas, requests,
//     sqlite3, ...; KNOWN_MODULES below), or a name imported from one, and anything reached from it by
//     attribute access, subscript or call (`requests.get(url)`, `sqlite3.connect(p).cursor()`);
//   - a builtin (`open(p)`, `dict(...)`);
//   - a class of this file that has no base class other than `object` (so it is no table) or an instance of
//     it (`self` inside it is not: the class may be a table mixin; `self.x` only when the class body binds `x`
//     to a proven value that no method reassigns);
//   - a variable whose every assignment in its scope is proven (a module-level one only when no function
//     rebinds it with `global`), or a parameter annotated with a proven type.
// Everything else is unverified: parameters without annotation, `self.x`, names imported from other
// workspace files or unknown packages that the index did not resolve, results of local functions, loop
// variables. (Operators `@` and `^` are the exception: see `tableLike`.)
import type { Node } from 'web-tree-sitter';
import { parameterName, unparen, unparenTyped } from '../python/syntax';
import type { RuleContext } from './context';

/** Top-level modules that never hold DataJoint tables: the standard library and common scientific packages. */
const KNOWN_MODULES = new Set(
  (
    'abc argparse array ast asyncio base64 bisect builtins bz2 calendar collections concurrent configparser contextlib ' +
    'copy csv ctypes dataclasses datetime decimal difflib enum errno fnmatch fractions functools gc getpass glob ' +
    'gzip hashlib heapq hmac html http importlib inspect io ipaddress itertools json logging lzma math mimetypes ' +
    'multiprocessing numbers operator os pathlib pickle platform pprint queue random re shelve shlex shutil signal ' +
    'socket sqlite3 ssl stat statistics string struct subprocess sys tarfile tempfile textwrap threading time ' +
    'timeit traceback types typing unittest urllib uuid warnings weakref xml zipfile zlib ' +
    'numpy np pandas pd scipy matplotlib seaborn sklearn requests httpx urllib3 aiohttp sqlalchemy pymysql ' +
    'MySQLdb psycopg2 psycopg boto3 botocore xarray dask polars pyarrow h5py zarr torch tensorflow jax networkx ' +
    'PIL cv2 skimage yaml toml tomllib tqdm click attr attrs pydantic plotly bokeh statsmodels numba'
  ).split(' '),
);

const BUILTINS = new Set(
  'open dict list set frozenset tuple str int float bool bytes bytearray range enumerate zip map filter sorted reversed iter len repr format object'.split(
    ' ',
  ),
);

const LITERALS = new Set([
  'string',
  'concatenated_string',
  'integer',
  'float',
  'true',
  'false',
  'none',
  'list',
  'dictionary',
  'set',
  'tuple',
  'list_comprehension',
  'dictionary_comprehension',
  'set_comprehension',
  'generator_expression',
  'lambda',
]);

/** Why a receiver counts as unverified, for the finding's message and the report. */
export function unresolvedReason(receiver: Node): string {
  const t = unparen(receiver).text.replace(/\s+/g, ' ');
  return `receiver not resolved: \`${t.length <= 60 ? t : `${t.slice(0, 57)}...`}\``;
}

/** Whether a value is proven not to be a DataJoint table, query or module (see the file comment). */
export function provenNonDataJoint(ctx: RuleContext, node: Node, depth = 0): boolean {
  if (depth > 12) return false;
  const { node: n, type } = unparenTyped(node);
  const k = ctx.index.kindOf(n);
  if (k === 'table' || k === 'query' || k === 'U' || k === 'vmodule' || k === 'wsmodule' || k === 'djmodule')
    return false;
  if (LITERALS.has(type)) return true;
  const next = (x: Node | null | undefined) => !!x && provenNonDataJoint(ctx, x, depth + 1);
  switch (type) {
    case 'identifier':
      return provenName(ctx, n, depth);
    case 'attribute':
    case 'subscript': {
      // Attributes of an instance of a local class (`self._ephys`) may hold anything: never proof.
      const obj = n.childForFieldName(type === 'attribute' ? 'object' : 'value');
      if (!obj) return false;
      if (type === 'attribute' && instanceOfLocalClass(ctx, obj))
        return classConstant(ctx, n, n.childForFieldName('attribute')?.text ?? '', depth);
      return !instanceOfLocalClass(ctx, obj) && next(obj);
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'identifier' && (BUILTINS.has(fn.text) || plainClass(ctx, fn.text))) return true;
      return next(fn);
    }
    case 'unary_operator':
      return next(n.childForFieldName('argument'));
    case 'binary_operator':
      return next(n.childForFieldName('left')) && next(n.childForFieldName('right'));
    default:
      return false;
  }
}

function provenName(ctx: RuleContext, n: Node, depth: number): boolean {
  const name = n.text;
  const imported = ctx.index.imports.other.find((i) => i.local === name);
  if (imported) return !ctx.index.wsModules.has(name) && KNOWN_MODULES.has(imported.module.split('.')[0]);
  if (plainClass(ctx, name)) return true;
  // `self` is never proof, even in a class without bases: such a class may be a table mixin.
  if (name === 'self' || name === 'cls') return false;
  const scope = ctx.index.scopeOf(n);
  const values = ctx.index.assignedValues(n);
  if (values.length) return values.every((v) => v.id !== n.id && provenNonDataJoint(ctx, v, depth + 1));
  const param = scope ? parameterNamed(scope, name) : null;
  if (param) {
    // `ephys: types.ModuleType` is how DataJoint Elements pass schema modules: never proof.
    const type = param.childForFieldName('type');
    const t = type?.type === 'type' ? type.namedChild(0) : type;
    return !!t && !/\b(ModuleType|Any|object)\b/.test(t.text) && provenNonDataJoint(ctx, t, depth + 1);
  }
  if (scope) {
    // `global name` in a function that assigns it (DataJoint Elements' `_linking_module = None` + activate()).
    if (new RegExp(`\\bglobal\\b[^\\n]*\\b${name}\\b`).test(ctx.text)) return false;
    const top = ctx.index.syntax.assignments.filter(
      (a) => a.childForFieldName('left')?.text === name && !ctx.index.scopeOf(a) && !ctx.index.classOf(a, 'assignment'),
    );
    if (top.length)
      return top.every((a) => {
        const right = a.childForFieldName('right');
        return !!right && provenNonDataJoint(ctx, right, depth + 1);
      });
  }
  return BUILTINS.has(name);
}

/**
 * `self.X` where the (plain) class body binds `X = <proven value>` and no method assigns `self.X`: the class
 * constant (e.g. `target = None`).
 */
function classConstant(ctx: RuleContext, attr: Node, name: string, depth: number): boolean {
  const obj = unparen(attr.childForFieldName('object')!);
  if (obj.type !== 'identifier') return false;
  const cls = ctx.index.classOf(attr);
  if (!cls || cls.childForFieldName('superclasses')) return false;
  let bound: Node | null = null;
  for (const a of ctx.index.syntax.assignments) {
    if (a.startIndex < cls.startIndex || a.endIndex > cls.endIndex) continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text === name) return false;
    if (
      left?.type === 'identifier' &&
      left.text === name &&
      ctx.index.classOf(a, 'assignment')?.id === cls.id &&
      !ctx.index.scopeOf(a)
    )
      bound = a.childForFieldName('right');
  }
  return !!bound && provenNonDataJoint(ctx, bound, depth + 1);
}

function instanceOfLocalClass(ctx: RuleContext, node: Node): boolean {
  const { node: n, type } = unparenTyped(node);
  if (type === 'identifier') {
    const name = n.text;
    return name === 'self' || name === 'cls';
  }
  const fn = type === 'call' ? n.childForFieldName('function') : null;
  return fn?.type === 'identifier' && plainClass(ctx, fn.text);
}

/** A class of this file with no base class (or only `object`): never a table. */
function plainClass(ctx: RuleContext, name: string): boolean {
  if (ctx.index.tables.has(name)) return false;
  return ctx.index.syntax.classes.some((c) => {
    if (c.childForFieldName('name')?.text !== name) return false;
    const bases = c.childForFieldName('superclasses');
    return !bases || bases.namedChildren.every((b) => b?.text === 'object');
  });
}

function parameterNamed(fn: Node, name: string): Node | null {
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p && parameterName(p)?.text === name) return p;
  }
  return null;
}

/**
 * Operands of `@` and `^` are matrices and bit masks far more often than queries: there an unresolved operand
 * is listed only when it looks like a table — a capitalised name or attribute (`Session`, `ephys.Unit`), a
 * call of one (`Session()`), or a restriction/join of one.
 */
export function tableLike(ctx: RuleContext, node: Node): boolean {
  const { node: n, type } = unparenTyped(node);
  if (provenNonDataJoint(ctx, n)) return false;
  if (type === 'identifier') return /^[A-Z][a-z]/.test(n.text);
  if (type === 'attribute') return /^[A-Z][a-z]/.test(n.childForFieldName('attribute')?.text ?? '');
  if (type === 'call') return tableLike(ctx, n.childForFieldName('function')!);
  if (type === 'binary_operator') return tableLike(ctx, n.childForFieldName('left')!);
  return false;
}

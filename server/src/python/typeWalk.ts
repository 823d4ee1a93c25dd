// A whole-tree type search that reads the tree in WASM memory from JavaScript. web-tree-sitter's
// `descendantsOfType` walks the tree with a cursor inside WASM at ~130 ns a node: on `dj-migrate check` that was a
// fifth of the analysis time outside parsing. This walk reads the same subtree records (tree-sitter's subtree.h,
// parser.h; ABI 15, wasm32, little-endian) and hands out the same nodes, in the same order, at about a third of the
// cost. It is only used once it has given exactly what `descendantsOfType` gives on a sample (`verifyTypeSearch`);
// otherwise the library's search stays.
import type { Language, Node, Tree } from 'web-tree-sitter';

/** The Emscripten module's memory views (replaced when WASM memory grows: read at every search). */
export interface WasmHeap {
  HEAPU8?: Uint8Array;
  HEAPU16?: Uint16Array;
  HEAPU32?: Uint32Array;
}

/** Makes a node as web-tree-sitter's `unmarshalNode` does (a patched-in factory: scripts/webTreeSitterPatch.cjs). */
export type NodeFactory = (
  tree: Tree,
  id: number,
  startIndex: number,
  row: number,
  column: number,
  alias: number,
) => Node;

/**
 * Every node of `tree` whose type is one of `types`, in document order (as `tree.rootNode.descendantsOfType`). With
 * `kinds`, each node's type is given there too, as its index in `types` (asking a node its type crosses into WASM).
 */
export type TreeTypeSearch = (tree: Tree, types: readonly string[], kinds?: number[]) => Node[];

const ERROR_SYMBOL = 65535;

// Offsets in a SubtreeHeapData record (wasm32).
const PADDING = 4; // Length {bytes, row, column}
const SIZE = 16; // Length
const CHILD_COUNT = 36;
const SYMBOL = 40; // uint16
const FLAGS = 44; // visible: bit 0, extra: bit 2
const PRODUCTION_ID = 66; // uint16

let U8: Uint8Array = new Uint8Array(0);
let U16: Uint16Array = new Uint16Array(0);
let U32: Uint32Array = new Uint32Array(0);

interface Search {
  aliasSequences: number; // address of TSLanguage.alias_sequences
  maxAlias: number;
  /** By internal symbol (its public symbol's answer): 0, or 1 + the index of its type in the search's types. */
  wanted: Uint16Array; // the last slot stands for ERROR
  found: number[]; // id, start byte, row, start column byte, alias, wanted: six per node
}

/**
 * Children of the heap subtree at `p`, whose first child starts at (bytes, row, col), in document order; the visible
 * ones (or aliased) of a wanted type are recorded. Mirrors tree_cursor.c's child iterator: an extra child takes no
 * alias and no structural index; each child's end is its start plus its size, and the next child starts after its
 * padding. Zero-width nodes at the very start of the file are skipped with their children, as the library does.
 */
function visit(s: Search, p: number, bytes: number, row: number, col: number): void {
  // Module-level views copied to locals: each read is then a plain typed-array load.
  const u8 = U8;
  const u16 = U16;
  const u32 = U32;
  const wanted = s.wanted;
  const found = s.found;
  const count = u32[(p + CHILD_COUNT) >> 2];
  const production = u16[(p + PRODUCTION_ID) >> 1];
  const aliases = production ? s.aliasSequences + 2 * production * s.maxAlias : 0;
  const base = p - 8 * count;
  let structural = 0;
  for (let i = 0; i < count; i++) {
    const slot = base + 8 * i;
    const word = u32[slot >> 2];
    let visible: number;
    let extra: number;
    let symbol: number;
    let sizeBytes: number;
    let sizeRows = 0;
    let sizeCols: number;
    let children = 0;
    if (word & 1) {
      // SubtreeInlineData: flags byte (is_inline, visible, named, extra, …), symbol, parse state, padding and size.
      const flags = u8[slot];
      visible = flags & 2;
      extra = flags & 8;
      symbol = u8[slot + 1];
      sizeBytes = u8[slot + 7];
      sizeCols = sizeBytes;
    } else {
      const flags = u8[word + FLAGS];
      visible = flags & 1;
      extra = flags & 4;
      symbol = u16[(word + SYMBOL) >> 1];
      sizeBytes = u32[(word + SIZE) >> 2];
      sizeRows = u32[(word + SIZE + 4) >> 2];
      sizeCols = u32[(word + SIZE + 8) >> 2];
      children = u32[(word + CHILD_COUNT) >> 2];
    }
    let alias = 0;
    if (!extra) {
      if (aliases) alias = u16[(aliases + 2 * structural) >> 1];
      structural++;
    }
    const endRow = row + sizeRows;
    const endCol = sizeRows > 0 ? sizeCols : col + sizeCols;
    if (endRow !== 0 || endCol !== 0) {
      // `wanted` is indexed by internal symbol (the public symbol's answer), ERROR in its last slot.
      if (visible || alias) {
        const kind = wanted[alias || (symbol === ERROR_SYMBOL ? wanted.length - 1 : symbol)];
        if (kind) found.push(slot, bytes, row, col, alias, kind);
      }
      if (children) visit(s, word, bytes, row, col);
    }
    bytes += sizeBytes;
    row = endRow;
    col = endCol;
    if (i + 1 < count) {
      const next = slot + 8;
      const w = u32[next >> 2];
      if (w & 1) {
        bytes += u8[next + 6];
        const rows = u8[next + 5] & 15;
        if (rows) {
          row += rows;
          col = u8[next + 4];
        } else col += u8[next + 4];
      } else {
        bytes += u32[(w + PADDING) >> 2];
        const rows = u32[(w + PADDING + 4) >> 2];
        if (rows) {
          row += rows;
          col = u32[(w + PADDING + 8) >> 2];
        } else col += u32[(w + PADDING + 8) >> 2];
      }
    }
  }
}

/**
 * A search over trees of `language` (null when its record does not look like the layout this file reads). Positions
 * are in UTF-16 code units, as web-tree-sitter parses (bytes and columns are twice the code units).
 */
export function treeTypeSearch(language: Language, heap: WasmHeap, make: NodeFactory): TreeTypeSearch | null {
  const address = (language as unknown as { 0?: number })[0];
  if (!heap.HEAPU8 || !heap.HEAPU16 || !heap.HEAPU32 || typeof address !== 'number' || !address) return null;
  const u32 = heap.HEAPU32;
  // abi_version, symbol_count + alias_count (what Language.types holds), max_alias_sequence_length.
  if (u32[address >> 2] !== 15 || u32[address >> 2] !== language.abiVersion) return null;
  if (u32[(address + 4) >> 2] + u32[(address + 8) >> 2] !== language.types.length) return null;
  const maxAlias = heap.HEAPU16[(address + 36) >> 1];
  const publicSymbols = u32[(address + 76) >> 2];
  const aliasSequences = u32[(address + 84) >> 2];
  const wantedOf = new Map<readonly string[], Uint16Array>();
  return (tree, types, kinds) => {
    let wanted = wantedOf.get(types);
    if (!wanted) {
      const symbols = language.types.length;
      const byPublic = language.types.map((t) => (t === undefined ? -1 : types.indexOf(t)));
      wanted = new Uint16Array(symbols + 1);
      for (let i = 0; i < symbols; i++) wanted[i] = byPublic[heap.HEAPU16![(publicSymbols + 2 * i) >> 1]] + 1;
      wanted[symbols] = types.indexOf('ERROR') + 1;
      wantedOf.set(types, wanted);
    }
    U8 = heap.HEAPU8!;
    U16 = heap.HEAPU16!;
    U32 = heap.HEAPU32!;
    // TSTree starts with its root Subtree; the root node's id is that slot's address.
    const root = (tree as unknown as { 0: number })[0];
    const word = U32[root >> 2];
    if (word & 1) return librarySearch(tree, types, kinds);
    const s: Search = { aliasSequences, maxAlias, wanted, found: [] };
    const bytes = U32[(word + PADDING) >> 2];
    const row = U32[(word + PADDING + 4) >> 2];
    const col = U32[(word + PADDING + 8) >> 2];
    const sizeRows = U32[(word + SIZE + 4) >> 2];
    // The library skips a node that ends at (0, 0) with its children (an empty file's module).
    if (row + sizeRows === 0 && col + U32[(word + SIZE + 8) >> 2] === 0) return [];
    // The root is a candidate too, as in the library (an ERROR when nothing parsed; never aliased).
    const symbol = U16[(word + SYMBOL) >> 1];
    const kind = wanted[symbol === ERROR_SYMBOL ? wanted.length - 1 : symbol];
    if (kind) s.found.push(root, bytes, row, col, 0, kind);
    visit(s, word, bytes, row, col);
    const f = s.found;
    const out = new Array<Node>(f.length / 6);
    if (kinds) kinds.length = out.length;
    for (let i = 0, j = 0; i < f.length; i += 6, j++) {
      out[j] = make(tree, f[i], f[i + 1] >> 1, f[i + 2], f[i + 3] >> 1, f[i + 4]);
      if (kinds) kinds[j] = f[i + 5] - 1;
    }
    return out;
  };
}

/**
 * Whether `search` gives exactly the nodes `descendantsOfType` gives on `tree`, for every type of the language (id,
 * type, start, position and alias of each node, in order), and each node's type in `kinds`.
 */
export function verifyTypeSearch(search: TreeTypeSearch, tree: Tree): boolean {
  const types = tree.language.types.filter((t): t is string => !!t);
  if (!types.includes('ERROR')) types.push('ERROR');
  const key = (n: Node | null) =>
    n
      ? `${n.id} ${n.type} ${n.startIndex} ${n.startPosition.row}:${n.startPosition.column} ${n.endIndex} ${n.text.length}`
      : '-';
  const theirs = tree.rootNode.descendantsOfType(types);
  const kinds: number[] = [];
  const mine = search(tree, types, kinds);
  return (
    theirs.length > 100 &&
    theirs.length === mine.length &&
    theirs.every((n, i) => key(n) === key(mine[i]) && kinds[i] === types.indexOf(n!.type))
  );
}

let registered: { language: Language; search: TreeTypeSearch } | null = null;

/** Use `search` for trees of `language` from now on (null: the library's search again). */
export function useTypeSearch(language: Language, search: TreeTypeSearch | null): void {
  registered = search ? { language, search } : null;
}

/** The search in use and the language it reads (null: the library's). */
export function typeSearchInUse(): { language: Language; search: TreeTypeSearch } | null {
  return registered;
}

/**
 * Every node of `tree` of one of `types`, in document order: the walk above when verified, else the library's. With
 * `kinds`, each node's type as its index in `types`.
 */
export function descendantsOfTypes(tree: Tree, types: readonly string[], kinds?: number[]): Node[] {
  return registered?.language === tree.language
    ? registered.search(tree, types, kinds)
    : librarySearch(tree, types, kinds);
}

function librarySearch(tree: Tree, types: readonly string[], kinds?: number[]): Node[] {
  const nodes = tree.rootNode.descendantsOfType(types as string[]).filter((n): n is Node => !!n);
  if (kinds) {
    // One `.type` per type id (each crosses into WASM).
    const byId = new Map<number, number>();
    kinds.length = nodes.length;
    nodes.forEach((n, i) => {
      const id = n.typeId;
      let k = byId.get(id);
      if (k === undefined) byId.set(id, (k = types.indexOf(n.type)));
      kinds[i] = k;
    });
  }
  return nodes;
}

/**
 * A sample for `verifyTypeSearch`: extras (comments) between structural children, aliased soft keywords, nested
 * f-strings, non-BMP characters (two UTF-16 units), line continuations, and syntax errors (ERROR and MISSING nodes).
 */
export const TYPE_SEARCH_SAMPLE = `# -*- coding: utf-8 -*-
"""Module docstring with é and 𝄞."""
import datajoint as dj, numpy as np  # comment
from .pkg import (a,  # inside
    b as c)
schema = dj.schema("lab_" + "x")
@schema
class Session(dj.Manual):
    definition = f"""
    # séance 𝄞 {dj.config['x']!r:>{width}}
    id : int  # é
    """
    def make(self, key, *args, **kwargs):
        q = (Session & key).proj(a="b") * np.ones(3) @ other
        with dj.config(safemode=False) as cfg, open("f") as g:
            return [x for x in q if x] + list(lambda y=1: y)
match = type = print = exec = 1
match command.split():
    case [action, obj] if obj:
        pass
    case {"k": v, **rest}:
        pass
type Alias[T] = list[T]
total = 1 + \\
    2  # continued
async def f():
    async with a as b:
        await g(x := 3)
try:
    import missing
except (ImportError, AttributeError):
    pass
print "old style"
def broken(:
    x = (1 +
class T(dj.Manual:
    definition = """
    id: int
    """
`;

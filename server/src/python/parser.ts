// Loads web-tree-sitter and the Python grammar once per process. The two wasm files sit beside the bundle
// (dist/) or, when running from compiled sources (tests), in node_modules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Parser, Language, Node, type Tree } from 'web-tree-sitter';
import {
  type NodeFactory,
  TYPE_SEARCH_SAMPLE,
  treeTypeSearch,
  useTypeSearch,
  verifyTypeSearch,
  type WasmHeap,
} from './typeWalk';

export interface PythonParser {
  /** Parse text; pass the previous (already edited) tree for an incremental parse. The caller owns the result. */
  parse(text: string, oldTree?: Tree | null): Tree;
  readonly abiVersion: number;
  readonly runtimeAbi: { min: number; max: number };
  /** Node transfers go through the module's Int32Array view (`fastNodeTransfer`), not its generic accessors. */
  readonly fastTransfer: boolean;
  /** Bytes of WASM memory now (it grows with the trees alive). */
  memoryBytes(): number;
}

let loading: Promise<PythonParser> | undefined;

/**
 * Characters handed to an incremental parse per read. web-tree-sitter copies up to 5,119 characters of what a read
 * returns into WASM memory, one at a time, and an incremental parse reads again after each subtree it reuses: with
 * the whole rest of the text it copied ~120,000 characters per edit of a 5,000-line file, ~40,000 in 1 KB reads
 * (a whole parse reads each character about once either way).
 */
const INCREMENTAL_READ = 1024;

function locate(file: string, pkgPath: string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(pkgPath);
}

export function loadPython(): Promise<PythonParser> {
  loading ??= (async () => {
    const runtimeWasm = locate('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
    const wasmModule: WasmMemory & { locateFile: () => string } = { locateFile: () => runtimeWasm };
    await Parser.init(wasmModule);
    const fastTransfer = fastNodeTransfer(wasmModule);
    fastFieldLookup();
    const grammarWasm = locate('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm');
    const language = await Language.load(grammarWasm);
    const parser = new Parser();
    parser.setLanguage(language);
    // These are module-level `let`s set by init(); read them from the live module object.
    const live = require('web-tree-sitter') as { MIN_COMPATIBLE_VERSION: number; LANGUAGE_VERSION: number };
    const runtimeAbi = { min: live.MIN_COMPATIBLE_VERSION, max: live.LANGUAGE_VERSION };
    if (language.abiVersion < runtimeAbi.min || language.abiVersion > runtimeAbi.max) {
      throw new Error(
        `tree-sitter-python ABI ${language.abiVersion} is outside web-tree-sitter's range ${runtimeAbi.min}-${runtimeAbi.max}; pin the two packages together`,
      );
    }
    const selfTest = parser.parse('import datajoint as dj\n');
    if (!selfTest || selfTest.rootNode.hasError) throw new Error('tree-sitter-python self-test failed');
    selfTest.delete();
    enableTypeWalk(parser, language, wasmModule);
    return {
      parse(text: string, oldTree?: Tree | null): Tree {
        const tree = oldTree
          ? parser.parse((at: number) => text.slice(at, at + INCREMENTAL_READ), oldTree)
          : parser.parse(text, null);
        if (!tree) throw new Error('tree-sitter returned no tree');
        // Node texts are read through the parse's reader: the whole rest of the text, one slice per node.
        if (oldTree) (tree as Tree & { textCallback: (at: number) => string }).textCallback = (at) => text.slice(at);
        return tree;
      },
      abiVersion: language.abiVersion,
      runtimeAbi,
      fastTransfer,
      memoryBytes: () => wasmModule.HEAP32?.byteLength ?? 0,
    };
  })();
  return loading;
}

/**
 * Whole-tree type searches read the tree from JavaScript (typeWalk.ts) when the bundled library has the node
 * factory (scripts/webTreeSitterPatch.cjs) and the walk gives the library's own answer on a sample.
 */
function enableTypeWalk(parser: Parser, language: Language, heap: WasmHeap): void {
  // Typed arrays read WASM memory (little-endian) in the host's byte order.
  const make = os.endianness() === 'LE' ? (Node as unknown as { _fromWalk?: NodeFactory })._fromWalk : undefined;
  const search = make ? treeTypeSearch(language, heap, make) : null;
  const sample = search && parser.parse(TYPE_SEARCH_SAMPLE);
  if (!search || !sample) return;
  try {
    useTypeSearch(language, verifyTypeSearch(search, sample) ? search : null);
  } finally {
    sample.delete();
  }
}

/** What `fastNodeTransfer` needs of the Emscripten module (the options object `Parser.init` was given). */
interface WasmMemory extends WasmHeap {
  HEAP32?: Int32Array;
  setValue?: (ptr: number, value: number, type?: string) => void;
  getValue?: (ptr: number, type?: string) => number;
}

/**
 * web-tree-sitter moves every node it hands out or is asked about through WASM memory, ten 32-bit values per node,
 * with the module's generic `setValue`/`getValue` (a type-string switch and a DataView call each): 5% of a
 * `dj-migrate check`'s CPU. Emscripten makes the options object given to `Parser.init` the module itself, so
 * its 32-bit accesses can be answered from the module's current Int32Array view (replaced on memory growth, hence
 * read at each call). Little-endian hosts only (the DataView path exists for the others); other types untouched.
 */
function fastNodeTransfer(m: WasmMemory): boolean {
  const { setValue, getValue } = m;
  if (os.endianness() !== 'LE' || !(m.HEAP32 instanceof Int32Array) || !setValue || !getValue) return false;
  m.setValue = (ptr, value, type) => {
    if (type === 'i32') m.HEAP32![ptr >> 2] = value;
    else setValue(ptr, value, type);
  };
  m.getValue = (ptr, type) => (type === 'i32' ? m.HEAP32![ptr >> 2] : getValue(ptr, type));
  return true;
}

/**
 * web-tree-sitter's `childForFieldName` finds the name's id by a linear search of the language's field names at
 * every call (the index and the rules ask for fields a few hundred thousand times per 1,000 files). The ids are
 * looked up in a map of the last language seen instead; the answer is the library's own (`childForFieldId`).
 */
function fastFieldLookup(): void {
  const proto = Node.prototype as Node & { fastFields?: true };
  if (proto.fastFields) return;
  proto.fastFields = true;
  let language: Language | null = null;
  let ids = new Map<string, number>();
  proto.childForFieldName = function (this: Node, name: string): Node | null {
    const own = this.tree.language;
    if (own !== language) {
      language = own;
      ids = new Map();
      for (const [i, f] of own.fields.entries()) if (f !== null && !ids.has(f)) ids.set(f, i);
    }
    const id = ids.get(name);
    return id === undefined ? null : this.childForFieldId(id);
  };
}

/** Parse, hand the tree to fn, and always free it: leaked trees exhaust WASM memory after ~200 parses. */
export async function withTree<T>(text: string, fn: (tree: Tree) => T): Promise<T> {
  const py = await loadPython();
  const tree = py.parse(text);
  try {
    return fn(tree);
  } finally {
    tree.delete();
  }
}

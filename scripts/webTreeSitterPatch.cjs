// What the bundles (esbuild.mjs) change in web-tree-sitter's CommonJS build, pinned at 0.27.2 in package.json.
//
// web-tree-sitter keeps a Node's last WASM handle word in an indexed field (`[0]`, a class field, set again in the
// constructor). An integer key makes V8 give every Node an elements store of 17 slots (152 bytes) and define it
// through its generic path: a `dj-migrate check` creates a few million Nodes (every node handed out, even one read
// once), and on the bench corpus this cost ~4% of the check's instructions and a quarter of its young garbage.
// The patch keeps the same word in a named field, read in the one place that reads it (marshalNode). Nothing
// outside the library reads it (it is @internal). Each edit must match exactly once: a different library text (an
// upgrade) fails the build instead of shipping a half-patched library; look at the library again then.
// test/unit/webTreeSitterPatch.test.ts loads the patched text and compares its nodes with the library's own.
//
// The patch also gives Node a static factory, `Node._fromWalk`, making a node as unmarshalNode does from the words it
// reads: server/src/python/typeWalk.ts reads trees in WASM memory and hands out nodes through it.

/** [what, replacement] pairs: the Node class's field, its constructor's store, marshalNode's read, the factory. */
const EDITS = [
  [
    '    __name(this, "Node");\n  }\n  /** @internal */\n  // @ts-expect-error: never read\n  [0] = 0;',
    '    __name(this, "Node");\n  }\n  /** @internal */\n  // @ts-expect-error: never read\n  _other = 0;',
  ],
  [
    '    assertInternal(internal);\n    this[0] = other;\n    this.id = id;',
    '    assertInternal(internal);\n    this._other = other;\n    this.id = id;',
  ],
  ['  C.setValue(address, node[0], "i32");', '  C.setValue(address, node._other, "i32");'],
  [
    '__name(unmarshalNode, "unmarshalNode");\n',
    '__name(unmarshalNode, "unmarshalNode");\nNode._fromWalk = (tree, id, startIndex, row, column, other) =>\n  new Node(INTERNAL, { id, tree, startIndex, startPosition: { row, column }, other });\n',
  ],
];

/** web-tree-sitter.cjs's text with Node's handle word in a named field; throws unless every edit matches once. */
function patchWebTreeSitter(source) {
  let out = source;
  for (const [from, to] of EDITS) {
    const count = out.split(from).length - 1;
    if (count !== 1)
      throw new Error(`web-tree-sitter patch: expected one ${JSON.stringify(from)}, found ${count} (library changed?)`);
    out = out.replace(from, () => to);
  }
  return out;
}

module.exports = { patchWebTreeSitter };

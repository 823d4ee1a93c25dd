// The injection grammar tokenises definition strings: attribute names, types, defaults, comments, `->` references
// and the divider. A minimal stand-in for the Python grammar is enough: the injection targets `source.python`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { repoRoot } from '../helpers/paths';

async function loadGrammar(): Promise<IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const injection = path.join(repoRoot, 'syntaxes', 'datajoint-definition.injection.json');
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      if (scope === 'source.python')
        return parseRawGrammar(JSON.stringify({ scopeName: 'source.python', patterns: [] }), 'python.json');
      if (scope === 'datajoint.definition.injection')
        return parseRawGrammar(fs.readFileSync(injection, 'utf8'), injection);
      return null;
    },
    getInjections: (scope: string) => (scope === 'source.python' ? ['datajoint.definition.injection'] : undefined),
  });
  const g = await registry.loadGrammar('source.python');
  assert.ok(g);
  return g;
}

function tokens(grammar: IGrammar, text: string): Array<[string, string]> {
  let state = INITIAL;
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const value = line.slice(t.startIndex, t.endIndex);
      if (value.trim()) out.push([value.trim(), t.scopes[t.scopes.length - 1]]);
    }
    state = r.ruleStack;
  }
  return out;
}

test('definition strings are highlighted; other strings are not', async () => {
  const grammar = await loadGrammar();
  const t = tokens(
    grammar,
    [
      'class Session(dj.Manual):',
      '    definition = """',
      '    # a session',
      '    -> Subject',
      '    session_idx : tinyint unsigned   # index',
      '    ---',
      "    notes = '' : varchar(255)",
      '    signal : <blob@raw>',
      '    index (session_idx)',
      '    """',
      'doc = """x : int"""',
    ].join('\n'),
  );
  const scopeOf = (v: string) => t.find(([value]) => value === v)?.[1];
  assert.equal(scopeOf('->'), 'keyword.operator.reference.datajoint');
  assert.equal(scopeOf('Subject'), 'entity.name.type.class.table.datajoint');
  assert.equal(scopeOf('session_idx'), 'variable.other.attribute.datajoint');
  assert.equal(scopeOf('tinyint unsigned'), 'storage.type.attribute-type.datajoint');
  assert.equal(scopeOf('# index'), 'comment.line.number-sign.datajoint');
  assert.equal(scopeOf('---'), 'keyword.operator.divider.datajoint');
  assert.equal(scopeOf("''"), 'constant.other.default-value.datajoint');
  assert.equal(scopeOf('<blob@raw>'), 'storage.type.attribute-type.datajoint');
  assert.equal(scopeOf('# a session'), 'comment.line.number-sign.table-comment.datajoint');
  assert.equal(scopeOf('index'), 'keyword.other.index.datajoint');
  assert.ok(
    !t.some(([v, s]) => v.includes('x : int') && s.includes('datajoint')),
    'a string that is not a definition stays plain',
  );
});

// DJ001-019: module-level names and imports that 2.x removed or renamed (api-changes.md §1A, §1G).
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './context';
import { ensureImport, keywordArgs, positionalArgs } from './edits';
import { inlineKeyHash, keyHashImportFix } from './keyHash';
import type { RuleMeta } from './meta';
import {
  SCHEMA_ALIAS,
  VIRTUAL_MODULE,
  ERD,
  DJ_KEY,
  KEY_HASH,
  KILL,
  SET_PASSWORD,
  ATTRIBUTE_ADAPTER,
  REMOVED_MODULE,
  REMOVED_SYMBOL,
  IMPORT_FORM,
  FREETABLE,
  CONN_CACHED,
  CONN_INIT,
  HEADING_FIELDS,
} from './modules/meta';
import { mapPacked } from '../mapPacked';
import { lowerBound } from '../lowerBound';

const RENAMES: Record<string, { to: string; meta: RuleMeta }> = {
  schema: { to: 'Schema', meta: SCHEMA_ALIAS },
  create_virtual_module: { to: 'VirtualModule', meta: VIRTUAL_MODULE },
  ERD: { to: 'Diagram', meta: ERD },
  Di: { to: 'Diagram', meta: ERD },
};
const REMOVED_NAMES: Record<string, RuleMeta> = {
  key: DJ_KEY,
  key_hash: KEY_HASH,
  kill: KILL,
  set_password: SET_PASSWORD,
  AttributeAdapter: ATTRIBUTE_ADAPTER,
};
const REMOVED_MODULES = new Set(['fetch', 'hash', 'external', 'admin', 'attribute_adapter', 's3', 'plugin']);
const REMOVED_SYMBOLS: Record<string, string[]> = {
  jobs: ['JobTable', 'key_hash'],
  table: ['Log'],
  utils: ['get_master', 'ClassProperty', 'parse_sql'],
  errors: [
    'PluginWarning',
    '_switch_adapted_types',
    '_switch_filepath_types',
    'ADAPTED_TYPE_SWITCH',
    'FILEPATH_FEATURE_SWITCH',
  ],
  schemas: ['Schema'],
};

function checkImports(ctx: RuleContext): void {
  for (const imp of ctx.index.imports.dj) {
    if (ctx.isGuarded(imp.statement)) continue;
    const sub = imp.module.split('.')[1];
    if (imp.name === 'key_hash' && ['datajoint', 'datajoint.hash', 'datajoint.jobs'].includes(imp.module)) {
      const edits = keyHashImportFix(ctx, imp);
      if (edits) {
        ctx.report(KEY_HASH, imp.node, {
          message: `\`from ${imp.module} import key_hash\` fails in DataJoint 2.x (ImportError); inline the same digest with hashlib`,
          edits,
          fixTitle: 'Inline the identical MD5 digest with hashlib at each call',
        });
        continue;
      }
    }
    if (sub && REMOVED_MODULES.has(sub)) {
      ctx.report(REMOVED_MODULE, imp.statement.childForFieldName('module_name') ?? imp.node, {
        message: `\`${imp.module}\` does not exist in DataJoint 2.x (ImportError)`,
      });
      continue;
    }
    if (imp.name === null) continue;
    if (sub && REMOVED_SYMBOLS[sub]?.includes(imp.name)) {
      ctx.report(REMOVED_SYMBOL, imp.node, { message: `\`${imp.module}.${imp.name}\` was removed in DataJoint 2.x` });
      continue;
    }
    if (imp.module !== 'datajoint') continue;
    const rename = RENAMES[imp.name];
    if (rename) {
      const nameNode = imp.node.type === 'aliased_import' ? imp.node.childForFieldName('name')! : imp.node;
      const edit =
        imp.node.type === 'aliased_import'
          ? ctx.replace(nameNode, rename.to)
          : ctx.replace(nameNode, `${rename.to} as ${imp.name}`);
      ctx.report(IMPORT_FORM, imp.node, {
        message: `\`from datajoint import ${imp.name}\` fails in DataJoint 2.x; import \`${rename.to}\``,
        edits: [edit],
        fixTitle: `Import \`${rename.to}\` as \`${imp.local}\``,
      });
    } else if (REMOVED_NAMES[imp.name]) {
      ctx.report(REMOVED_NAMES[imp.name], imp.node, {
        message: `\`from datajoint import ${imp.name}\` fails in DataJoint 2.x: ${REMOVED_NAMES[imp.name].title}`,
      });
    }
  }
}

function checkAttributes(ctx: RuleContext): void {
  const aliases = mapPacked([...ctx.index.imports.djModules], (a) => a + '.');
  for (const node of ctx.index.syntax.attributes) {
    // What the node's text starts with, read in the file's text: an attribute is longer than `alias.`, and
    // `node.text` would ask WASM for its end first.
    const start = node.startIndex;
    if (!aliases.some((a) => ctx.text.startsWith(a, start))) continue;
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute');
    if (!obj || !attr || ctx.index.qualified(obj) !== 'datajoint') continue;
    if (ctx.isGuarded(node)) continue;
    const name = attr.text;
    if (checkSubmoduleMember(ctx, node, name)) continue;
    const rename = RENAMES[name];
    if (rename) {
      ctx.report(rename.meta, node, {
        edits: [ctx.replace(attr, rename.to)],
        fixTitle: `Replace with \`dj.${rename.to}\``,
      });
      continue;
    }
    if (name === 'key') {
      if (isFetchArgument(node)) continue; // DJ020 rewrites fetch(dj.key)
      if (isFetchArgument(node, 'fetch1'))
        ctx.report({ ...DJ_KEY, safety: 'safe' }, node, {
          message: '`dj.key` was removed in DataJoint 2.x; inside `fetch1` the string "KEY" asks for the primary key',
          edits: [ctx.replace(node, '"KEY"')],
          fixTitle: 'Replace with "KEY"',
        });
      else ctx.report(DJ_KEY, node);
    } else if (name === 'key_hash') reportKeyHash(ctx, node);
    else if (name === 'kill') ctx.report(KILL, node);
    else if (name === 'set_password') ctx.report(SET_PASSWORD, node);
    else if (name === 'AttributeAdapter') ctx.report(ATTRIBUTE_ADAPTER, node);
    else if (
      name === 'admin' ||
      name === 'external' ||
      name === 's3' ||
      name === 'plugin' ||
      name === 'attribute_adapter'
    )
      ctx.report(REMOVED_MODULE, node, { message: `\`dj.${name}\` does not exist in DataJoint 2.x` });
    else if (name === 'FreeTable' && isTypeUse(node)) ctx.report(FREETABLE, node);
    else if (
      name === 'conn' &&
      node.parent?.type === 'attribute' &&
      node.parent.childForFieldName('attribute')?.text === 'connection'
    ) {
      ctx.report(CONN_CACHED, node.parent, {
        edits: [ctx.replace(node.parent, `${obj.text}.conn()`)],
        fixTitle: 'Replace with `dj.conn()`',
      });
    }
  }
  // Adapters imported by name: class X(AttributeAdapter)
  for (const cls of ctx.index.syntax.classes) {
    for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (base?.type === 'identifier' && ctx.index.qualified(base) === 'datajoint.AttributeAdapter')
        ctx.report(ATTRIBUTE_ADAPTER, base);
    }
  }
}

/** `dj.key_hash`, `dj.hash.key_hash` or `dj.jobs.key_hash` (the same 0.14.6 function): inlined when called with one argument. */
function reportKeyHash(ctx: RuleContext, node: Node, message?: string): void {
  const call =
    node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id ? node.parent : null;
  const edit = call ? inlineKeyHash(ctx, call) : null;
  if (edit)
    ctx.report(KEY_HASH, node, {
      message,
      edits: [edit, ...ensureImport(ctx, 'hashlib')],
      fixTitle: 'Inline the identical MD5 digest with hashlib',
    });
  else ctx.report(KEY_HASH, node, { message });
}

/**
 * A member reached through a 0.14.6 submodule, `dj.hash.key_hash(k)` or `dj.utils.get_master(t)` (`node` is `dj.hash`):
 * reported like the `from datajoint.<sub> import <name>` form. True when reported.
 */
function checkSubmoduleMember(ctx: RuleContext, node: Node, sub: string): boolean {
  const outer =
    node.parent?.type === 'attribute' && node.parent.childForFieldName('object')?.id === node.id ? node.parent : null;
  const member = outer?.childForFieldName('attribute')?.text;
  const path = `${node.text}.${member}`;
  if (outer && member === 'key_hash' && (sub === 'hash' || sub === 'jobs')) {
    reportKeyHash(
      ctx,
      outer,
      `\`${path}\` fails in DataJoint 2.x (\`key_hash\` and the \`datajoint.hash\` module were removed); inline the same digest with hashlib`,
    );
    return true;
  }
  if (outer && member && REMOVED_SYMBOLS[sub]?.includes(member)) {
    const instead = SYMBOL_REPLACEMENTS[`${sub}.${member}`];
    ctx.report(REMOVED_SYMBOL, outer, {
      message: `\`${path}\` was removed in DataJoint 2.x (AttributeError)${instead ? `; ${instead}` : ': there is no replacement'}`,
    });
    return true;
  }
  if (sub === 'hash') {
    ctx.report(REMOVED_MODULE, node, {
      message: `\`${node.text}\` does not exist in DataJoint 2.x (the \`datajoint.hash\` module was removed)`,
    });
    return true;
  }
  return false;
}

/** What 2.x offers instead of a removed submodule member (api-changes.md `mod-removed-symbols`); nothing for the others. */
const SYMBOL_REPLACEMENTS: Record<string, string> = {
  'jobs.JobTable': 'the per-table job table is `datajoint.jobs.Job` (`T.jobs`)',
  'utils.get_master': 'its 2.x counterpart is `datajoint.dependencies.extract_master`',
  'schemas.Schema': 'use `dj.Schema`',
};

const CONNECTION_WORDS = /conn|Connection/g;
const HEADING_FIELD_USES = /\.(is_external|is_attachment|is_filepath|adapter)/g;

/** Whether a match of `re` (global) starts inside the node: found from the text, without reading the node's. */
function spelledIn(ctx: RuleContext, re: RegExp, node: Node): boolean {
  const spots = ctx.spotsFor(re, node.startIndex);
  const at = lowerBound(spots, node.startIndex);
  return at < spots.length && spots[at] < node.endIndex;
}

function checkConnections(ctx: RuleContext): void {
  for (const call of ctx.index.syntax.calls) {
    if (!spelledIn(ctx, CONNECTION_WORDS, call)) continue;
    const q = ctx.index.qualified(call.childForFieldName('function')!);
    if (q !== 'datajoint.conn' && q !== 'datajoint.Connection' && q !== 'datajoint.connection.Connection') continue;
    if (keywordArgs(call).has('init_fun')) ctx.report(CONN_INIT, call);
    else if (q !== 'datajoint.conn' && positionalArgs(call).length >= 5)
      ctx.report(CONN_INIT, call, {
        message: 'The fifth positional argument of `dj.Connection` was `init_fun` in 0.14.6 and is `use_tls` in 2.x',
      });
  }
}

function checkHeadingFields(ctx: RuleContext): void {
  const FIELDS = new Set(['is_external', 'is_attachment', 'is_filepath', 'adapter']);
  for (const node of ctx.index.syntax.attributes) {
    if (
      !spelledIn(ctx, HEADING_FIELD_USES, node) ||
      !/\.(is_external|is_attachment|is_filepath|adapter)$/.test(node.text)
    )
      continue;
    const attr = node.childForFieldName('attribute')?.text ?? '';
    if (!FIELDS.has(attr)) continue;
    if (/\.heading\b/.test(node.childForFieldName('object')?.text ?? '') && ctx.index.usesDataJoint)
      ctx.report(HEADING_FIELDS, node);
  }
}

function isFetchArgument(node: Node, method = 'fetch'): boolean {
  const call = node.parent?.parent;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  return (
    node.parent?.type === 'argument_list' &&
    fn?.type === 'attribute' &&
    fn.childForFieldName('attribute')?.text === method
  );
}

function isTypeUse(node: Node): boolean {
  const p = node.parent;
  if (p?.type === 'argument_list' && p.parent?.type === 'class_definition') return true;
  if (
    p?.type === 'argument_list' &&
    p.parent?.type === 'call' &&
    p.parent.childForFieldName('function')?.text === 'isinstance'
  )
    return true;
  if (p?.type === 'tuple' && p.parent?.type === 'argument_list') return isTypeUse(p);
  return false;
}

export const moduleRules: Rule[] = [
  {
    metas: [
      SCHEMA_ALIAS,
      VIRTUAL_MODULE,
      ERD,
      DJ_KEY,
      KEY_HASH,
      KILL,
      SET_PASSWORD,
      ATTRIBUTE_ADAPTER,
      REMOVED_MODULE,
      REMOVED_SYMBOL,
      IMPORT_FORM,
      FREETABLE,
      CONN_CACHED,
      CONN_INIT,
      HEADING_FIELDS,
    ],
    check(ctx) {
      checkImports(ctx);
      checkAttributes(ctx);
      checkConnections(ctx);
      checkHeadingFields(ctx);
    },
  },
];

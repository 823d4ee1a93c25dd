// DJ122: placeholders in a definition whose value is only known at run time (`{self._dtype}` in a template
// base class that subclasses fill, `{extra_attributes}`), where they decide a type or whole attribute lines.
// Placeholders in foreign keys, names, defaults and comments do not change what the type rules check.
import type { RuleMeta } from '../meta';
import { readDefinition, type Span } from './lines';

export const DEFINITION_PLACEHOLDER: RuleMeta = {
  code: 'DJ122',
  name: 'definition-placeholder',
  title: 'A definition takes a type from a placeholder whose value is only known at run time',
  safety: 'manual',
  severity: 'warning',
  phase: 1,
  catalogue: ['§2.1'],
  docs: {
    summary:
      'The type rules check the literal parts of a definition built from an f-string, a `definition` property or `.format()`. A placeholder that supplies a type or whole attribute lines (template base classes whose subclasses fill it) cannot be checked: find the values it takes and migrate them by hand (`longblob` → `<blob>`, `int unsigned` → `int64`, …). Module-level string constants are resolved and checked like the rest.',
    before:
      'class Trace(dj.Computed):\n    @property\n    def definition(self):\n        return f"""\n        -> {self.source}\n        ---\n        trace : {self.dtype}\n        """',
    after: '# check every value of `self.dtype` (e.g. "longblob" → "<blob>")',
  },
};

/** Placeholders (`{…}`) that stand in a type position or for whole attribute lines, in order. */
export function placeholdersInTypes(text: string): Array<Span & { text: string }> {
  const out: Array<Span & { text: string }> = [];
  const collect = (span: Span) => {
    for (const m of text.slice(span.start, span.end).matchAll(/\{[^{}\n]*\}/g))
      out.push({ start: span.start + m.index, end: span.start + m.index + m[0].length, text: m[0] });
  };
  for (const line of readDefinition(text)) {
    if (line.kind === 'attribute' && line.attr.dynamicType) collect(line.attr.type);
    else if (line.kind === 'unparsed') collect(line.span);
  }
  return out;
}

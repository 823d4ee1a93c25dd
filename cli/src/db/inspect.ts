// dj-migrate db inspect --schemas a [--json] [--target URL …]: what introspection sees — tables, tiers,
// columns with their DataJoint kind, keys, stores, and each schema's version verdict with reasons. With
// --target the schemas are read on that server instead (on PostgreSQL: 2.x types from the column comments).
import type { CliIO } from '../io';
import { DB_OPTIONS, list, parse, UsageError } from '../args';
import { introspect } from '../../../client/src/db/introspect';
import { dependencyOrder } from '../../../client/src/db/plan';
import type { Column, Schema } from '../../../client/src/db/model';
import { withDb } from './target';
import { TARGET_OPTIONS, targetFrom, withTarget } from './targetFlags';
import { describeTarget } from '../../../client/src/db/connect/target';
import { introspectPgSchemas } from '../../../client/src/db/schema/pgCatalog';

export const summary = 'show schemas as DataJoint sees them: tiers, column kinds, keys, stores, version verdict';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parse(argv, { ...DB_OPTIONS, ...TARGET_OPTIONS, exact: { type: 'boolean' } });
  const schemas = list(flags, 'schemas');
  if (!schemas.length) throw new UsageError('inspect needs --schemas a,b,c');
  const exactCounts = flags.exact === true;
  const target = await targetFrom(flags, io);
  const withOrder = (s: Schema[]) => ({ schemas: s, order: dependencyOrder(s).map((t) => `${t.schema}.${t.name}`) });
  // With --target only the target is read: the source connection is not opened.
  const result: { schemas: Schema[]; order: string[]; where?: string; dialect?: string } = target
    ? await withTarget(target, async (t) => ({
        where: describeTarget(target),
        dialect: t.dialect,
        ...withOrder(
          t.dialect === 'postgresql'
            ? await introspectPgSchemas(t.db, schemas, { exactCounts })
            : await introspect(t.db, schemas, { exactCounts }),
        ),
      }))
    : await withDb(flags, io, async (db) => withOrder(await introspect(db, schemas, { exactCounts })));
  const where = result.where ? `${result.where}${result.dialect === 'postgresql' ? ' (PostgreSQL)' : ''}` : '';
  io.out(flags.json ? JSON.stringify(result, null, 2) : render(result.schemas, result.order, where));
  return 0;
}

export function kindOf(c: Column): string {
  const s = c.storage;
  switch (s.form) {
    case 'pointer014':
      return `${s.kind}@${s.store} (0.14.6 pointer)`;
    case 'json2x':
      return `<${s.codec}@${s.store}> (2.x JSON)`;
    case 'adapted':
      return `<${s.name}${s.store !== undefined ? '@' + s.store : ''}> (adapter/codec)`;
    case 'blob':
      return 'serialized blob';
    case 'attach':
      return 'attachment in row';
    default:
      return s.form === 'plain' ? (c.label2x ? `:${c.label2x}:` : 'native') : s.form;
  }
}

function render(schemas: Schema[], order: string[], where: string): string {
  const lines: string[] = where ? [`on ${where}`, ''] : [];
  for (const s of schemas) {
    lines.push(`schema ${s.name}${s.charset ? ` (${s.charset}/${s.collation})` : ''}: ${s.version}`);
    for (const r of s.reasons) lines.push(`  - ${r}`);
    if (s.externalStores.length) lines.push(`  stores: ${s.externalStores.join(', ')}`);
    if (s.hidden.length) lines.push(`  hidden tables: ${s.hidden.map((t) => t.name).join(', ')}`);
    for (const t of s.tables) {
      lines.push(`  ${t.name} [${t.tier}] ~${t.rowEstimate} rows${t.comment ? ` — ${t.comment}` : ''}`);
      for (const c of t.columns) {
        const pk = t.primaryKey.includes(c.name) ? '*' : ' ';
        lines.push(
          `    ${pk} ${c.name}: ${c.columnType}${c.nullable ? ' null' : ''} — ${kindOf(c)}${c.comment ? ` # ${c.comment}` : ''}`,
        );
      }
      for (const fk of t.foreignKeys)
        lines.push(
          `    -> ${fk.refSchema}.${fk.refTable} (${fk.columns.join(', ')})${fk.columns.join() !== fk.refColumns.join() ? ` as (${fk.refColumns.join(', ')})` : ''}`,
        );
      for (const i of t.indexes)
        lines.push(`    ${i.unique ? 'unique ' : ''}index ${i.name} (${i.columns.join(', ')})`);
    }
    lines.push('');
  }
  lines.push(`dependency order: ${order.join(', ')}`);
  return lines.join('\n');
}

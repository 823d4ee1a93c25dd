// 0.14.6 table → the table 2.x itself would declare for the migrated definition, as a model (so it can be
// compared with what exists) and as CREATE TABLE text. The type mapping is common/src/djtypes.ts; this
// file adds what only the database knows: foreign-key inheritance, in-store columns, indexes, charsets.
import { composeComment2x, normalizeColumnType, toType2x, type Type014 } from '../../../common/src/djtypes';
import type { Column, ForeignKey, Index, Table } from './model';
import { tableKey } from './model';
import { decodeStorage } from './introspect';
import { DbInputError, lit, q, qList, qt } from './sql';

export type DbUnsignedPolicy = 'widen' | 'native';

export interface TargetTable {
  source: Table;
  target: Table;
  /** What changed and why, per column, in the user's terms. */
  notes: string[];
}

const STRING_TYPES = /^(char|varchar|tinytext|text|mediumtext|longtext|enum|set)\b/;
const NULL_DEFAULT_ONLY = /^(tinyblob|blob|mediumblob|longblob|json|tinytext|text|mediumtext|longtext)\b/;

/**
 * The 2.x tables for 0.14.6 tables, given in dependency order (parents first): each foreign key column
 * takes its parent's 2.x column, so parents must be mapped before their children. `schemaMap` maps every
 * source schema a foreign key may point to onto its parallel schema.
 */
export function targetTables(
  sources: Table[],
  schemaMap: ReadonlyMap<string, string>,
  policy: DbUnsignedPolicy,
): TargetTable[] {
  const done = new Map<string, Table>(); // source key → target table
  const out: TargetTable[] = [];
  for (const src of sources) {
    const t = targetTable(src, schemaMap, policy, done);
    done.set(tableKey(src), t.target);
    out.push(t);
  }
  return out;
}

function targetTable(
  src: Table,
  schemaMap: ReadonlyMap<string, string>,
  policy: DbUnsignedPolicy,
  done: Map<string, Table>,
): TargetTable {
  const where = tableKey(src);
  if (src.primaryKey.length === 0)
    throw new DbInputError(
      `table ${where} has no primary key; DataJoint tables always have one, so this is not a table create-parallel can migrate`,
    );
  if (src.tier === 'unknown')
    throw new DbInputError(
      `table ${where} does not follow DataJoint's naming (tier prefixes #, _, __, part names): it was not declared by DataJoint`,
    );
  const targetSchema = schemaMap.get(src.schema);
  if (!targetSchema) throw new DbInputError(`no target schema for ${src.schema}`);
  const notes: string[] = [];

  const foreignKeys: ForeignKey[] = [];
  const inherited = new Map<string, { parent: Table; column: Column }>();
  for (const fk of src.foreignKeys) {
    if (fk.refTable.startsWith('~external_') && fk.refSchema === src.schema) continue; // replaced by JSON metadata
    if (fk.refTable.startsWith('~'))
      throw new DbInputError(
        `table ${where} has a foreign key to the hidden table ${fk.refSchema}.${fk.refTable}, which 2.x does not use`,
      );
    const refTarget = schemaMap.get(fk.refSchema);
    if (!refTarget)
      throw new DbInputError(
        `table ${where} references ${fk.refSchema}.${fk.refTable}, outside the schemas being migrated: add ${fk.refSchema} to --schemas (or map it with --pair)`,
      );
    const parent = done.get(`${fk.refSchema}.${fk.refTable}`);
    if (!parent)
      throw new DbInputError(
        `table ${where} references ${fk.refSchema}.${fk.refTable}, which is not among the tables being created`,
      );
    fk.columns.forEach((c, i) => {
      if (inherited.has(c)) return;
      const column = parent.columns.find((pc) => pc.name === fk.refColumns[i]);
      if (!column)
        throw new DbInputError(
          `table ${where}: foreign key column ${c} refers to ${fk.refTable}.${fk.refColumns[i]}, which does not exist`,
        );
      inherited.set(c, { parent, column });
    });
    foreignKeys.push({ ...fk, name: '', refSchema: refTarget });
  }

  const converted = new Set<string>();
  const columns: Column[] = src.columns.map((c) => {
    const from = inherited.get(c.name);
    if (from) return inheritedColumn(c, from.column);
    const col = ownColumn(c, policy, notes, where);
    if (col.dataType === 'json' && c.dataType !== 'json') converted.add(c.name);
    return col;
  });

  const fkColumnSets = src.foreignKeys.map((fk) => fk.columns.join('\u0000'));
  const indexes: Index[] = [];
  for (const idx of src.indexes) {
    // InnoDB creates an index for every foreign key that has none; the kept keys get theirs again, and
    // the ones to ~external_* go away with their keys (as in a table 2.x declares).
    if (!idx.unique && fkColumnSets.includes(idx.columns.join('\u0000'))) continue;
    const onJson = idx.columns.filter((c) => converted.has(c));
    if (onJson.length) {
      notes.push(
        `index ${idx.name} on ${onJson.join(', ')} is not created: the column becomes JSON, which MySQL cannot index`,
      );
      continue;
    }
    indexes.push({ ...idx, columns: [...idx.columns] });
  }

  const target: Table = {
    schema: targetSchema,
    name: src.name,
    tier: src.tier,
    comment: src.comment,
    charset: src.charset,
    collation: src.collation,
    columns,
    primaryKey: [...src.primaryKey],
    foreignKeys,
    indexes,
    rowEstimate: 0,
  };
  return { source: src, target, notes };
}

/** A foreign-key column as 2.x declares it: the parent's type, the parent's comment, only `:uuid:` kept. */
function inheritedColumn(c: Column, parent: Column): Column {
  const uuid = parent.storage.form === 'uuid';
  return {
    name: c.name,
    columnType: parent.columnType,
    dataType: parent.dataType,
    nullable: c.nullable,
    default: c.nullable ? 'NULL' : null,
    extra: '',
    charset: parent.charset,
    collation: parent.collation,
    comment: parent.comment,
    storage: uuid ? { form: 'uuid' } : { form: 'plain' },
    label2x: uuid ? 'uuid' : null,
  };
}

function ownColumn(c: Column, policy: DbUnsignedPolicy, notes: string[], where: string): Column {
  const at = `${where}.${c.name}`;
  let sql: string;
  let label: string | null;
  const s = c.storage;
  if (s.form === 'pointer014') {
    sql = 'json';
    label = `<${s.kind}@${s.store}>`;
    notes.push(`${c.name}: ${s.kind}@${s.store} pointer → JSON metadata :${label}: (filled by db copy)`);
  } else if (s.form === 'adapted' && s.store !== undefined && c.dataType === 'binary') {
    sql = 'json';
    label = `<${s.name}@${s.store}>`;
    notes.push(
      `${c.name}: adapter <${s.name}> over an external store → :${label}:; register a 2.x Codec named ${s.name}`,
    );
  } else {
    const t014: Type014 = c.type014 ?? {
      kind: 'unknown',
      text: c.columnType,
      base: c.dataType,
      unsigned: false,
      autoIncrement: false,
    };
    const adapterTypes = s.form === 'adapted' ? { [s.name]: normalizeColumnType(c.columnType) } : undefined;
    const t2 = toType2x({ ...t014, autoIncrement: /auto_increment/i.test(c.extra) || t014.autoIncrement }, policy, {
      adapterTypes,
    });
    if (t2.failsIn2x && s.form === 'adapted') {
      // An adapter over a type 2.x has no core name for (binary(16), say): the column stays as it is.
      sql = c.columnType;
      label = `<${s.name}>`;
      notes.push(
        `${c.name}: adapter <${s.name}> over ${c.columnType}; the column is kept, register a 2.x Codec named ${s.name}`,
      );
    } else if (t2.failsIn2x) {
      if (t014.kind !== 'unknown') throw new DbInputError(`${at}: ${t2.notes.join(' ')}`);
      sql = c.columnType;
      label = null;
      notes.push(`${c.name}: ${c.columnType} is not a DataJoint type; kept as it is (no label)`);
    } else {
      sql = t2.sql;
      label = t2.label;
      if (normalizeColumnType(sql) !== normalizeColumnType(c.columnType))
        notes.push(`${c.name}: ${c.columnType} → ${sql}${label ? ` :${label}:` : ''}`);
      else if (t2.native)
        notes.push(`${c.name}: ${sql} stays a native type (2.x declares it without a label and warns)`);
    }
  }
  const dataType = /^[a-z]+/.exec(sql.toLowerCase())?.[0] ?? sql;
  const isString = STRING_TYPES.test(sql.toLowerCase());
  let def = c.default;
  if (NULL_DEFAULT_ONLY.test(sql.toLowerCase())) def = c.nullable ? 'NULL' : null;
  return {
    name: c.name,
    columnType: sql,
    dataType,
    nullable: c.nullable,
    default: def,
    extra: c.extra,
    charset: isString ? c.charset : null,
    collation: isString ? c.collation : null,
    comment: c.comment,
    storage: decodeStorage(dataType, label),
    label2x: label,
  };
}

/** The full column comment 2.x writes: `:label:comment`. */
export function columnComment(c: Column): string {
  return composeComment2x(c.label2x ?? null, c.comment);
}

/** Character set and collation names come from the catalogue; still, only plain words go into DDL text. */
function word(name: string, what: string): string {
  if (!/^\w+$/.test(name)) throw new DbInputError(`unexpected ${what} name ${JSON.stringify(name)}`);
  return name;
}

/** One column's full definition (type, charset, nullability, default, extra, comment), as CREATE TABLE and ALTER … MODIFY need it. */
export function columnSql(c: Column): string {
  const parts = [q(c.name), c.columnType];
  if (c.charset && c.collation)
    parts.push(`CHARACTER SET ${word(c.charset, 'character set')} COLLATE ${word(c.collation, 'collation')}`);
  parts.push(c.nullable ? 'NULL' : 'NOT NULL');
  if (c.default !== null && !(c.default === 'NULL' && !c.nullable)) parts.push(`DEFAULT ${c.default}`);
  if (c.extra) parts.push(c.extra);
  const comment = columnComment(c);
  if (comment) parts.push(`COMMENT ${lit(comment)}`);
  return parts.join(' ');
}

/**
 * CREATE TABLE for a target table: every column's character set and collation spelled out, InnoDB
 * naming its own foreign keys (as for a table 2.x declares), and IF NOT EXISTS so a re-run is harmless.
 */
export function createTableSql(t: Table): string {
  const lines = t.columns.map(columnSql);
  lines.push(`PRIMARY KEY (${qList(t.primaryKey)})`);
  for (const fk of t.foreignKeys)
    lines.push(
      `FOREIGN KEY (${qList(fk.columns)}) REFERENCES ${qt(fk.refSchema, fk.refTable)} (${qList(fk.refColumns)}) ON UPDATE ${fk.onUpdate} ON DELETE ${fk.onDelete}`,
    );
  for (const idx of t.indexes)
    lines.push(`${idx.unique ? 'UNIQUE INDEX' : 'INDEX'} ${q(idx.name)} (${qList(idx.columns)})`);
  const options = `ENGINE=InnoDB DEFAULT CHARSET=${word(t.charset, 'character set')} COLLATE=${word(t.collation, 'collation')}${t.comment ? ` COMMENT=${lit(t.comment)}` : ''}`;
  return `CREATE TABLE IF NOT EXISTS ${qt(t.schema, t.name)} (\n  ${lines.join(',\n  ')}\n) ${options}`;
}

/** CREATE DATABASE with the source schema's character set and collation (MySQL 8's default differs). */
export function createSchemaSql(name: string, charset: string, collation: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${q(name)} CHARACTER SET ${word(charset, 'character set')} COLLATE ${word(collation, 'collation')}`;
}

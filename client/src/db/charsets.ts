// Character sets and collations: what `db preflight` reports per schema, and `create-parallel --charset`:
// the parallel schema's text columns declared in another character set (db copy converts), the keys and
// unique indexes whose comparisons change meaning (found by asking the server, so MySQL 8 and MariaDB each
// answer for their own collations), and the values that cannot be represented, refused by key.
import type { Db } from './connection';
import type { Column, Schema, Table } from './model';
import { tableKey } from './model';
import type { TargetTable } from './ddl';
import { DbInputError, lit, q, qList, qt } from './sql';

export interface CharsetTarget {
  charset: string;
  collation: string;
}

/** One schema's default and the distinct (character set, collation) pairs of its text columns. */
export interface SchemaCharsets {
  schema: string;
  charset: string;
  collation: string;
  columns: { charset: string; collation: string; count: number }[];
}

export function charsetSummary(schemas: Schema[]): SchemaCharsets[] {
  return schemas.map((s) => {
    const sets = new Map<string, { charset: string; collation: string; count: number }>();
    for (const t of s.tables)
      for (const c of t.columns) {
        if (!c.charset || !c.collation) continue;
        const k = `${c.charset}/${c.collation}`;
        const e = sets.get(k) ?? { charset: c.charset, collation: c.collation, count: 0 };
        e.count++;
        sets.set(k, e);
      }
    const columns = [...sets.values()].sort((a, b) => b.count - a.count || a.collation.localeCompare(b.collation));
    return { schema: s.name, charset: s.charset, collation: s.collation, columns };
  });
}

/** "lab: default latin1/latin1_swedish_ci; columns latin1/latin1_swedish_ci ×12" */
export function describeCharsets(c: SchemaCharsets): string {
  const cols = c.columns.map((x) => `${x.charset}/${x.collation} ×${x.count}`).join(', ');
  return `${c.schema}: default ${c.charset}/${c.collation}; text columns ${cols || 'none'}`;
}

/** The named character set and collation as this server knows them (the collation defaults to the server's). */
export async function resolveCharsetTarget(db: Db, charset: string, collation?: string): Promise<CharsetTarget> {
  const rows = await db.query<{ c: string; d: string | null }>(
    'SELECT COLLATION_NAME AS c, IS_DEFAULT AS d FROM information_schema.COLLATIONS WHERE CHARACTER_SET_NAME = ?',
    [charset],
  );
  if (!rows.length) throw new DbInputError(`character set ${charset} is not known to this server`);
  if (collation === undefined) {
    const def = rows.find((r) => r.d === 'Yes');
    if (!def)
      throw new DbInputError(`character set ${charset} has no default collation here; name one with --collation`);
    return { charset, collation: def.c };
  }
  if (!rows.some((r) => r.c === collation))
    throw new DbInputError(
      `collation ${collation} is not a collation of ${charset} on this server (${db.flavor} ${db.version}; ` +
        'MariaDB has no utf8mb4_0900_* collations, for example)',
    );
  return { charset, collation };
}

/** Declares every text column, and the tables' defaults, in `to` (inherited key columns follow their parents). */
export function convertCharsets(tables: TargetTable[], to: CharsetTarget): void {
  for (const { target } of tables) {
    target.charset = to.charset;
    target.collation = to.collation;
    for (const c of target.columns)
      if (c.charset && c.collation) {
        c.charset = to.charset;
        c.collation = to.collation;
      }
  }
}

/** Comparisons that tell collations apart: [what, left, right] (the values are converted to each charset). */
const PROBES: [string, string, string][] = [
  ['case (a/A)', 'a', 'A'],
  ['accents (e/é)', 'e', 'é'],
  ['umlauts (u/ü)', 'u', 'ü'],
  ['ß/ss', 'ß', 'ss'],
  ['trailing spaces (a/"a ")', 'a', 'a '],
];

/** For each probe: are the two values equal under the collation (null when the charset cannot hold them)? */
export async function collationTraits(db: Db, charset: string, collation: string): Promise<(boolean | null)[]> {
  const w = (s: string) => {
    if (!/^\w+$/.test(s)) throw new DbInputError(`unexpected character set or collation name ${JSON.stringify(s)}`);
    return s;
  };
  const as = (v: string) => `CONVERT(${lit(v)} USING ${w(charset)})`;
  const fits = (v: string) => `CAST(CONVERT(${as(v)} USING utf8mb4) AS BINARY) = CAST(${lit(v)} AS BINARY)`;
  const cols = PROBES.map(
    ([, a, b], i) =>
      `IF(${fits(a)} AND ${fits(b)}, ${as(a)} COLLATE ${w(collation)} = ${as(b)} COLLATE ${w(collation)}, NULL) AS p${i}`,
  );
  const [row] = await db.query<Record<string, number | string | null>>(`SELECT ${cols.join(', ')}`);
  return PROBES.map((_, i) => (row[`p${i}`] === null ? null : Number(row[`p${i}`]) === 1));
}

/**
 * The primary keys and unique indexes whose string columns change collation, with what compares differently
 * now. "equal → distinct": lookups that matched may no longer match; "distinct → equal": values that were
 * different keys may now collide (the copy then stops on the duplicate and names it).
 */
export async function comparisonChanges(db: Db, tables: TargetTable[]): Promise<string[]> {
  const traits = new Map<string, Promise<(boolean | null)[]>>();
  const of = (c: Column) => {
    const k = `${c.charset}/${c.collation}`;
    let p = traits.get(k);
    if (!p) traits.set(k, (p = collationTraits(db, c.charset as string, c.collation as string)));
    return p;
  };
  const out: string[] = [];
  let unchanged = 0;
  for (const { source, target } of tables) {
    const keys: { label: string; columns: string[] }[] = [
      { label: 'PRIMARY KEY', columns: target.primaryKey },
      ...target.indexes.filter((i) => i.unique).map((i) => ({ label: `UNIQUE ${i.name}`, columns: i.columns })),
    ];
    for (const key of keys) {
      const changes: string[] = [];
      let changed = false;
      for (const name of key.columns) {
        const s = source.columns.find((c) => c.name === name);
        const t = target.columns.find((c) => c.name === name);
        if (!s?.collation || !t?.collation || s.collation === t.collation) continue;
        changed = true;
        const [before, after] = await Promise.all([of(s), of(t)]);
        const diffs = PROBES.flatMap(([what], i) =>
          before[i] !== null && after[i] !== null && before[i] !== after[i]
            ? [`${what} ${before[i] ? 'equal' : 'distinct'} → ${after[i] ? 'equal' : 'distinct'}`]
            : [],
        );
        if (diffs.length) changes.push(`${name} ${s.collation} → ${t.collation}: ${diffs.join(', ')}`);
      }
      if (changes.length)
        out.push(`${tableKey(target)} ${key.label} (${key.columns.join(', ')}): ${changes.join('; ')}`);
      else if (changed) unchanged++;
    }
  }
  if (unchanged)
    out.push(`${unchanged} other key(s) change collation with no difference in case, accents, ß/ss or trailing spaces`);
  return out;
}

/** Character sets every value of which has a Unicode equivalent: converting to a Unicode set is lossless. */
const UNICODE = new Set(['utf8mb4', 'utf16', 'utf16le', 'utf32']);

export interface Unrepresentable {
  column: string;
  count: number;
  /** The primary keys of the first values that do not survive the conversion. */
  keys: Record<string, unknown>[];
}

/**
 * Values of `source` text columns that `target`'s character set cannot hold: converted there and back they
 * are not the same bytes. Nothing to check when the target is Unicode (every MySQL character set maps into it).
 */
export async function unrepresentableValues(
  db: Db,
  source: Table,
  target: Table,
  limit = 10,
): Promise<Unrepresentable[]> {
  const out: Unrepresentable[] = [];
  for (const s of source.columns) {
    const t = target.columns.find((c) => c.name === s.name);
    if (!s.charset || !t?.charset || s.charset === t.charset || UNICODE.has(t.charset)) continue;
    if (!/^\w+$/.test(s.charset) || !/^\w+$/.test(t.charset)) throw new DbInputError('unexpected character set name');
    const col = q(s.name);
    const lost = `${col} IS NOT NULL AND CAST(CONVERT(CONVERT(${col} USING ${t.charset}) USING ${s.charset}) AS BINARY) <> CAST(${col} AS BINARY)`;
    const from = qt(source.schema, source.name);
    const [n] = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${lost}`);
    if (Number(n.n) === 0) continue;
    const keys = await db.query<Record<string, unknown>>(
      `SELECT ${qList(source.primaryKey)} FROM ${from} WHERE ${lost} ORDER BY ${qList(source.primaryKey)} LIMIT ${limit}`,
    );
    out.push({ column: s.name, count: Number(n.n), keys });
  }
  return out;
}

/** A preflight warning per schema that is not all utf8mb4 (the published guide asks for utf8mb4). */
export function charsetWarnings(sets: SchemaCharsets[]): { level: 'warn'; message: string }[] {
  return sets
    .filter((s) => s.charset !== 'utf8mb4' || s.columns.some((c) => c.charset !== 'utf8mb4'))
    .map((s) => ({
      level: 'warn' as const,
      message: `${describeCharsets(s)}: the published guide asks for utf8mb4; create-parallel --charset utf8mb4 [--collation NAME] declares the parallel schema in it (db copy converts)`,
    }));
}

/** InnoDB's limit for one index (DYNAMIC/COMPRESSED rows), MySQL 8 and MariaDB 10.5+ alike. */
export const MAX_INDEX_BYTES = 3072;
const FIXED_BYTES: Record<string, number> = {
  tinyint: 1,
  smallint: 2,
  mediumint: 3,
  int: 4,
  integer: 4,
  bigint: 8,
  float: 4,
  double: 8,
  date: 3,
  time: 6,
  year: 1,
  datetime: 8,
  timestamp: 7,
  enum: 2,
};

/** Upper bound of the bytes one column takes in an index, given each character set's bytes per character. */
export function indexBytes(c: Column, maxlen: ReadonlyMap<string, number>): number {
  const t = c.columnType.toLowerCase();
  const n = Number(/\((\d+)/.exec(t)?.[1] ?? 1);
  if (/^(var)?char\b/.test(t)) return n * (maxlen.get(c.charset ?? '') ?? 4);
  if (/^(var)?binary\b/.test(t)) return n;
  if (/^decimal\b/.test(t)) return Math.ceil(n / 2) + 1;
  return FIXED_BYTES[/^[a-z]+/.exec(t)?.[0] ?? ''] ?? 0;
}

/** Keys and indexes that would exceed InnoDB's limit once their text columns are in the new character set. */
export function oversizedIndexes(tables: TargetTable[], maxlen: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const { target } of tables) {
    const keys = [{ name: 'PRIMARY KEY', columns: target.primaryKey }, ...target.indexes];
    for (const k of keys) {
      const bytes = k.columns.reduce((sum, name) => {
        const c = target.columns.find((x) => x.name === name);
        return sum + (c ? indexBytes(c, maxlen) : 0);
      }, 0);
      if (bytes > MAX_INDEX_BYTES)
        out.push(`${tableKey(target)} ${k.name} (${k.columns.join(', ')}) takes up to ${bytes} bytes`);
    }
  }
  return out;
}

/** Bytes per character of every character set the server knows. */
export async function charsetMaxlen(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ c: string; n: number }>(
    'SELECT CHARACTER_SET_NAME AS c, MAXLEN AS n FROM information_schema.CHARACTER_SETS',
  );
  return new Map(rows.map((r) => [r.c, Number(r.n)]));
}

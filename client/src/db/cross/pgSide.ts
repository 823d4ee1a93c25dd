// The target side on PostgreSQL (side.ts), for migrations into DataJoint 2.x on PostgreSQL: one PostgreSQL
// schema per DataJoint schema inside the target database. Writes go through `COPY … FROM STDIN`
// (copy/pgWrite.ts: one transaction per call, lazily encoded lines, a key already present fails the call);
// reads take PostgreSQL's text output (nothing parsed lossily) and turn it into the canonical values of
// side.ts: boolean → "0"/"1" (0.14.6 tinyint), uuid → its text, bytea → bytes, jsonb → its JSON text (compared
// by value), real → the exact float32, timestamp(n) → its text (both sides at UTC: an instant), character(n)
// without its padding (MySQL strips it). Keys order differently than on MySQL (collations, engines), so the
// engine reads this side by key lists and pages it in its own order; no digests.
import { type PgDb, openPg, pq, pqt } from '../connect/dialects/postgres';
import { introspectPg, type PgColumnInfo, type PgTableInfo } from '../connect/dialects/pgIntrospect';
import type { TargetSpec } from '../connect/target';
import { normalizeDecimal, normalizeTemporal } from '../compareValues';
import { copySql, writeChunkPg } from '../copy/pgWrite';
import { uuidText } from './canon';
import type { CanonColumn, CanonKey, CanonRow, CanonValue, CrossTable, TargetSide, TargetTableInfo } from './side';

/** Keys per `IN (…)` list (each key takes one parameter per key column; PostgreSQL allows 65535). */
const KEYS_PER_QUERY = 1000;

/** A value of PostgreSQL's text output (bytea as bytes) in the canonical form of `c`'s kind. */
export function canonFromPg(c: Pick<CanonColumn, 'kind'>, udt: string, v: unknown): CanonValue {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return c.kind === 'bytes' ? v : v.toString('utf8');
  const s = String(v);
  if (udt === 'bool') return s === 't' ? '1' : '0';
  switch (c.kind) {
    case 'int':
    case 'bool':
      return BigInt(s).toString();
    case 'float':
      return udt === 'float4' ? Math.fround(Number(s)) : Number(s);
    case 'decimal':
      return normalizeDecimal(s);
    case 'bytes':
      return Buffer.from(s, 'utf8');
    case 'uuid':
      return uuidText(s);
    case 'datetime':
    case 'time':
      return normalizeTemporal(s);
    default:
      return udt === 'bpchar' ? s.replace(/ +$/, '') : s;
  }
}

export class PgSide implements TargetSide {
  readonly dialect = 'postgresql' as const;
  private readonly tables = new Map<string, PgTableInfo | null>();

  constructor(
    readonly db: PgDb,
    private readonly label: string,
  ) {}

  describe(): string {
    return this.label;
  }

  async existingSchemas(names: readonly string[]): Promise<string[]> {
    if (!names.length) return [];
    const rows = await this.db.query<{ n: string }>('SELECT nspname AS n FROM pg_namespace WHERE nspname = ANY($1)', [
      [...names],
    ]);
    return rows.map((r) => r.n);
  }

  /** The target table from the catalogue (cached per run; a schema is read whole on first use). */
  async model(schema: string, name: string): Promise<PgTableInfo | null> {
    const id = `${schema}.${name}`;
    if (!this.tables.has(id)) {
      const found = await introspectPg(this.db, [schema]);
      for (const [k, t] of found) this.tables.set(k, t);
      if (!this.tables.has(id)) this.tables.set(id, null);
    }
    return this.tables.get(id) ?? null;
  }

  async tableInfo(schema: string, name: string): Promise<TargetTableInfo | null> {
    const t = await this.model(schema, name);
    return t ? { columns: t.columns.map((c) => c.name), primaryKey: [...t.primaryKey] } : null;
  }

  private async columnsOf(t: CrossTable): Promise<PgColumnInfo[]> {
    const m = await this.model(t.schema, t.name);
    if (!m) throw new Error(`${t.schema}.${t.name} does not exist on ${this.label}`);
    return t.columns.map((c) => {
      const pc = m.columns.find((x) => x.name === c.name);
      if (!pc) throw new Error(`${t.schema}.${t.name} on ${this.label} has no column ${c.name}`);
      return pc;
    });
  }

  async rowCount(t: CrossTable): Promise<number> {
    const [r] = await this.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${pqt(t.schema, t.name)}`);
    return Number(r.n);
  }

  private async select(t: CrossTable, tail: string, params: unknown[]): Promise<CanonRow[]> {
    const cols = await this.columnsOf(t);
    const r = await this.db.queryText(
      `SELECT ${t.columns.map((c) => pq(c.name)).join(', ')} FROM ${pqt(t.schema, t.name)} ${tail}`,
      params,
    );
    return r.rows.map((row) => t.columns.map((c, i) => canonFromPg(c, cols[i].udt, row[i])));
  }

  /** A canonical key value as a parameter: PostgreSQL reads '0'/'1' as boolean, uuid text as uuid. */
  private keyParams(key: CanonKey): unknown[] {
    return key.map((v) => (typeof v === 'number' ? String(v) : v));
  }

  async readKeys(t: CrossTable, keys: readonly CanonKey[]): Promise<CanonRow[]> {
    const out: CanonRow[] = [];
    const pk = t.primaryKey.map(pq).join(', ');
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const params: unknown[] = [];
      const tuples = keys.slice(i, i + KEYS_PER_QUERY).map(
        (k) =>
          `(${this.keyParams(k)
            .map((v) => `$${params.push(v)}`)
            .join(', ')})`,
      );
      out.push(...(await this.select(t, `WHERE (${pk}) IN (${tuples.join(', ')})`, params)));
    }
    return out;
  }

  async readChunk(t: CrossTable, after: CanonKey | null, limit: number): Promise<CanonRow[]> {
    const pk = t.primaryKey.map(pq).join(', ');
    const params = after ? this.keyParams(after) : [];
    const where = after ? `WHERE (${pk}) > (${params.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    return this.select(t, `${where} ORDER BY ${pk} LIMIT ${Math.max(1, Math.floor(limit))}`, params);
  }

  async writeRows(t: CrossTable, rows: readonly CanonRow[], signal?: AbortSignal): Promise<number> {
    if (!rows.length) return 0;
    const columns = await this.columnsOf(t);
    return writeChunkPg(this.db, { schema: t.schema, name: t.name, columns, primaryKey: t.primaryKey }, rows, signal);
  }

  describeWrite(t: CrossTable, rows: number): string {
    const cols = t.columns.map((c) => ({
      name: c.name,
      type: '',
      core: null,
      nullable: true,
      default: null,
      comment: null,
    }));
    return `${copySql({ schema: t.schema, name: t.name, columns: cols, primaryKey: t.primaryKey })} /* ${rows} row(s), on ${this.label} */;`;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export async function openPgSide(t: TargetSpec): Promise<PgSide> {
  const db = await openPg(t);
  return new PgSide(db, db.describe());
}

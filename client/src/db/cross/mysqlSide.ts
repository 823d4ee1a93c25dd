// The target side on another MySQL/MariaDB server (side.ts): multi-row parameterised INSERTs bounded by
// the target's max_allowed_packet, one transaction per call on a dedicated session (KILL QUERY on cancel),
// any warning fails the call. Keys order as on the source (create-parallel copies collations), so the engine
// reads key ranges and compares chunks by digest (the same SQL on both servers: mysqlDigest.ts).
import { openDb, type Db, type Row } from '../connection';
import { describeTarget, type TargetSpec } from '../connect/target';
import { introspect } from '../introspect';
import type { Column, Table } from '../model';
import { q, qList, qt } from '../sql';
import { type KeyColumn, and, keyAfter, keyColumns, keyRange, orderBy, valueBytes } from '../chunks';
import type { Key } from '../state';
import { canonFromMysql, canonToMysql, mysqlReadExpr } from './canon';
import { mysqlRangeDigest } from './mysqlDigest';
import type { CanonKey, CanonRow, CrossTable, RangeDigest, SameOrderSide, TargetSide, TargetTableInfo } from './side';

export class MysqlSide implements TargetSide, SameOrderSide {
  readonly dialect = 'mysql' as const;
  readonly sameKeyOrder: SameOrderSide = this;
  private readonly models = new Map<string, Table | null>();
  private maxPacket = 0;

  constructor(
    readonly db: Db,
    private readonly label: string,
  ) {}

  describe(): string {
    return this.label;
  }

  async existingSchemas(names: readonly string[]): Promise<string[]> {
    if (!names.length) return [];
    const rows = await this.db.query<{ s: string }>(
      'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
      [[...names]],
    );
    return rows.map((r) => r.s);
  }

  /** The target table as introspect.ts sees it (cached per run). */
  async model(schema: string, name: string): Promise<Table | null> {
    const id = `${schema}.${name}`;
    if (!this.models.has(id)) {
      if (!(await this.existingSchemas([schema])).length) return null;
      const [s] = await introspect(this.db, [schema]);
      for (const t of s?.tables ?? []) this.models.set(`${schema}.${t.name}`, t);
      if (!this.models.has(id)) this.models.set(id, null);
    }
    return this.models.get(id) ?? null;
  }

  async tableInfo(schema: string, name: string): Promise<TargetTableInfo | null> {
    const t = await this.model(schema, name);
    return t ? { columns: t.columns.map((c) => c.name), primaryKey: [...t.primaryKey] } : null;
  }

  async rowCount(t: CrossTable): Promise<number> {
    const [r] = await this.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(t.schema, t.name)}`);
    return Number(r.n);
  }

  private selectList(t: CrossTable): string {
    return t.columns.map((c, i) => `${mysqlReadExpr(c, 't', q(c.name))} AS ${q(`c${i}`)}`).join(', ');
  }

  private canonRows(t: CrossTable, rows: Row[]): CanonRow[] {
    return rows.map((r) => t.columns.map((c, i) => canonFromMysql(c.kind, r[`c${i}`])));
  }

  async readKeys(t: CrossTable, keys: readonly CanonKey[]): Promise<CanonRow[]> {
    if (!keys.length) return [];
    const kinds = t.primaryKey.map((k) => t.columns.find((c) => c.name === k)?.kind ?? 'text');
    const params = keys.flatMap((k) => k.map((v, i) => canonToMysql(kinds[i], v)));
    const tuple = `(${t.primaryKey.map(() => '?').join(', ')})`;
    const where =
      t.primaryKey.length === 1
        ? `t.${q(t.primaryKey[0])} IN (${keys.map(() => '?').join(', ')})`
        : `(${t.primaryKey.map((k) => `t.${q(k)}`).join(', ')}) IN (${keys.map(() => tuple).join(', ')})`;
    const rows = await this.db.query(
      `SELECT ${this.selectList(t)} FROM ${qt(t.schema, t.name)} AS t WHERE ${where}`,
      params,
    );
    return this.canonRows(t, rows);
  }

  private async keyCols(t: CrossTable): Promise<KeyColumn[]> {
    const m = await this.model(t.schema, t.name);
    const types = new Map((m?.columns ?? []).map((c: Column) => [c.name, c.dataType]));
    return keyColumns(t.primaryKey, (n) => types.get(n) ?? '');
  }

  async readChunk(t: CrossTable, after: CanonKey | null, limit: number): Promise<CanonRow[]> {
    const cols = await this.keyCols(t);
    // Canonical enum keys are labels; as bounds they are compared by index, the order ORDER BY uses.
    const bound = after ? await this.nativeKey(t, cols, after) : null;
    const p = and(bound ? keyAfter(cols, bound, 't') : null);
    const rows = await this.db.query(
      `SELECT ${this.selectList(t)} FROM ${qt(t.schema, t.name)} AS t WHERE ${p.sql} ${orderBy(cols, 't')} LIMIT ${Math.max(1, Math.floor(limit))}`,
      p.params,
    );
    return this.canonRows(t, rows);
  }

  private async nativeKey(t: CrossTable, cols: KeyColumn[], key: CanonKey): Promise<Key> {
    const m = await this.model(t.schema, t.name);
    return key.map((v, i) => {
      const col = t.columns.find((c) => c.name === cols[i].name);
      if (cols[i].byIndex) {
        const labels = enumLabels(m?.columns.find((c) => c.name === cols[i].name)?.columnType ?? '');
        return labels.indexOf(String(v)) + 1;
      }
      return canonToMysql(col?.kind ?? 'text', v) as Key[number];
    });
  }

  async readRange(t: CrossTable, after: Key | null, upTo: Key | null): Promise<CanonRow[]> {
    const cols = await this.keyCols(t);
    const p = keyRange(cols, after, upTo, 't');
    const rows = await this.db.query(
      `SELECT ${this.selectList(t)} FROM ${qt(t.schema, t.name)} AS t WHERE ${p.sql}`,
      p.params,
    );
    return this.canonRows(t, rows);
  }

  async rangeDigest(
    t: CrossTable,
    columns: readonly string[],
    after: Key | null,
    upTo: Key | null,
  ): Promise<RangeDigest> {
    const m = await this.model(t.schema, t.name);
    if (!m) throw new Error(`${t.schema}.${t.name} is missing on ${this.label}`);
    return mysqlRangeDigest(this.db, m, await this.keyCols(t), columns, after, upTo);
  }

  describeWrite(t: CrossTable, rows: number): string {
    return `INSERT INTO ${qt(t.schema, t.name)} (${qList(t.columns.map((c) => c.name))}) VALUES … /* ${rows} row(s), on ${this.label} */;`;
  }

  async writeRows(t: CrossTable, rows: readonly CanonRow[], signal?: AbortSignal): Promise<number> {
    if (!rows.length) return 0;
    if (!this.maxPacket)
      this.maxPacket = Number((await this.db.query<{ v: string }>('SELECT @@max_allowed_packet AS v'))[0].v);
    const limit = Math.max(64 * 1024, Math.floor(this.maxPacket / 2));
    const head = `INSERT INTO ${qt(t.schema, t.name)} (${qList(t.columns.map((c) => c.name))}) VALUES `;
    const tuple = `(${t.columns.map(() => '?').join(', ')})`;
    const kinds = t.columns.map((c) => c.kind);
    return this.db.withConnection(async (c) => {
      const onAbort = () => void this.db.kill(c.threadId, 'query').catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await c.execute('START TRANSACTION');
        let inserted = 0;
        let batch: unknown[] = [];
        let n = 0;
        let bytes = 0;
        const flush = async () => {
          if (!n) return;
          const r = await c.execute(head + Array(n).fill(tuple).join(', '), batch);
          if (r.warningStatus > 0) {
            const w = await c.query<{ Level: string; Code: number; Message: string }>('SHOW WARNINGS');
            throw new Error(
              `an INSERT into ${t.schema}.${t.name} produced warnings, chunk rolled back: ${w.map((x) => `${x.Level} ${x.Code}: ${x.Message}`).join('; ')}`,
            );
          }
          inserted += r.affectedRows;
          batch = [];
          n = 0;
          bytes = 0;
        };
        for (const row of rows) {
          if (signal?.aborted) throw new Error('cancelled');
          const values = row.map((v, i) => canonToMysql(kinds[i], v));
          const b = values.reduce<number>((s, v) => s + valueBytes(v), 0);
          if (n && bytes + b > limit) await flush();
          batch.push(...values);
          n++;
          bytes += b;
        }
        await flush();
        await c.execute('COMMIT');
        return inserted;
      } catch (e) {
        await c.execute('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export async function openMysqlSide(t: TargetSpec): Promise<MysqlSide> {
  const db = await openDb({ host: t.host, port: t.port, user: t.user, password: t.password, tls: t.tls, ca: t.ca });
  return new MysqlSide(db, describeTarget(t));
}

/** `enum('a','b')` → ['a', 'b'] (quotes doubled inside labels). */
function enumLabels(columnType: string): string[] {
  const m = /^enum\((.*)\)$/is.exec(columnType);
  if (!m) return [];
  return [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'"));
}

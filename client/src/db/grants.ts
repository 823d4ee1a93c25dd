// The privileges the current user holds, read from SHOW GRANTS so that every way of holding them counts: global,
// schema-level (LIKE patterns), table-level grants, and grants through roles. Reads only.
//   MySQL 8: privileges of roles count only when the role is active (SET DEFAULT ROLE, SET ROLE or
//   activate_all_roles_on_login); `SHOW GRANTS FOR CURRENT_USER() USING <active roles>` expands them.
//   MariaDB: `SHOW GRANTS` lists the user's grants and those of the current role (one active role); roles granted to
//   that role are read with `SHOW GRANTS FOR <role>`.
import type { Db } from './connection';
import { q } from './sql';

/** One `GRANT <privileges> ON <db>.<table>` line: db and table unquoted, '*' for any. Column grants are left out. */
export interface GrantLine {
  privileges: string[];
  db: string;
  table: string;
}

export interface ParsedGrants {
  grants: GrantLine[];
  /** Roles named in `GRANT <role> TO ...` lines (a role granted to the user or to another role). */
  roles: string[];
}

const IDENT = '(?:\\*|`(?:[^`]|``)*`|[\\w$]+)';
const ON_RE = new RegExp(`^GRANT (.+?) ON (?:TABLE )?(${IDENT})\\.(${IDENT}) TO `, 'i');

function unquote(id: string): string {
  return id.startsWith('`') ? id.slice(1, -1).replace(/``/g, '`') : id;
}

/** Split `SELECT, INSERT (a, b), CREATE TEMPORARY TABLES` at commas outside parentheses. */
function splitPrivileges(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The lines of SHOW GRANTS (either server's format), parsed. Procedure, function and proxy grants are skipped. */
export function parseGrants(lines: readonly string[]): ParsedGrants {
  const grants: GrantLine[] = [];
  const roles: string[] = [];
  for (const line of lines) {
    const on = ON_RE.exec(line);
    if (on) {
      const privileges = splitPrivileges(on[1])
        .filter((p) => !p.includes('(')) // a column-level grant is not a table privilege
        .map((p) => p.toUpperCase().replace(/\s+/g, ' '))
        .map((p) => (p === 'ALL' ? 'ALL PRIVILEGES' : p));
      if (privileges.length) grants.push({ privileges, db: unquote(on[2]), table: unquote(on[3]) });
      continue;
    }
    const role = /^GRANT ((?:`(?:[^`]|``)*`(?:@`(?:[^`]|``)*`)?\s*,?\s*)+) TO /i.exec(line);
    if (role)
      for (const m of role[1].matchAll(/`((?:[^`]|``)*)`(?:@`(?:[^`]|``)*`)?/g)) roles.push(m[1].replace(/``/g, '`'));
  }
  return { grants, roles };
}

/** A MySQL LIKE pattern (as schema-level grants store database names) as a RegExp. */
export function grantPatternToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, 'i');
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Whether `grants` give `privilege` on a schema: globally, by a schema-level pattern, or on every one of the schema's
 * `tables` by table-level grants (never for a schema without tables: creating tables needs a schema-level grant).
 */
export function holds(grants: readonly GrantLine[], schema: string, privilege: string, tables: readonly string[]) {
  const gives = (g: GrantLine) => g.privileges.includes(privilege) || g.privileges.includes('ALL PRIVILEGES');
  if (grants.some((g) => g.db === '*' && gives(g))) return true;
  if (grants.some((g) => g.table === '*' && g.db !== '*' && gives(g) && grantPatternToRegExp(g.db).test(schema)))
    return true;
  const onTable = grants.filter((g) => g.table !== '*' && g.db === schema && gives(g)).map((g) => g.table);
  return tables.length > 0 && tables.every((t) => onTable.includes(t));
}

/** SHOW GRANTS for the current user including the privileges of its active roles, parsed. */
export async function currentGrants(db: Db): Promise<GrantLine[]> {
  const show = async (sql: string) =>
    (await db.query<Record<string, string>>(sql)).map((r) => String(Object.values(r)[0]));
  const [active] = await db.query<{ r: string | null }>('SELECT CURRENT_ROLE() AS r');
  if (db.flavor === 'mysql') {
    // CURRENT_ROLE() is NONE or a list like `r1`@`%`,`r2`@`%`.
    const roles = [...String(active?.r ?? '').matchAll(/`((?:[^`]|``)*)`@`((?:[^`]|``)*)`/g)].map(
      (m) => `${q(m[1].replace(/``/g, '`'))}@${q(m[2].replace(/``/g, '`'))}`,
    );
    const sql = `SHOW GRANTS FOR CURRENT_USER()${roles.length ? ` USING ${roles.join(', ')}` : ''}`;
    return parseGrants(await show(sql)).grants;
  }
  const first = parseGrants(await show('SHOW GRANTS'));
  const grants = [...first.grants];
  // Roles granted to the active role (nested) are effective too; roles granted to the user but not active are not.
  const seen = new Set<string>(active?.r ? [active.r] : []);
  const queue = active?.r ? [active.r] : [];
  while (queue.length) {
    const role = queue.shift()!;
    let parsed: ParsedGrants;
    try {
      parsed = parseGrants(await show(`SHOW GRANTS FOR ${q(role)}`));
    } catch {
      continue; // not allowed to read it: what SHOW GRANTS listed stands
    }
    grants.push(...parsed.grants);
    for (const r of parsed.roles.filter((x) => !seen.has(x))) {
      seen.add(r);
      queue.push(r);
    }
  }
  return grants;
}

/** The base tables of each schema, as the current user sees them. */
export async function tablesOf(db: Db, schemas: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(schemas.map((s) => [s, []]));
  if (!schemas.length) return map;
  const rows = await db.query<{ s: string; t: string }>(
    "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE'",
    [schemas],
  );
  for (const r of rows) map.get(r.s)?.push(r.t);
  return map;
}

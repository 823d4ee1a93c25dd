// On MariaDB a 2.x json column is longtext with CHECK (json_valid), which parses every value inserted (about
// an eighth of a pointer chunk's INSERT … SELECT, measured on 50,000 rows). The JSON a copy writes into pointer
// columns is valid by construction (JSON.stringify, or the server's spelling of the same bytes, tested equal), so
// when the target's only checks are those, a chunk's INSERT runs with `SET STATEMENT check_constraint_checks = 0`;
// any other check (a verbatim json column, a user's constraint) keeps them all. MySQL 8 has a native json type
// and no such check: this is asked of MariaDB only.
import type { Table } from './model';

/** Whether every CHECK of the MariaDB table `target` is json_valid of one of `pointers`. */
export async function onlyPointerChecks(
  session: { read<T>(sql: string, params: unknown[]): Promise<T[]> },
  target: Pick<Table, 'schema' | 'name'>,
  pointers: readonly string[],
): Promise<boolean> {
  const checks = await session.read<{ clause: string }>(
    'SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?',
    [target.schema, target.name],
  );
  const names = new Set(pointers);
  return checks.every((c) => {
    const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(c.clause).trim());
    return m !== null && names.has(m[1].replace(/``/g, '`'));
  });
}

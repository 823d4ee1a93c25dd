// Whether DataJoint 2.x supports the server the migration writes to. From v2.3.0 (commit 4293355b) 2.x warns
// at every connect that "MariaDB is not officially supported by DataJoint 2.x"; its own test is "MariaDB" in
// `@@version`. Some MariaDB builds report only the number there, so `@@version_comment` is read too.
import type { Db } from './connection';

export interface ServerIdentity {
  version: string;
  comment: string;
  mariadb: boolean;
}

export function isMariaDb(version: string, comment: string): boolean {
  return /mariadb/i.test(version) || /mariadb/i.test(comment);
}

export async function identifyServer(db: Db): Promise<ServerIdentity> {
  const [row] = await db.query<{ v: string; c: string | null }>('SELECT VERSION() AS v, @@version_comment AS c');
  const comment = row.c ?? '';
  return { version: row.v, comment, mariadb: isMariaDb(row.v, comment) };
}

/** A preflight warning when the target server is MariaDB (the 0.14.6 source may well be: 0.14.x supported it). */
export function mariadbWarning(id: ServerIdentity): { level: 'warn'; message: string } | undefined {
  if (!id.mariadb) return undefined;
  return {
    level: 'warn',
    message:
      `the target server is MariaDB (${id.version}${id.comment ? `, ${id.comment}` : ''}): DataJoint 2.x does not officially support MariaDB ` +
      '(2.3+ warns "MariaDB is not officially supported" at every connect; compatibility is best-effort). ' +
      'The migration itself works on MariaDB; for production use MySQL 8.0 or later, where 2.x is tested.',
  };
}

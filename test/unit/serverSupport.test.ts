// Recognising MariaDB for the preflight warning: by VERSION() or, for builds that report only a number, by
// @@version_comment. MySQL gets no warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMariaDb, mariadbWarning } from '../../client/src/db/serverSupport';

test('MariaDB is recognised by VERSION() or @@version_comment; MySQL is not', () => {
  assert.equal(isMariaDb('10.11.6-MariaDB-0+deb12u1', 'Debian 12'), true);
  assert.equal(isMariaDb('11.4.2', 'MariaDB Server'), true);
  assert.equal(isMariaDb('10.6.16', 'mariadb.org binary distribution'), true);
  assert.equal(isMariaDb('8.0.36', 'MySQL Community Server - GPL'), false);
  assert.equal(isMariaDb('8.4.0-commercial', 'MySQL Enterprise Server - Commercial'), false);
});

test('the warning names the server and says 2.x does not officially support MariaDB', () => {
  assert.equal(
    mariadbWarning({ version: '8.0.36', comment: 'MySQL Community Server - GPL', mariadb: false }),
    undefined,
  );
  const w = mariadbWarning({ version: '11.4.2', comment: 'MariaDB Server', mariadb: true });
  assert.equal(w?.level, 'warn');
  assert.match(w?.message ?? '', /MariaDB \(11\.4\.2, MariaDB Server\): DataJoint 2\.x does not officially support/);
});
